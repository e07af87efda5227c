import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { DynamoDbReprocessCheckpoint } from '../../functions/adapters/dynamodb/reprocess-checkpoint';
import { makeHandler, queueUrlFromArn, SLICE_TIME_MARGIN_MS } from '../../functions/handlers/reprocess';
import type { ReprocessMessage } from '../../functions/core/reprocess-message';
import { listArticleKeys } from '../../functions/pipeline/reprocess';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { seedArchive, type SeededArchive } from '../query/helpers/seed-archive';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:news-reprocess';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/news-reprocess';

const sqsEvent = (...bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      eventSourceARN: QUEUE_ARN,
    })),
  }) as unknown as SQSEvent;

/** A Lambda context whose clock runs out after `keys` pages. */
function contextWithBudget(keys: number) {
  let calls = 0;
  return {
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => (calls++ < keys ? 60_000 : SLICE_TIME_MARGIN_MS - 1),
  };
}

describe('reprocess Lambda (SQS-fed slices, DynamoDB checkpoint)', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let dynamo: DynaliteServer;
  let checkpoint: DynamoDbReprocessCheckpoint;
  const sent: Array<{ queueUrl: string; message: ReprocessMessage }> = [];
  const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  let handler: ReturnType<typeof makeHandler>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reprocess-lambda-'));
    seeded = await seedArchive(dataDir);
    dynamo = await startDynalite();
    await ensureTable(dynamo.client, 'checkpoints');
    checkpoint = new DynamoDbReprocessCheckpoint({ tableName: 'checkpoints', client: dynamo.client });
    const log = {
      info: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
      warn: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
    };
    handler = makeHandler({
      pipeline: { ...seeded.pipeline.deps, log },
      checkpoint,
      queueOf: (queueUrl) => ({
        send: async (messages) => {
          for (const message of messages) sent.push({ queueUrl, message });
        },
      }),
      // One article per chunk, so the test's clock runs out after a given number of articles.
      articlesPerBundle: 1,
    });
  });
  afterAll(async () => {
    await seeded?.pipeline.close();
    await dynamo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('derives the queue URL from the event source ARN', () => {
    expect(queueUrlFromArn(QUEUE_ARN)).toBe(QUEUE_URL);
  });

  it('a start message fans out one slice per article day onto the same queue', async () => {
    sent.length = 0;
    const result = await handler(
      sqsEvent({
        kind: 'start',
        runId: 'run-1',
        from: '2026-11-20',
        to: '2026-11-24',
        host: 'wirewatch.example',
      }),
      contextWithBudget(100),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.queueUrl)).toEqual(Array(5).fill(QUEUE_URL));
    expect(sent.map((s) => s.message)).toEqual(
      ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'].map((day) => ({
        kind: 'slice',
        runId: 'run-1',
        day,
        host: 'wirewatch.example',
      })),
    );
  });

  it('a slice stops near the timeout, checkpoints in DynamoDB and continues from there; the rest completes it', async () => {
    sent.length = 0;
    const all: string[] = [];
    for await (const key of listArticleKeys(seeded.pipeline.deps, { from: '2026-11-24', to: '2026-11-24' }))
      all.push(key);
    expect(all.length).toBe(6);
    const slice: ReprocessMessage = { kind: 'slice', runId: 'run-2', day: '2026-11-24' };

    const first = await handler(sqsEvent(slice), contextWithBudget(3));
    expect(first.batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.message)).toEqual([{ ...slice, startAfter: all[2] }]);
    expect(await checkpoint.load('run-2|2026-11-24|*')).toBe(all[2]);

    // SQS redelivers the original message (as after a crash): the DynamoDB checkpoint wins over its missing startAfter.
    sent.length = 0;
    logs.length = 0;
    const retry = await handler(sqsEvent(slice), contextWithBudget(100));
    expect(retry.batchItemFailures).toEqual([]);
    expect(sent).toEqual([]);
    const done = logs.find((l) => l.message === 'reprocess slice')!.fields!;
    expect(done).toMatchObject({
      keys: 3,
      stored: 3,
      failed: 0,
      complete: true,
      continued: false,
      resumedAfter: all[2],
    });
    expect(await checkpoint.load('run-2|2026-11-24|*')).toBeUndefined();
  });

  it('a malformed message is reported as a batch item failure (so it ends in the DLQ), the others still run', async () => {
    sent.length = 0;
    const result = await handler(
      sqsEvent(
        '{not json',
        { kind: 'slice', runId: 'r', day: 'yesterday' },
        { kind: 'start', runId: 'run-3', from: '2026-11-24', to: '2026-11-24' },
      ),
      contextWithBudget(100),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(sent).toHaveLength(1);
  });
});
