/**
 * Syndication figures of a data directory, read back from its index once a run is over, in a form
 * two runs can be compared by (the WARC benchmark checks that backfilling pages from a WARC finds
 * the same syndication as crawling the same pages over HTTP).
 *
 * Compared: the stories (clusters of two or more articles, after merges), each as its origin and
 * its members' URLs: the index keeps the best-ranked origin whatever order the pages came in, and
 * the membership of a story does not depend on order either. Reported but not compared: each
 * copy's `copyOf` link and per-article "paragraphs first seen elsewhere", which name the member a
 * copy was matched with and what had been seen when it was processed, so they follow processing
 * order by design (docs/dedup.md).
 */
import type { ArticleRecord } from '../../functions/core/article';
import type { DedupIndex } from '../../functions/ports/dedup-index';
import { allArticles } from '../../test/helpers/pipeline-audit';

/** What {@link syndicationFigures} reports. */
export interface SyndicationFigures {
  articles: number;
  /** Stories with two or more members. */
  stories: number;
  /** Articles in those stories that are not the story's origin. */
  syndicatedCopies: number;
  /** `origin URL <- member URL, member URL, ...` per story, sorted: what is compared. */
  storyList: string[];
  /** Informational (order-dependent): articles with a `copyOf` link, by how it was found. */
  copyOfLinks: number;
  copyOfByMethod: Record<string, number>;
  /** Informational (order-dependent): articles with a paragraph first seen in another article. */
  articlesWithParagraphsSeenElsewhere: number;
}

/** Ids asked of the index per getStoryOrigins call. */
const ORIGIN_BATCH = 100;

/** Reads every article and every story origin of the index and computes the figures. */
export async function syndicationFigures(index: DedupIndex): Promise<SyndicationFigures> {
  const records = [...(await allArticles(index)).values()];
  const clusterIds = [...new Set(records.map((r) => r.clusterId ?? r.id))];
  const origins = new Map<string, { clusterId: string; url?: string }>();
  for (let i = 0; i < clusterIds.length; i += ORIGIN_BATCH) {
    const batch = clusterIds.slice(i, i + ORIGIN_BATCH);
    const found = await index.getStoryOrigins(batch);
    for (const id of batch) {
      const origin = found.get(id);
      origins.set(id, { clusterId: origin?.clusterId ?? id, url: origin?.url });
    }
  }
  return figuresOf(records, origins);
}

/** The figures of article records and their clusters' roots (pure). */
export function figuresOf(
  records: readonly ArticleRecord[],
  roots: ReadonlyMap<string, { clusterId: string; url?: string }>,
): SyndicationFigures {
  const copyOfByMethod: Record<string, number> = {};
  const stories = new Map<string, { origin?: string; members: string[] }>();
  let copyOfLinks = 0;
  let seenElsewhere = 0;
  for (const r of records) {
    if (r.copyOf) {
      copyOfLinks++;
      copyOfByMethod[r.copyOf.method] = (copyOfByMethod[r.copyOf.method] ?? 0) + 1;
    }
    if ((r.stats?.paragraphsFirstSeenElsewhere ?? 0) > 0) seenElsewhere++;
    const cluster = r.clusterId ?? r.id;
    const root = roots.get(cluster) ?? { clusterId: cluster };
    const story = stories.get(root.clusterId) ?? { members: [] };
    story.origin ??= root.url;
    story.members.push(r.canonicalUrl);
    stories.set(root.clusterId, story);
  }
  const multi = [...stories.values()].filter((s) => s.members.length > 1);
  return {
    articles: records.length,
    stories: multi.length,
    syndicatedCopies: multi.reduce((n, s) => n + s.members.length - 1, 0),
    storyList: multi.map((s) => `${s.origin ?? '?'} <- ${s.members.sort().join(', ')}`).sort(),
    copyOfLinks,
    copyOfByMethod: Object.fromEntries(Object.entries(copyOfByMethod).sort(([a], [b]) => a.localeCompare(b))),
    articlesWithParagraphsSeenElsewhere: seenElsewhere,
  };
}

/** Differences between two runs' compared figures (empty when equal). */
export function figureDifferences(a: SyndicationFigures, b: SyndicationFigures): string[] {
  const out: string[] = [];
  for (const key of ['articles', 'stories', 'syndicatedCopies'] as const)
    if (a[key] !== b[key]) out.push(`${key}: ${a[key]} vs ${b[key]}`);
  const inB = new Set(b.storyList);
  const inA = new Set(a.storyList);
  const onlyA = a.storyList.filter((s) => !inB.has(s));
  const onlyB = b.storyList.filter((s) => !inA.has(s));
  if (onlyA.length || onlyB.length)
    out.push(
      `stories: ${onlyA.length} only in the first (e.g. ${onlyA[0] ?? '-'}), ${onlyB.length} only in the second (e.g. ${onlyB[0] ?? '-'})`,
    );
  return out;
}
