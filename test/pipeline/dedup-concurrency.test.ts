/**
 * Many crawl workers ingest copies of the same stories at once, against Amazon DynamoDB Local:
 * first-seen must be decided exactly once per paragraph, counts must be exact (also when the
 * same page is delivered twice at once, as SQS may do), every member of a story must end with
 * the same origin (the earliest-published one, crawled in the middle of the run) however the
 * workers interleave, and reprocessing changes no count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord, ArticleRef, Paragraph } from '../../functions/core/article';
import { clusterOf, withCurrentOrigin } from '../../functions/core/dedup/current-origin';
import { paragraphHash } from '../../functions/core/dedup/paragraph-hash';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { dedupArticle, dedupRecordFields, type DedupOutcome } from '../../functions/pipeline/dedup-article';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { STORY_A, STORY_B } from '../core/dedup/story-fixtures';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const WORKERS = 10;
const HOSTS = Array.from({ length: 12 }, (_, i) => `www.paper${i}.example`);

interface Page {
  ref: ArticleRef;
  story: 'A' | 'B';
  texts: string[];
  publishedAt: string;
}

/** Host whose copies are published first: crawled late, while other workers hold its story's copies. */
const EARLIEST_HOST_INDEX = 9;

/** Every host carries both stories; odd hosts trim the last paragraph and add a local one. */
function pages(): Page[] {
  const out: Page[] = [];
  HOSTS.forEach((host, i) => {
    for (const [story, body] of [
      ['A', STORY_A],
      ['B', STORY_B],
    ] as const) {
      const texts =
        i % 2 === 0
          ? [...body]
          : [
              ...body.slice(0, -1),
              `Local editors at paper ${i} added this note about story ${story} for their readers today.`,
            ];
      const id = `${story}-${i}`;
      // Publication order unrelated to crawl order: host 9 first, each other host hours later.
      const hoursAfter = (i * 5 + 12 - ((EARLIEST_HOST_INDEX * 5) % 12)) % 12;
      const publishedAt = new Date(
        Date.parse('2026-11-20T00:00:00+01:00') + hoursAfter * 3_600_000,
      ).toISOString();
      out.push({
        ref: { articleId: id, url: `https://${host}/n/${id}`, host, seenAt: '2026-11-20T12:00:00Z' },
        story,
        texts,
        publishedAt,
      });
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
  const metadata = { authors: [], publishedAt: page.publishedAt };
  const outcome = await dedupArticle(
    { index, sleep: realSleep },
    { ref: page.ref, publishedAt: page.publishedAt, paragraphs, metadata, previous },
  );
  const record: ArticleRecord = {
    id: page.ref.articleId,
    url: page.ref.url,
    canonicalUrl: page.ref.url,
    host: page.ref.host,
    fetchedAt: page.ref.seenAt,
    day: '2026-11-20',
    authors: [],
    publishedAt: page.publishedAt,
    pageKind: 'article',
    contentHash: 'same',
    version: 1,
    paragraphCount: outcome.paragraphs.length,
    cleanKey: 'k',
    stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
    ...dedupRecordFields(outcome),
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
        const onHost = [...ids].filter(
          (id) => all.find((p) => p.ref.articleId === id)!.ref.host === host,
        ).length;
        expect(info.hostPageCounts[host] ?? 0).toBe(onHost);
      }
    }

    // First crawled is one fact per paragraph (above); first appearance follows publication: the
    // earliest-published carrier, whatever the crawl order. Checked once every page knows the others
    // (after the reprocess round below); here each names a carrier published no later than itself.
    const byArticle = new Map<string, DedupOutcome>();
    outcomes.forEach((outcome, i) => byArticle.set(jobs[i].ref.articleId, outcome));
    const pageById = new Map(all.map((p) => [p.ref.articleId, p]));
    for (const [id, outcome] of byArticle) {
      for (const paragraph of outcome.paragraphs) {
        if (!paragraph.firstSeen) continue;
        expect(containing.get(paragraph.hash!)?.has(paragraph.firstSeen.articleId)).toBe(true);
        expect(
          pageById.get(paragraph.firstSeen.articleId)!.publishedAt <= pageById.get(id)!.publishedAt,
        ).toBe(true);
      }
    }
    const earliestCarrier = (hash: string) =>
      [...containing.get(hash)!].sort(
        (a, b) =>
          pageById.get(a)!.publishedAt.localeCompare(pageById.get(b)!.publishedAt) || a.localeCompare(b),
      )[0];
    const expectOneOriginPerStory = async (records: ArticleRecord[]) => {
      const origins = await index.getStoryOrigins(records.map(clusterOf));
      for (const story of ['A', 'B'] as const) {
        const members = records.filter((r) => storyOf.get(r.id) === story);
        const current = members.map((r) => withCurrentOrigin(r, origins.get(clusterOf(r))));
        expect(new Set(current.map((r) => r.originId)), `story ${story}`).toEqual(
          new Set([`${story}-${EARLIEST_HOST_INDEX}`]),
        );
        for (const r of current)
          expect(r.relation).toBe(r.id === `${story}-${EARLIEST_HOST_INDEX}` ? 'original' : 'exact');
      }
    };

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
    await expectOneOriginPerStory(await index.getArticles(ids));

    // Reprocess every page, concurrently: no count or first-seen changes. Links may still grow:
    // an origin whose copies were processed while it was in flight learns them now.
    const before = await index.lookupParagraphs(hashes);
    await runWorkers(all, WORKERS, ingest);
    const after = await index.lookupParagraphs(hashes);
    for (const hash of hashes) expect(after.get(hash)).toEqual(before.get(hash));
    const settled = await index.getArticles(ids);
    expectNoCrossStoryLinks(settled);
    await expectOneOriginPerStory(settled);
    for (const record of settled) {
      expect(
        record.copyOf !== undefined || record.copies.length > 0,
        `${record.id} is linked to its story`,
      ).toBe(true);
    }

    // And once more: now nothing changes at all, and dedup itself writes nothing.
    const writesBefore = index.stats().writeUnits;
    const again = await runWorkers(all, WORKERS, async (page) =>
      dedupArticle(
        { index, sleep: realSleep },
        {
          ref: page.ref,
          publishedAt: page.publishedAt,
          paragraphs: page.texts.map((text) => ({ kind: 'paragraph' as const, text })),
          metadata: { authors: [], publishedAt: page.publishedAt },
          previous: await index.getArticle(page.ref.articleId),
        },
      ),
    );
    // Every page now knows its story: each paragraph's first appearance is its earliest-published carrier.
    again.forEach((outcome, i) => {
      for (const paragraph of outcome.paragraphs) {
        const expected = earliestCarrier(paragraph.hash!);
        expect(paragraph.firstSeen?.articleId ?? all[i].ref.articleId).toBe(expected);
      }
    });
    expect(index.stats().writeUnits).toBe(writesBefore);
    const linksOf = (rs: ArticleRecord[]) =>
      Object.fromEntries(
        rs.map((r) => [
          r.id,
          {
            copyOf: r.copyOf?.articleId,
            copies: r.copies.map((c) => c.articleId).sort(),
            clusterId: r.clusterId,
          },
        ]),
      );
    const outcomeLinks = Object.fromEntries(
      again.map((o, i) => [
        all[i].ref.articleId,
        {
          copyOf: o.copyOf?.articleId,
          copies: o.copies.map((c) => c.articleId).sort(),
          clusterId: o.clusterId,
        },
      ]),
    );
    expect(outcomeLinks).toEqual(linksOf(settled));
    const final = await index.lookupParagraphs(hashes);
    for (const hash of hashes) expect(final.get(hash)).toEqual(before.get(hash));
  });
});
