import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import type { ReprocessMessage } from '../../functions/core/reprocess-message';
import { handler, makeHandler } from '../../functions/handlers/reprocess';
import { REPROCESS_SERVICE_NAME } from '../../functions/observability/names';
import { MemoryReprocessCheckpoint } from '../../functions/adapters/local/memory-reprocess-checkpoint';
import { MemoryReprocessQueue } from '../../functions/adapters/local/memory-reprocess-queue';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import { SEED_PAGES, seedArchive, type SeededArchive } from '../query/helpers/seed-archive';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:news-reprocess';

const sqsEvent = (...bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      eventSourceARN: QUEUE_ARN,
    })),
  }) as unknown as SQSEvent;

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 600_000 } as unknown as Context;

/** JSON log lines, whether written to stdout/stderr (Powertools: warnings go to stderr) or through console. */
let lines: Array<Record<string, any>>;
function collect(text: string): void {
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
  }
}

describe('reprocess Lambda entry point logs', () => {
  let dynamo: DynaliteServer;
  let s3: S3Server;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await ensureTable(dynamo.client, 'reprocess-logs');
    s3 = await startS3Server('reprocess-logs-archive');
  });
  afterAll(async () => {
    await dynamo?.stop();
    await s3?.stop();
  });
  beforeEach(() => {
    lines = [];
    // The handler reads its configuration from the environment on its first invocation.
    for (const [name, value] of Object.entries({
      TABLE_NAME: 'reprocess-logs',
      BUCKET_NAME: s3.bucket,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      // The stack sets it too; the handler must not depend on it for its service field.
      POWERTOOLS_SERVICE_NAME: '',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    })) {
      vi.stubEnv(name, value);
    }
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        collect(String(chunk));
        return true;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) =>
        collect(args.map(String).join(' ')),
      );
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("carries the Powertools service field on the handler's lines", async () => {
    // A malformed message (warn) and a slice of a day with no articles (info): neither sends to SQS.
    const slice: ReprocessMessage = {
      kind: 'slice',
      runId: 'run-logs',
      day: '2026-11-24',
      host: 'wirewatch.example',
    };
    const result = await handler(sqsEvent('{not json', slice), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);

    const failed = lines.find((l) => l.message === 'reprocess message failed');
    const done = lines.find((l) => l.message === 'reprocess slice');
    expect(failed).toMatchObject({ level: 'WARN', service: REPROCESS_SERVICE_NAME, messageId: 'm0' });
    expect(done).toMatchObject({
      level: 'INFO',
      service: REPROCESS_SERVICE_NAME,
      host: 'wirewatch.example',
      complete: true,
      keys: 0,
    });
    expect(
      lines
        .filter((l) => l.message?.startsWith('reprocess'))
        .every((l) => l.service === REPROCESS_SERVICE_NAME),
    ).toBe(true);
  });
});

describe('reprocess page failures', () => {
  let dataDir: string;
  let seeded: SeededArchive;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reprocess-logs-'));
    seeded = await seedArchive(dataDir);
  });
  afterAll(async () => {
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('are logged with the article id and host, as crawl logs its pages', async () => {
    const { deps } = seeded.pipeline;
    const seedIndex = SEED_PAGES.findIndex((p) => p.url.includes('wirewatch.example/news/2026/11/24/'));
    const outcome = seeded.outcomes[seedIndex];
    if (outcome.kind !== 'stored') throw new Error(`seed page not stored: ${outcome.kind}`);
    const victim = await deps.index.getArticle(outcome.articleId);
    expect(victim?.rawKey).toBeDefined();
    // A raw bundle damaged in place (same size, so every range still reads): its pages fail to gunzip.
    const rawBundle = (await deps.archive.get(victim!.rawKey!))!;
    await deps.archive.put(victim!.rawKey!, new Uint8Array(rawBundle.byteLength), 'application/octet-stream');

    const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const record = (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields });
    const reprocess = makeHandler({
      pipeline: { ...deps, log: { info: record, warn: record } },
      checkpoint: new MemoryReprocessCheckpoint(),
      queueOf: () => new MemoryReprocessQueue(),
    });
    const result = await reprocess(
      sqsEvent({ kind: 'slice', runId: 'run-damaged', day: victim!.day, host: 'wirewatch.example' }),
      context,
    );
    expect(result.batchItemFailures).toEqual([]);

    const pageFailures = logs.filter((l) => l.message === 'reprocess page failed').map((l) => l.fields!);
    expect(pageFailures.length).toBeGreaterThan(0);
    expect(pageFailures).toContainEqual(
      expect.objectContaining({
        key: `dt=${victim!.day}/host=wirewatch.example/${victim!.id}`,
        articleId: victim!.id,
        host: 'wirewatch.example',
      }),
    );
    for (const fields of pageFailures)
      expect(fields).toMatchObject({
        articleId: expect.any(String),
        host: 'wirewatch.example',
        error: expect.any(String),
      });
  });
});
