import { describe, expect, it } from 'vitest';
import { creditMatches, creditedSources } from '../../../functions/core/dedup/source-credit';

describe('creditedSources', () => {
  it('reads wire datelines in the first paragraph', () => {
    expect(creditedSources(['KYIV (Reuters) - Three people were killed.', 'More text here.'])).toEqual([
      'reuters',
    ]);
    expect(creditedSources(['WASHINGTON, D.C. (AP) — The Senate voted.'])).toEqual(['ap']);
  });

  it('reads credit lines at the end', () => {
    const paragraphs = [
      'Body one.',
      'Body two.',
      'Body three.',
      'Body four.',
      'This article first appeared on The Daily Ledger.',
    ];
    expect(creditedSources(paragraphs)).toEqual(['thedailyledger']);
    expect(creditedSources(['Body.', 'Source: Example News'])).toEqual(['examplenews']);
  });

  it('finds nothing in ordinary text', () => {
    expect(creditedSources(['The mayor (a Democrat) said the budget would pass.', 'Nothing else.'])).toEqual(
      [],
    );
  });
});

describe('creditMatches', () => {
  it('matches host labels and site names', () => {
    expect(creditMatches('reuters', 'www.reuters.com')).toBe(true);
    expect(creditMatches('thedailyledger', 'ledger.example', 'The Daily Ledger')).toBe(true);
    expect(creditMatches('dailyledger', 'ledger.example', 'The Daily Ledger')).toBe(true);
    expect(creditMatches('reuters', 'www.example.com', 'Example')).toBe(false);
  });
});
