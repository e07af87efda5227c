import type { CrawlMessage } from '../ports/crawl-queue';
import type { CrawlOutcome } from './crawl-url';

/** A crawl message to send again, and after how long. */
export interface Requeue {
  message: CrawlMessage;
  delayMs: number;
}

/** The limits of the queue a crawl outcome goes back to. */
export interface RequeuePolicy {
  /** Longest delay the queue can give a message (SQS: 15 min); a longer politeness wait is capped. */
  maxDeferMs: number;
  /**
   * When a retryable failure is tried again in this queue (`undefined`: not here; it stays parked
   * in the frontier with its `nextRetryAt` for the recovery sweep).
   */
  retryDelayMs: (outcome: Extract<CrawlOutcome, { kind: 'failed' }>) => number | undefined;
  /** Longest retry delay this queue takes; a longer one is left to the recovery sweep. */
  maxRetryDelayMs: number;
}

/**
 * The re-queue policy, shared by the crawl Lambda (SQS) and the local run (in-process queue): a
 * page deferred for politeness goes back with its reserved slot, after its wait (capped at what the
 * queue can delay; past the cap the slot is reserved anew on redelivery); a retryable failure goes
 * back as the next attempt when its retry delay fits the queue. Everything else is done (stored,
 * unchanged, skipped) or parked in the frontier, which the discover sweep re-sends once due.
 *
 * @example
 * requeueOf(message, outcome, { maxDeferMs: 900_000, maxRetryDelayMs: 900_000, retryDelayMs: (o) => o.retryInMs });
 */
export function requeueOf(
  message: CrawlMessage,
  outcome: CrawlOutcome,
  policy: RequeuePolicy,
): Requeue | undefined {
  if (outcome.kind === 'deferred') {
    const slot = outcome.delayMs <= policy.maxDeferMs ? outcome.reservedSlotAtMs : undefined;
    return {
      message: { ...message, reservedSlotAtMs: slot },
      delayMs: Math.min(outcome.delayMs, policy.maxDeferMs),
    };
  }
  if (outcome.kind !== 'failed' || !outcome.retryable) return undefined;
  const delayMs = policy.retryDelayMs(outcome);
  if (delayMs === undefined || delayMs > policy.maxRetryDelayMs) return undefined;
  return { message: { ...message, attempt: message.attempt + 1, reservedSlotAtMs: undefined }, delayMs };
}
