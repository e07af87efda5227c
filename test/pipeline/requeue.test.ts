import { describe, expect, it } from 'vitest';
import type { CrawlOutcome } from '../../functions/pipeline/crawl-url';
import { requeueOf, type RequeuePolicy } from '../../functions/pipeline/requeue';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';

const message: CrawlMessage = {
  url: 'https://news.example/a',
  urlKey: 'https://news.example/a',
  sourceId: 'news',
  attempt: 1,
  reservedSlotAtMs: 5,
};
const sqs: RequeuePolicy = {
  maxDeferMs: 900_000,
  maxRetryDelayMs: 900_000,
  retryDelayMs: (o) => o.retryInMs,
};
const failed = (retryable: boolean, retryInMs?: number): CrawlOutcome => ({
  kind: 'failed',
  reason: 'http-503',
  detail: 'HTTP 503',
  retryable,
  retryInMs,
  attempts: 1,
});

describe('requeueOf (the re-queue policy of the crawl Lambda and the local run)', () => {
  it('a deferred page goes back with its slot after its wait; past the queue cap, capped and without the slot', () => {
    expect(requeueOf(message, { kind: 'deferred', delayMs: 2_000, reservedSlotAtMs: 99 }, sqs)).toEqual({
      message: { ...message, reservedSlotAtMs: 99 },
      delayMs: 2_000,
    });
    expect(requeueOf(message, { kind: 'deferred', delayMs: 2_000_000, reservedSlotAtMs: 99 }, sqs)).toEqual({
      message: { ...message, reservedSlotAtMs: undefined },
      delayMs: 900_000,
    });
  });

  it('a retryable failure goes back as the next attempt when its delay fits; else it stays parked', () => {
    expect(requeueOf(message, failed(true, 30_000), sqs)).toEqual({
      message: { ...message, attempt: 2, reservedSlotAtMs: undefined },
      delayMs: 30_000,
    });
    expect(requeueOf(message, failed(true, 3_600_000), sqs)).toBeUndefined();
    expect(requeueOf(message, failed(true, undefined), sqs)).toBeUndefined();
    expect(requeueOf(message, failed(false, 30_000), sqs)).toBeUndefined();
  });

  it('finished outcomes are not sent again', () => {
    expect(
      requeueOf(
        message,
        { kind: 'skipped', reason: 'not-article', detail: 'index page' } as CrawlOutcome,
        sqs,
      ),
    ).toBeUndefined();
  });
});
