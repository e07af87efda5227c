/** One unit of crawl work: fetch, extract, dedup and store one URL. */
export interface CrawlMessage {
  url: string;
  urlKey: string;
  sourceId: string;
  attempt: number;
  /** Allow loopback/private addresses (local demo and tests only). */
  allowPrivateNetwork?: boolean;
}

/** Where discovery puts work for the crawler (SQS on AWS, in-process locally). */
export interface CrawlQueue {
  /** Enqueues messages; `delayMs` postpones delivery (per-host politeness, retries). */
  send(messages: readonly CrawlMessage[], delayMs?: number): Promise<void>;
}
