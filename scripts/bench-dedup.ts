/**
 * Dedup benchmark: a synthetic news stream with known syndication structure (see
 * `scripts/lib/synthetic-news.ts`, with its provenance cases: aggregator copies, excerpts,
 * same-publisher updates, shared long quotations) goes through `dedupArticle` on DynamoDB Local
 * (started here; needs Java 17), the way the crawl pipeline calls it (read previous record, dedup,
 * store record), by concurrent workers, in a crawl order unrelated to publication: once shuffled,
 * once newest first (each on a fresh table).
 *
 * Prints per order: throughput, DynamoDB requests and consumed capacity per article and per
 * paragraph, pair precision/recall per copy kind, false pairs on stock sentences and shared
 * quotations, clusters mixing stories, origin accuracy over every member of a syndicated story
 * (the origin the views show), and how excerpts and updates are labelled.
 *
 * Usage: npm run bench:dedup -- [--articles 10000] [--concurrency 8] [--seed N]
 *        [--orders shuffled,newest-first] [--store dynamodb-local|dynalite|memory] [--out bench-results/dedup.json]
 */
import { parseArgs } from 'node:util';
import type { ArticleRecord, StoryOrigin } from '../functions/core/article';
import { DynamoDbDedupIndex } from '../functions/adapters/dynamodb/dynamodb-dedup-index';
import { mapWithConcurrency } from '../functions/adapters/concurrency';
import { ensureTable } from '../functions/adapters/local/embedded-dynamodb';
import { clusterOf } from '../functions/core/dedup/current-origin';
import { dedupArticle, dedupRecordFields, type DedupOutcome } from '../functions/pipeline/dedup-article';
import { isEvidenceParagraph } from '../functions/core/dedup/paragraph-hash';
import { startDynamoDbLocal } from '../test/helpers/dynamodb-local';
import { startDynalite } from '../test/helpers/dynalite-server';
import { MemoryDedupIndex } from '../test/core/dedup/memory-dedup-index';
import type { DedupIndex } from '../functions/ports/dedup-index';
import { formatQuality, measureQuality, type DedupQuality } from './lib/dedup-quality';
import { generateSyntheticNews, Random, type SyntheticArticle } from './lib/synthetic-news';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '20261125' },
    store: { type: 'string', default: 'dynamodb-local' },
    orders: { type: 'string', default: 'shuffled,newest-first' },
    /** Writes the per-article figures as JSON (the flat shape `npm run cost` reads). */
    out: { type: 'string' },
  },
});
const articleCount = Number(values.articles);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
const ORDERS = ['shuffled', 'newest-first', 'stream'] as const;
type CrawlOrder = (typeof ORDERS)[number];
const orders = String(values.orders)
  .split(',')
  .map((o) => o.trim()) as CrawlOrder[];
if (!Number.isInteger(articleCount) || articleCount < 1)
  throw new Error('--articles must be a positive integer');
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error('--concurrency must be a positive integer');
for (const order of orders)
  if (!ORDERS.includes(order)) throw new Error(`--orders: "${order}" is not one of ${ORDERS.join(', ')}`);

/**
 * The stream in crawl order: `shuffled` (a seeded permutation, independent of publication time),
 * `newest-first` (latest publication first: every copy before its original), or the generator's
 * own order. Every page is "fetched" after all publications, in that order.
 */
function inCrawlOrder(stream: readonly SyntheticArticle[], order: CrawlOrder): SyntheticArticle[] {
  const pages = [...stream];
  if (order === 'shuffled') new Random(seed ^ 0x5eed).shuffle(pages);
  else if (order === 'newest-first')
    pages.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id.localeCompare(a.id));
  if (order === 'stream') return pages;
  const lastPublishedMs = Math.max(...pages.map((a) => Date.parse(a.publishedAt)));
  return pages.map((a, i) => ({
    ...a,
    seenAt: new Date(lastPublishedMs + 3_600_000 + i * 1000).toISOString(),
  }));
}

const tableName = (order: CrawlOrder) => `bench-dedup-${order}`;

interface OrderFigures {
  order: CrawlOrder;
  quality: DedupQuality;
  writeUnitsPerParagraph?: number;
  writeUnitsPerArticle?: number;
  readUnitsPerArticle?: number;
  requestsPerArticle?: number;
}

