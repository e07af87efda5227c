import type { ArticleRecord, ArticleRef, StoredParagraph, StoryRelation } from '../core/article';
import { carrierOf, firstAppearance, type Carrier } from '../core/dedup/first-appearance';

/**
 * What a reader of a story needs, without the index's internals (hashes, sketches, fingerprints):
 * the origin and each member with its URL, host, times, relation to the origin and overlap.
 * Pure: built from records the query core read.
 */

/** One member of a story as a user reads it. */
export interface StoryMemberSummary {
  id: string;
  url: string;
  host: string;
  title?: string;
  /** Publication time the page states (ISO 8601 with offset), when known. */
  publishedAt?: string;
  /** When the pipeline fetched it. */
  fetchedAt: string;
  /** Its relation to the story's origin (`original` for the origin itself). */
  relation: StoryRelation;
  /** Share of the smaller article's text found in the other (0..1), for members linked to the origin. */
  overlap?: number;
  /** How the link was found (`exact` paragraphs, `near-duplicate` sketch, `prefix` for an excerpt). */
  method?: string;
}

/** A story cluster as `query story` prints it and the web view shows it. */
export interface StorySummary {
  clusterId: string;
  /** The article asked about. */
  articleId: string;
  origin: StoryMemberSummary;
  /** Every known member, the origin included, earliest publication first. */
  members: StoryMemberSummary[];
}

/** A member record (already joined with its story's current origin) as a summary line. */
export function memberSummary(record: ArticleRecord): StoryMemberSummary {
  const isOrigin = (record.originId ?? record.id) === record.id;
  return {
    id: record.id,
    url: record.url,
    host: record.host,
    ...(record.title ? { title: record.title } : {}),
    ...(record.publishedAt ? { publishedAt: record.publishedAt } : {}),
    fetchedAt: record.fetchedAt,
    relation: isOrigin ? 'original' : (record.relation ?? 'exact'),
    ...(!isOrigin && record.copyOf ? { overlap: record.copyOf.overlap, method: record.copyOf.method } : {}),
  };
}

/**
 * The readable story: origin and members (records joined with the current origin).
 *
 * @example
 * const summary = summarizeStory({ clusterId, article, origin, members });
 * summary.origin.url; // the original's URL, also when a copy was crawled first
 */
export function summarizeStory(view: {
  clusterId: string;
  article: ArticleRecord;
  origin: ArticleRecord;
  members: readonly ArticleRecord[];
}): StorySummary {
  return {
    clusterId: view.clusterId,
    articleId: view.article.id,
    origin: memberSummary(view.origin),
    members: view.members.map(memberSummary),
  };
}

/** Story members in reading order: earliest publication (else fetch time) first, then id. */
export function byPublication(a: ArticleRecord, b: ArticleRecord): number {
  const at = Date.parse(a.publishedAt ?? a.fetchedAt);
  const bt = Date.parse(b.publishedAt ?? b.fetchedAt);
  return (Number.isFinite(at) ? at : 0) - (Number.isFinite(bt) ? bt : 0) || a.id.localeCompare(b.id);
}

/**
 * Paragraphs with their first appearance re-decided from what is known at read time: among the
 * article itself, the members of its story and the sighting the line recorded, the
 * earliest-published carrier. A line written before the story's original was crawled named the
 * copy crawled first; the view names the original, and keeps that sighting as `firstCrawled`.
 */
export function currentFirstAppearance(
  self: ArticleRecord,
  paragraphs: readonly StoredParagraph[],
  members: readonly ArticleRecord[],
  /** The index's first-crawled sighting per hash (`lookupParagraphs`), when read. */
  crawledFirst: ReadonlyMap<string, ArticleRef> = new Map(),
): StoredParagraph[] {
  const carriers: Carrier[] = [self, ...members.filter((m) => m.id !== self.id)].map(carrierOf);
  return paragraphs.map((p) => {
    if (!p.hash) return p;
    const recorded = [p.firstSeen, p.firstCrawled, crawledFirst.get(p.hash)].filter(
      (ref): ref is ArticleRef =>
        ref !== undefined && !carriers.some((c) => c.ref.articleId === ref.articleId),
    );
    const first = firstAppearance(p.hash, [
      ...carriers,
      ...recorded.map((ref) => ({ ref, publishedAt: ref.publishedAt, paragraphHashes: [p.hash as string] })),
    ]);
    const { firstSeen: _seen, firstCrawled: _crawled, ...rest } = p;
    const crawled = crawledFirst.get(p.hash) ?? p.firstCrawled;
    const out: StoredParagraph = { ...rest };
    if (first && first.articleId !== self.id) out.firstSeen = first;
    if (crawled && crawled.articleId !== self.id && crawled.articleId !== out.firstSeen?.articleId)
      out.firstCrawled = crawled;
    return out;
  });
}
