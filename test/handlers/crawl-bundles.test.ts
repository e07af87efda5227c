/**
 * The crawl Lambda handler with the AWS adapters against real-protocol servers on loopback
 * (s3rver for S3, dynalite for DynamoDB) and a recording queue: the raw pages of one SQS batch go
 * to ONE bundle object and their clean copies to one JSON Lines bundle per article day, every
 * record's ranges read back to the page as served and to its newest clean line, a failed bundle
 * PUT (raw or clean) leaves nothing pointing at a missing object, and the S3 requests per stored
 * article.
 */
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ArchiveStore } from '../../functions/adapters/archive/s3-archive-store';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { loadConfig } from '../../functions/config';
import type { ArticleRecord } from '../../functions/core/article';
import { canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { StorageError } from '../../functions/errors';
import { InMemoryHostRateLimiter } from '../../functions/adapters/local/memory-host-rate-limiter';
import { RobotsCache } from '../../functions/fetch/robots';
import { makeHandler } from '../../functions/handlers/crawl';
import { readCleanCopy } from '../../functions/archive-format/clean-copies';
import { fetchOptionsFrom, silentLog, type PipelineDeps } from '../../functions/pipeline/deps';
import { CountingArchiveStore } from '../../scripts/lib/counting-stores';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';
import { newestLines, pointsAt, readCleanLines } from '../helpers/clean-lines';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import {
  generateSites,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

/** SQS's largest crawl batch (infra/settings.ts allows up to 10). */
const BATCH = 10;

/** The S3 store with injected failures: PUTs under `failPutsUnder` fail as S3 would (a 503). */
class FailingS3ArchiveStore extends S3ArchiveStore {
  failPutsUnder?: string;

  override async put(...args: Parameters<S3ArchiveStore['put']>): Promise<void> {
    const [key] = args;
    if (this.failPutsUnder && key.startsWith(this.failPutsUnder))
      throw new StorageError(`S3 PutObject ${key} failed: SlowDown (injected)`, { retryable: true });
    await super.put(...args);
  }
}

class RecordingQueue {
  sent: CrawlMessage[] = [];
  async send(messages: readonly CrawlMessage[]) {
    this.sent.push(...messages);
  }
}

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body }) as SQSEvent['Records'][number]),
});
const message = (url: string): CrawlMessage => ({
  url,
  urlKey: canonicalizeUrl(url),
  sourceId: 'synthetic',
  attempt: 0,
});

