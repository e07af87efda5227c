import { afterAll, beforeAll, describe, expect, it } from 'vitest';
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
import type { ArticleRecord, ArticleRef, Paragraph } from '../../functions/core/article';
import { paragraphHash } from '../../functions/core/dedup/paragraph-hash';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { dedupArticle, dedupRecordFields, type DedupOutcome } from '../../functions/pipeline/dedup-article';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { STOCK_PARAGRAPH, STORY_A, STORY_B } from '../core/dedup/story-fixtures';
import { MemoryDedupIndex } from '../core/dedup/memory-dedup-index';

let server: DynaliteServer;
let tableCounter = 0;

beforeAll(async () => {
  server = await startDynalite();
});
afterAll(async () => {
  await server?.stop();
});

async function freshIndex(): Promise<DynamoDbDedupIndex> {
  const tableName = `dedup-article-${++tableCounter}`;
  await ensureTable(server.client, tableName);
  return new DynamoDbDedupIndex({ tableName, client: server.client });
}

const paragraphs = (texts: string[]): Paragraph[] => texts.map((text) => ({ kind: 'paragraph', text }));

/** Runs dedup and stores the record the way the crawl pipeline does. */
async function ingest(
  index: DynamoDbDedupIndex,
  id: string,
  host: string,
  texts: string[],
  options: { publishedAt?: string; seenAt?: string; basedOnUrl?: string } = {},
): Promise<DedupOutcome> {
  const ref: ArticleRef = {
    articleId: id,
    url: `https://${host}/n/${id}`,
    host,
    seenAt: options.seenAt ?? '2026-11-20T12:00:00Z',
  };
  const previous = await index.getArticle(id);
  const outcome = await dedupArticle(
    { index: index, sleep: realSleep },
    {
      ref,
      publishedAt: options.publishedAt,
      paragraphs: paragraphs(texts),
      metadata: { authors: [], publishedAt: options.publishedAt, basedOnUrl: options.basedOnUrl },
      previous,
    },
  );
  const record: ArticleRecord = {
    id,
    url: ref.url,
    canonicalUrl: ref.url,
    host,
    fetchedAt: ref.seenAt,
    day: '2026-11-20',
    authors: [],
    publishedAt: options.publishedAt,
    pageKind: 'article',
    contentHash: 'x',
    version: 1,
    paragraphCount: outcome.paragraphs.length,
    cleanKey: 'k',
    stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
    ...dedupRecordFields(outcome),
  };
  await index.putArticle(record);
  return outcome;
}

