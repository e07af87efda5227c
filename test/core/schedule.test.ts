import { describe, expect, it } from 'vitest';
import { cronFiresBetween, isDue, parseCron, rateSlotIndex } from '../../functions/core/schedule';

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

describe('isDue with a phase key: each rate source on its own slot grid', () => {
  const MINUTE_MS = 60_000;
  const ids = Array.from({ length: 400 }, (_, i) => `source-${i}`);
  /** Ticks every `tickMinutes` for a day (first tick runs everything); runs per source and per tick. */
  function simulate(schedule: string, tickMinutes: number, jitterMs = 20_000) {
    const start = Date.parse('2026-11-25T00:00:00Z');
    const lastRun = new Map<string, string>();
    const runsPerSource = new Map<string, number>();
    const runsPerTick: number[] = [];
    for (let t = 0; t <= 24 * 60; t += tickMinutes) {
      const nowIso = new Date(start + t * MINUTE_MS + (jitterMs * ((t / tickMinutes) % 3)) / 2).toISOString();
      let n = 0;
      for (const id of ids) {
        if (!isDue(schedule, lastRun.get(id), nowIso, id)) continue;
        lastRun.set(id, nowIso);
        runsPerSource.set(id, (runsPerSource.get(id) ?? 0) + 1);
        n++;
      }
      runsPerTick.push(n);
    }
    return { runsPerSource, runsPerTick };
  }

  it('hourly sources on a 15-minute tick run once an hour each, spread over the four ticks', () => {
    const { runsPerSource, runsPerTick } = simulate('rate(1 hour)', 15);
    // The first tick runs all; then one run per source per hour (24 or 25 in the day).
    for (const id of ids) expect(runsPerSource.get(id)).toBeGreaterThanOrEqual(24);
    for (const id of ids) expect(runsPerSource.get(id)).toBeLessThanOrEqual(25);
    const later = runsPerTick.slice(8);
    // Without phases all 400 would fall on one tick in four; with them each tick gets about 100.
    expect(Math.max(...later)).toBeLessThan(160);
    expect(Math.min(...later)).toBeGreaterThan(50);
  });

  it('on a tick as slow as the rate, every tick runs every source, as without a phase', () => {
    const { runsPerTick } = simulate('rate(1 hour)', 60);
    expect(runsPerTick.every((n) => n === ids.length)).toBe(true);
  });

  it('the offset is a whole minute within the interval and stable for a key', () => {
    const hour = 60 * MINUTE_MS;
    const at = Date.parse('2026-11-25T10:00:00Z');
    expect(rateSlotIndex(at, hour, 'a')).toBe(rateSlotIndex(at, hour, 'a'));
    // Slot boundaries fall on a whole minute: the index only changes between minute starts.
    const boundaries = new Set<number>();
    for (let s = 0; s < 3_600; s += 10) {
      if (rateSlotIndex(at + s * 1000, hour, 'key-7') !== rateSlotIndex(at + (s - 10) * 1000, hour, 'key-7'))
        boundaries.add(s % 60);
    }
    expect([...boundaries]).toEqual([0]);
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
    expect(cronFiresBetween('0 6 * * ? *', at('2026-11-24T06:00:00Z'), at('2026-11-25T05:59:59Z'))).toBe(
      false,
    );
    expect(cronFiresBetween('0 6 * * ? *', at('2026-11-24T05:59:59Z'), at('2026-11-24T06:00:00Z'))).toBe(
      true,
    );
    expect(cronFiresBetween('0 6 * * ? 2025', at('2026-01-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toBe(
      false,
    );
  });
});
