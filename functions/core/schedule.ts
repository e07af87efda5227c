import { type CronMatcher, parseCronExpression } from './cron';

export type { CronMatcher } from './cron';

/**
 * When is a source due for discovery? The AWS scheduler fires on the finest cadence any source
 * needs and the discover handler asks {@link isDue} per source; local runs ask it only when told
 * to respect schedules. Expressions are EventBridge's `rate(...)` and `cron(...)` (validated when
 * the sources file is loaded, see `core/sources/schedule.ts`); cron fields are read in UTC, as
 * EventBridge rules do.
 */

/**
 * A tick may arrive a little early or late: EventBridge fires within the scheduled minute, and
 * its finest cadence is one minute. Runs are judged with one minute of slack so a source whose
 * interval has "almost" passed is not pushed back a whole scheduler period, and a run made early
 * thanks to the slack does not fire the same cron slot again on the next tick.
 */
export const SCHEDULE_SLACK_MS = 60_000;
/** Searching cron slots minute by minute past a year would only find that it fired: stop there. */
const MAX_CRON_SCAN_MINUTES = 366 * 24 * 60;

const MINUTE_MS = 60_000;
const RATE_UNIT_MS: Record<string, number> = {
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
};

/**
 * Whether a source with this schedule should be discovered now, given when it last ran. A source
 * that never ran is due. `cron(...)`: due when a slot of the expression lies between the last run
 * and now (both shifted by the slack). `rate(N unit)` without a `phaseKey`: due once N units (less
 * {@link SCHEDULE_SLACK_MS}) have passed. With a `phaseKey` (the source id): due when a slot of
 * the source's own grid, one every N units at an offset derived from the key, lies between the
 * last run and now (see {@link rateSlotIndex}). An expression this function cannot read counts as
 * due, so a source is crawled too often rather than never.
 *
 * The phase matters when the scheduler ticks more often than sources are due: hourly sources on a
 * 15-minute tick then spread over the four ticks instead of all falling due on the same one after
 * their first run (which made one run a burst and left three empty), and publishers are not all
 * polled at the same minute. On a tick as slow as the sources' rate nothing changes: every tick
 * has a slot since the previous one.
 *
 * @example
 * isDue('rate(30 minutes)', '2026-11-24T10:00:00Z', '2026-11-24T10:29:30Z'); // true (within slack)
 * isDue('rate(30 minutes)', '2026-11-24T10:00:00Z', '2026-11-24T10:20:00Z'); // false
 * isDue('cron(0 6 * * ? *)', '2026-11-24T06:00:10Z', '2026-11-25T06:00:05Z'); // true
 */
export function isDue(
  schedule: string,
  lastRunIso: string | undefined,
  nowIso: string,
  phaseKey?: string,
): boolean {
  if (lastRunIso === undefined) return true;
  const lastMs = Date.parse(lastRunIso);
  const nowMs = Date.parse(nowIso);
  if (Number.isNaN(lastMs) || Number.isNaN(nowMs)) return true;
  if (nowMs < lastMs) return false; // clock went back: wait rather than run twice
  const text = schedule.trim();
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(text);
  if (rate) {
    const intervalMs = Number(rate[1]) * RATE_UNIT_MS[rate[2]];
    // A rate no longer than the slack is always due: there is nothing to spread within a minute.
    if (phaseKey === undefined || intervalMs <= SCHEDULE_SLACK_MS)
      return nowMs - lastMs >= intervalMs - SCHEDULE_SLACK_MS;
    return (
      rateSlotIndex(nowMs + SCHEDULE_SLACK_MS, intervalMs, phaseKey) >
      rateSlotIndex(lastMs + SCHEDULE_SLACK_MS, intervalMs, phaseKey)
    );
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const matcher = parseCron(cron[1]);
    if (!matcher) return true;
    return cronFiresBetween(matcher, lastMs + SCHEDULE_SLACK_MS, nowMs + SCHEDULE_SLACK_MS);
  }
  return true;
}

/**
 * Index of the last slot at or before `atMs` on a source's rate grid: slots every `intervalMs`
 * from the epoch, shifted by a whole-minute offset in `[0, intervalMs)` taken from an FNV-1a hash
 * of `phaseKey` (stable across deployments and runs, spread evenly over the interval).
 */
export function rateSlotIndex(atMs: number, intervalMs: number, phaseKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < phaseKey.length; i++) hash = Math.imul(hash ^ phaseKey.charCodeAt(i), 0x01000193) >>> 0;
  const minutes = Math.max(1, Math.floor(intervalMs / MINUTE_MS));
  const phaseMs = (hash % minutes) * MINUTE_MS;
  return Math.floor((atMs - phaseMs) / intervalMs);
}

/**
 * Whether the cron expression (EventBridge's six fields, without `cron(...)`) has a slot in
 * `(afterMs, atOrBeforeMs]`. Exported for tests and for showing the next run.
 */
export function cronFiresBetween(
  matcher: CronMatcher | string,
  afterMs: number,
  atOrBeforeMs: number,
): boolean {
  const m = typeof matcher === 'string' ? parseCron(matcher) : matcher;
  if (!m) return true;
  let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (let i = 0; t <= atOrBeforeMs; i++, t += MINUTE_MS) {
    if (i >= MAX_CRON_SCAN_MINUTES) return true;
    if (m(new Date(t))) return true;
  }
  return false;
}

/** Parses EventBridge's six cron fields into a matcher, or `undefined` when unreadable (see `core/cron.ts`). */
export function parseCron(body: string): CronMatcher | undefined {
  return parseCronExpression(body).matcher;
}
