import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FetchError, PipelineError } from '../../functions/errors';
import {
  MAX_RETRY_AFTER_MS,
  parseRetryAfterMs,
  retryDelayMs,
  shouldRetry,
} from '../../functions/fetch/retry-policy';

describe('retryDelayMs', () => {
  it('grows exponentially with equal jitter: uniform in [cap/2, cap)', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(1, { baseMs: 100, random: top })).toBe(99);
    expect(retryDelayMs(2, { baseMs: 100, random: top })).toBe(199);
    expect(retryDelayMs(4, { baseMs: 100, random: top })).toBe(799);
    expect(retryDelayMs(1, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(retryDelayMs(4, { baseMs: 100, random: () => 0 })).toBe(400);
    expect(retryDelayMs(3, { baseMs: 1000, random: () => 0.5 })).toBe(3000);
  });

  it('never lets a later retry come sooner than an earlier one (regression: 29 s, then 4 s, then 3 s)', () => {
    // The draws that made full jitter shrink: high first, then low.
    const draws = [0.97, 0.07, 0.03];
    const delays = draws.map((r, i) => retryDelayMs(i + 1, { baseMs: 30_000, random: () => r }));
    expect(delays).toEqual([29_550, 32_100, 60_000 + Math.floor(0.03 * 60_000)]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 2, maxLength: 12 }),
        (randoms) => {
          const seq = randoms.map((r, i) =>
            retryDelayMs(i + 1, { baseMs: 1_000, maxMs: 10 * 60_000, random: () => r }),
          );
          for (let i = 1; i < seq.length; i++) {
            const capBefore = Math.min(10 * 60_000, 1_000 * 2 ** (i - 1));
            // Strictly longer while the exponential part is below the cap, never shorter than half the cap after.
            if (capBefore * 2 <= 10 * 60_000) expect(seq[i]).toBeGreaterThan(seq[i - 1]);
            else expect(seq[i]).toBeGreaterThanOrEqual(5 * 60_000);
          }
        },
      ),
    );
  });

  it('is capped by maxMs, also for huge attempt numbers', () => {
    expect(retryDelayMs(50, { baseMs: 100, maxMs: 5_000, random: () => 0.999999 })).toBe(4_999);
    expect(retryDelayMs(5000, { baseMs: 100, maxMs: 5_000, random: () => 0.5 })).toBe(3_750);
  });

  it('never retries sooner than Retry-After, and caps an absurd one', () => {
    expect(retryDelayMs(1, { baseMs: 100, retryAfterMs: 7_000, random: () => 0.5 })).toBe(7_000);
    expect(retryDelayMs(10, { baseMs: 1_000, maxMs: 60_000, retryAfterMs: 7_000, random: () => 0.5 })).toBe(
      45_000,
    );
    expect(retryDelayMs(1, { baseMs: 100, retryAfterMs: 10 * MAX_RETRY_AFTER_MS, random: () => 0 })).toBe(
      MAX_RETRY_AFTER_MS,
    );
  });

  it('spreads delays across the upper half of the window', () => {
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs(3, { baseMs: 100 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.min(...delays)).toBeLessThan(220);
    expect(Math.max(...delays)).toBeGreaterThan(380);
    expect(Math.max(...delays)).toBeLessThan(400);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-25T00:00:00Z');
  it('reads delta seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });
  it('reads HTTP dates relative to now, past dates as 0', () => {
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfterMs('Tue, 24 Nov 2026 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores garbage and caps absurd values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs('1.5', now)).toBeUndefined();
    expect(parseRetryAfterMs('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('shouldRetry', () => {
  const transient = new FetchError('u', 'http-503', 'HTTP 503', { retryable: true });
  const permanent = new FetchError('u', 'http-404', 'HTTP 404', { retryable: false });
  it('retries retryable errors until maxAttempts', () => {
    expect(shouldRetry(transient, 1, 3)).toBe(true);
    expect(shouldRetry(transient, 2, 3)).toBe(true);
    expect(shouldRetry(transient, 3, 3)).toBe(false);
  });
  it('never retries permanent or unknown errors', () => {
    expect(shouldRetry(permanent, 1, 3)).toBe(false);
    expect(shouldRetry(new TypeError('bug'), 1, 3)).toBe(false);
    expect(shouldRetry(new PipelineError('x', { retryable: true }), 1, 3)).toBe(true);
  });
});
