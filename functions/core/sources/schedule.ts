/**
 * Validation of schedule expressions in the shape Amazon EventBridge (rules and Scheduler)
 * accepts, so a typo fails when the sources file is loaded rather than at `cdk deploy` time:
 *
 * - `rate(<value> <unit>)`: positive integer value; unit `minute|minutes|hour|hours|day|days`,
 *   singular exactly when the value is 1 (EventBridge rejects `rate(1 minutes)` and `rate(5 minute)`).
 * - `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)`: six fields; one of
 *   day-of-month and day-of-week must be `?` (EventBridge cannot combine them).
 *
 * One-time `at(...)` schedules are refused: a source is polled repeatedly.
 */

/** Allowed range, wildcards and names of one cron field. */
interface CronField {
  name: string;
  min: number;
  max: number;
  /** Upper-case names accepted instead of numbers (months, weekdays). */
  names?: readonly string[];
  /** `?` allowed (day-of-month, day-of-week). */
  question?: boolean;
  /** `L`, `W` and `#` forms allowed. */
  special?: 'day-of-month' | 'day-of-week';
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true, special: 'day-of-month' },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    question: true,
    special: 'day-of-week',
  },
  { name: 'year', min: 1970, max: 2199 },
];

/**
 * Returns what is wrong with a schedule expression, or `undefined` when EventBridge would accept it.
 *
 * @example scheduleProblem('rate(30 minutes)') // → undefined
 * @example scheduleProblem('rate(1 minutes)') // → 'rate(1 ...) needs the singular unit "minute"'
 */
export function scheduleProblem(expression: string): string | undefined {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) return rateProblem(rate[1].trim());
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return cronProblem(cron[1].trim());
  if (/^at\(/.test(text))
    return 'one-time at(...) schedules are not supported for sources; use rate(...) or cron(...)';
  return 'must be rate(<value> <unit>), e.g. "rate(30 minutes)", or cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>), e.g. "cron(0/30 * * * ? *)"';
}

/**
 * The expression with canonical spacing (`rate( 30  minutes )` → `rate(30 minutes)`), as it is
 * handed to EventBridge. Call after {@link scheduleProblem} returned `undefined`.
 */
export function normaliseSchedule(expression: string): string {
  const match = /^(rate|cron)\((.*)\)$/.exec(expression.trim());
  return match ? `${match[1]}(${match[2].trim().split(/\s+/).join(' ')})` : expression.trim();
}

function rateProblem(body: string): string | undefined {
  const m = /^(\d+)\s+([a-z]+)$/.exec(body);
  if (!m) return `rate(${body}) must be rate(<positive integer> <unit>), e.g. "rate(30 minutes)"`;
  const value = Number(m[1]);
  const unit = m[2];
  if (!Number.isSafeInteger(value) || value < 1) return `rate value must be a positive integer, got ${m[1]}`;
  const singular = ['minute', 'hour', 'day'];
  const plural = ['minutes', 'hours', 'days'];
  if (!singular.includes(unit) && !plural.includes(unit))
    return `unknown rate unit "${unit}" (use minute(s), hour(s) or day(s))`;
  if (value === 1 && plural.includes(unit))
    return `rate(1 ...) needs the singular unit "${unit.slice(0, -1)}"`;
  if (value > 1 && singular.includes(unit)) return `rate(${value} ...) needs the plural unit "${unit}s"`;
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  }
  for (let i = 0; i < CRON_FIELDS.length; i++) {
    const problem = cronFieldProblem(fields[i], CRON_FIELDS[i]);
    if (problem !== undefined) return `cron ${CRON_FIELDS[i].name} field "${fields[i]}": ${problem}`;
  }
  const dayOfMonth = fields[2];
  const dayOfWeek = fields[4];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'cron: exactly one of day-of-month and day-of-week must be "?" (EventBridge cannot combine them)';
  }
  return undefined;
}

function cronFieldProblem(field: string, spec: CronField): string | undefined {
  if (field === '?') return spec.question ? undefined : '"?" is only allowed in day-of-month and day-of-week';
  for (const item of field.split(',')) {
    const problem = cronItemProblem(item.toUpperCase(), spec);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function cronItemProblem(item: string, spec: CronField): string | undefined {
  if (item === '') return 'empty list item';
  if (spec.special === 'day-of-month') {
    if (item === 'L' || item === 'LW') return undefined;
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return valueProblem(weekday[1], spec);
    const fromLast = /^L-(\d{1,2})$/.exec(item);
    if (fromLast) return +fromLast[1] <= 30 ? undefined : `L-${fromLast[1]} is out of range`;
  }
  if (spec.special === 'day-of-week') {
    if (item === 'L') return undefined;
    const last = /^([A-Z0-9]+)L$/.exec(item);
    if (last) return valueProblem(last[1], spec);
    const nth = /^([A-Z0-9]+)#(\d)$/.exec(item);
    if (nth)
      return (
        valueProblem(nth[1], spec) ?? (+nth[2] >= 1 && +nth[2] <= 5 ? undefined : `#${nth[2]} must be 1-5`)
      );
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" must be a positive integer`;
  if (step !== undefined && +step < 1) return 'step must be at least 1';
  if (range === '*') return undefined;
  const [from, to, more] = range.split('-');
  if (more !== undefined) return `"${range}" is not a range`;
  return valueProblem(from, spec) ?? (to === undefined ? undefined : valueProblem(to, spec));
}

function valueProblem(value: string, spec: CronField): string | undefined {
  if (spec.names?.includes(value)) return undefined;
  if (!/^\d+$/.test(value)) return `"${value}" is not a number${spec.names ? ' or name' : ''}`;
  const n = Number(value);
  return n >= spec.min && n <= spec.max ? undefined : `${value} is outside ${spec.min}-${spec.max}`;
}
