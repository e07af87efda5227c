/**
 * The backfill item Lambda against DynamoDB Local and s3rver, driven the way the state machine
 * drives it: call with the Map item, then again with what it returned until `done`. The clock runs
 * out mid-file, so the file is read over several invocations; a throttled DynamoDB request fails
 * one call, which is retried from the same input without double counts; bad input is refused by
 * name (the state machine does not retry it). Backfilled articles point into the WARC object and
 * reading the raw page back follows the pointer (a ranged GET).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { loadConfig } from '../../functions/config';
import { articleIdFor } from '../../functions/core/url/canonical-url';
import { createAwsDeps } from '../../functions/handlers/aws-deps';
import {
  BACKFILL_TIME_MARGIN_MS,
  type BackfillItemResult,
  makeHandler,
} from '../../functions/handlers/backfill';
import type { PipelineDeps } from '../../functions/pipeline/deps';
import { readRawPage } from '../../functions/archive-format/raw-pages';
import { writeSitesWarc } from '../../scripts/lib/synthetic-warc';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import { generateSites, type SyntheticSites } from '../helpers/synthetic-sites';

const ARTICLES = 18;
const HOSTS = 3;
const KEY = 'backfill/warc/sites.warc.gz';
/** s3rver's account; DynamoDB Local takes any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A Lambda context whose remaining time drops below the margin after `records` checks. */
function contextWithBudget(records: number) {
  let calls = 0;
  return { getRemainingTimeInMillis: () => (calls++ < records ? 600_000 : BACKFILL_TIME_MARGIN_MS - 1) };
}

describe('backfill item Lambda (DynamoDB Local + s3rver)', () => {
  let dynamo: DynamoDbLocal;
  let s3: S3Server;
  let dir: string;
  let sites: SyntheticSites;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamoDbLocal(), startS3Server('backfill-archive')]);
    dir = await mkdtemp(join(tmpdir(), 'backfill-lambda-'));
    sites = generateSites({ articles: ARTICLES, hosts: HOSTS, seed: 9 });
    const path = join(dir, 'sites.warc.gz');
    await writeSitesWarc(sites, path, { revisitEvery: 6 });
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: KEY, Body: await readFile(path) }));
    // The handler's own clients read credentials from the environment, as on Lambda.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
  }, 60_000);
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([dynamo?.stop(), s3?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function depsFor(
    table: string,
  ): Promise<PipelineDeps & { archiveRecords: NonNullable<PipelineDeps['archiveRecords']> }> {
    // DynamoDB Local keeps tables per access key: create it with the handler's credentials.
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    await ensureTable(client, table);
    client.destroy();
    const config = loadConfig({
      TABLE_NAME: table,
      BUCKET_NAME: s3.bucket,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: 'us-east-1',
      CRAWL_QUEUE_URL: 'https://sqs.invalid/unused',
    });
    return createAwsDeps(config, { info: () => {}, warn: () => {} });
  }

  /** Runs the item to the end like the state machine's loop; returns every invocation's result. */
  async function runItem(
    handler: ReturnType<typeof makeHandler>,
    budgets: number[],
    retryFailed = false,
  ): Promise<{ results: BackfillItemResult[]; errors: string[] }> {
    const results: BackfillItemResult[] = [];
    const errors: string[] = [];
    let event: unknown = { bucket: s3.bucket, key: KEY, filters: {} };
    for (let i = 0; i < 50; i++) {
      try {
        const result = await handler(event, contextWithBudget(budgets[i] ?? 1000));
        results.push(result);
        if (result.done) break;
        event = result;
      } catch (error) {
        errors.push((error as Error).name);
        if (!retryFailed) throw error;
      }
    }
    return { results, errors };
  }

  it('reads one WARC over several invocations from its checkpoints', { timeout: 120_000 }, async () => {
    const deps = await depsFor('backfill-one');
    const handler = makeHandler({ pipeline: deps, source: deps.archiveRecords, recordConcurrency: 4 });
    const { results } = await runItem(handler, [10, 15, 12]);
    expect(results.length).toBeGreaterThan(2);
    expect(results.slice(0, -1).every((r) => !r.done && r.checkpoint.nextOffset > 0)).toBe(true);
    const counts = results.at(-1)!.checkpoint.counts;
    expect(results.flatMap((r) => r.failed)).toEqual([]);
    expect(counts).toMatchObject({
      records: 1 + HOSTS * 4 + ARTICLES + ARTICLES / 6,
      stored: ARTICLES,
      unchanged: 0,
      damaged: 0,
      failed: 0,
    });
    expect(counts.skipped).toMatchObject({ revisit: ARTICLES / 6, 'not-html': HOSTS * 3 });

    const url = sites.articleUrls[4];
    const record = await deps.index.getArticle(articleIdFor(url));
    expect(record?.rawKey).toBe(`warc:s3://${s3.bucket}/${KEY}`);
    const raw = await readRawPage(deps.archive, record!, deps.archiveRecords);
    const u = new URL(url);
    expect(Buffer.from(raw!.body).equals(sites.pages.get(u.host)!.get(u.pathname)!.body)).toBe(true);
  });

  it('a throttled call fails and its retry from the same input counts nothing twice', {
    timeout: 120_000,
  }, async () => {
    const deps = await depsFor('backfill-throttled');
    let writes = 0;
    const index = new Proxy(deps.index, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'putArticle' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          // The 7th article write is throttled past the client's own retries.
          if (++writes === 7) {
            const error = new Error('Rate of requests exceeds the allowed throughput.');
            error.name = 'ProvisionedThroughputExceededException';
            throw Object.assign(error, { $retryable: { throttling: true } });
          }
          return value.apply(target, args);
        };
      },
    });
    const handler = makeHandler({
      pipeline: { ...deps, index },
      source: deps.archiveRecords,
      recordConcurrency: 4,
    });
    const { results, errors } = await runItem(handler, [1000], true);
    expect(errors).toEqual(['PipelineError']);
    const counts = results.at(-1)!.checkpoint.counts;
    expect(results.at(-1)!.done).toBe(true);
    expect(counts.stored).toBe(ARTICLES);
    expect(counts.records).toBe(1 + HOSTS * 4 + ARTICLES + ARTICLES / 6);
  });

  it('refuses a malformed item by name, so the state machine does not retry it', async () => {
    const deps = await depsFor('backfill-bad');
    const handler = makeHandler({ pipeline: deps, source: deps.archiveRecords, recordConcurrency: 1 });
    await expect(handler({ bucket: s3.bucket }, contextWithBudget(10))).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/key/),
    });
    await expect(
      handler({ bucket: s3.bucket, key: KEY, filters: { from: 'yesterday' } }, contextWithBudget(10)),
    ).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/--from "yesterday"/),
    });
    await expect(
      handler({ bucket: s3.bucket, key: 'backfill/warc/missing.warc.gz' }, contextWithBudget(10)),
    ).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/no such object/),
    });
  });
});
