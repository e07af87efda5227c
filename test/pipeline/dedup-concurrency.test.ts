/**
 * Many crawl workers ingest copies of the same stories at once, against Amazon DynamoDB Local:
 * first-seen must be decided exactly once per paragraph, counts must be exact (also when the
 * same page is delivered twice at once, as SQS may do), every member of a story must end with
 * the same origin (the earliest-published one, crawled in the middle of the run) however the
 * workers interleave, and reprocessing changes no count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord } from '../../functions/core/article';
import { paragraphHash } from '../../functions/core/dedup/paragraph-hash';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { dedupArticle, type DedupOutcome } from '../../functions/pipeline/dedup-article';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { interleaved } from '../helpers/interleaving';
import {
  EARLIEST_HOST_INDEX,
  expectOneOriginPerStory as expectOneOrigin,
  HOSTS,
  ingestPage,
  runWorkers,
  storyPages as pages,
} from './concurrent-stories';

const WORKERS = 10;

let dynamo: DynamoDbLocal;
let index: DynamoDbDedupIndex;
/** Seeded waits around every index call widen the races real Lambdas hit (see `interleaving.ts`). */
let deps: { index: DynamoDbDedupIndex; sleep: (ms: number) => Promise<void> };

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.client, 'dedup-concurrency');
  index = new DynamoDbDedupIndex({ tableName: 'dedup-concurrency', client: dynamo.client });
  deps = interleaved(index, 20261208, 8);
});
afterAll(async () => {
  await dynamo?.stop();
});

const ingest = (page: ReturnType<typeof pages>[number]) => ingestPage(deps, page);

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
    const expectOneOriginPerStory = (records: ArticleRecord[]) => expectOneOrigin(index, records);

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
      dedupArticle(deps, {
        ref: page.ref,
        publishedAt: page.publishedAt,
        paragraphs: page.texts.map((text) => ({ kind: 'paragraph' as const, text })),
        metadata: { authors: [], publishedAt: page.publishedAt },
        previous: await index.getArticle(page.ref.articleId),
      }),
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
