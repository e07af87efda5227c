import type { z } from 'zod';
import type {
  articleRecordSchema,
  articleRefSchema,
  cleanCopySchema,
  copyLinkSchema,
  pageKindSchema,
  paragraphKindSchema,
  paragraphSchema,
  storedCleanCopySchema,
  storedParagraphSchema,
  storyRelationSchema,
} from './article-schema';

export { STORY_RELATIONS } from './article-schema';

/**
 * The article model shared by extraction, dedup, storage and query. Pure types and tiny helpers
 * only: no I/O. The stored shapes (records, clean copies, links, paragraphs) are inferred from the
 * zod schemas of `article-schema.ts`, their one definition.
 */

/** Block-level kind of a paragraph kept from a page. */
export type ParagraphKind = z.infer<typeof paragraphKindSchema>;

/** One block of article text, in page order. */
export type Paragraph = z.infer<typeof paragraphSchema>;

/**
 * What the page is. Only `article` pages are stored as complete clean copies; the others are
 * recorded with their kind so a user can see why a URL produced no article.
 */
export type PageKind = z.infer<typeof pageKindSchema>;

/** Metadata read from JSON-LD, OpenGraph, meta tags, `<time>` and bylines. Times are ISO 8601 with offset. */
export interface ArticleMetadata {
  title?: string;
  authors: string[];
  publishedAt?: string;
  modifiedAt?: string;
  language?: string;
  siteName?: string;
  canonicalUrl?: string;
  section?: string;
  description?: string;
  image?: string;
  /** Whether schema.org `isAccessibleForFree` said false. */
  paywalled?: boolean;
  /** URL of the source this page credits as its origin (`isBasedOn`, syndication source link). */
  basedOnUrl?: string;
}

/** Result of extracting one HTML page. */
export interface Extraction {
  pageKind: PageKind;
  metadata: ArticleMetadata;
  paragraphs: Paragraph[];
  /** Paragraphs dropped because they repeated earlier text of the same page. */
  repeatedParagraphsRemoved: number;
  /**
   * Which strategy produced the body: the scored container, the JSON-LD `articleBody`
   * cross-check, or the recall-floor fallback; absent when the body is empty.
   */
  bodySource?: BodySource;
}

/** The extraction strategy that produced a body (see docs/extraction.md). */
export type BodySource = 'container' | 'json-ld' | 'fallback';

/**
 * A paragraph as stored in a clean copy, with dedup provenance when known: `hash` (absent for
 * paragraphs too short to be evidence); `firstSeen`, set when this paragraph's first appearance is
 * another article (the earliest-published one known to carry it, not necessarily the first one
 * crawled); `firstCrawled`, the first article crawled with it when that is not `firstSeen`.
 */
export type StoredParagraph = z.infer<typeof storedParagraphSchema>;

/**
 * A pointer to an article occurrence: `seenAt` is when our pipeline saw it (ISO 8601),
 * `publishedAt` when it was published (ISO 8601 with offset), where a view names the earliest
 * publication.
 */
export type ArticleRef = z.infer<typeof articleRefSchema>;

/**
 * How a member of a story relates to the story's origin: `original` for the origin itself (and
 * an article in a story of its own); `exact` / `near-duplicate` for another publisher's copy
 * (byte-identical paragraphs / edited text); `excerpt` for a short page carrying the start or a
 * few paragraphs of the story; `update` for the same publisher's later version at another URL.
 */
export type StoryRelation = z.infer<typeof storyRelationSchema>;

/**
 * A link between an article and another member of the same story. `overlap`: share of the smaller
 * article's evidence paragraphs (or shingles, or leading words) found in the other (0..1).
 * `method`: how the link was found: shared exact paragraphs, a near-duplicate sketch, or `prefix`
 * (one page's text is the beginning of the other's: an excerpt, paragraphs possibly run together).
 * `relation`: the linked article's relation to the story (set on links written since relations exist).
 */
export type CopyLink = z.infer<typeof copyLinkSchema>;

/**
 * The current origin of a story cluster, as the index keeps it (one per cluster id). `rank`
 * orders candidates for the origin (smaller wins, see `functions/core/dedup/story-origin.ts`); the
 * index only ever replaces the origin by a better-ranked one, so concurrent proposals converge.
 */
export interface StoryOrigin {
  articleId: string;
  url: string;
  host: string;
  rank: string;
  /**
   * The cluster that holds this origin, when the index answers for a cluster id (set by
   * `getStoryOrigins`, `proposeStoryOrigin`, `mergeStories`): a cluster merged into another
   * answers with the one it was merged into.
   */
  clusterId?: string;
}

/** A story cluster after clusters were joined: the cluster that holds the story now, and its origin. */
export interface StoryRoot {
  clusterId: string;
  origin?: StoryOrigin;
}

/**
 * The article record kept in the index (and embedded in the clean copy). The fields, with what each
 * means, are defined once in `article-schema.ts` ({@link articleRecordSchema}). Worth knowing here:
 * `day` is the partition (YYYY-MM-DD, UTC) of publishedAt, or of fetchedAt when unknown; a changed
 * `contentHash` on re-fetch is a new `version`; `cleanKey`/`cleanOffset`/`cleanLength` and
 * `rawKey`/`rawOffset`/`rawLength` are where the clean line and the raw page sit (no range: the
 * whole object); `clusterId` is the story cluster (stable, not the origin), `originId` the story's
 * origin as known when written (reads through the query core replace it with the current one).
 */
export type ArticleRecord = z.infer<typeof articleRecordSchema>;

/**
 * A clean copy as the query API returns it: the stored copy ({@link StoredCleanCopy}) with the
 * index's current links (`copies`, `copyOf`, `clusterId`) merged in.
 */
export type CleanCopy = z.infer<typeof cleanCopySchema>;

/**
 * A clean copy as stored: one JSON line of a clean bundle (Athena reads them), written once per
 * version and again when a copy crawled before its origin learns its `copyOf`. It has no
 * `copies`: that list grows as other publishers' copies arrive and lives in the index only, so a
 * copy arriving costs no rewrite of its origin's line. It has no pointer to itself (`cleanKey`,
 * `cleanOffset`, `cleanLength`: the bundle key is known only once the bundle is stored). Lines
 * are versioned: an article may have older lines in older bundles (a changed re-crawl, a copy's
 * rewrite), and the current one has the highest `version`, then the latest `storedAt`.
 */
export type StoredCleanCopy = z.infer<typeof storedCleanCopySchema>;

/** Where one item sits in an archive object: the object and the item's byte range. */
export interface ObjectRange {
  key: string;
  offset: number;
  length: number;
}

/** Where one raw page is archived: an object and the byte range of the page's gzip member in it. */
export type RawPageRef = ObjectRange;

/** Joins paragraph texts the way every rendering and the `extract` contract do. */
export function joinParagraphs(paragraphs: readonly Paragraph[]): string {
  return paragraphs.map((p) => p.text).join('\n\n');
}
