/**
 * `npm run bench:pipeline`: what the AWS pipeline asks of DynamoDB, S3, SQS and CloudWatch Logs per
 * stored article, measured by running the Lambda handlers themselves (discover, then crawl in SQS
 * batches of the stack's batch size) against Amazon DynamoDB Local (which reports consumed
 * capacity, GSI writes included) and s3rver, for several hourly-style rounds in which the
 * publishers add articles and their feeds and sitemaps keep listing the newest entries, as real
 * ones do. So the figures include re-discovery of URLs already seen, the frontier, the host rate
 * limiter, dedup, the article records, raw pages and clean copies.
 *
 * Writes `bench-results/pipeline.json`, which `npm run cost` reads (nested `section.field` values).
 * Needs Java 17+ for DynamoDB Local.
 *
 * Options: --articles N --hosts N --rounds N --feed-window N --batch-size N --parallel N
 *          --host-interval-ms N --seed N --out FILE
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import {
  CreateTableCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { S3ArchiveStore } from '../functions/adapters/archive/s3-archive-store';
import { DynamoDbDedupIndex } from '../functions/adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../functions/adapters/dynamodb/dynamodb-frontier';
import { DynamoDbHostRateLimiter } from '../functions/adapters/dynamodb/host-rate-limiter';
import { createTableInput } from '../functions/adapters/dynamodb/table-schema';
import { MemoryCrawlQueue } from '../functions/adapters/local/memory-crawl-queue';
import { loadConfig } from '../functions/config';
import { RobotsCache } from '../functions/fetch/robots';
import { makeHandler as makeCrawlHandler } from '../functions/handlers/crawl';
import { makeHandler as makeDiscoverHandler } from '../functions/handlers/discover';
import { pipelineLogFrom } from '../functions/handlers/lambda-observability';
import { createLogger } from '../functions/observability/logger';
import { createMetrics } from '../functions/observability/metrics';
import { fetchOptionsFrom, type PipelineDeps } from '../functions/pipeline/deps';
import { DEFAULT_SETTINGS } from '../infra/settings';
import { startDynamoDbLocal } from '../test/helpers/dynamodb-local';
import { startS3Server } from '../test/helpers/s3-server';
import {
  generateSites,
  publishShare,
  sourcesFor,
  startSyntheticSites,
} from '../test/helpers/synthetic-sites';
import { DEFAULT_COPY_SHARE } from './lib/synthetic-news';
import { CountingArchiveStore, CountingCrawlQueue } from './lib/counting-stores';
import { itemSizeBytes, STORAGE_OVERHEAD_BYTES_PER_ITEM } from './lib/dynamodb-item-size';

const TABLE_NAME = 'bench-pipeline';
const BUCKET = 'bench-pipeline-archive';
const RESULTS_FILE = fileURLToPath(new URL('../bench-results/pipeline.json', import.meta.url));
/**
 * Lambda's own log lines per invocation (START, END and REPORT with init duration), about 75 + 50 +
 * 250 bytes: billed as log ingestion like the function's lines, but not written by our code.
 */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 375;
/** Same as the stack's crawl handler: inline politeness waits up to 2 s (functions/handlers/aws-deps.ts). */
const MAX_INLINE_WAIT_MS = 2_000;
/** How long the drain loop waits for a delayed message (a politeness deferral) before asking again. */
const RECEIVE_WAIT_MS = 200;

