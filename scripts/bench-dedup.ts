/**
 * Dedup benchmark: a synthetic news stream with known syndication structure (see
 * `scripts/lib/synthetic-news.ts`) goes through `dedupArticle` on DynamoDB Local (started here;
 * needs Java 17), the way the crawl pipeline calls it (read previous record, dedup, store record).
 *
 * Prints throughput, DynamoDB requests and consumed capacity per article and per paragraph, and
 * pair precision/recall of the story clusters against the generator's truth.
 *
 * Usage: npm run bench:dedup -- [--articles 10000] [--concurrency 8] [--seed N] [--store dynamodb-local|dynalite|memory]
 *        [--out bench-results/dedup.json]
 * BENCH_DEBUG=1 also prints clusters that mix stories and false copyOf links.
 */
import { parseArgs } from 'node:util';
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
import type { ArticleRecord } from '../functions/core/article';
import { DynamoDbDedupIndex } from '../functions/adapters/dynamodb/dynamodb-dedup-index';
import { mapWithConcurrency } from '../functions/adapters/concurrency';
import { ensureTable } from '../functions/adapters/local/embedded-dynamodb';
import { dedupArticle, dedupRecordFields, type DedupOutcome } from '../functions/pipeline/dedup-article';
import { isEvidenceParagraph } from '../functions/core/dedup/paragraph-hash';
import { startDynamoDbLocal } from '../test/helpers/dynamodb-local';
import { startDynalite } from '../test/helpers/dynalite-server';
import { MemoryDedupIndex } from '../test/core/dedup/memory-dedup-index';
import type { DedupIndex } from '../functions/ports/dedup-index';
import { generateSyntheticNews, type EditKind, type SyntheticArticle } from './lib/synthetic-news';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '20261125' },
    store: { type: 'string', default: 'dynamodb-local' },
    /** Articles reprocessed after the run (same pages again) to measure reprocessing cost. */
    reprocess: { type: 'string' },
    /** Writes the per-article figures as JSON (the flat shape `npm run cost` reads). */
    out: { type: 'string' },
  },
});
const articleCount = Number(values.articles);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
if (!Number.isInteger(articleCount) || articleCount < 1)
  throw new Error('--articles must be a positive integer');
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error('--concurrency must be a positive integer');

const TABLE_NAME = 'bench-dedup';

