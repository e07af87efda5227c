import type {
  ArticleRecord,
  ArticleRef,
  CopyLink,
  ObjectRange,
  StoryOrigin,
  StoryRoot,
} from '../core/article';

/** What the index knows about one paragraph hash. */
export interface ParagraphInfo {
  hash: string;
  /** Normalisation version the hash was computed with. */
  normVersion: number;
  firstSeen: ArticleRef;
  /** Number of distinct articles containing it. */
  articleCount: number;
  /** Up to a bounded number of article ids containing it (first ones seen). */
  articleIds: string[];
  /** Number of distinct pages of each host containing it (only hosts asked about may be filled). */
  hostPageCounts: Record<string, number>;
}

/** Result of recording one paragraph of an article. */
export interface ParagraphSighting extends ParagraphInfo {
  /** True when this call's article is the first-seen occurrence. */
  isFirstSeen: boolean;
}

/** A page of results with an opaque cursor for the next page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Query for articles of one host in a time range (on `day`, inclusive). */
export interface ListArticlesQuery {
  host: string;
  fromDay?: string;
  toDay?: string;
  limit: number;
  cursor?: string;
}

/**
 * The persistent dedup index: articles, paragraph provenance, per-host paragraph counts and
 * near-duplicate candidate keys. Implementations must be correct under concurrent writers
 * (many crawl Lambdas) and idempotent per (article, paragraph).
 */
export interface DedupIndex {
  /**
   * Records that `article` contains these paragraph hashes. First-seen is decided atomically by
   * the store; repeating the call for the same article changes no count.
   */
  recordParagraphs(
    article: ArticleRef,
    hashes: readonly string[],
    normVersion: number,
  ): Promise<ParagraphSighting[]>;
  /** Reads what is known about these hashes (missing ones are absent from the map). */
  lookupParagraphs(hashes: readonly string[], host?: string): Promise<Map<string, ParagraphInfo>>;
  /** Stores near-duplicate candidate keys (e.g. LSH bands) for an article. Idempotent. */
  putFingerprintKeys(articleId: string, keys: readonly string[]): Promise<void>;
  /** Returns article ids sharing at least one candidate key, excluding `articleId`. */
  findByFingerprintKeys(articleId: string, keys: readonly string[]): Promise<string[]>;
  /** Creates or replaces an article record. */
  putArticle(record: ArticleRecord): Promise<void>;
  getArticle(id: string): Promise<ArticleRecord | undefined>;
  getArticles(ids: readonly string[]): Promise<ArticleRecord[]>;
  /**
   * The current origin of each story cluster that has one (clusters of a single article have
   * none: their origin is that article). A cluster merged into another ({@link mergeStories})
   * answers with the origin of the cluster it ended in, `clusterId` naming that cluster. Missing
   * ids are absent from the map.
   */
  getStoryOrigins(clusterIds: readonly string[]): Promise<Map<string, StoryOrigin>>;
  /**
   * Proposes `origin` as the origin of cluster `clusterId` (or of the cluster it was merged
   * into): stored when the cluster has none or when `origin.rank` is smaller than the stored
   * origin's rank (an atomic conditional write, so concurrent proposals leave the best-ranked one
   * whatever their order; the same article proposed again with a different rank replaces its own
   * entry only when the rank is smaller). Returns the cluster's origin after the call, with the
   * `clusterId` that holds it.
   */
  proposeStoryOrigin(clusterId: string, origin: StoryOrigin): Promise<StoryOrigin>;
  /**
   * Joins clusters found to hold one story (members processed at the same moment can start two
   * clusters): every cluster ends in the one with the smallest id, whose origin becomes the
   * best-ranked of the joined origins. Conditional writes only (a cluster is redirected only while
   * it is not redirected yet, and only into a smaller id, so no cycle can form); concurrent merges
   * and proposals converge on one cluster and one origin. No write when all already end in one.
   *
   * @example
   * const root = await index.mergeStories(['c-17', 'c-03']); // root.clusterId === 'c-03'
   */
  mergeStories(clusterIds: readonly string[]): Promise<StoryRoot>;
  /** Adds a copy link to an existing article (idempotent per copy article id). */
  addCopy(articleId: string, copy: CopyLink): Promise<void>;
  /**
   * Marks an existing article as a copy of another (sets `copyOf`, leaves everything else) unless
   * it already has a `copyOf`; absent articles are ignored. Dedup calls it when an original is
   * processed after copies that took themselves for the origin, so their stored records name it.
   * `clusterId`, when given, is set too; otherwise the article keeps its cluster id.
   */
  setCopyOf(articleId: string, copyOf: CopyLink, clusterId?: string): Promise<void>;
  /**
   * Moves an existing article's clean-copy pointer to `next` (a newer line of the same
   * copy) if the record still points where `current` says (`cleanKey` and `cleanOffset`), leaving
   * every other field; returns whether it did. A copy whose line is rewritten when it learns its
   * origin is re-pointed this way; a record re-stored meanwhile (a newer version) is left alone.
   * Atomic: a conditional write, so two re-pointings racing leave the one whose condition held.
   */
  setCleanCopy(
    current: Pick<ArticleRecord, 'id' | 'host' | 'day' | 'cleanKey' | 'cleanOffset'>,
    next: ObjectRange,
  ): Promise<boolean>;
  listArticles(query: ListArticlesQuery): Promise<Page<ArticleRecord>>;
  /** Lists hosts that have at least one article. */
  listHosts(): Promise<string[]>;
}