async function main(): Promise<void> {
  const generatedAt = Date.now();
  const stream = generateSyntheticNews({ articles: articleCount, seed, provenance: true });
  const generateMs = Date.now() - generatedAt;
  const kinds = countBy(stream, (a) => a.kind);
  const paragraphs = stream.reduce((n, a) => n + a.paragraphs.length, 0);
  const evidence = stream.reduce(
    (n, a) => n + a.paragraphs.filter((p) => isEvidenceParagraph(p.text)).length,
    0,
  );
  console.log(
    `bench:dedup — ${articleCount} articles (${Object.entries(kinds)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}), seed ${seed}`,
  );
  console.log(`store: ${values.store}, concurrency ${concurrency}; generated in ${generateMs} ms`);
  console.log(
    `paragraphs: ${paragraphs} (${(paragraphs / articleCount).toFixed(1)}/article), evidence ${evidence} (${(evidence / articleCount).toFixed(1)}/article)`,
  );

  const figures: OrderFigures[] = [];
  if (values.store === 'memory') {
    for (const order of orders) figures.push(await runInMemory(inCrawlOrder(stream, order), order));
  } else {
    const server = values.store === 'dynalite' ? await startDynalite() : await startDynamoDbLocal();
    try {
      for (const order of orders)
        figures.push(
          await runOnDynamoDb(server.client, inCrawlOrder(stream, order), order, paragraphs, evidence),
        );
    } finally {
      await server.stop();
    }
  }
  console.log('');
  console.log(
    'summary (goals: origin accuracy >= 0.99 both orders, excerpt and update recall >= 0.98, precision 1.0, 0 mixed clusters, WU/paragraph <= 1.49)',
  );
  for (const f of figures) {
    const q = f.quality;
    const recall = (k: 'excerpt' | 'update') =>
      q.pairs[k].truth ? q.pairs[k].correct / q.pairs[k].truth : 1;
    console.log(
      `  ${f.order.padEnd(13)} origin ${(q.origin.correct / Math.max(1, q.origin.members)).toFixed(4)}  excerpt recall ${recall('excerpt').toFixed(4)}  update recall ${recall('update').toFixed(4)}  precision ${(q.all.correct / Math.max(1, q.all.predicted)).toFixed(4)}  mixed clusters ${q.mixedClusters}${f.writeUnitsPerParagraph !== undefined ? `  WU/paragraph ${f.writeUnitsPerParagraph.toFixed(3)}` : ''}`,
    );
  }
  if (values.out && figures[0]?.writeUnitsPerArticle !== undefined) {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await mkdir(dirname(values.out), { recursive: true });
    const first = figures[0];
    const out = {
      source: `bench:dedup --articles ${articleCount} --store ${values.store} --concurrency ${concurrency} --seed ${seed} --orders ${first.order}, ${new Date().toISOString()}`,
      writeUnitsPerArticle: round2(first.writeUnitsPerArticle ?? 0),
      readUnitsPerArticle: round2(first.readUnitsPerArticle ?? 0),
      requestsPerArticle: round2(first.requestsPerArticle ?? 0),
    };
    await writeFile(values.out, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`figures written to ${values.out}`);
  }
}