interface Totals {
  writeUnits: number;
  readUnits: number;
  requests: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '1200' },
      hosts: { type: 'string', default: '12' },
      rounds: { type: 'string', default: '6' },
      'feed-window': { type: 'string', default: '50' },
      'batch-size': { type: 'string', default: String(DEFAULT_SETTINGS.crawl.batchSize) },
      parallel: { type: 'string', default: '4' },
      'host-interval-ms': { type: 'string', default: '50' },
      seed: { type: 'string', default: '2026' },
      // Share of generated articles that are syndicated copies (exact or edited) of another.
      'copy-share': { type: 'string', default: String(DEFAULT_COPY_SHARE) },
      out: { type: 'string', default: RESULTS_FILE },
    },
  });
  const num = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer, got ${values[name]}`);
    return n;
  };
  const articles = num('articles');
  const hostCount = num('hosts');
  const rounds = num('rounds');
  const feedWindow = num('feed-window');
  const batchSize = num('batch-size');
  const parallel = num('parallel');
  const hostIntervalMs = num('host-interval-ms');

  const copyShare = Number(values['copy-share']);
  if (!(copyShare >= 0 && copyShare <= 1))
    throw new Error(`--copy-share must be a number from 0 to 1, got ${values['copy-share']}`);

  const say = process.stdout.write.bind(process.stdout);
  const sites = generateSites({ articles, hosts: hostCount, seed: num('seed'), copyShare });
  const server = await startSyntheticSites(sites);
  const dynamo = await startDynamoDbLocal();
  const s3 = await startS3Server(BUCKET);
  try {
    await dynamo.client.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
    const index = new DynamoDbDedupIndex({ tableName: TABLE_NAME, client: dynamo.client });
    const frontier = new DynamoDbFrontier({
      tableName: TABLE_NAME,
      client: dynamo.client,
      queuedListing: 'none',
    }); // as on AWS (aws-deps.ts)
    const rateLimiter = new DynamoDbHostRateLimiter({ tableName: TABLE_NAME, client: dynamo.client });
    const archive = new CountingArchiveStore(new S3ArchiveStore({ bucket: BUCKET, client: s3.client }));
    const memoryQueue = new MemoryCrawlQueue();
    const queue = new CountingCrawlQueue(memoryQueue);
    const config = loadConfig({ HOST_MIN_INTERVAL_MS: String(hostIntervalMs) });
    const fetchOptions = {
      ...fetchOptionsFrom(config),
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
    };
    const logger = createLogger({ serviceName: 'bench-pipeline' });
    const deps: PipelineDeps = {
      archive,
      index,
      frontier,
      queue,
      robots: new RobotsCache({ fetchOptions }),
      rateLimiter,
      fetchOptions,
      hostMinIntervalMs: hostIntervalMs,
      maxFetchAttempts: config.maxFetchAttempts,
      maxInlineWaitMs: MAX_INLINE_WAIT_MS,
      writeRenderings: false,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: pipelineLogFrom(logger),
    };
    const sources = sourcesFor(sites, { maxArticlesPerRun: 10_000 });
    const discover = makeDiscoverHandler(deps, async () => sources);
    const crawl = makeCrawlHandler(deps, {
      metrics: createMetrics({ serviceName: 'bench-pipeline' }),
      hostPolicy: { kind: 'listed', hosts: new Set() },
    });

    // Everything the handlers print (Powertools JSON logs and EMF metric records) is what
    // CloudWatch Logs would ingest: count it instead of printing it.
    let logBytes = 0;
    const restore = captureOutput((bytes) => (logBytes += bytes));
    let invocations = 0;
    let discoverInvocations = 0;
    let messagesDelivered = 0;
    let crawlCpuMs = 0;
    let discoverCpuMs = 0;
    const started = Date.now();
    try {
      for (let round = 1; round <= rounds; round++) {
        publishShare(sites, server, round / rounds, { window: feedWindow });
        let cpu = process.cpuUsage();
        await discover({ force: true });
        discoverCpuMs += cpuMsSince(cpu);
        discoverInvocations++;
        cpu = process.cpuUsage();
        const drained = await drainCrawlQueue(memoryQueue, batchSize, parallel, (event) => crawl(event));
        crawlCpuMs += cpuMsSince(cpu);
        invocations += drained.invocations;
        messagesDelivered += drained.messages;
        say(
          `round ${round}/${rounds}: ${drained.messages} crawl messages in ${drained.invocations} invocations\n`,
        );
      }
    } finally {
      restore();
    }
    const wallSeconds = (Date.now() - started) / 1000;

    const ddb = [index.stats(), frontier.stats(), rateLimiter.stats()].reduce<Totals>(
      (sum, s) => ({
        writeUnits: sum.writeUnits + s.writeUnits,
        readUnits: sum.readUnits + s.readUnits,
        requests: sum.requests + s.requests,
      }),
      { writeUnits: 0, readUnits: 0, requests: 0 },
    );
    const byPart = { index: index.stats(), frontier: frontier.stats(), rateLimiter: rateLimiter.stats() };
    const counted = await countStoredArticles(index);
    const stored = counted.articles;
    if (stored === 0) throw new Error('no article was stored: nothing to measure');
    const storage = await tableStorageBytes(dynamo.client);
    // SQS: the discover and crawl handlers' SendMessageBatch calls, plus one ReceiveMessage and one
    // DeleteMessageBatch per crawl invocation (the event source mapping's work); idle polling is a
    // fixed monthly cost in the model.
    const sqsRequests = queue.counts.sendRequests + 2 * invocations;
    const totalLogBytes = logBytes + PLATFORM_LOG_BYTES_PER_INVOCATION * (invocations + discoverInvocations);
    const per = (n: number, digits = 3) => Number((n / stored).toFixed(digits));
    const result = {
      source:
        `bench:pipeline --articles ${articles} --hosts ${hostCount} --rounds ${rounds} --feed-window ${feedWindow} ` +
        `--batch-size ${batchSize} --parallel ${parallel} --copy-share ${copyShare}, ${new Date().toISOString()}`,
      dynamodb: {
        writeUnitsPerArticle: per(ddb.writeUnits),
        readUnitsPerArticle: per(ddb.readUnits),
        requestsPerArticle: per(ddb.requests),
        storageBytesPerArticle: Math.round(storage.bytes / stored),
        // The model scales paragraph writes from this to real pages' paragraph count.
        paragraphsPerArticleMeasured: per(counted.paragraphs, 2),
      },
      s3: {
        putsPerArticle: per(archive.counts.puts),
        getsPerArticle: per(archive.counts.gets),
        cleanBytesPerArticle: Math.round((archive.counts.bytesPut.clean ?? 0) / stored),
      },
      sqs: { requestsPerArticle: per(sqsRequests) },
      logs: { bytesPerArticle: Math.round(totalLogBytes / stored) },
      crawl: { cpuMsPerArticle: per(crawlCpuMs, 1) },
      info: {
        // Synthetic publishers never fail or redirect, so this is a floor: the model keeps its
        // real-web assumption (crawl.fetchAttemptsPerArticle) instead.
        crawlMessagesPerArticle: per(messagesDelivered),
        storedArticles: stored,
        crawlInvocations: invocations,
        discoverRuns: discoverInvocations,
        wallSeconds,
        // The whole bench process (handlers, SDK clients, the synthetic sites held in memory): an upper bound of a Lambda's.
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        discoverCpuMsPerArticle: per(discoverCpuMs, 1),
        writeUnitsByPart: Object.fromEntries(Object.entries(byPart).map(([k, s]) => [k, per(s.writeUnits)])),
        readUnitsByPart: Object.fromEntries(Object.entries(byPart).map(([k, s]) => [k, per(s.readUnits)])),
        tableItems: storage.items,
        s3: archive.counts,
        rawBytesPerArticleSynthetic: Math.round((archive.counts.bytesPut.raw ?? 0) / stored),
        note:
          `Synthetic publishers on loopback (test/helpers/synthetic-sites.ts; --copy-share ${copyShare} of the generated articles are syndicated copies: ` +
          'originals store 4 near-duplicate keys, copies a copy link instead, so fewer copies mean more writes). ' +
          "crawl.cpuMsPerArticle is this process's CPU while crawling (handlers, SDK serialisation, the loopback site server; " +
          "DynamoDB Local and s3rver run in other processes): an upper bound of the Lambda's CPU work. Raw page bytes of " +
          'synthetic pages are smaller than real ones and are not used by the cost model.',
      },
    };
    await mkdir(dirname(values.out!), { recursive: true });
    await writeFile(values.out!, `${JSON.stringify(result, null, 2)}\n`);
    say(
      `\n${stored} articles stored in ${wallSeconds.toFixed(1)} s (${invocations} crawl invocations of up to ${batchSize}, ${rounds} discovery rounds)\n`,
    );
    say(`per stored article:\n`);
    say(
      `  DynamoDB   ${result.dynamodb.writeUnitsPerArticle} WRU (index ${result.info.writeUnitsByPart.index}, frontier ${result.info.writeUnitsByPart.frontier}, rate limiter ${result.info.writeUnitsByPart.rateLimiter}), ` +
        `${result.dynamodb.readUnitsPerArticle} RRU, ${result.dynamodb.requestsPerArticle} requests, ${result.dynamodb.storageBytesPerArticle} B stored; ` +
        `${result.dynamodb.paragraphsPerArticleMeasured} evidence paragraphs per article\n`,
    );
    say(
      `  S3         ${result.s3.putsPerArticle} PUT, ${result.s3.getsPerArticle} GET, ${result.s3.cleanBytesPerArticle} B clean copy\n`,
    );
    say(
      `  SQS        ${result.sqs.requestsPerArticle} requests; crawl messages ${result.info.crawlMessagesPerArticle}\n`,
    );
    say(`  Logs       ${result.logs.bytesPerArticle} B\n`);
    say(
      `  CPU        crawl ${result.crawl.cpuMsPerArticle} ms, discover ${result.info.discoverCpuMsPerArticle} ms (upper bounds); process peak RSS ${result.info.peakRssMb} MB\n`,
    );
    say(`wrote ${values.out}\n`);
  } finally {
    await server.close();
    await s3.stop();
    await dynamo.stop();
  }
}

/** Delivers the queue to the crawl handler as SQS would: batches of up to `batchSize`, `parallel` invocations at once. */
async function drainCrawlQueue(
  queue: MemoryCrawlQueue,
  batchSize: number,
  parallel: number,
  invoke: (event: SQSEvent) => Promise<unknown>,
): Promise<{ invocations: number; messages: number }> {
  let invocations = 0;
  let messages = 0;
  const running = new Set<Promise<void>>();
  for (;;) {
    if (running.size < parallel) {
      const batch = await queue.receive({
        maxMessages: batchSize,
        waitMs: running.size ? 0 : RECEIVE_WAIT_MS,
      });
      if (batch.length > 0) {
        invocations++;
        const event: SQSEvent = {
          Records: batch.map(
            (m) => ({ messageId: `m${messages++}`, body: JSON.stringify(m) }) as SQSEvent['Records'][number],
          ),
        };
        const tracked: Promise<void> = invoke(event)
          .then(() => undefined)
          .finally(() => {
            running.delete(tracked);
          });
        running.add(tracked);
        continue;
      }
    }
    if (running.size > 0) {
      await Promise.race(running);
      continue;
    }
    if (queue.size === 0) return { invocations, messages };
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(queue.nextDueInMs() ?? RECEIVE_WAIT_MS, RECEIVE_WAIT_MS)),
    );
  }
}

/** Routes stdout and stderr writes to `count` (bytes) until the returned function is called. */
function captureOutput(count: (bytes: number) => void): () => void {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const swallow = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    count(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = swallow as typeof process.stdout.write;
  process.stderr.write = swallow as typeof process.stderr.write;
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Stored articles and their evidence paragraphs as extracted (see below). */
async function countStoredArticles(
  index: DynamoDbDedupIndex,
): Promise<{ articles: number; paragraphs: number }> {
  let articles = 0;
  let paragraphs = 0;
  for (const host of await index.listHosts()) {
    let cursor: string | undefined;
    do {
      const page = await index.listArticles({ host, limit: 1000, cursor });
      articles += page.items.length;
      // As extracted, before dedup: kept evidence paragraphs plus those removed as learned
      // boilerplate (also evidence), comparable with eval:extract's count on real pages.
      paragraphs += page.items.reduce(
        (sum, record) => sum + record.paragraphHashes.length + record.stats.boilerplateParagraphsRemoved,
        0,
      );
      cursor = page.cursor;
    } while (cursor);
  }
  return { articles, paragraphs };
}

/** The table's billed storage: every item's size plus the per-item overhead, and its GSI entries. */
async function tableStorageBytes(client: DynamoDBClient) {
  const projection: string = createTableInput(TABLE_NAME).GlobalSecondaryIndexes[0].Projection.ProjectionType;
  let bytes = 0;
  let items = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      items++;
      const size = itemSizeBytes(item);
      bytes += size + STORAGE_OVERHEAD_BYTES_PER_ITEM;
      if (item.gsi1pk) {
        const keys = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
        bytes += (projection === 'ALL' ? size : itemSizeBytes(keys)) + STORAGE_OVERHEAD_BYTES_PER_ITEM;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { bytes, items };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
