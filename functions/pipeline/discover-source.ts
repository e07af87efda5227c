import { decodeHtmlBytes } from '../core/extract/charset';
import { parseFeed } from '../core/discover/feed';
import { decodeSeenEntries, encodeSeenEntries, seenEntryToken } from '../core/discover/seen-entries';
import { dedupeDiscovered } from '../core/discover/select-urls';
import { spreadDelaysMs } from '../core/discover/spread-delays';
import { maybeGunzip, parseSitemap } from '../core/discover/sitemap';
import type { Source } from '../core/sources';
import { matchesSourceFilters } from '../core/sources';
import { canonicalizeUrl } from '../core/url/canonical-url';
import { describeFailure, FetchError, failureReason } from '../errors';
import { fetchPage } from '../fetch/fetch-page';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { UrlState } from '../ports/frontier';
import type { PipelineDeps } from './deps';
import { admitRequest, politeRedirects } from './politeness';

/** Content types a feed or sitemap may arrive with in the wild (many servers say text/plain). */
const DISCOVERY_CONTENT_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
  'application/feed+json',
  'application/json',
  'application/gzip',
  'application/x-gzip',
  'application/octet-stream',
  'text/plain',
  'text/html',
];
/** Sitemap indexes can nest; two levels cover real publishers without letting one run explode. */
const MAX_SITEMAP_DEPTH = 2;
/** Child sitemaps read per run: news publishers list recent ones first. */
const MAX_CHILD_SITEMAPS = 20;

/** What one discovery pass over a source found. */
export interface DiscoverReport {
  sourceId: string;
  documentsFetched: number;
  documentsUnchanged: number;
  urlsFound: number;
  urlsQueued: number;
  /** Offered to the frontier and refused by it (already queued, done and unchanged, or not due). */
  urlsAlreadyKnown: number;
  /**
   * Not offered to the frontier at all: every document listing the URL already listed it, with the
   * same `lastmod`, at its previous full read (no write spent; see `core/discover/seen-entries.ts`).
   */
  urlsSkippedSeen: number;
  urlsFiltered: number;
  errors: { url: string; reason: string; detail: string }[];
}

interface Discovered {
  url: string;
  lastmod?: string;
  /** The document that listed it (index into the run's {@link ParsedDocument} list). */
  doc: number;
}

/** Frontier keys of feeds and sitemaps (conditional-GET validators), apart from article URLs. */
const DOCUMENT_KEY_PREFIX = 'doc:';

/** Whether a frontier key is a feed/sitemap record rather than an article URL. */
export function isDocumentKey(urlKey: string): boolean {
  return urlKey.startsWith(DOCUMENT_KEY_PREFIX);
}

/**
 * A feed or sitemap read in full whose validators and seen entries are stored only after every
 * URL found in it has been claimed: a run killed in between must re-read it and offer its URLs
 * again (a 304 or a stale seen set would hide them forever).
 */
type PendingCommit = (options: {
  keepValidators: boolean;
  seenEntries: string | undefined;
  /** The record's `reason` when the validators are dropped (default `read-capped`). */
  dropReason?: string;
}) => Promise<void>;

/**
 * Discovers article URLs of one source and queues the new or changed ones.
 *
 * 1. Read the source's feeds and sitemaps (plus sitemaps listed in robots.txt), each with a
 *    conditional GET so an unchanged feed costs one request and nothing else.
 * 2. Follow sitemap indexes (bounded depth and count); gunzip `.xml.gz` sitemaps.
 * 3. Keep URLs that pass the source's allow/deny patterns, fold duplicates by canonical URL,
 *    newest first.
 * 4. Skip URLs that every document listing them already listed, with the same `lastmod`, at its
 *    previous full read (the document's seen entries): they were settled in the frontier then, and
 *    what the frontier still owes them (a due retry, a message in the crawl DLQ) is
 *    `recoverPending`'s and the DLQ redrive's job. A claim of a known URL is a rejected conditional
 *    write, billed all the same.
 * 5. Claim the others in the frontier (atomic: concurrent discoverers never both queue a URL) until
 *    `maxArticlesPerRun` new or changed ones are claimed, and enqueue those.
 * 6. Only then store each document's validators (ETag, Last-Modified) and seen entries (those
 *    skipped in step 4, claimed in step 5, or refused by a settled state), and the source's run
 *    time. When the per-run cap left URLs unclaimed, the validators are dropped so the next run
 *    reads the documents in full again instead of getting a 304 that would hide the rest; the URLs
 *    not reached are not among the seen entries, so that run offers exactly those. A URL refused
 *    because it is still `queued` is treated the same way (not seen, validators dropped): on AWS
 *    queued URLs are in no list, and re-offering it is how a claim whose message was never sent
 *    is taken again once stale (`DEFAULT_QUEUED_STALE_AFTER_MS`).
 * Failures of single feeds are reported and the rest go on.
 */
