import { PipelineError } from '../errors';

/** Longest Retry-After we honour; a server asking for a day is treated as "much later", capped. */
export const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns `undefined` when absent or unparseable; a date in the past gives 0.
 * @example
 * parseRetryAfterMs('120', Date.now()); // 120000
 * parseRetryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.now());
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP date always names a weekday or month; Date.parse alone accepts things like "5".
  if (!/[a-z]/i.test(text)) return undefined;
  const atMs = Date.parse(text);
  if (Number.isNaN(atMs)) return undefined;
  return Math.min(Math.max(0, atMs - nowMs), MAX_RETRY_AFTER_MS);
}

/** Options for {@link retryDelayMs}. */
export interface RetryDelayOptions {
  /** Delay cap of the first retry before jitter (default 1 s). */
  baseMs?: number;
  /** Upper bound of the exponential part (default 5 min). */
  maxMs?: number;
  /** Server-requested delay (Retry-After): the result is never shorter than this. */
  retryAfterMs?: number;
  /** Source of randomness in [0, 1) (default Math.random); inject for tests. */
  random?: () => number;
}

/** Default first-retry delay cap: short enough for blips, long enough not to hammer. */
export const DEFAULT_RETRY_BASE_MS = 1_000;
/** Default delay cap: beyond a few minutes the URL is better parked and retried by the frontier. */
export const DEFAULT_RETRY_MAX_MS = 5 * 60 * 1000;

/**
 * Delay before retry number `attempt` (1 = first retry): exponential backoff with "equal" jitter,
 * uniform in [cap/2, cap) where cap = min(maxMs, baseMs * 2^(attempt-1)). Half the window is
 * random, which spreads the retries of many workers hitting one failing host; the other half
 * makes the delays grow: retry n+1 waits at least cap(n), more than retry n, until `maxMs`
 * (full jitter, uniform in [0, cap), let later gaps come out shorter than earlier ones). A
 * Retry-After from the server is a floor (itself capped at {@link MAX_RETRY_AFTER_MS}).
 * @example
 * retryDelayMs(1, { baseMs: 1000, random: () => 0.5 }); // 750 (in [500, 1000))
 * retryDelayMs(3, { baseMs: 1000, random: () => 0 }); // 2000 (in [2000, 4000))
 * retryDelayMs(1, { baseMs: 1000, retryAfterMs: 120_000 }); // 120000
 */
export function retryDelayMs(attempt: number, options: RetryDelayOptions = {}): number {
  const baseMs = options.baseMs ?? DEFAULT_RETRY_BASE_MS;
  const maxMs = options.maxMs ?? DEFAULT_RETRY_MAX_MS;
  const random = options.random ?? Math.random;
  const exponent = Math.max(0, attempt - 1);
  const capMs = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
  const jitteredMs = Math.floor(capMs / 2 + random() * (capMs / 2));
  return Math.max(jitteredMs, Math.min(options.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * Whether to try again after `error` on attempt number `attempt` (1-based: the attempt that just
 * failed). Only errors that say they are retryable are retried, and at most `maxAttempts` in all.
 */
export function shouldRetry(error: unknown, attempt: number, maxAttempts: number): boolean {
  if (attempt >= maxAttempts) return false;
  if (error instanceof PipelineError) return error.retryable;
  return false; // unknown errors are bugs, not weather: do not loop on them
}
