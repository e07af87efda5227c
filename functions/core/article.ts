/**
 * The article model shared by extraction, dedup, storage and query.
 * Pure types and tiny helpers only: no I/O.
 */

/** Block-level kind of a paragraph kept from a page. */
export type ParagraphKind = 'heading' | 'paragraph' | 'quote' | 'list-item';

/** One block of article text, in page order. */
export interface Paragraph {
  kind: ParagraphKind;
  text: string;
}

/**
 * What the page is. Only `article` pages are stored as complete clean copies; the others are
 * recorded with their kind so a user can see why a URL produced no article.
 */
export type PageKind = 'article' | 'consent-wall' | 'paywall' | 'index' | 'error-page' | 'empty' | 'not-html';

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

/** A paragraph as stored in a clean copy, with dedup provenance when known. */
export interface StoredParagraph extends Paragraph {
  /** Normalised paragraph hash (absent for paragraphs too short to be evidence). */
  hash?: string;
  /**
   * Set when this paragraph's first appearance is another article: the earliest-published
   * article known to carry it (not necessarily the first one crawled).
   */
  firstSeen?: ArticleRef;
  /** The first article crawled with this paragraph, when that is not `firstSeen` (and not this one). */
  firstCrawled?: ArticleRef;
}

/** A pointer to an article occurrence. */
export interface ArticleRef {
  articleId: string;
  url: string;
  host: string;
  /** When our pipeline saw it (ISO 8601). */
  seenAt: string;
  /** When it was published (ISO 8601 with offset), where a view names the earliest publication. */
  publishedAt?: string;
}

/**
 * How a member of a story relates to the story's origin: `original` for the origin itself (and
 * an article in a story of its own); `exact` / `near-duplicate` for another publisher's copy
 * (byte-identical paragraphs / edited text); `excerpt` for a short page carrying the start or a
 * few paragraphs of the story; `update` for the same publisher's later version at another URL.
 */
export type StoryRelation = 'original' | 'exact' | 'near-duplicate' | 'excerpt' | 'update';

/** Every {@link StoryRelation}, in the order documented. */
export const STORY_RELATIONS = [
  'original',
  'exact',
  'near-duplicate',
  'excerpt',
  'update',
] as const satisfies readonly StoryRelation[];

/** A link between an article and another member of the same story. */
export interface CopyLink {
  articleId: string;
  url: string;
  host: string;
  /** Share of the smaller article's evidence paragraphs (or shingles, or leading words) found in the other (0..1). */
  overlap: number;
  /**
   * How the link was found: shared exact paragraphs, a near-duplicate sketch, or `prefix`: one
   * page's text is the beginning of the other's (an excerpt, paragraphs possibly run together).
   */
  method: 'exact' | 'near-duplicate' | 'prefix';
  /** The linked article's relation to the story (set on links written since relations exist). */
  relation?: StoryRelation;
}

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

/** The article record kept in the index (and embedded in the clean copy). */
export interface ArticleRecord {
  id: string;
  url: string;
  canonicalUrl: string;
  host: string;
  fetchedAt: string;
  /** Day partition (YYYY-MM-DD, UTC) of publishedAt, or of fetchedAt when unknown. */
  day: string;
  title?: string;
  authors: string[];
  publishedAt?: string;
  modifiedAt?: string;
  language?: string;
  siteName?: string;
  section?: string;
  description?: string;
  image?: string;
  pageKind: PageKind;
  /** Hash of the clean text; a changed value on re-fetch is a new version. */
  contentHash: string;
  version: number;
  paragraphCount: number;
  /** Evidence paragraph hashes in page order (short paragraphs excluded). */
  paragraphHashes: string[];
  /** Archive object holding the clean copy (a JSON Lines bundle of several articles' lines). */
  cleanKey: string;
  /** Byte offset of this article's line in `cleanKey`; absent: the whole object is this copy. */
  cleanOffset?: number;
  /** Byte length of that line (with its newline); absent with `cleanOffset`. */
  cleanLength?: number;
  /** Archive object holding the raw page as fetched (gzip; a bundle of several pages). */
  rawKey?: string;
  /** Byte offset of this page's gzip member in `rawKey`; absent: the whole object is this page. */
  rawOffset?: number;
  /** Byte length of that gzip member; absent with `rawOffset`. */
  rawLength?: number;
  /** HTTP Content-Type the page was served with (its charset, when given, decodes the raw bytes). */
  rawContentType?: string;
  stats: {
    repeatedParagraphsRemoved: number;
    boilerplateParagraphsRemoved: number;
    paragraphsFirstSeenElsewhere: number;
  };
  /** Set when this article is a copy of an earlier article on another host. */
  copyOf?: CopyLink;
  /** Other publishers' copies of this article. */
  copies: CopyLink[];
  /**
   * Story cluster id: stable once given (the first member's id, or the cluster an origin crawled
   * later joined). Not the origin: that is {@link ArticleRecord.originId}.
   */
  clusterId?: string;
  /**
   * The story's origin (this article's own id for an original or a story of one). Stored as known
   * when the record was written; every read through the query core replaces it with the index's
   * current origin of the cluster ({@link StoryOrigin}), so a copy shows a later-found original.
   */
  originId?: string;
  /** This article's relation to its story's origin (`original` when it is the origin). */
  relation?: StoryRelation;
  /**
   * Set when the page declares itself a copy: a canonical link or `isBasedOn` to another host, or
   * a credit in its text naming another member of its story. Such pages win the origin only when
   * no other member is left.
   */
  declaresCopy?: boolean;
  /**
   * Leading-words fingerprint of the evidence text (`functions/core/dedup/lead-prefix.ts`): finds
   * and verifies excerpts (a page whose text is the beginning of another's).
   */
  lead?: string;
  /**
   * Near-duplicate sketch of the evidence paragraphs (bottom-k MinHash, encoded by
   * `functions/core/dedup/near-duplicate.ts`), used to verify edited-copy candidates.
   */
  minhash?: string;
}

/**
 * A clean copy as the query API returns it: the stored copy ({@link StoredCleanCopy}) with the
 * index's current links (`copies`, `copyOf`, `clusterId`) merged in.
 */
export interface CleanCopy extends ArticleRecord {
  paragraphs: StoredParagraph[];
  text: string;
}

/**
 * A clean copy as stored: one JSON line of a clean bundle (Athena reads them), written once per
 * version and again when a copy crawled before its origin learns its `copyOf`. It has no
 * `copies`: that list grows as other publishers' copies arrive and lives in the index only, so a
 * copy arriving costs no rewrite of its origin's line. It has no pointer to itself (`cleanKey`,
 * `cleanOffset`, `cleanLength`: the bundle key is known only once the bundle is stored). Lines
 * are versioned: an article may have older lines in older bundles (a changed re-crawl, a copy's
 * rewrite), and the current one has the highest `version`, then the latest `storedAt`.
 */
export type StoredCleanCopy = Omit<CleanCopy, 'copies' | 'cleanKey' | 'cleanOffset' | 'cleanLength'> & {
  /** When this line was written (ISO 8601); absent on copies written before bundling. */
  storedAt?: string;
};

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
