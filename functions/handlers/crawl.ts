import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../config';
import { describeError } from '../errors';
import { createLogger } from '../observability/logger';
import { createMetrics, type PerHostMetricPolicy } from '../observability/metrics';
import { CRAWL_SERVICE_NAME } from '../observability/names';
import { crawlUrl, type CrawlOutcome } from '../pipeline/crawl-url';
import type { PipelineDeps } from '../pipeline/deps';
import { BUNDLE_LINGER_MS } from '../archive-format/bundle-writer';
import { CleanBundleWriter } from '../archive-format/clean-copies';
import { RawBundleWriter } from '../archive-format/raw-pages';
import type { CrawlMessage } from '../ports/crawl-queue';
import { createAwsDeps } from './aws-deps';
import { requeueOf, type RequeuePolicy } from '../pipeline/requeue';
import { pipelineLogFrom, recordCrawlMetrics } from './lambda-observability';

/** SQS caps DelaySeconds at 15 minutes; longer backoffs are re-delayed on each delivery. */
const MAX_SQS_DELAY_MS = 900_000;
/** SQS delays a message at most 15 minutes: longer waits are capped, longer retries parked. */
const SQS_REQUEUE: RequeuePolicy = {
  maxDeferMs: MAX_SQS_DELAY_MS,
  maxRetryDelayMs: MAX_SQS_DELAY_MS,
  retryDelayMs: (outcome) => outcome.retryInMs,
};

/**
 * Crawl Lambda: one SQS message per URL, the batch's URLs in parallel (they are mostly waiting on
 * the network, and Lambda bills wall time). Politeness waits and retryable failures are re-sent
 * with a delay (exponential backoff with jitter, Retry-After honoured) and the original
 * acknowledged; a message whose processing throws is reported as a batch item failure, so SQS
 * redelivers it and finally moves it to the DLQ. Every outcome is recorded in the frontier with
 * its reason.
 *
 * The raw pages of one batch are stored as ONE bundle object (a {@link RawBundleWriter} with one
 * participant per message): a stored page waits until every other message of the batch has
 * written its page or finished without one (304, skip, failure, deferral, unparsable body: the
 * `finally` below), or until the linger time. Their clean copies then go the same way into one
 * JSON Lines bundle per article day (a {@link CleanBundleWriter}). A failed bundle PUT fails every
 * page in it before any of them writes its record, so they are retried and nothing points at a
 * missing object.
 */
export function makeHandler(
  deps: PipelineDeps,
  observe: { metrics?: Metrics; hostPolicy?: PerHostMetricPolicy } = {},
  options: {
    /** Linger of raw and clean bundles, default {@link BUNDLE_LINGER_MS}. */ rawBundleLingerMs?: number;
  } = {},
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const writerOptions = {
      archive: deps.archive,
      participants: event.Records.length,
      lingerMs: options.rawBundleLingerMs ?? BUNDLE_LINGER_MS,
      now: deps.now,
    };
    const rawBundle = new RawBundleWriter(writerOptions);
    const cleanBundle = new CleanBundleWriter(writerOptions);
    const failures = await Promise.all(
      event.Records.map(async (record) => {
        const rawPages = rawBundle.participant();
        const cleanCopies = cleanBundle.participant();
        const settle = () => {
          rawPages.done();
          cleanCopies.done();
        };
        try {
          const message = JSON.parse(record.body) as CrawlMessage;
          const outcome = await crawlUrl({ ...deps, rawPages, cleanCopies }, message).finally(settle);
          if (observe.metrics)
            recordCrawlMetrics(observe.metrics, outcome, observe.hostPolicy ?? { kind: 'all' });
          await followUp(deps, message, outcome);
          return undefined;
        } catch (error) {
          deps.log.warn('crawl message failed', { messageId: record.messageId, error: describeError(error) });
          return { itemIdentifier: record.messageId };
        } finally {
          // Also when the body did not parse: the bundles must not wait for this message.
          settle();
        }
      }),
    );
    observe.metrics?.publishStoredMetrics();
    return { batchItemFailures: failures.filter((f): f is { itemIdentifier: string } => f !== undefined) };
  };
}

async function followUp(deps: PipelineDeps, message: CrawlMessage, outcome: CrawlOutcome): Promise<void> {
  deps.log.info('crawled', {
    url: message.url,
    outcome: outcome.kind,
    ...('reason' in outcome ? { reason: outcome.reason } : {}),
    ...('articleId' in outcome ? { articleId: outcome.articleId } : {}),
    ...('host' in outcome ? { host: outcome.host } : {}),
  });
  // A longer backoff (or Retry-After) than SQS can delay stays parked in the frontier with its
  // nextRetryAt; the discover sweep (recoverPending) re-sends it once due, never sooner.
  const requeue = requeueOf(message, outcome, SQS_REQUEUE);
  if (requeue) await deps.queue.send([requeue.message], requeue.delayMs);
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: SQSEvent) => {
  if (!cached) {
    const config = loadConfig(process.env);
    const logger = createLogger({ serviceName: CRAWL_SERVICE_NAME });
    cached = makeHandler(createAwsDeps(config, pipelineLogFrom(logger)), {
      metrics: createMetrics({ serviceName: CRAWL_SERVICE_NAME }),
      hostPolicy: config.perHostMetricPolicy,
    });
  }
  return cached(event);
};
