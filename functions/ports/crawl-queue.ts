/** One unit of crawl work: fetch, extract, dedup and store one URL. */
export interface CrawlMessage {
  url: string;
  urlKey: string;
  sourceId: string;
  attempt: number;
  /** Allow loopback/private addresses (local demo and tests only). */
  allowPrivateNetwork?: boolean;
  /**
   * Epoch ms of a request slot already reserved with the host rate limiter for this message (set
   * when it was deferred for politeness). Reserving again on redelivery would push the slot out
   * forever while other messages of the host do the same.
   */
  reservedSlotAtMs?: number;
  /** The source's own spacing between requests to this host (from `requestsPerMinute`). */
  hostIntervalMs?: number;
}

/**
 * A delivery delay for a send: one delay for every message, or one per message (same order and
 * length as the messages), e.g. discovery spreading a run's URLs over the interval to the next run.
 */
export type SendDelayMs = number | readonly number[];

/** The delay of message `index` of a send (0 when none was given). */
export function delayOfMessage(delayMs: SendDelayMs | undefined, index: number): number {
  if (delayMs === undefined) return 0;
  return typeof delayMs === 'number' ? delayMs : (delayMs[index] ?? 0);
}

/** Where discovery puts work for the crawler (SQS on AWS, in-process locally). */
export interface CrawlQueue {
  /** Enqueues messages; `delayMs` postpones delivery (per-host politeness, retries, spreading). */
  send(messages: readonly CrawlMessage[], delayMs?: SendDelayMs): Promise<void>;
}