async function main(): Promise<void> {
  const generatedAt = Date.now();
  const stream = generateSyntheticNews({ articles: articleCount, seed });
  const generateMs = Date.now() - generatedAt;

  if (values.store === 'memory') {
    await runInMemory(stream);
    return;
  }
  const server = values.store === 'dynalite' ? await startDynalite() : await startDynamoDbLocal();
  try {
    await ensureTable(server.client, TABLE_NAME);
    // Separate adapter instances so requests are attributed: dedup itself vs the caller's
    // read-previous / store-record around it.
    const byMethod = new Map<string, DynamoDbDedupIndex>();
    const dedupIndex = attributedIndex(
      () => new DynamoDbDedupIndex({ tableName: TABLE_NAME, client: server.client }),
      byMethod,
    );
    const callerIndex = new DynamoDbDedupIndex({ tableName: TABLE_NAME, client: server.client });
    const readBack = new DynamoDbDedupIndex({ tableName: TABLE_NAME, client: server.client });

    let done = 0;
    let boilerplateRemoved = 0;
    let firstSeenElsewhere = 0;
    const started = Date.now();
    const progressEvery = Math.max(1, Math.floor(articleCount / 10));
    await mapWithConcurrency(stream, concurrency, async (article) => {
      const outcome = await ingest(dedupIndex, callerIndex, article);
      boilerplateRemoved += outcome.stats.boilerplateParagraphsRemoved;
      firstSeenElsewhere += outcome.stats.paragraphsFirstSeenElsewhere;
      if (++done % progressEvery === 0) process.stderr.write(`  ${done}/${articleCount} articles\n`);
    });
    const elapsedMs = Date.now() - started;

    const records = await readRecords(
      readBack,
      stream.map((a) => a.id),
    );

    // Reprocess a sample of pages (the crawler's `--force` path): dedup must write nothing.
    const reprocessCount = Math.min(
      stream.length,
      values.reprocess === undefined ? Math.ceil(stream.length / 20) : Number(values.reprocess),
    );
    const reprocessIndex = new DynamoDbDedupIndex({ tableName: TABLE_NAME, client: server.client });
    const sample = stream
      .filter((_, i) => i % Math.max(1, Math.floor(stream.length / Math.max(1, reprocessCount))) === 0)
      .slice(0, reprocessCount);
    let changedOutcomes = 0;
    let onlyRemovals = 0;
    await mapWithConcurrency(sample, concurrency, async (article) => {
      const previous = records.get(article.id);
      const outcome = await dedupArticle(
        { index: reprocessIndex, sleep: realSleep },
        {
          ref: { articleId: article.id, url: article.url, host: article.host, seenAt: article.seenAt },
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
      if (JSON.stringify(outcome.paragraphHashes) !== JSON.stringify(previous?.paragraphHashes)) {
        changedOutcomes++;
        const before = new Set(previous?.paragraphHashes ?? []);
        if (outcome.paragraphHashes.every((h) => before.has(h))) onlyRemovals++;
      }
    });
    const paragraphs = stream.reduce((n, a) => n + a.paragraphs.length, 0);
    const evidence = stream.reduce(
      (n, a) => n + a.paragraphs.filter((p) => isEvidenceParagraph(p.text)).length,
      0,
    );
    const dedupStats = sumStats([...byMethod.values()].map((i) => i.stats()));
    const callerStats = callerIndex.stats();
    const totalWrites = dedupStats.writeUnits + callerStats.writeUnits;

    const kinds = countBy(stream, (a) => a.kind);
    console.log(
      `bench:dedup — ${articleCount} articles (${kinds.original ?? 0} original, ${kinds.exact ?? 0} exact copies, ${kinds.edited ?? 0} edited copies), seed ${seed}`,
    );
    console.log(`store: ${values.store}, concurrency ${concurrency}; generated in ${generateMs} ms`);
    console.log(
      `paragraphs: ${paragraphs} (${(paragraphs / articleCount).toFixed(1)}/article), evidence ${evidence} (${(evidence / articleCount).toFixed(1)}/article)`,
    );
    console.log(
      `throughput: ${((articleCount / elapsedMs) * 1000).toFixed(1)} articles/s (${(elapsedMs / 1000).toFixed(1)} s)`,
    );
    console.log(
      `boilerplate paragraphs removed: ${boilerplateRemoved}; paragraphs first seen elsewhere: ${firstSeenElsewhere}`,
    );
    console.log('');
    console.log(
      'DynamoDB                  requests/article  read units/article  write units/article  write units/paragraph  write units/evidence paragraph',
    );
    const row = (label: string, s: { requests: number; readUnits: number; writeUnits: number }) =>
      console.log(
        `${label.padEnd(26)}${fmt(s.requests / articleCount, 17)}${fmt(s.readUnits / articleCount, 20)}${fmt(s.writeUnits / articleCount, 21)}${fmt(s.writeUnits / paragraphs, 23)}${fmt(s.writeUnits / evidence, 32)}`,
      );
    row('dedupArticle', dedupStats);
    for (const [method, index] of [...byMethod.entries()].sort())
      if (index.stats().requests > 0) row(`  ${method}`, index.stats());
    row('caller (get + put record)', callerStats);
    row('total', {
      requests: dedupStats.requests + callerStats.requests,
      readUnits: dedupStats.readUnits + callerStats.readUnits,
      writeUnits: totalWrites,
    });
    const re = reprocessIndex.stats();
    if (sample.length > 0) {
      console.log(
        `reprocess of ${sample.length} pages (dedupArticle only): ${fmt(re.requests / sample.length, 0)} requests, ${fmt(re.readUnits / sample.length, 0)} read units, ${fmt(re.writeUnits / sample.length, 0)} write units per article; paragraph hashes changed on ${changedOutcomes} (${onlyRemovals} only by dropping paragraphs: host boilerplate learned after the page's first run)`,
      );
    }
    console.log('');
    printQuality(stream, records);
    if (values.out) {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      await mkdir(dirname(values.out), { recursive: true });
      const figures = {
        source: `bench:dedup --articles ${articleCount} --store ${values.store} --concurrency ${concurrency} --seed ${seed}, ${new Date().toISOString()}`,
        writeUnitsPerArticle: round2(totalWrites / articleCount),
        readUnitsPerArticle: round2((dedupStats.readUnits + callerStats.readUnits) / articleCount),
        requestsPerArticle: round2((dedupStats.requests + callerStats.requests) / articleCount),
      };
      await writeFile(values.out, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`figures written to ${values.out}`);
    }
  } finally {
    await server.stop();
  }
}

/** Quality only (no request figures): the same flow on an in-memory index, for fast tuning. */
async function runInMemory(stream: SyntheticArticle[]): Promise<void> {
  const index = new MemoryDedupIndex();
  const started = Date.now();
  await mapWithConcurrency(stream, concurrency, (article) => ingest(index, index, article));
  console.log(
    `store: memory (quality only), ${stream.length} articles in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  printQuality(
    stream,
    await readRecords(
      index,
      stream.map((a) => a.id),
    ),
  );
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

/**
 * Pair precision/recall of clusters. A predicted pair is two articles with the same clusterId; a
 * true pair is two articles of the same story. Pairs are labelled "edited" when either article
 * is an edited copy, else "exact" (originals and exact copies).
 */
function printQuality(stream: SyntheticArticle[], records: Map<string, ArticleRecord>): void {
  const byCluster = new Map<string, SyntheticArticle[]>();
  const clusterOf = new Map<string, string>();
  for (const article of stream) {
    const cluster = records.get(article.id)?.clusterId ?? article.id;
    clusterOf.set(article.id, cluster);
    const list = byCluster.get(cluster) ?? [];
    list.push(article);
    byCluster.set(cluster, list);
  }
  const byStory = new Map<string, SyntheticArticle[]>();
  for (const article of stream) {
    const list = byStory.get(article.storyId) ?? [];
    list.push(article);
    byStory.set(article.storyId, list);
  }
  const label = (a: SyntheticArticle, b: SyntheticArticle) =>
    a.kind === 'edited' || b.kind === 'edited' ? 'edited' : 'exact';
  const counts = { exact: { tp: 0, predicted: 0, truth: 0 }, edited: { tp: 0, predicted: 0, truth: 0 } };
  for (const members of byCluster.values()) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const c = counts[label(members[i], members[j])];
        c.predicted++;
        if (members[i].storyId === members[j].storyId) c.tp++;
      }
    }
  }
  for (const members of byStory.values()) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) counts[label(members[i], members[j])].truth++;
    }
  }
  const pct = (x: number, n: number) => (n === 0 ? '   n/a' : (x / n).toFixed(4));
  console.log('syndication pairs (same cluster)   true pairs  predicted  correct  precision  recall');
  for (const key of ['exact', 'edited'] as const) {
    const c = counts[key];
    console.log(
      `${key.padEnd(35)}${fmt(c.truth, 10, 0)}${fmt(c.predicted, 11, 0)}${fmt(c.tp, 9, 0)}  ${pct(c.tp, c.predicted).padStart(9)}  ${pct(c.tp, c.truth).padStart(6)}`,
    );
  }
  const all = {
    tp: counts.exact.tp + counts.edited.tp,
    predicted: counts.exact.predicted + counts.edited.predicted,
    truth: counts.exact.truth + counts.edited.truth,
  };
  console.log(
    `${'all'.padEnd(35)}${fmt(all.truth, 10, 0)}${fmt(all.predicted, 11, 0)}${fmt(all.tp, 9, 0)}  ${pct(all.tp, all.predicted).padStart(9)}  ${pct(all.tp, all.truth).padStart(6)}`,
  );

  // Copy -> origin: is each copy in its origin's cluster, and is copyOf the true origin?
  console.log('');
  console.log('copies by edit         copies  with origin in cluster  copyOf = true origin');
  const groups: Array<[string, (a: SyntheticArticle) => boolean]> = [
    ['exact', (a) => a.kind === 'exact'],
    ['edited (all)', (a) => a.kind === 'edited'],
    ...(['reworded', 'typographic', 'added', 'cut', 'reordered', 'headline', 'heavy'] as EditKind[]).map(
      (e) =>
        [`  ${e}`, (a: SyntheticArticle) => a.kind === 'edited' && a.edits.includes(e)] as [
          string,
          (a: SyntheticArticle) => boolean,
        ],
    ),
  ];
  for (const [name, test] of groups) {
    const copies = stream.filter(test);
    const clustered = copies.filter((a) => clusterOf.get(a.id) === clusterOf.get(a.originId)).length;
    const originRight = copies.filter((a) => records.get(a.id)?.copyOf?.articleId === a.originId).length;
    console.log(
      `${name.padEnd(22)}${fmt(copies.length, 7, 0)}${pct(clustered, copies.length).padStart(24)}${pct(originRight, copies.length).padStart(22)}`,
    );
  }
  if (process.env.BENCH_DEBUG) {
    for (const [cluster, members] of byCluster) {
      const stories = new Set(members.map((m) => m.storyId));
      if (stories.size > 1) {
        console.log(
          'MIXED CLUSTER',
          cluster,
          members
            .map(
              (m) =>
                `${m.id}:${m.storyId}:${m.kind}:${records.get(m.id)?.copyOf?.articleId ?? '-'}:${records.get(m.id)?.copyOf?.method ?? ''}${records.get(m.id)?.copyOf?.overlap ?? ''}`,
            )
            .join(' '),
        );
      }
    }
    const missed = stream.filter(
      (a) => a.kind !== 'original' && clusterOf.get(a.id) !== clusterOf.get(a.originId),
    );
    for (const a of missed.slice(0, 15)) {
      const record = records.get(a.id);
      const origin = records.get(a.originId);
      const shared =
        record && origin
          ? record.paragraphHashes.filter((h) => origin.paragraphHashes.includes(h)).length
          : -1;
      console.log(
        'MISSED',
        a.id,
        a.kind,
        a.edits.join(','),
        'origin',
        a.originId,
        'shared',
        shared,
        'of',
        record?.paragraphHashes.length,
        '/',
        origin?.paragraphHashes.length,
        'copyOf',
        record?.copyOf?.articleId ?? '-',
        'seen',
        a.seenAt < (stream.find((x) => x.id === a.originId)?.seenAt ?? '') ? 'before-origin' : 'after-origin',
      );
    }
    const wrongOrigin = stream.filter(
      (a) =>
        a.kind !== 'original' &&
        clusterOf.get(a.id) === clusterOf.get(a.originId) &&
        records.get(a.id)?.copyOf?.articleId !== a.originId,
    );
    const originById = new Map(stream.map((a) => [a.id, a]));
    for (const a of wrongOrigin.slice(0, 15)) {
      const copyOf = records.get(a.id)?.copyOf;
      const target = copyOf ? originById.get(copyOf.articleId) : undefined;
      const origin = originById.get(a.originId);
      console.log(
        'WRONG ORIGIN',
        a.id,
        a.kind,
        a.edits.join(','),
        'seen',
        a.seenAt < (origin?.seenAt ?? '') ? 'before-origin' : 'after-origin',
        'copyOf',
        copyOf
          ? `${copyOf.articleId} (${target?.kind}, published ${target?.publishedAt}, ${copyOf.method} ${copyOf.overlap})`
          : '-',
        'origin published',
        origin?.publishedAt,
        'self',
        a.publishedAt,
        a.basedOnUrl ? 'basedOn' : '',
      );
    }
    let shown = 0;
    for (const article of stream) {
      const record = records.get(article.id);
      const target = record?.copyOf ? stream.find((a) => a.id === record.copyOf!.articleId) : undefined;
      if (target && target.storyId !== article.storyId && shown++ < 8) {
        console.log(
          'FALSE LINK',
          article.id,
          article.kind,
          article.edits,
          '->',
          target.id,
          target.kind,
          JSON.stringify(record!.copyOf),
        );
        console.log(
          '  A:',
          article.paragraphs.map((p) => `${p.text.slice(0, 40)} #${p.text.length}`),
        );
        console.log(
          '  B:',
          target.paragraphs.map((p) => `${p.text.slice(0, 40)} #${p.text.length}`),
        );
      }
    }
  }
  const originals = stream.filter((a) => a.kind === 'original');
  const wronglyCopies = originals.filter((a) => records.get(a.id)?.copyOf !== undefined).length;
  console.log(`originals marked as a copy of something: ${wronglyCopies} of ${originals.length}`);
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
