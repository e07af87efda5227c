import { gzipSync } from 'node:zlib';
import type { ArticleRecord, CleanCopy, CopyLink } from '../core/article';
import { joinParagraphs } from '../core/article';
import { cleanKey, dayOf, rawKey, renderingKey } from '../core/archive-keys';
import { contentHash } from '../core/content-hash';
import { decodeHtmlBytes } from '../core/extract/charset';
import { extractArticle } from '../core/extract/index';
import { renderMarkdown, renderText } from '../core/render';
import { articleIdFor, hostOf, resolveCanonical } from '../core/url/canonical-url';
import { describeError, FetchError, PipelineError, RobotsDisallowedError } from '../errors';
import { fetchPage } from '../fetch/fetch-page';
import { retryDelayMs } from '../fetch/retry-policy';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { UrlState } from '../ports/frontier';
import { dedupArticle } from './dedup-article';
import type { PipelineDeps } from './deps';

/** What happened to one URL. Every outcome is also recorded in the frontier. */
export type CrawlOutcome =
  | {
      kind: 'stored';
      articleId: string;
      host: string;
      version: number;
      paragraphs: number;
      repeatedParagraphsRemoved: number;
      boilerplateParagraphsRemoved: number;
      paragraphsFirstSeenElsewhere: number;
      copyOf?: CopyLink;
    }
  | { kind: 'unchanged'; reason: 'not-modified' | 'same-content'; articleId?: string }
  | { kind: 'skipped'; reason: string; detail: string }
  | { kind: 'failed'; reason: string; detail: string; retryable: boolean; retryInMs?: number }
  | { kind: 'deferred'; delayMs: number };

/** Retry backoff: first retry after about 30 s, never more than 6 h apart. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 6 * 60 * 60 * 1000;
const PARKED_RETRY_MS = 24 * 60 * 60 * 1000;

/**
 * Crawls one URL end to end.
 *
 * 1. Ask robots.txt (cached per host) and the shared per-host rate limiter; a long wait is
 *    handed back as `deferred` so a Lambda does not sleep on the clock.
 * 2. Fetch with the frontier's validators (conditional GET): 304 costs nothing more.
 * 3. Decode the charset and extract; pages that are not an article body are recorded as skipped.
 * 4. Resolve the canonical URL to the article id; an unchanged clean text stops here.
 * 5. Store the raw page, run dedup, then write the clean copy and its renderings, and only then the
 *    article record, so a record never points at a missing copy.
 * 6. Record the outcome (and the retry time on failure) in the frontier.
 */
export async function crawlUrl(deps: PipelineDeps, message: CrawlMessage): Promise<CrawlOutcome> {
  const started = deps.now();
  const previousState = await deps.frontier.get(message.urlKey);
  const baseState: UrlState = previousState ?? {
    urlKey: message.urlKey,
    url: message.url,
    host: safeHost(message.url),
    sourceId: message.sourceId,
    status: 'queued',
    attempts: 0,
    updatedAt: started.toISOString(),
  };
  try {
    const policy = await deps.robots.policyFor(message.url);
    if (!policy.isAllowed(message.url)) throw new RobotsDisallowedError(message.url);
    const host = new URL(message.url).host;
    const intervalMs = Math.max(deps.hostMinIntervalMs, policy.crawlDelayMs ?? 0);
    const waitMs = await deps.rateLimiter.reserve(host, intervalMs, started.getTime());
    if (waitMs > deps.maxInlineWaitMs) return { kind: 'deferred', delayMs: waitMs };
    if (waitMs > 0) await deps.sleep(waitMs);

    const response = await fetchPage(message.url, {
      ...deps.fetchOptions,
      conditional: { etag: baseState.etag, lastModified: baseState.lastModified },
    });
    const validators = { etag: response.etag ?? baseState.etag, lastModified: response.lastModified ?? baseState.lastModified };
    if (response.notModified) {
      await record(deps, baseState, { status: 'unchanged', reason: 'not-modified', httpStatus: 304, ...validators });
      return { kind: 'unchanged', reason: 'not-modified', articleId: baseState.articleId };
    }

    const { html } = decodeHtmlBytes(response.body, response.contentType);
    const extraction = extractArticle(html, { url: response.finalUrl });
    if (extraction.pageKind !== 'article' || extraction.paragraphs.length === 0) {
      const kind = extraction.paragraphs.length === 0 && extraction.pageKind === 'article' ? 'empty' : extraction.pageKind;
      const detail = `not stored: the page is ${kind === 'empty' ? 'empty (no article text)' : `a ${kind}, not an article body`}`;
      await record(deps, baseState, { status: 'skipped', reason: `page-${kind}`, detail, httpStatus: response.status, ...validators });
      return { kind: 'skipped', reason: `page-${kind}`, detail };
    }

    const canonicalUrl = resolveCanonical(response.finalUrl, extraction.metadata.canonicalUrl);
    const articleId = articleIdFor(canonicalUrl);
    const text = joinParagraphs(extraction.paragraphs);
    const hash = contentHash(text);
    const previous = await deps.index.getArticle(articleId);
    if (previous && previous.contentHash === hash) {
      await record(deps, baseState, { status: 'unchanged', reason: 'same-content', articleId, contentHash: hash, httpStatus: response.status, ...validators });
      return { kind: 'unchanged', reason: 'same-content', articleId };
    }

    const fetchedAt = response.fetchedAt;
    const articleHost = hostOf(canonicalUrl);
    const raw = rawKey(articleHost, fetchedAt, articleId);
    await deps.archive.put(raw, gzipSync(response.body), 'application/gzip');

    const ref = { articleId, url: canonicalUrl, host: articleHost, seenAt: fetchedAt };
    const meta = extraction.metadata;
    const dedup = await dedupArticle(deps.index, {
      ref,
      publishedAt: meta.publishedAt,
      paragraphs: extraction.paragraphs,
      metadata: meta,
      previous,
    });
    const day = dayOf(meta.publishedAt ?? fetchedAt);
    const record_: ArticleRecord = {
      id: articleId,
      url: response.finalUrl,
      canonicalUrl,
      host: articleHost,
      fetchedAt,
      day,
      title: meta.title,
      authors: meta.authors,
      publishedAt: meta.publishedAt,
      modifiedAt: meta.modifiedAt,
      language: meta.language,
      siteName: meta.siteName,
      section: meta.section,
      description: meta.description,
      image: meta.image,
      pageKind: extraction.pageKind,
      contentHash: hash,
      version: (previous?.version ?? 0) + 1,
      paragraphCount: dedup.paragraphs.length,
      paragraphHashes: dedup.paragraphHashes,
      cleanKey: cleanKey(day, articleHost, articleId),
      rawKey: raw,
      stats: {
        repeatedParagraphsRemoved: extraction.repeatedParagraphsRemoved,
        boilerplateParagraphsRemoved: dedup.stats.boilerplateParagraphsRemoved,
        paragraphsFirstSeenElsewhere: dedup.stats.paragraphsFirstSeenElsewhere,
      },
      copyOf: dedup.copyOf,
      copies: mergeCopies(previous?.copies ?? [], dedup.copies),
      clusterId: dedup.clusterId,
    };
    await writeCleanCopy(deps, record_, dedup.paragraphs, previous);
    await deps.index.putArticle(record_);
    await record(deps, baseState, { status: 'done', reason: 'stored', articleId, contentHash: hash, httpStatus: response.status, ...validators });
    return {
      kind: 'stored',
      articleId,
      host: articleHost,
      version: record_.version,
      paragraphs: record_.paragraphCount,
      ...record_.stats,
      copyOf: record_.copyOf,
    };
  } catch (error) {
    return recordFailure(deps, baseState, error);
  }
}

