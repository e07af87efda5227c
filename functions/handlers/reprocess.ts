import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { reprocessMessageSchema, type ReprocessMessage } from '../core/reprocess-message';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../adapters/dynamodb/table-schema';
import { loadConfig } from '../config';
import { describeError, StorageError } from '../errors';
import { createLogger } from '../observability/logger';
import { REPROCESS_SERVICE_NAME } from '../observability/names';
import type { PipelineDeps } from '../pipeline/deps';
import type { ReprocessCheckpointStore } from '../ports/reprocess-checkpoint-store';
import {
  CHECKPOINT_EVERY_KEYS,
  deleteUnreferencedCleanObjects,
  filterDays,
  listArticleKeys,
  parseArticleKey,
  REPROCESS_ARTICLES_PER_BUNDLE,
  reprocessKeys,
  tally,
  type ReprocessSummary,
} from '../pipeline/reprocess';
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
/** Checkpoints expire after this long, so abandoned runs leave nothing behind. */
const CHECKPOINT_TTL_SECONDS = 30 * 24 * 3600;
/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH_SIZE = 10;

/** Sends messages to the queue the handler reads from. */
export type SendReprocessMessages = (queueUrl: string, messages: ReprocessMessage[]) => Promise<void>;

/** Everything the handler needs, injected for tests. */
export interface ReprocessHandlerDeps {
  pipeline: PipelineDeps;
  checkpoint: ReprocessCheckpointStore;
  send: SendReprocessMessages;
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
        const queueUrl = queueUrlFromArn(record.eventSourceARN);
        if (message.kind === 'start') {
          const runId = message.runId ?? `${new Date().toISOString()}-${context.awsRequestId}`;
          const days = filterDays({ from: message.from, to: message.to, host: message.host })!;
          for (let i = 0; i < days.length; i += SQS_BATCH_SIZE) {
            await deps.send(
              queueUrl,
              days
                .slice(i, i + SQS_BATCH_SIZE)
                .map((d) => ({ kind: 'slice', runId, day: d, host: message.host })),
            );
          }
          deps.pipeline.log.info('reprocess run started', { runId, days: days.length, host: message.host });
        } else {
          await runSlice(deps, message, queueUrl, context);
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
  queueUrl: string,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  const runKey = `${message.runId}|${message.day}|${message.host ?? '*'}`;
  const saved = await deps.checkpoint.load(runKey);
  const startAfter = [message.startAfter, saved]
    .filter((k): k is string => Boolean(k))
    .sort()
    .at(-1);
  const summary: ReprocessSummary = {
    keys: 0,
    stored: 0,
    textChanged: 0,
    superseded: 0,
    orphan: 0,
    nowSkipped: 0,
    failed: [],
    cleanObjectsDeleted: 0,
    complete: false,
    ...(startAfter ? { resumedAfter: startAfter } : {}),
  };
  let lastKey = startAfter;
  let sinceCheckpoint = 0;
  let outOfTime = false;
  const keys: string[] = [];
  for await (const key of listArticleKeys(
    deps.pipeline,
    { from: message.day, to: message.day, host: message.host },
    startAfter,
  ))
    keys.push(key);
  const perBundle = deps.articlesPerBundle ?? REPROCESS_ARTICLES_PER_BUNDLE;
  for (let i = 0; i < keys.length; i += perBundle) {
    if (context.getRemainingTimeInMillis() < SLICE_TIME_MARGIN_MS) {
      outOfTime = true;
      break;
    }
    const chunk = keys.slice(i, i + perBundle);
    const outcomes = await reprocessKeys(deps.pipeline, chunk);
    chunk.forEach((key, j) => tally(summary, key, outcomes[j]));
    summary.keys += chunk.length;
    lastKey = chunk.at(-1);
    sinceCheckpoint += chunk.length;
    if (sinceCheckpoint >= CHECKPOINT_EVERY_KEYS) {
      await deps.checkpoint.save(runKey, lastKey!);
      sinceCheckpoint = 0;
    }
  }
  if (outOfTime) {
    if (lastKey) await deps.checkpoint.save(runKey, lastKey);
    await deps.send(queueUrl, [{ ...message, ...(lastKey ? { startAfter: lastKey } : {}) }]);
  } else {
    summary.complete = true;
    // The day is rewritten: its clean objects nothing points at any more can go.
    summary.cleanObjectsDeleted = (await deleteUnreferencedCleanObjects(deps.pipeline, message.day)).length;
    await deps.checkpoint.clear(runKey);
  }
  const { failed, ...counts } = summary;
  deps.pipeline.log.info('reprocess slice', {
    runId: message.runId,
    day: message.day,
    host: message.host,
    ...counts,
    failed: failed.length,
    continued: outOfTime,
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

/**
 * Reprocess checkpoints as small items of the pipeline table (`REPROCESS#<run>` / `CHECKPOINT`),
 * expiring through the table's TTL attribute.
 */
export class DynamoDbReprocessCheckpoint implements ReprocessCheckpointStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly options: { tableName: string; client: DynamoDBClient; now?: () => Date }) {
    this.doc = DynamoDBDocumentClient.from(options.client);
  }

  private key(runKey: string) {
    return { [TABLE_KEY.partitionKey]: `REPROCESS#${runKey}`, [TABLE_KEY.sortKey]: 'CHECKPOINT' };
  }

  async load(runKey: string): Promise<string | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: this.key(runKey), ConsistentRead: true }),
      );
      return typeof Item?.lastKey === 'string' ? Item.lastKey : undefined;
    } catch (error) {
      throw new StorageError('cannot read reprocess checkpoint', { cause: error });
    }
  }

  async save(runKey: string, lastKey: string): Promise<void> {
    const nowMs = (this.options.now?.() ?? new Date()).getTime();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.key(runKey),
            lastKey,
            updatedAt: new Date(nowMs).toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + CHECKPOINT_TTL_SECONDS,
          },
        }),
      );
    } catch (error) {
      throw new StorageError('cannot write reprocess checkpoint', { cause: error });
    }
  }

  async clear(runKey: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.options.tableName, Key: this.key(runKey) }));
    } catch (error) {
      throw new StorageError('cannot delete reprocess checkpoint', { cause: error });
    }
  }
}

/** Sends with SendMessageBatch, failing when SQS rejects any entry (SQS then retries the slice). */
export function sqsSender(client: SQSClient): SendReprocessMessages {
  return async (queueUrl, messages) => {
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (response.Failed && response.Failed.length > 0) {
      throw new StorageError(
        `SQS refused ${response.Failed.length} reprocess message(s): ${response.Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
      );
    }
  };
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
    cached = makeHandler({
      pipeline,
      checkpoint: new DynamoDbReprocessCheckpoint({ tableName: config.tableName, client: dynamo }),
      send: sqsSender(new SQSClient({ region: config.awsRegion })),
    });
  }
  return cached(event, context);
};
