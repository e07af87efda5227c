/**
 * The one parser of EventBridge cron expressions (`cron(<minutes> <hours> <day-of-month> <month>
 * <day-of-week> <year>)`, fields read in UTC). Loading a sources file asks it what is wrong with an
 * expression (`core/sources/schedule.ts`); the scheduler asks it when an expression fires
 * (`core/schedule.ts`). One reading, so a schedule accepted at load time is the one that runs.
 *
 * Accepted per field: `*`, lists, ranges, `a/step`, `a-b/step`, names (months, weekdays); `?` in
 * day-of-month or day-of-week (exactly one of them must be `?`, as EventBridge requires);
 * day-of-month `L`, `L-n`, `nW`, `LW`; day-of-week `L`, `nL` (last n of the month), `n#k`.
 */

/** Tests one UTC minute against a cron expression. */
export type CronMatcher = (at: Date) => boolean;

/** What {@link parseCronExpression} read: a matcher, or what is wrong with the expression. */
export type CronParse =
  | { matcher: CronMatcher; problem?: undefined }
  | { matcher?: undefined; problem: string };

type MinuteTest = (at: Date) => boolean;

/** Allowed range, wildcards and names of one cron field, and the value of a minute it tests. */
interface CronField {
  name: string;
  min: number;
  max: number;
  /** Upper-case names accepted instead of numbers (months, weekdays), in order from `min`. */
  names?: readonly string[];
  /** `?` allowed (day-of-month, day-of-week). */
  question?: boolean;
  /** `L`, `W` and `#` forms allowed. */
  special?: 'day-of-month' | 'day-of-week';
  valueOf: (at: Date) => number;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, valueOf: (at) => at.getUTCMinutes() },
  { name: 'hours', min: 0, max: 23, valueOf: (at) => at.getUTCHours() },
  {
    name: 'day-of-month',
    min: 1,
    max: 31,
    question: true,
    special: 'day-of-month',
    valueOf: (at) => at.getUTCDate(),
  },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    valueOf: (at) => at.getUTCMonth() + 1,
  },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    question: true,
    special: 'day-of-week',
    valueOf: (at) => at.getUTCDay() + 1,
  },
  { name: 'year', min: 1970, max: 2199, valueOf: (at) => at.getUTCFullYear() },
];

/**
 * Reads the six fields of a cron expression (without `cron(...)`).
 *
 * @example
 * parseCronExpression('0 6 * * ? *').matcher?.(new Date('2026-11-24T06:00:00Z')); // true
 * parseCronExpression('0 12 * * * *').problem; // 'cron: exactly one of day-of-month and day-of-week must be "?" ...'
 */
export function parseCronExpression(body: string): CronParse {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return {
      problem: `cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    };
  }
  const tests: MinuteTest[] = [];
  for (let i = 0; i < CRON_FIELDS.length; i++) {
    const test = fieldTest(fields[i], CRON_FIELDS[i]);
    if (typeof test === 'string')
      return { problem: `cron ${CRON_FIELDS[i].name} field "${fields[i]}": ${test}` };
    tests.push(test);
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return {
      problem:
        'cron: exactly one of day-of-month and day-of-week must be "?" (EventBridge cannot combine them)',
    };
  }
  return { matcher: (at) => tests.every((test) => test(at)) };
}

/** A test of one field, or what is wrong with it. */
function fieldTest(field: string, spec: CronField): MinuteTest | string {
  if (field === '?')
    return spec.question ? () => true : '"?" is only allowed in day-of-month and day-of-week';
  const tests: MinuteTest[] = [];
  for (const item of field.split(',')) {
    const test = itemTest(item.toUpperCase(), spec);
    if (typeof test === 'string') return test;
    tests.push(test);
  }
  return (at) => tests.some((test) => test(at));
}

function itemTest(item: string, spec: CronField): MinuteTest | string {
  if (item === '') return 'empty list item';
  if (spec.special === 'day-of-month') {
    if (item === 'L') return (at) => at.getUTCDate() === daysInMonth(at);
    if (item === 'LW') return (at) => at.getUTCDate() === nearestWeekday(at, daysInMonth(at));
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) {
      const day = Number(weekday[1]);
      return (
        valueProblem(weekday[1], spec) ??
        ((at) => at.getUTCDate() === nearestWeekday(at, Math.min(day, daysInMonth(at))))
      );
    }
    const fromLast = /^L-(\d{1,2})$/.exec(item);
    if (fromLast) {
      const back = Number(fromLast[1]);
      if (back > 30) return `L-${fromLast[1]} is out of range`;
      return (at) => at.getUTCDate() === daysInMonth(at) - back;
    }
  }
  if (spec.special === 'day-of-week') {
    if (item === 'L') return (at) => spec.valueOf(at) === 7;
    const last = /^([A-Z0-9]+)L$/.exec(item);
    if (last) {
      const day = numberOf(last[1], spec);
      return (
        valueProblem(last[1], spec) ??
        ((at) => spec.valueOf(at) === day && at.getUTCDate() + 7 > daysInMonth(at))
      );
    }
    const nth = /^([A-Z0-9]+)#(\d)$/.exec(item);
    if (nth) {
      const day = numberOf(nth[1], spec);
      const k = Number(nth[2]);
      const problem = valueProblem(nth[1], spec) ?? (k >= 1 && k <= 5 ? undefined : `#${nth[2]} must be 1-5`);
      return problem ?? ((at) => spec.valueOf(at) === day && Math.ceil(at.getUTCDate() / 7) === k);
    }
  }
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (stepText !== undefined && !/^\d+$/.test(stepText))
    return `step "${stepText}" must be a positive integer`;
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) return 'step must be at least 1';
  let from = spec.min;
  let to = spec.max;
  if (range !== '*') {
    const [a, b, more] = range.split('-');
    if (more !== undefined) return `"${range}" is not a range`;
    const problem = valueProblem(a, spec) ?? (b === undefined ? undefined : valueProblem(b, spec));
    if (problem !== undefined) return problem;
    from = numberOf(a, spec);
    // `a/step` runs from a to the field's end; a plain `a` is that value alone.
    to = b === undefined ? (stepText === undefined ? from : spec.max) : numberOf(b, spec);
  }
  const values = new Set<number>();
  for (let v = from; v <= to; v += step) values.add(v);
  return (at) => values.has(spec.valueOf(at));
}

/** What is wrong with one value of a field (a number or a name), or `undefined`. */
function valueProblem(value: string, spec: CronField): string | undefined {
  if (spec.names?.includes(value)) return undefined;
  if (!/^\d+$/.test(value)) return `"${value}" is not a number${spec.names ? ' or name' : ''}`;
  const n = Number(value);
  return n >= spec.min && n <= spec.max ? undefined : `${value} is outside ${spec.min}-${spec.max}`;
}

/** The number of a value already checked by {@link valueProblem}. */
function numberOf(value: string, spec: CronField): number {
  const named = spec.names?.indexOf(value) ?? -1;
  return named >= 0 ? named + spec.min : Number(value);
}

function daysInMonth(at: Date): number {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
}

/** The weekday (Mon-Fri) nearest to `day` within the month of `at`, as Quartz-style `W` means. */
function nearestWeekday(at: Date, day: number): number {
  const weekday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), day)).getUTCDay();
  if (weekday === 6) return day === 1 ? 3 : day - 1; // Saturday: Friday, or Monday when the 1st
  if (weekday === 0) return day === daysInMonth(at) ? day - 2 : day + 1; // Sunday: Monday, or Friday at month end
  return day;
}
