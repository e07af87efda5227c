import type { ArchivePutOptions, ArchiveStore } from '../../functions/ports/archive-store';
import type { CrawlMessage, CrawlQueue, SendDelayMs } from '../../functions/ports/crawl-queue';

/** S3 requests and bytes an {@link ArchiveStore} was asked for, by the request S3 would bill. */
export interface ArchiveCounts {
  puts: number;
  gets: number;
  lists: number;
  deletes: number;
  /** PUTs, GETs and bytes written per top-level key prefix (`raw`, `clean`, ...). */
  putsByPrefix: Record<string, number>;
  getsByPrefix: Record<string, number>;
  bytesPut: Record<string, number>;
}

const topPrefix = (key: string) => key.split('/')[0];
const addTo = (into: Record<string, number>, key: string, n = 1) => (into[key] = (into[key] ?? 0) + n);

/**
 * Counts the requests an archive store receives, one per S3 request it stands for (a ranged read
 * is one GET; a list counts one LIST call per call, not per page: an upper bound is not needed
 * here because nothing in the ingest path lists).
 */
export class CountingArchiveStore implements ArchiveStore {
  readonly counts: ArchiveCounts = {
    puts: 0,
    gets: 0,
    lists: 0,
    deletes: 0,
    putsByPrefix: {},
    getsByPrefix: {},
    bytesPut: {},
  };

  constructor(private readonly inner: ArchiveStore) {}

  async put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    options?: ArchivePutOptions,
  ): Promise<void> {
    this.counts.puts++;
    addTo(this.counts.putsByPrefix, topPrefix(key));
    addTo(
      this.counts.bytesPut,
      topPrefix(key),
      typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    );
    await this.inner.put(key, body, contentType, options);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.counts.gets++;
    addTo(this.counts.getsByPrefix, topPrefix(key));
    return this.inner.get(key);
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    this.counts.gets++;
    addTo(this.counts.getsByPrefix, topPrefix(key));
    return this.inner.getRange(key, offset, length);
  }

  list(prefix: string): AsyncIterable<string> {
    this.counts.lists++;
    return this.inner.list(prefix);
  }

  async delete(key: string): Promise<void> {
    this.counts.deletes++;
    await this.inner.delete(key);
  }
}

/** SQS requests a crawl queue stands for. */
export interface QueueCounts {
  /** SendMessageBatch calls: one per 10 messages of one send. */
  sendRequests: number;
  messagesSent: number;
}

/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH_LIMIT = 10;

/** Counts the SendMessageBatch requests a {@link CrawlQueue} would make on SQS. */
export class CountingCrawlQueue implements CrawlQueue {
  readonly counts: QueueCounts = { sendRequests: 0, messagesSent: 0 };

  constructor(private readonly inner: CrawlQueue) {}

  async send(messages: readonly CrawlMessage[], delayMs?: SendDelayMs): Promise<void> {
    if (messages.length === 0) return;
    this.counts.sendRequests += Math.ceil(messages.length / SQS_BATCH_LIMIT);
    this.counts.messagesSent += messages.length;
    await this.inner.send(messages, delayMs);
  }
}