/** A deterministic shuffle, so copies are sometimes crawled before their origin (as on SQS). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let a = seed >>> 0;
  const random = () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return a / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('crawl handler: raw pages and clean copies bundled per SQS batch (s3rver + dynalite)', () => {
  let s3: S3Server;
  let dynamo: DynaliteServer;
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let urls: string[];
  let tableNo = 0;

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3Server('crawl-bundles'), startDynalite()]);
    // About 30 % of the stored articles are syndicated copies, as in the cost model.
    sites = generateSites({ articles: 60, hosts: 4, seed: 23, copyShare: 0.4 });
    server = await startSyntheticSites(sites);
    urls = shuffled(sites.articleUrls, 42);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
    await dynamo?.stop();
  });

  /** Fresh bucket contents and a fresh table for each test. */
  let archive: CountingArchiveStore;
  let s3Store: FailingS3ArchiveStore;
  let deps: PipelineDeps & { index: DynamoDbDedupIndex; frontier: DynamoDbFrontier };
  let queue: RecordingQueue;
  beforeEach(async () => {
    for (;;) {
      const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      for (const object of listed.Contents ?? [])
        await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: object.Key }));
      if (!listed.IsTruncated) break;
    }
    const tableName = `crawl-bundles-${++tableNo}`;
    await ensureTable(dynamo.client, tableName);
    s3Store = new FailingS3ArchiveStore({ bucket: s3.bucket, client: s3.client });
    archive = new CountingArchiveStore(s3Store);
    queue = new RecordingQueue();
    const fetchOptions = {
      ...fetchOptionsFrom(loadConfig({})),
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
    };
    deps = {
      archive,
      index: new DynamoDbDedupIndex({ tableName, client: dynamo.client }),
      frontier: new DynamoDbFrontier({ tableName, client: dynamo.client }),
      queue,
      robots: new RobotsCache({ fetchOptions }),
      rateLimiter: new InMemoryHostRateLimiter(),
      fetchOptions,
      hostMinIntervalMs: 5,
      maxFetchAttempts: 5,
      // As on AWS (functions/handlers/aws-deps.ts): short waits inline, no renderings stored.
      maxInlineWaitMs: 2_000,
      writeRenderings: false,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: silentLog,
    };
  });

  async function rawObjects(): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of archive.list('raw/')) keys.push(key);
    return keys;
  }

  async function recordOf(url: string): Promise<ArticleRecord | undefined> {
    const state = await deps.frontier.get(canonicalizeUrl(url));
    return state?.articleId ? deps.index.getArticle(state.articleId) : undefined;
  }

  async function allRecords(): Promise<ArticleRecord[]> {
    const out: ArticleRecord[] = [];
    for (const host of await deps.index.listHosts())
      out.push(...(await deps.index.listArticles({ host, limit: 1_000 })).items);
    return out;
  }

  function served(url: string): Buffer {
    const { host, pathname } = new URL(url);
    return sites.pages.get(host)!.get(pathname)!.body;
  }

  async function cleanObjects(): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of archive.list('clean/')) keys.push(key);
    return keys;
  }

  /**
   * Every record's raw range and clean line are there (nothing points at a missing object), and
   * the line a record points at is its article's newest (what the Athena view picks), with the
   * record's links.
   */
  async function expectNothingDangling(): Promise<void> {
    const newest = newestLines(await readCleanLines(archive));
    for (const record of await allRecords()) {
      const gz = await archive.getRange(record.rawKey!, record.rawOffset!, record.rawLength!);
      expect(gz?.byteLength, `raw range of ${record.id}`).toBe(record.rawLength);
      const line = await readCleanCopy(archive, record);
      expect(line?.id, `clean line of ${record.id}`).toBe(record.id);
      expect(record.cleanKey).toMatch(
        new RegExp(`^clean/dt=${record.day}/bundle-[0-9TZ-]+-[0-9a-f]{12}\\.jsonl$`),
      );
      expect(pointsAt(record, newest.get(record.id)!), `record ${record.id} points at its newest line`).toBe(
        true,
      );
      expect(line!.copyOf?.articleId).toBe(record.copyOf?.articleId);
      expect(line!.clusterId).toBe(record.clusterId);
    }
  }

  it('a batch of 10 messages stores ONE raw object, and 10 records whose ranges gunzip to the pages as served', async () => {
    const batch = urls.slice(0, BATCH);
    const result = await makeHandler(deps)(sqsEvent(batch.map((u) => JSON.stringify(message(u)))));
    expect(result.batchItemFailures).toEqual([]);
    const objects = await rawObjects();
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatch(/^raw\/dt=\d{4}-\d{2}-\d{2}\/bundle-[0-9TZ-]+-[0-9a-f]{12}\.gz$/);
    expect(archive.counts.putsByPrefix.raw).toBe(1);
    const ranges = new Set<string>();
    for (const url of batch) {
      const record = (await recordOf(url))!;
      expect(record, url).toBeDefined();
      expect(record.rawKey).toBe(objects[0]);
      expect(record.rawContentType).toBe('text/html; charset=utf-8');
      ranges.add(`${record.rawOffset}+${record.rawLength}`);
      const page = gunzipSync(
        (await archive.getRange(record.rawKey!, record.rawOffset!, record.rawLength!))!,
      );
      expect(page.equals(served(url)), url).toBe(true);
    }
    expect(ranges.size).toBe(BATCH);
    // And the whole object is the ten pages in a row (`zcat` of the bundle).
    const whole = gunzipSync((await archive.get(objects[0]))!);
    expect(whole.byteLength).toBe(batch.reduce((n, u) => n + served(u).byteLength, 0));
    // Clean copies: one JSON Lines bundle per article day of the batch, one line per article.
    const records = await Promise.all(batch.map(async (u) => (await recordOf(u))!));
    const days = new Set(records.map((r) => r.day));
    expect((await cleanObjects()).length).toBe(days.size);
    expect(archive.counts.putsByPrefix.clean).toBe(days.size);
    const lines = await readCleanLines(archive);
    expect(lines.map((l) => l.copy.id).sort()).toEqual(records.map((r) => r.id).sort());
    for (const line of lines) {
      expect(line.key.startsWith(`clean/dt=${line.copy.day}/`)).toBe(true);
      expect(line.copy).toMatchObject({ version: 1, storedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    }
    await expectNothingDangling();
  });

  it('messages that store nothing (304, 404, unparsable) settle the bundle at once: no wait for the linger time', async () => {
    const handler = makeHandler(deps, {}, { rawBundleLingerMs: 60_000 });
    await handler(sqsEvent(urls.slice(0, 3).map((u) => JSON.stringify(message(u)))));
    const missing = `http://${sites.hosts[0]}/news/no-such-page.html`;
    const bodies = [...urls.slice(0, 3), missing, ...urls.slice(3, 8)].map((u) => JSON.stringify(message(u)));
    const started = Date.now();
    const result = await handler(sqsEvent([...bodies, '{not json']));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm9' }]);
    expect((await deps.frontier.get(canonicalizeUrl(missing)))?.reason).toBe('http-404');
    for (const url of urls.slice(0, 3))
      expect((await deps.frontier.get(canonicalizeUrl(url)))?.reason).toBe('not-modified');
    // The first batch's bundle and one for the five new pages of this batch.
    expect(await rawObjects()).toHaveLength(2);
    const cleanKeys = new Set(
      await Promise.all(urls.slice(3, 8).map(async (u) => (await recordOf(u))!.cleanKey)),
    );
    const days = new Set(await Promise.all(urls.slice(3, 8).map(async (u) => (await recordOf(u))!.day)));
    expect(cleanKeys.size).toBe(days.size);
    const second = new Set(await Promise.all(urls.slice(3, 8).map(async (u) => (await recordOf(u))!.rawKey)));
    expect(second.size).toBe(1);
    await expectNothingDangling();
  });

  it('a failed bundle PUT fails every page of the batch: no record, clean copy or raw object; the redelivery stores them in one bundle', async () => {
    const handler = makeHandler(deps);
    s3Store.failPutsUnder = 'raw/';
    const batch = urls.slice(0, BATCH);
    const failed = await handler(sqsEvent(batch.map((u) => JSON.stringify(message(u)))));
    // Each page's failure is recorded and the message re-sent with a backoff delay (the original acknowledged).
    expect(failed.batchItemFailures).toEqual([]);
    expect(queue.sent.map((m) => m.url).sort()).toEqual([...batch].sort());
    for (const url of batch) expect((await deps.frontier.get(canonicalizeUrl(url)))?.status).toBe('failed');
    expect(archive.counts.putsByPrefix.raw).toBe(1);
    expect(archive.counts.putsByPrefix.clean ?? 0).toBe(0);
    expect(await rawObjects()).toEqual([]);
    expect(await allRecords()).toEqual([]);

    s3Store.failPutsUnder = undefined;
    const retried = await handler(sqsEvent(queue.sent.map((m) => JSON.stringify(m))));
    expect(retried.batchItemFailures).toEqual([]);
    expect(await rawObjects()).toHaveLength(1);
    for (const url of batch) expect((await recordOf(url))?.rawKey, url).toBe((await rawObjects())[0]);
    await expectNothingDangling();
  });

  it('a failed clean bundle PUT fails every page of the batch after the raw bundle: no record or clean object; the redelivery stores them', async () => {
    const handler = makeHandler(deps);
    s3Store.failPutsUnder = 'clean/';
    const batch = urls.slice(0, BATCH);
    const failed = await handler(sqsEvent(batch.map((u) => JSON.stringify(message(u)))));
    expect(failed.batchItemFailures).toEqual([]);
    expect(queue.sent.map((m) => m.url).sort()).toEqual([...batch].sort());
    for (const url of batch) expect((await deps.frontier.get(canonicalizeUrl(url)))?.status).toBe('failed');
    // The raw bundle was stored first (it stays, unreferenced); no clean object, no record.
    expect(archive.counts.putsByPrefix.raw).toBe(1);
    expect(archive.counts.putsByPrefix.clean).toBeGreaterThanOrEqual(1);
    expect(await cleanObjects()).toEqual([]);
    expect(await allRecords()).toEqual([]);

    s3Store.failPutsUnder = undefined;
    const retried = await handler(sqsEvent(queue.sent.map((m) => JSON.stringify(m))));
    expect(retried.batchItemFailures).toEqual([]);
    expect(await allRecords()).toHaveLength(BATCH);
    await expectNothingDangling();
  });

  /** Crawls `order` in batches of 10 and prints the S3 requests per stored article. */
  async function measure(order: readonly string[], label: string) {
    const handler = makeHandler(deps);
    let rewritten = 0;
    for (let i = 0; i < order.length; i += BATCH) {
      const before = new Map((await allRecords()).map((r) => [r.id, r.cleanKey]));
      const cleanPutsBefore = archive.counts.putsByPrefix.clean ?? 0;
      const result = await handler(
        sqsEvent(order.slice(i, i + BATCH).map((u) => JSON.stringify(message(u)))),
      );
      expect(result.batchItemFailures).toEqual([]);
      // One clean bundle per article day among the lines this batch wrote: its own articles' and
      // the re-pointed lines of copies crawled before their origin.
      const written = (await allRecords()).filter((r) => before.get(r.id) !== r.cleanKey);
      rewritten += written.filter((r) => before.has(r.id)).length;
      expect(archive.counts.putsByPrefix.clean - cleanPutsBefore).toBe(
        new Set(written.map((r) => r.cleanKey)).size,
      );
      expect(new Set(written.map((r) => r.cleanKey)).size).toBe(new Set(written.map((r) => r.day)).size);
    }
    const records = await allRecords();
    const stored = records.length;
    const copies = records.filter((r) => r.copyOf).length;
    const puts = archive.counts.puts;
    const gets = archive.counts.gets;
    console.log(
      `crawl handler, batches of ${BATCH}, ${label}: ${stored} articles stored (${copies} syndicated copies), ` +
        `S3 PUTs ${puts} = ${(puts / stored).toFixed(3)}/article ${JSON.stringify(archive.counts.putsByPrefix)}, ` +
        `GETs ${gets} = ${(gets / stored).toFixed(3)}/article ${JSON.stringify(archive.counts.getsByPrefix)}`,
    );
    expect(stored).toBe(order.length);
    // One raw bundle per batch; one line per article, plus a new line of a copy crawled before
    // its origin (it learns its copyOf, in its origin's batch's bundle); an origin's line is never
    // rewritten for its copies.
    expect(archive.counts.putsByPrefix.raw).toBe(order.length / BATCH);
    const lines = await readCleanLines(archive);
    expect(lines.length).toBe(stored + rewritten);
    expect(rewritten).toBeLessThanOrEqual(copies);
    const linesPerId = new Map<string, number>();
    for (const line of lines) linesPerId.set(line.copy.id, (linesPerId.get(line.copy.id) ?? 0) + 1);
    for (const record of records) if (!record.copyOf) expect(linesPerId.get(record.id), record.id).toBe(1);
    console.log(
      `  ${rewritten} copies got a new line (copy crawled before its origin), ${archive.counts.putsByPrefix.clean} clean bundles`,
    );
    await expectNothingDangling();
    return { stored, copies, putsPerArticle: puts / stored, cleanRewrites: rewritten };
  }

  it('S3 requests per stored article, batches of 10, in the order a feed stream shows them (figures for docs/cost.md)', async () => {
    // The generator's stream order: mostly origins first, some copies seen before their origin.
    const bySeen = [...sites.articles].sort((a, b) => a.seenAt.localeCompare(b.seenAt));
    const order = bySeen.map((a) => sites.articleUrls.find((u) => u.endsWith(`-${a.id}.html`))!);
    const figures = await measure(order, 'stream order');
    // Raw and clean bundles: about 0.1 + 0.1 x (article days per batch); was 1.117 with one clean PUT per article.
    expect(figures.putsPerArticle).toBeLessThanOrEqual(0.35);
  });

  it('S3 requests per stored article, batches of 10, shuffled (many copies before their origin)', async () => {
    const figures = await measure(urls, 'shuffled');
    expect(figures.putsPerArticle).toBeLessThanOrEqual(0.35);
  });
});
