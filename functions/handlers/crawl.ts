import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConfig } from '../config';
import { describeError } from '../errors';
import { crawlUrl, type CrawlOutcome } from '../pipeline/crawl-url';
import type { PipelineDeps } from '../pipeline/deps';
import type { CrawlMessage } from '../ports/crawl-queue';
import { createAwsDeps } from './aws-deps';

/** SQS caps DelaySeconds at 15 minutes; longer backoffs are re-delayed on each delivery. */
const MAX_SQS_DELAY_MS = 900_000;

/**
 * Crawl Lambda: one SQS message per URL. Politeness waits and retryable failures are re-sent with a
 * delay (exponential backoff with jitter, Retry-After honoured) and the original acknowledged;
 * a message whose processing throws is reported as a batch item failure, so SQS redelivers it and
 * finally moves it to the DLQ. Every outcome is recorded in the frontier with its reason.
 */
export function makeHandler(deps: PipelineDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = JSON.parse(record.body) as CrawlMessage;
        const outcome = await crawlUrl(deps, message);
        await followUp(deps, message, outcome);
      } catch (error) {
        deps.log.warn('crawl message failed', { messageId: record.messageId, error: describeError(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

async function followUp(deps: PipelineDeps, message: CrawlMessage, outcome: CrawlOutcome): Promise<void> {
  deps.log.info('crawled', { url: message.url, outcome: outcome.kind, ...('reason' in outcome ? { reason: outcome.reason } : {}) });
  if (outcome.kind === 'deferred') {
    // Past SQS's 15-minute cap the slot is reserved anew on redelivery.
    const slot = outcome.delayMs <= MAX_SQS_DELAY_MS ? outcome.reservedSlotAtMs : undefined;
    await deps.queue.send([{ ...message, reservedSlotAtMs: slot }], Math.min(outcome.delayMs, MAX_SQS_DELAY_MS));
  } else if (outcome.kind === 'failed' && outcome.retryable && outcome.retryInMs !== undefined) {
    await deps.queue.send([{ ...message, attempt: message.attempt + 1, reservedSlotAtMs: undefined }], Math.min(outcome.retryInMs, MAX_SQS_DELAY_MS));
  }
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: SQSEvent) => {
  cached ??= makeHandler(createAwsDeps(loadConfig(process.env), consoleJsonLog()));
  return cached(event);
};

function consoleJsonLog() {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ level, message, ...fields }));
  return { info: write('INFO'), warn: write('WARN') };
}
