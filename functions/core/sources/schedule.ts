import { parseCronExpression } from '../cron';

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
  return parseCronExpression(body).problem;
}