describe('dedupArticle', () => {
  it('records a new article as its own cluster with no provenance elsewhere', async () => {
    const index = await freshIndex();
    const outcome = await ingest(index, 'a1', 'a.example', ['Short line', ...STORY_A]);
    expect(outcome.clusterId).toBe('a1');
    expect(outcome.copyOf).toBeUndefined();
    expect(outcome.paragraphs[0]).toEqual({ kind: 'paragraph', text: 'Short line' });
    expect(outcome.paragraphs[1].hash).toBe(paragraphHash(STORY_A[0]));
    expect(outcome.paragraphHashes).toHaveLength(STORY_A.length);
    expect(outcome.stats).toEqual({ boilerplateParagraphsRemoved: 0, paragraphsFirstSeenElsewhere: 0 });
    expect(outcome.minhash).toMatch(/^bk2n1\./);
  });

  it('links an exact copy on another host to the earlier origin and marks the origin', async () => {
    const index = await freshIndex();
    await ingest(index, 'o', 'origin.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z' });
    const copy = await ingest(index, 'c', 'copy.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    expect(copy.copyOf).toMatchObject({ articleId: 'o', method: 'exact', overlap: 1 });
    expect(copy.clusterId).toBe('o');
    expect(copy.stats.paragraphsFirstSeenElsewhere).toBe(STORY_A.length);
    expect(copy.paragraphs.every((p) => p.firstSeen?.articleId === 'o')).toBe(true);
    const origin = await index.getArticle('o');
    expect(origin?.copies.map((c) => c.articleId)).toEqual(['c']);
  });

  it('finds a copy edited in every paragraph through fingerprint keys', async () => {
    const index = await freshIndex();
    await ingest(index, 'o', 'origin.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z' });
    const edited = STORY_A.map((p) => p.replace(/ the /, ' a ').replace(/,/, ''));
    const copy = await ingest(index, 'e', 'edit.example', edited, { publishedAt: '2026-11-20T09:00:00Z' });
    expect(copy.stats.paragraphsFirstSeenElsewhere).toBe(0);
    expect(copy.copyOf).toMatchObject({ articleId: 'o', method: 'near-duplicate' });
    expect(copy.clusterId).toBe('o');
  });

  it('does not join different stories sharing a stock paragraph', async () => {
    const index = await freshIndex();
    await ingest(index, 'a', 'a.example', [...STORY_A, STOCK_PARAGRAPH]);
    const other = await ingest(index, 'b', 'b.example', [...STORY_B, STOCK_PARAGRAPH]);
    expect(other.copyOf).toBeUndefined();
    expect(other.clusterId).toBe('b');
    expect(other.stats.paragraphsFirstSeenElsewhere).toBe(1);
  });

  it('learns host boilerplate: removed from the third page on, and from the first pages on reprocess', async () => {
    const index = await freshIndex();
    const pitch = 'Sign up for our morning newsletter to get the top stories of the day in your inbox.';
    const stories = [STORY_A.slice(0, 3), STORY_A.slice(3), STORY_B.slice(0, 3), STORY_B.slice(3)];
    const outcomes: DedupOutcome[] = [];
    for (const [i, story] of stories.entries())
      outcomes.push(await ingest(index, `p${i}`, 'host.example', [...story, pitch]));
    expect(outcomes.map((o) => o.stats.boilerplateParagraphsRemoved)).toEqual([0, 0, 1, 1]);
    expect(outcomes[3].paragraphs.some((p) => p.text === pitch)).toBe(false);
    const again = await ingest(index, 'p0', 'host.example', [...stories[0], pitch]);
    expect(again.stats.boilerplateParagraphsRemoved).toBe(1);
    expect(again.paragraphHashes).not.toContain(paragraphHash(pitch));
    // Boilerplate does not make the host's own pages copies of each other.
    expect(outcomes.every((o) => o.copyOf === undefined)).toBe(true);
  });

  it('is idempotent: reprocessing the same page changes no count and no link', async () => {
    const index = await freshIndex();
    await ingest(index, 'o', 'origin.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z' });
    const first = await ingest(index, 'c', 'copy.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    const before = await index.lookupParagraphs(first.paragraphHashes);
    const writesBefore = index.stats().writeUnits;
    const previous = await index.getArticle('c');
    const again = await dedupArticle(
      { index: index, sleep: realSleep },
      {
        ref: {
          articleId: 'c',
          url: 'https://copy.example/n/c',
          host: 'copy.example',
          seenAt: '2026-11-20T12:00:00Z',
        },
        publishedAt: '2026-11-20T09:00:00Z',
        paragraphs: paragraphs(STORY_A),
        metadata: { authors: [], publishedAt: '2026-11-20T09:00:00Z' },
        previous,
      },
    );
    // Dedup itself writes nothing on a reprocess: paragraphs already counted, origin already linked.
    expect(index.stats().writeUnits - writesBefore).toBe(0);
    expect(again).toEqual(first);
    const second = await ingest(index, 'c', 'copy.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    const after = await index.lookupParagraphs(first.paragraphHashes);
    expect(second).toEqual(first);
    const sorted = (m: Map<string, unknown>) => [...m.entries()].sort((x, y) => x[0].localeCompare(y[0]));
    expect(sorted(after)).toEqual(sorted(before));
    const origin = await index.getArticle('o');
    expect(origin?.copies).toHaveLength(1);
  });

  it("waits for an in-flight candidate's record and uses its publication time", async () => {
    const index = await freshIndex();
    // A copy's worker has recorded its paragraphs (so it is first-seen everywhere) but has not
    // stored its record yet when the earlier-published original is deduplicated. Crawl order
    // alone would make the copy the origin; its record, arriving 100 ms later, says otherwise.
    const copyRef: ArticleRef = {
      articleId: 'x',
      url: 'https://copy.example/n/x',
      host: 'copy.example',
      seenAt: '2026-11-20T12:00:00Z',
    };
    await index.recordParagraphs(copyRef, STORY_A.map(paragraphHash), 1);
    const originRun = ingest(index, 'o', 'origin.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const copyOutcome = await dedupArticle(
      { index: index, sleep: realSleep },
      {
        ref: copyRef,
        publishedAt: '2026-11-20T09:00:00Z',
        paragraphs: paragraphs(STORY_A),
        metadata: { authors: [], publishedAt: '2026-11-20T09:00:00Z' },
      },
    );
    await index.putArticle({
      id: 'x',
      url: copyRef.url,
      canonicalUrl: copyRef.url,
      host: copyRef.host,
      fetchedAt: copyRef.seenAt,
      day: '2026-11-20',
      authors: [],
      publishedAt: '2026-11-20T09:00:00Z',
      pageKind: 'article',
      contentHash: 'x',
      version: 1,
      paragraphCount: copyOutcome.paragraphs.length,
      paragraphHashes: copyOutcome.paragraphHashes,
      cleanKey: 'k',
      stats: { repeatedParagraphsRemoved: 0, ...copyOutcome.stats },
      copyOf: copyOutcome.copyOf,
      copies: copyOutcome.copies,
      clusterId: copyOutcome.clusterId,
      minhash: copyOutcome.minhash,
    });
    const origin = await originRun;
    expect(origin.copyOf).toBeUndefined();
    expect(origin.copies.map((c) => c.articleId)).toEqual(['x']);
  });

  it('lets an earlier original crawled after its copy become the origin of the same cluster', async () => {
    const index = await freshIndex();
    await ingest(index, 'c', 'copy.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    const origin = await ingest(index, 'o', 'origin.example', STORY_A, {
      publishedAt: '2026-11-20T08:00:00Z',
    });
    expect(origin.copyOf).toBeUndefined();
    expect(origin.copies.map((c) => c.articleId)).toEqual(['c']);
    expect(origin.clusterId).toBe('c');
  });
});