/** Writes the clean JSON copy (one line, for Athena) and its Markdown and text renderings. */
async function writeCleanCopy(deps: PipelineDeps, record: ArticleRecord, paragraphs: CleanCopy['paragraphs'], previous?: ArticleRecord) {
  const copy: CleanCopy = { ...record, paragraphs, text: joinParagraphs(paragraphs) };
  await deps.archive.put(record.cleanKey, JSON.stringify(copy) + '\n', 'application/json');
  await deps.archive.put(renderingKey(record.day, record.host, record.id, 'md'), renderMarkdown(copy), 'text/markdown; charset=utf-8');
  await deps.archive.put(renderingKey(record.day, record.host, record.id, 'txt'), renderText(copy), 'text/plain; charset=utf-8');
  // A new version may land in another day partition (publication date corrected): drop the old copy.
  if (previous && previous.cleanKey !== record.cleanKey) {
    await deps.archive.delete(previous.cleanKey);
    await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'md'));
    await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'txt'));
  }
}

function mergeCopies(existing: CopyLink[], found: CopyLink[]): CopyLink[] {
  const byId = new Map(existing.map((c) => [c.articleId, c]));
  for (const c of found) byId.set(c.articleId, c);
  return [...byId.values()];
}

async function record(deps: PipelineDeps, base: UrlState, change: Partial<UrlState>): Promise<void> {
  await deps.frontier.update({
    ...base,
    ...change,
    attempts: change.status === 'done' || change.status === 'unchanged' ? 0 : base.attempts,
    nextRetryAt: undefined,
    detail: change.detail,
    updatedAt: deps.now().toISOString(),
  });
}

async function recordFailure(deps: PipelineDeps, base: UrlState, error: unknown): Promise<CrawlOutcome> {
  const attempts = base.attempts + 1;
  const reason = error instanceof FetchError ? error.reason : error instanceof PipelineError ? kebab(error.name) : 'internal-error';
  const detail = describeError(error);
  if (error instanceof RobotsDisallowedError) {
    await record(deps, base, { status: 'skipped', reason, detail });
    return { kind: 'skipped', reason, detail };
  }
  const transient = error instanceof PipelineError ? error.retryable : true;
  const retryable = transient && attempts < deps.maxFetchAttempts;
  const retryAfterMs = error instanceof FetchError ? error.retryAfterMs : undefined;
  const retryInMs = retryable ? retryDelayMs(attempts, { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS, retryAfterMs, random: Math.random }) : undefined;
  const now = deps.now();
  // A transient failure that used up its attempts is parked, not dropped: the frontier offers it
  // again after a day, when the publisher's outage is likely over.
  const nextRetryInMs = retryInMs ?? (transient ? PARKED_RETRY_MS : undefined);
  try {
    await deps.frontier.update({
      ...base,
      status: 'failed',
      reason,
      detail,
      httpStatus: error instanceof FetchError ? error.status : undefined,
      attempts,
      nextRetryAt: nextRetryInMs === undefined ? undefined : new Date(now.getTime() + nextRetryInMs).toISOString(),
      updatedAt: now.toISOString(),
    });
  } catch (recordError) {
    deps.log.warn('could not record failure', { url: base.url, error: describeError(recordError) });
  }
  deps.log.warn('crawl failed', { url: base.url, reason, detail, attempts, retryable });
  return { kind: 'failed', reason, detail, retryable, retryInMs };
}

function kebab(name: string): string {
  return name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
