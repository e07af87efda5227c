import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../../functions/core/discover/feed-date';

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 24 Nov 2026 10:00:00 GMT', '2026-11-24T10:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 +0100', '2026-11-24T09:00:00.000Z'],
    ['24 Nov 2026 10:00 EST', '2026-11-24T15:00:00.000Z'],
    ['Tue, 24 November 2026 10:00:00 -0530', '2026-11-24T15:30:00.000Z'],
    ['Tue, 24 Sept 2026 10:00:00 Z', '2026-09-24T10:00:00.000Z'],
    ['Tue, 24 Nov 26 10:00:00 UT', '2026-11-24T10:00:00.000Z'],
    ['Tue, 4 Nov 2026 10:00:00', '2026-11-04T10:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 +01:00', '2026-11-24T09:00:00.000Z'],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.123456+02:00', '2026-11-24T08:00:00.123Z'],
    ['2026-11-24T10:00+0200', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24 10:00:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['  2026-11-24T10:00:00-05:00  ', '2026-11-24T15:00:00.000Z'],
  ])('%j → %s', (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });

  it.each([
    ['sometime last week'],
    [''],
    ['2026-02-31'],
    ['2026-13-01'],
    ['0001-01-01T00:00:00Z'],
    ['Tue, 24 Nov 2026 10:00:00 XYZ'],
    ['Tue, 24 Foo 2026 10:00:00 GMT'],
    ['2026-11-24T25:00:00Z'],
  ])('%j → undefined', (input) => {
    expect(parseFeedDate(input)).toBeUndefined();
  });

  it('does not depend on the machine time zone', () => {
    // Date.parse would read a zone-less RFC 822 date in local time; we always use UTC.
    expect(parseFeedDate('24 Nov 2026 10:00:00')).toBe('2026-11-24T10:00:00.000Z');
  });
});
