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
  /**
   * Feed and sitemap records only: the entries (canonical URL and `lastmod`) discovery already
   * offered to `claim` at the document's last full read, as encoded by
   * `core/discover/seen-entries.ts`. Absent on article URLs and on records written before it existed.
   */
  seenEntries?: string;
  updatedAt: string;
}

/** What {@link Frontier.listPending} returns: work that is owed a crawl. */
export interface PendingQuery {
  /** Failed URLs whose `nextRetryAt` is at or before this time are due. */
  nowIso: string;
  /**
   * Only `queued` URLs last claimed at or before this time are returned (their crawl message may be
   * lost). Omit to list every queued URL (a local run whose in-process queue started empty).
   */
  queuedBeforeIso?: string;
  /**
   * `false`: list due failures only, no `queued` URL (default `true`). A frontier that keeps no
   * list of queued URLs (the AWS one: see `DynamoDbFrontierOptions.queuedListing`) refuses to be
   * asked for them rather than answer "none".
   */
  includeQueued?: boolean;
  /** Most entries returned, oldest first within each kind (default: all). */
  limit?: number;
}

/** What {@link Frontier.tryClaim} did. */
export interface ClaimAttempt {
  /** The new state when the URL was claimed (the caller must enqueue it); `undefined` when refused. */
  claimed?: UrlState;
  /**
   * When refused: the status of the URL that refused the claim. `queued` means its crawl is still
   * owed (claimed recently, or re-dated while queued): a caller that remembers what it offered
   * should offer it again later, since a lost message is only re-claimed once the claim is stale.
   * `undefined` when the state could not be read back.
   */
  refusedStatus?: UrlState['status'];
}

/** When a source's discovery last ran (schedules are judged against it). */
export interface SourceRun {
  sourceId: string;
  /** ISO 8601 start time of the last discovery run. */
  lastRunAt: string;
  /** URLs that run queued (for the record). */
  urlsQueued?: number;
}

/** What {@link Frontier.claim} is given: the URL as discovered, and the entry's `lastmod` if any. */
export interface ClaimInput {
  urlKey: string;
  url: string;
  host: string;
  sourceId: string;
  lastmod?: string;
  nowIso: string;
}

/** The URL frontier: which URLs are known, their crawl state, and which are due. */
export interface Frontier {
  /**
   * Claims a URL for crawling. Returns the new state when the caller should enqueue it (never
   * seen, changed lastmod, or a failure now due for retry), or `undefined` when it is already
   * queued, done and unchanged, or failed and not yet due. Atomic under concurrent callers.
   */
  claim(input: ClaimInput): Promise<UrlState | undefined>;
  /**
   * {@link claim}, also saying why a refused claim was refused (the status the URL had). Costs the
   * same write; some servers need a read-back to tell the reason.
   */
  tryClaim(input: ClaimInput): Promise<ClaimAttempt>;
  get(urlKey: string): Promise<UrlState | undefined>;
  /** Records the outcome of a crawl attempt. */
  update(state: UrlState): Promise<void>;
  /** Lists URLs whose last outcome was a failure. */
  listFailed(): Promise<UrlState[]>;
  /**
   * Lists work owed a crawl: `queued` URLs (all, or those claimed before `queuedBeforeIso`; none
   * with `includeQueued: false`) and failed URLs whose retry is due. A permanent failure (no
   * `nextRetryAt`) is never listed. A frontier that keeps no list of queued URLs throws a
   * `ConfigError` when asked for them.
   */
  listPending(query: PendingQuery): Promise<UrlState[]>;
  /**
   * Takes a listed pending URL for re-enqueueing: atomically, only if it still has the status
   * and `updatedAt` it was listed with (and, when failed, its retry is due), it becomes `queued`
   * at `nowIso`. Returns the new state, or `undefined` when another worker got there first or
   * the URL moved on. Concurrent sweeps therefore enqueue each URL once.
   */
  requeue(listed: UrlState, nowIso: string): Promise<UrlState | undefined>;
  /** The last discovery run of a source, or `undefined` when it never ran. */
  getSourceRun(sourceId: string): Promise<SourceRun | undefined>;
  /** Records a discovery run of a source (replaces the previous record). */
  recordSourceRun(run: SourceRun): Promise<void>;
}
