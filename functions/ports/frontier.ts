/** Crawl state of one canonical URL. */
export interface UrlState {
  /** Canonical URL: the frontier key. */
  urlKey: string;
  /** The URL as discovered (what is fetched). */
  url: string;
  host: string;
  sourceId: string;
  status: 'queued' | 'done' | 'unchanged' | 'failed' | 'skipped';
  /** Short machine-readable reason of the last outcome (e.g. `http-404`, `timeout`). */
  reason?: string;
  /** Human-readable detail of the last failure. */
  detail?: string;
  httpStatus?: number;
  etag?: string;
  lastModified?: string;
  /** `lastmod` the feed or sitemap gave when this URL was queued. */
  discoveredLastmod?: string;
  attempts: number;
  /** When a failed URL may be retried (ISO 8601). */
  nextRetryAt?: string;
  articleId?: string;
  contentHash?: string;
  updatedAt: string;
}

/** The URL frontier: which URLs are known, their crawl state, and which are due. */
export interface Frontier {
  /**
   * Claims a URL for crawling. Returns the new state when the caller should enqueue it (never
   * seen, changed lastmod, or a failure now due for retry), or `undefined` when it is already
   * queued, done and unchanged, or failed and not yet due. Atomic under concurrent callers.
   */
  claim(input: { urlKey: string; url: string; host: string; sourceId: string; lastmod?: string; nowIso: string }): Promise<UrlState | undefined>;
  get(urlKey: string): Promise<UrlState | undefined>;
  /** Records the outcome of a crawl attempt. */
  update(state: UrlState): Promise<void>;
  /** Lists URLs whose last outcome was a failure. */
  listFailed(): Promise<UrlState[]>;
}