describe('dedupArticle with an index offering setCopyOf', () => {
  it('marks copies processed before their original once the original arrives', async () => {
    const index = new MemoryDedupIndex();
    const ingestInto = async (id: string, host: string, publishedAt: string) => {
      const ref: ArticleRef = {
        articleId: id,
        url: `https://${host}/n/${id}`,
        host,
        seenAt: '2026-11-20T12:00:00Z',
      };
      const previous = await index.getArticle(id);
      const outcome = await dedupArticle(
        { index: index, sleep: realSleep },
        {
          ref,
          publishedAt,
          paragraphs: paragraphs(STORY_A),
          metadata: { authors: [], publishedAt },
          previous,
        },
      );
      await index.putArticle({
        id,
        url: ref.url,
        canonicalUrl: ref.url,
        host,
        fetchedAt: ref.seenAt,
        day: '2026-11-20',
        authors: [],
        publishedAt,
        pageKind: 'article',
        contentHash: 'x',
        version: 1,
        paragraphCount: outcome.paragraphs.length,
        paragraphHashes: outcome.paragraphHashes,
        cleanKey: 'k',
        stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
        copyOf: outcome.copyOf,
        copies: outcome.copies,
        clusterId: outcome.clusterId,
        minhash: outcome.minhash,
      });
      return outcome;
    };
    await ingestInto('c', 'copy.example', '2026-11-20T09:00:00Z');
    const origin = await ingestInto('o', 'origin.example', '2026-11-20T08:00:00Z');
    expect(origin.copyOf).toBeUndefined();
    const copy = await index.getArticle('c');
    expect(copy?.copyOf).toMatchObject({ articleId: 'o', method: 'exact', overlap: 1 });
    expect(copy?.clusterId).toBe(origin.clusterId);
    // Reprocessing the copy now agrees with what was set.
    const again = await ingestInto('c', 'copy.example', '2026-11-20T09:00:00Z');
    expect(again.copyOf?.articleId).toBe('o');
  });
});