export async function discoverSource(
  deps: PipelineDeps,
  source: Source,
  allowPrivateNetwork = false,
): Promise<DiscoverReport> {
  const startedIso = deps.now().toISOString();
  const documents: ParsedDocument[] = [];
  const report: DiscoverReport = {
    sourceId: source.id,
    documentsFetched: 0,
    documentsUnchanged: 0,
    urlsFound: 0,
    urlsQueued: 0,
    urlsAlreadyKnown: 0,
    urlsSkippedSeen: 0,
    urlsFiltered: 0,
    errors: [],
  };
  const found: Discovered[] = [];
  const sitemaps = new Set<string>(source.sitemaps);
  if (source.useRobotsSitemaps) {
    for (const origin of originsOf(source)) {
      try {
        const policy = await deps.robots.policyFor(`${origin}/`);
        for (const s of policy.sitemaps) sitemaps.add(s);
      } catch (error) {
        report.errors.push(errorEntry(`${origin}/robots.txt`, error));
      }
    }
  }
  for (const feedUrl of source.feeds) {
    const read = await readDocument(deps, source, feedUrl, report);
    if (read === undefined) continue;
    let entries;
    try {
      entries = parseFeed(read.text, feedUrl);
    } catch (error) {
      await read.fail('unparseable-feed', error);
      continue;
    }
    const doc = documents.push({ read, remembered: [], keepsValidators: true }) - 1;
    for (const entry of entries)
      found.push({ url: entry.url, lastmod: entry.updatedAt ?? entry.publishedAt, doc });
  }
  await readSitemaps(deps, source, [...sitemaps], 0, found, report, { read: 0 }, documents);

  report.urlsFound = found.length;
  const allowed: Discovered[] = [];
  for (const entry of found) {
    if (!matchesSourceFilters(source, entry.url)) {
      report.urlsFiltered++;
      continue;
    }
    allowed.push(entry);
  }
  const unique = dedupeDiscovered(allowed).sort((a, b) => (b.lastmod ?? '').localeCompare(a.lastmod ?? ''));
  const listings = listingsByKey(allowed);
  const messages: CrawlMessage[] = [];
  let capped = false;
  for (const entry of unique) {
    const listed = listings.get(entry.urlKey) ?? [];
    if (listed.length > 0 && listed.every((l) => documents[l.doc].read.seen?.has(l.token))) {
      report.urlsSkippedSeen++;
      remember(documents, listed);
      continue;
    }
    // Past the cap, seen entries are still remembered (above); the others are not: not reached.
    if (capped || messages.length >= source.maxArticlesPerRun) {
      capped = true;
      continue;
    }
    const { claimed, refusedStatus } = await deps.frontier.tryClaim({
      urlKey: entry.urlKey,
      url: entry.url,
      host: new URL(entry.url).host,
      sourceId: source.id,
      lastmod: entry.lastmod,
      nowIso: deps.now().toISOString(),
    });
    if (claimed || refusedStatus !== 'queued') {
      // Claimed, or refused for good reason (done, unchanged, failed and not due): settled.
      remember(documents, listed);
    } else {
      // Refused because still queued: if its message was lost (this run's predecessor died between
      // claim and send), only a later claim, once the old one is stale, queues it again. So it is
      // not remembered, and its documents keep no validators: the next runs read them in full and
      // offer it until it is settled or the claim goes through.
      for (const l of listed) documents[l.doc].offersPending = true;
    }
    if (!claimed) {
      report.urlsAlreadyKnown++;
      continue;
    }
    messages.push({
      url: entry.url,
      urlKey: entry.urlKey,
      sourceId: source.id,
      attempt: claimed.attempts,
      allowPrivateNetwork,
      hostIntervalMs: hostIntervalMsOf(source),
    });
  }
  if (messages.length)
    await deps.queue.send(messages, spreadDelaysMs(messages.length, deps.discoverSpreadMs ?? 0));
  report.urlsQueued = messages.length;
  for (const doc of documents) {
    const dropValidators = capped ? 'read-capped' : doc.offersPending ? 'read-queued-pending' : undefined;
    await doc.read.commit({
      keepValidators: doc.keepsValidators && !dropValidators,
      seenEntries: encodeSeenEntries(doc.remembered),
      dropReason: dropValidators,
    });
  }
  await deps.frontier.recordSourceRun({
    sourceId: source.id,
    lastRunAt: startedIso,
    urlsQueued: messages.length,
  });
  return report;
}

