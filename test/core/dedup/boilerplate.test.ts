import { describe, expect, it } from 'vitest';
import {
  BOILERPLATE_MIN_HOST_PAGES,
  isHostBoilerplate,
  shouldRecordForHostCount,
} from '../../../functions/core/dedup/boilerplate';

describe('host boilerplate', () => {
  it('keeps a paragraph on the first pages of a host (cold start)', () => {
    expect(BOILERPLATE_MIN_HOST_PAGES).toBe(3);
    expect(isHostBoilerplate({ hostPageCount: 0, countedThisPage: false })).toBe(false);
    expect(isHostBoilerplate({ hostPageCount: 1, countedThisPage: false })).toBe(false);
  });

  it('removes it from the page that reaches the threshold on', () => {
    expect(isHostBoilerplate({ hostPageCount: 2, countedThisPage: false })).toBe(true);
    expect(isHostBoilerplate({ hostPageCount: 40, countedThisPage: false })).toBe(true);
  });

  it('does not count a reprocessed page twice', () => {
    expect(isHostBoilerplate({ hostPageCount: 2, countedThisPage: true })).toBe(false);
    // ...but once a third page is counted, the reprocess of the first pages removes it.
    expect(isHostBoilerplate({ hostPageCount: 3, countedThisPage: true })).toBe(true);
  });

  it('keeps recording until the stored count proves boilerplate, then stops writing', () => {
    expect(shouldRecordForHostCount({ hostPageCount: 2, countedThisPage: false })).toBe(true);
    expect(shouldRecordForHostCount({ hostPageCount: 3, countedThisPage: false })).toBe(false);
    expect(shouldRecordForHostCount({ hostPageCount: 1, countedThisPage: true })).toBe(false);
  });
});
