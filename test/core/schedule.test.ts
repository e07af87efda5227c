import { describe, expect, it } from 'vitest';
import { cronFiresBetween, isDue, parseCron } from '../../functions/core/schedule';

const at = (iso: string) => Date.parse(iso);

describe('isDue', () => {
  it('is due when the source never ran', () => {
    expect(isDue('rate(1 day)', undefined, '2026-11-24T10:00:00Z')).toBe(true);
    expect(isDue('cron(0 6 * * ? *)', undefined, '2026-11-24T10:00:00Z')).toBe(true);
  });

  it('waits a rate interval, with one minute of slack for early ticks', () => {
    const last = '2026-11-24T10:00:05Z';
    expect(isDue('rate(30 minutes)', last, '2026-11-24T10:20:00Z')).toBe(false);
    expect(isDue('rate(30 minutes)', last, '2026-11-24T10:29:10Z')).toBe(true);
    expect(isDue('rate(30 minutes)', last, '2026-11-24T10:30:01Z')).toBe(true);
    expect(isDue('rate(2 hours)', last, '2026-11-24T11:30:00Z')).toBe(false);
    expect(isDue('rate(2 hours)', last, '2026-11-24T12:00:00Z')).toBe(true);
    expect(isDue('rate(1 day)', last, '2026-11-25T09:58:00Z')).toBe(false);
    expect(isDue('rate(1 day)', last, '2026-11-25T09:59:30Z')).toBe(true);
    // A 5-minute scheduler ticking a rate(1 minute) source always runs it.
    expect(isDue('rate(1 minute)', last, '2026-11-24T10:00:06Z')).toBe(true);
  });

  it('runs a cron source once per slot even when ticks are a little early or late', () => {
    const daily = 'cron(0 6 * * ? *)';
    expect(isDue(daily, '2026-11-24T06:00:10Z', '2026-11-24T12:00:00Z')).toBe(false);
    expect(isDue(daily, '2026-11-24T06:00:10Z', '2026-11-25T06:00:03Z')).toBe(true);
    // Ran early (05:59:40, thanks to the slack): the 06:00 tick does not run it again.
    expect(isDue(daily, '2026-11-25T05:59:40Z', '2026-11-25T06:00:20Z')).toBe(false);
    expect(isDue('cron(0/15 * * * ? *)', '2026-11-24T10:00:01Z', '2026-11-24T10:14:59Z')).toBe(true);
    expect(isDue('cron(0/15 * * * ? *)', '2026-11-24T10:00:01Z', '2026-11-24T10:10:00Z')).toBe(false);
  });

  it('does not run twice when the clock goes back, and runs unreadable expressions', () => {
    expect(isDue('rate(5 minutes)', '2026-11-24T10:00:00Z', '2026-11-24T09:00:00Z')).toBe(false);
    expect(isDue('every now and then', '2026-11-24T10:00:00Z', '2026-11-24T10:00:01Z')).toBe(true);
  });
});

describe('cron matching (UTC, EventBridge fields)', () => {
  it('reads weekday names, ranges, lists and steps', () => {
    // 2026-11-24 is a Tuesday; 2026-11-28 a Saturday.
    const weekdays = parseCron('30 8 ? * MON-FRI *')!;
    expect(weekdays(new Date('2026-11-24T08:30:00Z'))).toBe(true);
    expect(weekdays(new Date('2026-11-28T08:30:00Z'))).toBe(false);
    expect(weekdays(new Date('2026-11-24T08:31:00Z'))).toBe(false);
    const numeric = parseCron('0 9,17 ? * 2-6 *')!; // 2 = MON
    expect(numeric(new Date('2026-11-24T17:00:00Z'))).toBe(true);
    expect(numeric(new Date('2026-11-29T17:00:00Z'))).toBe(false); // Sunday
  });

  it('handles L, L-n, W, nL and #k', () => {
    expect(parseCron('0 0 L * ? *')!(new Date('2026-02-28T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 L * ? *')!(new Date('2028-02-28T00:00:00Z'))).toBe(false); // leap year
    expect(parseCron('0 0 L-1 * ? *')!(new Date('2026-11-29T00:00:00Z'))).toBe(true);
    // 2026-11-01 is a Sunday: 1W is Monday the 2nd.
    expect(parseCron('0 0 1W * ? *')!(new Date('2026-11-02T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 1W * ? *')!(new Date('2026-11-01T00:00:00Z'))).toBe(false);
    // Last Friday of November 2026 is the 27th; the first Monday is the 2nd.
    expect(parseCron('0 0 ? * 6L *')!(new Date('2026-11-27T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 ? * 6L *')!(new Date('2026-11-20T00:00:00Z'))).toBe(false);
    expect(parseCron('0 0 ? * MON#1 *')!(new Date('2026-11-02T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 ? * MON#1 *')!(new Date('2026-11-09T00:00:00Z'))).toBe(false);
  });

  it('finds whether a slot lies in a window, and reports years-only expressions past their year', () => {
    expect(cronFiresBetween('0 6 * * ? *', at('2026-11-24T06:00:00Z'), at('2026-11-25T05:59:59Z'))).toBe(false);
    expect(cronFiresBetween('0 6 * * ? *', at('2026-11-24T05:59:59Z'), at('2026-11-24T06:00:00Z'))).toBe(true);
    expect(cronFiresBetween('0 6 * * ? 2025', at('2026-01-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toBe(false);
  });
});