/** A document read in full and parsed, with the seen entries this run gathers for it. */
interface ParsedDocument {
  read: ReadDocument;
  /** Tokens of its entries skipped as seen or offered to `claim` this run, newest first. */
  remembered: string[];
  /** False for a sitemap index (see {@link readSitemaps}). */
  keepsValidators: boolean;
  /** Lists a URL whose claim was refused because it is still queued: to be read in full next run. */
  offersPending?: boolean;
}

/** One document's listing of a URL, as its seen-entry token. */
interface Listing {
  doc: number;
  token: string;
}

/**
 * Every listing of each canonical URL. A URL counts as seen only when each document listing it
 * has seen it with its own `lastmod`: one document's newer `lastmod` must still reach the frontier.
 */
function listingsByKey(entries: readonly Discovered[]): Map<string, Listing[]> {
  const byKey = new Map<string, Listing[]>();
  for (const entry of entries) {
    let urlKey: string;
    try {
      urlKey = canonicalizeUrl(entry.url);
    } catch {
      continue; // dropped by dedupeDiscovered too
    }
    const listing = { doc: entry.doc, token: seenEntryToken(urlKey, entry.lastmod) };
    const list = byKey.get(urlKey);
    if (list) list.push(listing);
    else byKey.set(urlKey, [listing]);
  }
  return byKey;
}

function remember(documents: ParsedDocument[], listed: readonly Listing[]): void {
  for (const l of listed) documents[l.doc].remembered.push(l.token);
}

async function readSitemaps(
  deps: PipelineDeps,
  source: Source,
  urls: string[],
  depth: number,
  found: Discovered[],
  report: DiscoverReport,
  budget: { read: number },
  documents: ParsedDocument[],
): Promise<void> {
  for (const sitemapUrl of urls) {
    if (budget.read >= MAX_CHILD_SITEMAPS) return;
    budget.read++;
    const read = await readDocument(deps, source, sitemapUrl, report);
    if (read === undefined) continue;
    let parsed;
    try {
      parsed = parseSitemap(read.text, sitemapUrl);
    } catch (error) {
      await read.fail('unparseable-sitemap', error);
      continue;
    }
    // A sitemap index often stays byte-identical while its child sitemaps change: a 304 on the
    // index would stop us reading the children, so an index keeps no validators (it is small;
    // each child still has its own).
    const doc = documents.push({ read, remembered: [], keepsValidators: parsed.sitemaps.length === 0 }) - 1;
    for (const u of parsed.urls) found.push({ url: u.url, lastmod: u.lastmod ?? u.newsPublishedAt, doc });
    if (depth < MAX_SITEMAP_DEPTH && parsed.sitemaps.length) {
      const children = [...parsed.sitemaps]
        .sort((a, b) => (b.lastmod ?? '').localeCompare(a.lastmod ?? ''))
        .map((s) => s.loc);
      await readSitemaps(deps, source, children, depth + 1, found, report, budget, documents);
    }
  }
}

/** A feed or sitemap read in full, not yet recorded: parse it, then `commit` or `fail`. */
interface ReadDocument {
  text: string;
  /** The entries its previous full read handed to the frontier (`undefined`: none known). */
  seen: ReadonlySet<string> | undefined;
  /** Records the read (with its validators) once its URLs are claimed; see {@link PendingCommit}. */
  commit: PendingCommit;
  /** Records the document as failed (unparseable) with a reason, and reports it. */
  fail(reason: string, error: unknown): Promise<void>;
}

/**
 * Fetches a feed or sitemap politely and conditionally. Returns its text with how to record the
 * outcome, or `undefined` when it is unchanged since the last run or failed (failures are
 * reported and recorded in the frontier).
 */
