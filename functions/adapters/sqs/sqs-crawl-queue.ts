import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { StorageError } from '../../errors';
import {
  delayOfMessage,
  type CrawlMessage,
  type CrawlQueue,
  type SendDelayMs,
} from '../../ports/crawl-queue';
import { chunk, sleep } from '../concurrency';

/** SendMessageBatch accepts at most 10 entries. */
export const SQS_BATCH_MAX_ENTRIES = 10;
/** SQS refuses DelaySeconds above 900 (15 minutes); longer delays are capped. */
export const SQS_MAX_DELAY_SECONDS = 900;
/** Attempts for entries SQS reports as failed (sender faults excluded) before giving up. */
const FAILED_ENTRY_MAX_ATTEMPTS = 4;
const FAILED_ENTRY_BACKOFF_BASE_MS = 50;

/** Options of {@link SqsCrawlQueue}. */
export interface SqsCrawlQueueOptions {
  queueUrl: string;
  /** Injected client; defaults to `new SQSClient({})`. */
  client?: SQSClient;
}

/** Converts a delay to SQS DelaySeconds: rounded up, capped at {@link SQS_MAX_DELAY_SECONDS}. */
export function toDelaySeconds(delayMs: number | undefined): number {
  if (delayMs === undefined || !(delayMs > 0)) return 0;
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.ceil(delayMs / 1000));
}

/** Builds the SendMessageBatch entries (ids unique within one batch) for messages. */
export function toBatchEntries(
  messages: readonly CrawlMessage[],
  delayMs?: SendDelayMs,
): SendMessageBatchRequestEntry[] {
  return messages.map((message, i) => ({
    Id: String(i),
    MessageBody: JSON.stringify(message),
    DelaySeconds: toDelaySeconds(delayOfMessage(delayMs, i)),
  }));
}

/**
 * {@link CrawlQueue} on SQS: SendMessageBatch in chunks of 10; entries SQS reports as failed for
 * its own reasons are retried with backoff, sender faults fail at once.
 *
 * @example
 * const queue = new SqsCrawlQueue({ queueUrl: process.env.CRAWL_QUEUE_URL! });
 * await queue.send(messages, 5_000);
 */
export class SqsCrawlQueue implements CrawlQueue {
  private readonly queueUrl: string;
  private readonly client: SQSClient;

  constructor(options: SqsCrawlQueueOptions) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ?? new SQSClient({});
  }

  async send(messages: readonly CrawlMessage[], delayMs?: SendDelayMs): Promise<void> {
    for (const entries of chunk(toBatchEntries(messages, delayMs), SQS_BATCH_MAX_ENTRIES)) {
      let pending = entries;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(FAILED_ENTRY_BACKOFF_BASE_MS * 2 ** attempt);
        let response;
        try {
          response = await this.client.send(
            new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
          );
        } catch (error) {
          throw new StorageError('SQS SendMessageBatch failed', { cause: error, retryable: true });
        }
        const failed = response.Failed ?? [];
        const senderFault = failed.find((f) => f.SenderFault);
        if (senderFault) {
          throw new StorageError(`SQS refused a crawl message: ${senderFault.Code}: ${senderFault.Message}`, {
            retryable: false,
          });
        }
        if (failed.length > 0 && attempt + 1 >= FAILED_ENTRY_MAX_ATTEMPTS) {
          throw new StorageError(`SQS failed ${failed.length} crawl messages: ${failed[0].Code}`, {
            retryable: true,
          });
        }
        const failedIds = new Set(failed.map((f) => f.Id));
        pending = pending.filter((entry) => failedIds.has(entry.Id));
      }
    }
  }
}
