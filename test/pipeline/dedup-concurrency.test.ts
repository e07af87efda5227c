/**
 * Many crawl workers ingest copies of the same stories at once, against Amazon DynamoDB Local:
 * first-seen must be decided exactly once per paragraph, counts must be exact (also when the
 * same page is delivered twice at once, as SQS may do), and reprocessing changes no count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord, ArticleRef, Paragraph } from '../../functions/core/article';
import { paragraphHash } from '../../functions/core/dedup/paragraph-hash';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { dedupArticle, type DedupOutcome } from '../../functions/pipeline/dedup-article';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { STORY_A, STORY_B } from '../core/dedup/story-fixtures';

const WORKERS = 10;
const HOSTS = Array.from({ length: 12 }, (_, i) => `www.paper${i}.example`);

interface Page {
  ref: ArticleRef;
  story: 'A' | 'B';
  texts: string[];
}

/** Every host carries both stories; odd hosts trim the last paragraph and add a local one. */
function pages(): Page[] {
  const out: Page[] = [];
  HOSTS.forEach((host, i) => {
    for (const [story, body] of [['A', STORY_A], ['B', STORY_B]] as const) {
      const texts = i % 2 === 0 ? [...body] : [...body.slice(0, -1), `Local editors at paper ${i} added this note about story ${story} for their readers today.`];
      const id = `${story}-${i}`;
      out.push({ ref: { articleId: id, url: `https://${host}/n/${id}`, host, seenAt: '2026-11-20T12:00:00Z' }, story, texts });
    }
  });
  return out;
}

let dynamo: DynamoDbLocal;
let index: DynamoDbDedupIndex;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.client, 'dedup-concurrency');
  index = new DynamoDbDedupIndex({ tableName: 'dedup-concurrency', client: dynamo.client });
});
afterAll(async () => {
  await dynamo?.stop();
});

async function ingest(page: Page): Promise<DedupOutcome> {
  const previous = await index.getArticle(page.ref.articleId);
  const paragraphs: Paragraph[] = page.texts.map((text) => ({ kind: 'paragraph', text }));
  const outcome = await dedupArticle(index, { ref: page.ref, paragraphs, metadata: { authors: [] }, previous });
  const record: ArticleRecord = {
    id: page.ref.articleId,
    url: page.ref.url,
    canonicalUrl: page.ref.url,
    host: page.ref.host,
    fetchedAt: page.ref.seenAt,
    day: '2026-11-20',
    authors: [],
    pageKind: 'article',
    contentHash: 'same',
    version: 1,
    paragraphCount: outcome.paragraphs.length,
    paragraphHashes: outcome.paragraphHashes,
    cleanKey: 'k',
    stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
    copyOf: outcome.copyOf,
    copies: outcome.copies,
    clusterId: outcome.clusterId,
    minhash: outcome.minhash,
  };
  await index.putArticle(record);
  return outcome;
}

/** Runs jobs with `workers` in flight, like concurrent crawl Lambdas. */
async function runWorkers<T, R>(jobs: T[], workers: number, fn: (job: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await fn(jobs[i]);
      }
    }),
  );
  return results;
}

