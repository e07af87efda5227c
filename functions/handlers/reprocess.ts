import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { reprocessMessageSchema, type ReprocessMessage } from '../core/reprocess-message';
import { DynamoDbReprocessCheckpoint } from '../adapters/dynamodb/reprocess-checkpoint';
import { SqsReprocessQueue } from '../adapters/sqs/sqs-reprocess-queue';
import { loadConfig } from '../config';
import { describeError } from '../errors';
import { createLogger } from '../observability/logger';
import { REPROCESS_SERVICE_NAME } from '../observability/names';
import type { PipelineDeps } from '../pipeline/deps';
import type { ReprocessCheckpointStore } from '../ports/reprocess-checkpoint-store';
import type { ReprocessQueue } from '../ports/reprocess-queue';
import { filterDays, keysVisited, parseArticleKey, reprocessPass } from '../pipeline/reprocess';
import { createAwsDeps, DYNAMODB_CLIENT_RETRY } from './aws-deps';
import { pipelineLogFrom } from './lambda-observability';

/**
 * Reprocess Lambda, fed by its own SQS queue (batch size 1). Two message kinds:
 *
 * - `start` `{ "kind": "start", "from": "2026-11-01", "to": "2026-11-30", "host"?: "..." }`: fans
 *   out one `slice` message per article day (the clean-copy partition) onto the same queue (days
 *   run in parallel, up to the event source's maximum concurrency; first-seen stays correct
 *   because the index decides it atomically).
 * - `slice` `{ "kind": "slice", "runId", "day", "host"?, "startAfter"? }`: reprocesses that day's
 *   articles (article keys from the index, each read back from its raw bundle range, their clean
 *   lines bundled a chunk at a time) in key order until the invocation is close to its timeout,
 *   then sends itself a continuation with `startAfter` = the last key done. A slice that finishes
 *   its day deletes the day's clean objects no record points at any more (older than the margin).
 *
 * The last key done is also checkpointed in DynamoDB every few keys, so a slice whose invocation is
 * killed (timeout, crash) is retried by SQS from its checkpoint rather than from the start.
 */

/** Stop taking new pages when less time than this is left: a chunk of 25 pages takes a few seconds. */
export const SLICE_TIME_MARGIN_MS = 20_000;
/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH_SIZE = 10;

/** Everything the handler needs, injected for tests. */
export interface ReprocessHandlerDeps {
  pipeline: PipelineDeps;
  checkpoint: ReprocessCheckpointStore;
  /** The queue the handler reads from, by its URL (derived from each record's event source). */
  queueOf: (queueUrl: string) => ReprocessQueue;
  /** Articles reprocessed together (sharing clean bundles); default REPROCESS_ARTICLES_PER_BUNDLE. */
  articlesPerBundle?: number;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → the queue URL, so no extra configuration is needed. */
export function queueUrlFromArn(arn: string): string {
  const [, , , region, account, name] = arn.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/** The SQS-fed reprocess handler (see the module comment). */
export function makeHandler(deps: ReprocessHandlerDeps) {
  return async (
    event: SQSEvent,
    context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
  ): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = reprocessMessageSchema.parse(JSON.parse(record.body));
        const queue = deps.queueOf(queueUrlFromArn(record.eventSourceARN));
        if (message.kind === 'start') {
          const runId = message.runId ?? `${new Date().toISOString()}-${context.awsRequestId}`;
          const days = filterDays({ from: message.from, to: message.to, host: message.host })!;
          for (let i = 0; i < days.length; i += SQS_BATCH_SIZE) {
            await queue.send(
              days
                .slice(i, i + SQS_BATCH_SIZE)
                .map((d) => ({ kind: 'slice', runId, day: d, host: message.host })),
            );
          }
          deps.pipeline.log.info('reprocess run started', { runId, days: days.length, host: message.host });
        } else {
          await runSlice(deps, message, queue, context);
        }
      } catch (error) {
        deps.pipeline.log.warn('reprocess message failed', {
          messageId: record.messageId,
          error: describeError(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

async function runSlice(
  deps: ReprocessHandlerDeps,
  message: Extract<ReprocessMessage, { kind: 'slice' }>,
  queue: ReprocessQueue,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  const runKey = `${message.runId}|${message.day}|${message.host ?? '*'}`;
  const saved = await deps.checkpoint.load(runKey);
  const { summary, lastKey } = await reprocessPass(deps.pipeline, {
    filter: { from: message.day, to: message.day, host: message.host },
    runKey,
    checkpoint: deps.checkpoint,
    startAfter: [message.startAfter, saved]
      .filter((k): k is string => Boolean(k))
      .sort()
      .at(-1),
    shouldStop: () => context.getRemainingTimeInMillis() < SLICE_TIME_MARGIN_MS,
    articlesPerBundle: deps.articlesPerBundle,
  });
  const continued = !summary.complete;
  if (continued) await queue.send([{ ...message, ...(lastKey ? { startAfter: lastKey } : {}) }]);
  const { failed, ...counts } = summary;
  deps.pipeline.log.info('reprocess slice', {
    runId: message.runId,
    day: message.day,
    host: message.host,
    ...counts,
    keys: keysVisited(summary),
    failed: failed.length,
    continued,
  });
  for (const f of failed) {
    // The same keys as crawl's page lines, so one query finds a page's lines from both functions.
    const parts = parseArticleKey(f.key);
    deps.pipeline.log.warn('reprocess page failed', {
      key: f.key,
      ...(parts ? { articleId: parts.articleId, host: parts.host } : {}),
      error: f.detail,
    });
  }
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: SQSEvent, context: Context) => {
  if (!cached) {
    const config = loadConfig(process.env);
    // Powertools JSON lines with the `service` field, like the other functions' logs.
    const log = pipelineLogFrom(createLogger({ serviceName: REPROCESS_SERVICE_NAME }));
    // The crawl queue client is part of the shared deps but reprocessing never sends crawl work:
    // a placeholder URL spares the function a CRAWL_QUEUE_URL it does not use.
    const pipeline = createAwsDeps(
      { ...config, crawlQueueUrl: config.crawlQueueUrl ?? 'https://sqs.invalid/unused' },
      log,
    );
    const dynamo = new DynamoDBClient({
      region: config.awsRegion,
      endpoint: config.dynamodbEndpoint,
      ...DYNAMODB_CLIENT_RETRY,
    });
    const sqs = new SQSClient({ region: config.awsRegion });
    cached = makeHandler({
      pipeline,
      checkpoint: new DynamoDbReprocessCheckpoint({ tableName: config.tableName, client: dynamo }),
      queueOf: (queueUrl) => new SqsReprocessQueue(sqs, queueUrl),
    });
  }
  return cached(event, context);
};
