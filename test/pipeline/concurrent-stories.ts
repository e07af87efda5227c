/**
 * The concurrent-ingest scenario shared by the DynamoDB Local concurrency test and the seeded
 * interleaving test: two stories on 12 hosts, publication order unrelated to crawl order, pages
 * ingested by several workers at once.
 */
import { expect } from 'vitest';
import type { ArticleRecord, ArticleRef, Paragraph } from '../../functions/core/article';
import { clusterOf, withCurrentOrigin } from '../../functions/core/dedup/current-origin';
import { dedupArticle, dedupRecordFields, type DedupOutcome } from '../../functions/pipeline/dedup-article';
import type { DedupIndex } from '../../functions/ports/dedup-index';
import { STORY_A, STORY_B } from '../core/dedup/story-fixtures';

export const HOSTS = Array.from({ length: 12 }, (_, i) => `www.paper${i}.example`);

export interface StoryPage {
  ref: ArticleRef;
  story: 'A' | 'B';
  texts: string[];
  publishedAt: string;
}

/** Host whose copies are published first: crawled late, while other workers hold its story's copies. */
export const EARLIEST_HOST_INDEX = 9;

/** Every host carries both stories; odd hosts trim the last paragraph and add a local one. */
export function storyPages(): StoryPage[] {
  const out: StoryPage[] = [];
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

/** Dedups one page and stores its record, as the crawl pipeline does. */
export async function ingestPage(
  deps: { index: DedupIndex; sleep: (ms: number) => Promise<void> },
  page: StoryPage,
): Promise<DedupOutcome> {
  const { index } = deps;
  const previous = await index.getArticle(page.ref.articleId);
  const paragraphs: Paragraph[] = page.texts.map((text) => ({ kind: 'paragraph', text }));
  const metadata = { authors: [], publishedAt: page.publishedAt };
  const outcome = await dedupArticle(deps, {
    ref: page.ref,
    publishedAt: page.publishedAt,
    paragraphs,
    metadata,
    previous,
  });
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
export async function runWorkers<T, R>(jobs: T[], workers: number, fn: (job: T) => Promise<R>): Promise<R[]> {
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

/**
 * Every member of each story, as the views show it (record joined with its cluster's current
 * origin), names one origin, the earliest-published member, and sits in one cluster.
 */
export async function expectOneOriginPerStory(
  index: DedupIndex,
  records: ArticleRecord[],
  label = '',
): Promise<void> {
  const origins = await index.getStoryOrigins(records.map(clusterOf));
  for (const story of ['A', 'B'] as const) {
    const members = records.filter((r) => r.id.startsWith(`${story}-`));
    const current = members.map((r) => withCurrentOrigin(r, origins.get(clusterOf(r))));
    const expected = `${story}-${EARLIEST_HOST_INDEX}`;
    expect(new Set(current.map((r) => r.originId)), `${label} story ${story} origins`).toEqual(
      new Set([expected]),
    );
    expect(new Set(current.map((r) => r.clusterId)).size, `${label} story ${story} clusters`).toBe(1);
    for (const r of current) expect(r.relation).toBe(r.id === expected ? 'original' : 'exact');
  }
}