async function readDocument(
  deps: PipelineDeps,
  source: Source,
  url: string,
  report: DiscoverReport,
): Promise<ReadDocument | undefined> {
  let key: string;
  try {
    key = `${DOCUMENT_KEY_PREFIX}${canonicalizeUrl(url)}`;
  } catch (error) {
    report.errors.push(errorEntry(url, error));
    return undefined;
  }
  const now = deps.now();
  const previous = await deps.frontier.get(key);
  const base: UrlState = previous ?? {
    urlKey: key,
    url,
    host: new URL(url).host,
    sourceId: source.id,
    status: 'queued',
    attempts: 0,
    updatedAt: now.toISOString(),
  };
  try {
    const { waitMs } = await admitRequest(deps, url, {
      hostIntervalMs: hostIntervalMsOf(source),
      sendsAfterWait: true,
    });
    if (waitMs > 0) await deps.sleep(waitMs);
    const response = await fetchPage(url, {
      ...deps.fetchOptions,
      acceptContentTypes: DISCOVERY_CONTENT_TYPES,
      conditional: { etag: previous?.etag, lastModified: previous?.lastModified },
      beforeRedirect: politeRedirects(deps, url, { hostIntervalMs: hostIntervalMsOf(source) }),
    });
    const outcome: UrlState = {
      ...base,
      status: response.notModified ? 'unchanged' : 'done',
      reason: response.notModified ? 'not-modified' : 'read',
      detail: undefined,
      attempts: 0,
      httpStatus: response.status,
      nextRetryAt: undefined,
      etag: response.etag ?? base.etag,
      lastModified: response.lastModified ?? base.lastModified,
      updatedAt: deps.now().toISOString(),
    };
    if (response.notModified) {
      // The record carries the seen entries (up to 80 KB): rewriting it on every 304 of a large,
      // static sitemap would cost more than the claims it saves. Write only what changed.
      if (!isRecordedSuccess(previous, outcome)) await deps.frontier.update(outcome);
      report.documentsUnchanged++;
      return undefined;
    }
    report.documentsFetched++;
    const bytes = maybeGunzip(response.body);
    return {
      text: decodeHtmlBytes(bytes, response.contentType).html,
      seen: decodeSeenEntries(previous?.seenEntries),
      commit: ({ keepValidators, seenEntries, dropReason }) =>
        deps.frontier.update(
          keepValidators
            ? { ...outcome, seenEntries }
            : {
                ...outcome,
                seenEntries,
                reason: dropReason ?? 'read-capped',
                etag: undefined,
                lastModified: undefined,
              },
        ),
      fail: async (reason, error) => {
        const entry = { ...errorEntry(url, error), reason };
        report.errors.push(entry);
        // No validators: the next run reads it in full again (the publisher may have fixed it).
        await deps.frontier.update({
          ...outcome,
          status: 'failed',
          reason,
          detail: entry.detail,
          attempts: base.attempts + 1,
          etag: undefined,
          lastModified: undefined,
        });
      },
    };
  } catch (error) {
    const entry = errorEntry(url, error);
    report.errors.push(entry);
    await deps.frontier.update({
      ...base,
      status: 'failed',
      reason: entry.reason,
      detail: entry.detail,
      attempts: base.attempts + 1,
      updatedAt: deps.now().toISOString(),
    });
    return undefined;
  }
}

/**
 * Whether the stored record already says what a 304 would write, apart from the check time: the
 * document was read successfully and its validators are the same.
 */
function isRecordedSuccess(previous: UrlState | undefined, outcome: UrlState): boolean {
  return (
    previous !== undefined &&
    (previous.status === 'done' || previous.status === 'unchanged') &&
    previous.etag === outcome.etag &&
    previous.lastModified === outcome.lastModified
  );
}

/** The source's own request rate, when it sets one, as spacing between requests. */
export function hostIntervalMsOf(source: Source): number | undefined {
  return source.requestsPerMinute ? Math.ceil(60_000 / source.requestsPerMinute) : undefined;
}

function originsOf(source: Source): string[] {
  const urls = [source.homepage, ...source.feeds, ...source.sitemaps].filter((u): u is string => Boolean(u));
  return [...new Set(urls.map((u) => new URL(u).origin))];
}

function errorEntry(url: string, error: unknown) {
  return { url, reason: failureReason(error), detail: describeFailure(error) };
}