async function runOnDynamoDb(
  client: ConstructorParameters<typeof DynamoDbDedupIndex>[0]['client'],
  pages: SyntheticArticle[],
  order: CrawlOrder,
  paragraphs: number,
  evidence: number,
): Promise<OrderFigures> {
  const table = tableName(order);
  await ensureTable(client, table);
  // Separate adapter instances so requests are attributed: dedup itself vs the caller's
  // read-previous / store-record around it.
  const byMethod = new Map<string, DynamoDbDedupIndex>();
  const dedupIndex = attributedIndex(() => new DynamoDbDedupIndex({ tableName: table, client }), byMethod);
  const callerIndex = new DynamoDbDedupIndex({ tableName: table, client });
  const readBack = new DynamoDbDedupIndex({ tableName: table, client });
  let done = 0;
  const started = Date.now();
  const progressEvery = Math.max(1, Math.floor(pages.length / 10));
  await mapWithConcurrency(pages, concurrency, async (article) => {
    await ingest(dedupIndex, callerIndex, article);
    if (++done % progressEvery === 0) process.stderr.write(`  ${order}: ${done}/${pages.length} articles\n`);
  });
  const elapsedMs = Date.now() - started;
  const { records, origins } = await readStories(
    readBack,
    pages.map((a) => a.id),
  );
  const dedupStats = sumStats([...byMethod.values()].map((i) => i.stats()));
  const callerStats = callerIndex.stats();
  const n = pages.length;
  console.log('');
  console.log(`== order: ${order} (${n} pages, ${concurrency} workers, DynamoDB ${values.store})`);
  console.log(
    `throughput: ${((n / elapsedMs) * 1000).toFixed(1)} articles/s (${(elapsedMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    'DynamoDB                  requests/article  read units/article  write units/article  write units/paragraph  write units/evidence paragraph',
  );
  const row = (label: string, st: { requests: number; readUnits: number; writeUnits: number }) =>
    console.log(
      `${label.padEnd(26)}${fmt(st.requests / n, 17)}${fmt(st.readUnits / n, 20)}${fmt(st.writeUnits / n, 21)}${fmt(st.writeUnits / paragraphs, 23)}${fmt(st.writeUnits / evidence, 32)}`,
    );
  row('dedupArticle', dedupStats);
  for (const [method, index] of [...byMethod.entries()].sort())
    if (index.stats().requests > 0) row(`  ${method}`, index.stats());
  row('caller (get + put record)', callerStats);
  const total = {
    requests: dedupStats.requests + callerStats.requests,
    readUnits: dedupStats.readUnits + callerStats.readUnits,
    writeUnits: dedupStats.writeUnits + callerStats.writeUnits,
  };
  row('total', total);
  const quality = measureQuality(pages, records, origins);
  console.log(formatQuality(quality));
  return {
    order,
    quality,
    writeUnitsPerParagraph: total.writeUnits / paragraphs,
    writeUnitsPerArticle: total.writeUnits / n,
    readUnitsPerArticle: total.readUnits / n,
    requestsPerArticle: total.requests / n,
  };
}

/** Quality only (no request figures): the same flow on an in-memory index, for fast tuning. */
async function runInMemory(pages: SyntheticArticle[], order: CrawlOrder): Promise<OrderFigures> {
  const index = new MemoryDedupIndex();
  const started = Date.now();
  await mapWithConcurrency(pages, concurrency, (article) => ingest(index, index, article));
  console.log('');
  console.log(
    `== order: ${order} (memory, quality only), ${pages.length} articles in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const { records, origins } = await readStories(
    index,
    pages.map((a) => a.id),
  );
  const quality = measureQuality(pages, records, origins);
  console.log(formatQuality(quality));
  return { order, quality };
}

/** Every record, and the current origin of every cluster they name. */
async function readStories(
  index: DedupIndex,
  ids: string[],
): Promise<{ records: Map<string, ArticleRecord>; origins: Map<string, StoryOrigin> }> {
  const records = await readRecords(index, ids);
  const clusters = [...new Set([...records.values()].map(clusterOf))];
  const origins = new Map<string, StoryOrigin>();
  for (let i = 0; i < clusters.length; i += 100)
    for (const [id, origin] of await index.getStoryOrigins(clusters.slice(i, i + 100)))
      origins.set(id, origin);
  return { records, origins };
}

async function ingest(
  dedupIndex: DedupIndex,
  callerIndex: DedupIndex,
  article: SyntheticArticle,
): Promise<DedupOutcome> {
  const ref = { articleId: article.id, url: article.url, host: article.host, seenAt: article.seenAt };
  const previous = await callerIndex.getArticle(article.id);
  const outcome = await dedupArticle(
    { index: dedupIndex, sleep: realSleep },
    {
      ref,
      publishedAt: article.publishedAt,
      paragraphs: article.paragraphs,
      metadata: {
        authors: [],
        title: article.title,
        publishedAt: article.publishedAt,
        siteName: article.siteName,
        basedOnUrl: article.basedOnUrl,
      },
      previous,
    },
  );
  const record: ArticleRecord = {
    id: article.id,
    url: article.url,
    canonicalUrl: article.url,
    host: article.host,
    fetchedAt: article.seenAt,
    day: article.publishedAt.slice(0, 10),
    title: article.title,
    authors: [],
    publishedAt: article.publishedAt,
    siteName: article.siteName,
    pageKind: 'article',
    contentHash: article.id,
    version: 1,
    paragraphCount: outcome.paragraphs.length,
    cleanKey: `clean/${article.publishedAt.slice(0, 10)}/${article.host}/${article.id}.json`,
    stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
    ...dedupRecordFields(outcome),
  };
  await callerIndex.putArticle(record);
  return outcome;
}

/**
 * A DedupIndex whose every port method runs on its own adapter instance (same client and table),
 * so each instance's request/capacity counters attribute traffic to one method even with many
 * articles in flight.
 */
function attributedIndex(
  make: () => DynamoDbDedupIndex,
  byMethod: Map<string, DynamoDbDedupIndex>,
): DedupIndex {
  const forMethod = (method: string) => {
    let index = byMethod.get(method);
    if (!index) {
      index = make();
      byMethod.set(method, index);
    }
    return index;
  };
  return new Proxy({} as DedupIndex, {
    get: (_target, method: string) => {
      const index = forMethod(method);
      const fn = (index as unknown as Record<string, unknown>)[method];
      return typeof fn === 'function' ? (fn as (...args: unknown[]) => unknown).bind(index) : fn;
    },
  });
}

function sumStats(all: Array<{ requests: number; readUnits: number; writeUnits: number }>) {
  return all.reduce(
    (sum, s) => ({
      requests: sum.requests + s.requests,
      readUnits: sum.readUnits + s.readUnits,
      writeUnits: sum.writeUnits + s.writeUnits,
    }),
    { requests: 0, readUnits: 0, writeUnits: 0 },
  );
}

async function readRecords(index: DedupIndex, ids: string[]): Promise<Map<string, ArticleRecord>> {
  const out = new Map<string, ArticleRecord>();
  for (let i = 0; i < ids.length; i += 100) {
    for (const record of await index.getArticles(ids.slice(i, i + 100))) out.set(record.id, record);
  }
  return out;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function fmt(x: number, width: number, digits = 2): string {
  return x.toFixed(digits).padStart(width);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
