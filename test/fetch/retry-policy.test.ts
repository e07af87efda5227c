import { describe, expect, it } from 'vitest';
import { FetchError, PipelineError } from '../../functions/errors';
import {
  MAX_RETRY_AFTER_MS,
  parseRetryAfterMs,
  retryDelayMs,
  shouldRetry,
} from '../../functions/fetch/retry-policy';

describe('retryDelayMs', () => {
  it('grows exponentially with full jitter', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(1, { baseMs: 100, random: top })).toBe(99);
    expect(retryDelayMs(2, { baseMs: 100, random: top })).toBe(199);
    expect(retryDelayMs(4, { baseMs: 100, random: top })).toBe(799);
    expect(retryDelayMs(4, { baseMs: 100, random: () => 0 })).toBe(0);
    expect(retryDelayMs(3, { baseMs: 1000, random: () => 0.5 })).toBe(2000);
  });

  it('is capped by maxMs, also for huge attempt numbers', () => {
    expect(retryDelayMs(50, { baseMs: 100, maxMs: 5_000, random: () => 0.999999 })).toBe(4_999);
    expect(retryDelayMs(5000, { baseMs: 100, maxMs: 5_000, random: () => 0.5 })).toBe(2_500);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs(1, { baseMs: 100, retryAfterMs: 7_000, random: () => 0.5 })).toBe(7_000);
    expect(retryDelayMs(10, { baseMs: 1_000, maxMs: 60_000, retryAfterMs: 7_000, random: () => 0.5 })).toBe(
      30_000,
    );
  });

  it('spreads delays across the whole window (full jitter)', () => {
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs(3, { baseMs: 100 }));
    expect(Math.min(...delays)).toBeLessThan(40);
    expect(Math.max(...delays)).toBeGreaterThan(360);
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
