/**
 * The zod schema of one publisher entry in a sources file, with messages written for the
 * person editing the file. Field documentation lives in `docs/sources.md`.
 */
import { z } from 'zod';
import { scheduleProblem } from './schedule';

/** Articles queued per source per discovery run unless the entry says otherwise. */
export const DEFAULT_MAX_ARTICLES_PER_RUN = 50;

/**
 * Cap on `maxArticlesPerRun`: one discovery Lambda invocation claims each URL in the frontier,
 * and 10 000 claims is about what fits comfortably in its time limit.
 */
export const MAX_ARTICLES_PER_RUN_LIMIT = 10_000;

/** Cap on `requestsPerMinute`: more than 10 requests a second to one publisher is not polite crawling. */
export const MAX_REQUESTS_PER_MINUTE = 600;

/** How often a source is polled when the entry gives no schedule. */
export const DEFAULT_SCHEDULE = 'rate(1 hour)';

/** Source ids become S3 key parts, metric dimensions and schedule names: keep them slug-shaped. */
const SOURCE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Turns a string into a suggested slug (`Daily Planet` → `daily-planet`). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

const sourceId = z
  .string({ error: (issue) => typeMessage('a string', issue.input) })
  .superRefine((value, ctx) => {
    if (!SOURCE_ID_PATTERN.test(value)) {
      const suggestion = slugify(value);
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a valid id: use 1-64 lower-case letters, digits and inner dashes${suggestion ? ` (e.g. ${JSON.stringify(suggestion)})` : ''}`,
      });
    }
  });

const httpUrl = z
  .string({ error: (issue) => typeMessage('a URL string', issue.input) })
  .superRefine((value, ctx) => {
    let ok = false;
    try {
      const url = new URL(value.trim());
      ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not an http(s) URL` });
  });

const regexSource = z
  .string({ error: (issue) => typeMessage('a regular expression string', issue.input) })
  .superRefine((value, ctx) => {
    try {
      new RegExp(value);
    } catch (error) {
      // V8 says "Invalid regular expression: /(/: Unterminated group"; keep only the reason.
      const message = error instanceof Error ? error.message : String(error);
      const why = message.slice(message.lastIndexOf(': ') + 2);
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a valid regular expression: ${why}`,
      });
    }
  });

const schedule = z
  .string({ error: (issue) => typeMessage('a schedule string', issue.input) })
  .superRefine((value, ctx) => {
    const problem = scheduleProblem(value);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${problem}` });
  });

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (issue) => typeMessage(`a list of ${what}`, issue.input) });
}

/** One publisher entry as written in the file; unknown keys are errors (typos must not pass silently). */
export const sourceEntrySchema = z.strictObject({
  id: sourceId,
  name: z
    .string({ error: (issue) => typeMessage('a string', issue.input) })
    .trim()
    .min(1, { error: 'must not be empty' })
    .optional(),
  feeds: list(httpUrl, 'feed URLs').default([]),
  sitemaps: list(httpUrl, 'sitemap URLs').default([]),
  homepage: httpUrl.optional(),
  schedule: schedule.default(DEFAULT_SCHEDULE),
  allow: list(regexSource, 'regular expressions').default([]),
  deny: list(regexSource, 'regular expressions').default([]),
  maxArticlesPerRun: z
    .number({ error: (issue) => typeMessage('a whole number', issue.input) })
    .int({ error: (issue) => `must be a whole number, got ${String(issue.input)}` })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_ARTICLES_PER_RUN_LIMIT, { error: `must be at most ${MAX_ARTICLES_PER_RUN_LIMIT}` })
    .default(DEFAULT_MAX_ARTICLES_PER_RUN),
  requestsPerMinute: z
    .number({ error: (issue) => typeMessage('a number', issue.input) })
    .gt(0, { error: 'must be greater than 0' })
    .max(MAX_REQUESTS_PER_MINUTE, {
      error: `must be at most ${MAX_REQUESTS_PER_MINUTE} (10 requests a second)`,
    })
    .optional(),
  useRobotsSitemaps: z.boolean({ error: (issue) => typeMessage('true or false', issue.input) }).default(true),
  enabled: z.boolean({ error: (issue) => typeMessage('true or false', issue.input) }).default(true),
});

/** The field names an entry may have, for "did you mean" suggestions. */
export const SOURCE_FIELDS: readonly string[] = Object.keys(sourceEntrySchema.shape);

/** "must be X, got Y" for a value of the wrong type (or "is required" when absent). */
export function typeMessage(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  return `must be ${expected}, got ${describeValue(input)}`;
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
