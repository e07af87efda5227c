import { describe, expect, it } from 'vitest';
import {
  comparePrefix,
  decodeLead,
  encodeLead,
  LEAD_CHECKPOINT_WORDS,
  leadFingerprint,
} from '../../../functions/core/dedup/lead-prefix';
import { normalizeParagraph } from '../../../functions/core/dedup/normalize-paragraph';
import { STORY_A, STORY_B } from './story-fixtures';

const lead = (paragraphs: string[]) => leadFingerprint(paragraphs.map(normalizeParagraph));

describe('leadFingerprint / comparePrefix', () => {
  it('sees an excerpt as the start of the full text, paragraph breaks and typography aside', () => {
    const full = lead(STORY_A);
    const runTogether = lead([`${STORY_A[0]} ${STORY_A[1].toUpperCase().replace(/,/g, ' ,')}`]);
    expect(comparePrefix(runTogether, full).isPrefix).toBe(true);
    expect(runTogether.key).toBe(full.key);
  });

  it('drops the possibly cut last word before a trailing ellipsis', () => {
    const words = STORY_A[1].split(' ');
    const cut = lead([STORY_A[0], `${words.slice(0, 10).join(' ')} ${words[10].slice(0, 3)}…`]);
    expect(comparePrefix(cut, lead(STORY_A)).isPrefix).toBe(true);
  });

  it('does not call a page that continues differently a prefix', () => {
    expect(comparePrefix(lead([STORY_A[0], ...STORY_B]), lead(STORY_A)).isPrefix).toBe(false);
    expect(comparePrefix(lead(STORY_B), lead(STORY_A)).prefixWords).toBe(0);
  });

  it('needs two checkpoints of text (a one-sentence page shares its opening with too many)', () => {
    const oneSentence = lead([
      STORY_A[0]
        .split(' ')
        .slice(0, LEAD_CHECKPOINT_WORDS + 4)
        .join(' '),
    ]);
    expect(comparePrefix(oneSentence, lead(STORY_A)).isPrefix).toBe(false);
  });

  it('round-trips through its stored form', () => {
    const full = lead(STORY_A);
    const { key: _key, ...rest } = full;
    expect(decodeLead(encodeLead(full))).toEqual(rest);
    expect(decodeLead('ld9n1.3.AAAA')).toBeUndefined();
  });
});