describe('dedup under concurrent workers (DynamoDB Local)', () => {
  it('decides first-seen once per paragraph, counts exactly, and reprocessing changes nothing', async () => {
    const all = pages();
    // Three pages are delivered twice, at the same time (at-least-once queue delivery).
    const jobs = [...all, all[0], all[5], all[10]];
    const outcomes = await runWorkers(jobs, WORKERS, ingest);

    // Expected membership per paragraph hash, from the inputs.
    const containing = new Map<string, Set<string>>();
    for (const page of all) {
      for (const text of page.texts) {
        const hash = paragraphHash(text);
        const ids = containing.get(hash) ?? new Set<string>();
        ids.add(page.ref.articleId);
        containing.set(hash, ids);
      }
    }
    const hashes = [...containing.keys()];
    const infos = await index.lookupParagraphs(hashes);
    expect(infos.size).toBe(hashes.length);
    for (const [hash, ids] of containing) {
      const info = infos.get(hash)!;
      expect(info.articleCount, hash).toBe(ids.size);
      expect(ids.has(info.firstSeen.articleId)).toBe(true);
      for (const host of HOSTS) {
        const onHost = [...ids].filter((id) => all.find((p) => p.ref.articleId === id)!.ref.host === host).length;
        expect(info.hostPageCounts[host] ?? 0).toBe(onHost);
      }
    }

    // Exactly one article saw each paragraph first; every other names that same article.
    const byArticle = new Map<string, DedupOutcome>();
    outcomes.forEach((outcome, i) => byArticle.set(jobs[i].ref.articleId, outcome));
    for (const [hash, ids] of containing) {
      const firstSeenId = infos.get(hash)!.firstSeen.articleId;
      const owners = [...ids].filter((id) => {
        const paragraph = byArticle.get(id)!.paragraphs.find((p) => p.hash === hash)!;
        return paragraph.firstSeen === undefined;
      });
      expect(owners).toEqual([firstSeenId]);
      for (const id of ids) {
        const paragraph = byArticle.get(id)!.paragraphs.find((p) => p.hash === hash)!;
        if (id !== firstSeenId) expect(paragraph.firstSeen?.articleId).toBe(firstSeenId);
      }
    }

    // Syndication: never across stories.
    const ids = all.map((p) => p.ref.articleId);
    const storyOf = new Map(all.map((p) => [p.ref.articleId, p.story]));
    const expectNoCrossStoryLinks = (records: ArticleRecord[]) => {
      for (const record of records) {
        const links = [...record.copies, ...(record.copyOf ? [record.copyOf] : [])];
        for (const link of links) expect(storyOf.get(link.articleId)).toBe(storyOf.get(record.id));
        expect(storyOf.get(record.clusterId!)).toBe(storyOf.get(record.id));
      }
    };
    expectNoCrossStoryLinks(await index.getArticles(ids));

    // Reprocess every page, concurrently: no count or first-seen changes. Links may still grow:
    // an origin whose copies were processed while it was in flight learns them now.
    const before = await index.lookupParagraphs(hashes);
    await runWorkers(all, WORKERS, ingest);
    const after = await index.lookupParagraphs(hashes);
    for (const hash of hashes) expect(after.get(hash)).toEqual(before.get(hash));
    const settled = await index.getArticles(ids);
    expectNoCrossStoryLinks(settled);
    for (const record of settled) {
      expect(record.copyOf !== undefined || record.copies.length > 0, `${record.id} is linked to its story`).toBe(true);
    }

    // And once more: now nothing changes at all, and dedup itself writes nothing.
    const writesBefore = index.stats().writeUnits;
    const again = await runWorkers(all, WORKERS, async (page) =>
      dedupArticle(index, {
        ref: page.ref,
        paragraphs: page.texts.map((text) => ({ kind: 'paragraph' as const, text })),
        metadata: { authors: [] },
        previous: await index.getArticle(page.ref.articleId),
      }),
    );
    expect(index.stats().writeUnits).toBe(writesBefore);
    const linksOf = (rs: ArticleRecord[]) =>
      Object.fromEntries(rs.map((r) => [r.id, { copyOf: r.copyOf?.articleId, copies: r.copies.map((c) => c.articleId).sort(), clusterId: r.clusterId }]));
    const outcomeLinks = Object.fromEntries(
      again.map((o, i) => [all[i].ref.articleId, { copyOf: o.copyOf?.articleId, copies: o.copies.map((c) => c.articleId).sort(), clusterId: o.clusterId }]),
    );
    expect(outcomeLinks).toEqual(linksOf(settled));
    const final = await index.lookupParagraphs(hashes);
    for (const hash of hashes) expect(final.get(hash)).toEqual(before.get(hash));
  });
});
