import {
  describeError,
  describeFailure,
  FetchError,
  failureReason,
  PipelineError,
  RobotsDisallowedError,
} from '../errors';
import { fetchPage } from '../fetch/fetch-page';
import { retryDelayMs } from '../fetch/retry-policy';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { UrlState } from '../ports/frontier';
import type { PipelineDeps } from './deps';
import { admitRequest, politeRedirects } from './politeness';
import { processPage, type ProcessOutcome } from './process-page';

/** What happened to one URL. Every outcome is also recorded in the frontier. */
export type CrawlOutcome =
  | Omit<Extract<ProcessOutcome, { kind: 'stored' }>, 'contentHash'>
  | { kind: 'unchanged'; reason: 'not-modified' | 'same-content'; articleId?: string }
  | { kind: 'skipped'; reason: string; detail: string }
  | {
      kind: 'failed';
      reason: string;
      detail: string;
      /** True when another attempt is owed now (transient, attempts left): after `retryInMs`. */
      retryable: boolean;
      retryInMs?: number;
      /** Attempts made so far, this one included (the frontier's count). */
      attempts: number;
      /** The server's Retry-After, a floor for any retry. */
      retryAfterMs?: number;
      /** When the frontier offers the URL again (ISO); absent for a permanent failure. */
      nextRetryAt?: string;
    }
  | { kind: 'deferred'; delayMs: number; reservedSlotAtMs: number };

/** Retry backoff: first retry after 15-30 s, each later one longer, never more than 6 h apart. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 6 * 60 * 60 * 1000;
const PARKED_RETRY_MS = 24 * 60 * 60 * 1000;

/**
 * Crawls one URL end to end.
 *
 * 1. Ask robots.txt (cached per host) and the shared per-host rate limiter; a long wait is
 *    handed back as `deferred` so a Lambda does not sleep on the clock.
 * 2. Fetch with the frontier's validators (conditional GET): 304 costs nothing more.
 * 3. Extract, dedup and store the page (see `processPage`).
 * 4. Record the outcome (and the retry time on failure) in the frontier.
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
    const { waitMs, slotAtMs } = await admitRequest(deps, message.url, {
      reservedSlotAtMs: message.reservedSlotAtMs,
      hostIntervalMs: message.hostIntervalMs,
    });
    if (waitMs > deps.maxInlineWaitMs)
      return { kind: 'deferred', delayMs: waitMs, reservedSlotAtMs: slotAtMs };
    if (waitMs > 0) await deps.sleep(waitMs);

    const response = await fetchPage(message.url, {
      ...deps.fetchOptions,
      conditional: { etag: baseState.etag, lastModified: baseState.lastModified },
      // Each hop obeys its target's robots.txt and waits for that host's rate slot.
      beforeRedirect: politeRedirects(deps, message.url, { hostIntervalMs: message.hostIntervalMs }),
    });
    const validators = {
      etag: response.etag ?? baseState.etag,
      lastModified: response.lastModified ?? baseState.lastModified,
    };
    if (response.notModified) {
      await record(deps, baseState, {
        status: 'unchanged',
        reason: 'not-modified',
        httpStatus: 304,
        ...validators,
      });
      return { kind: 'unchanged', reason: 'not-modified', articleId: baseState.articleId };
    }

    const processed = await processPage(deps, {
      url: response.finalUrl,
      body: response.body,
      contentType: response.contentType,
      fetchedAt: response.fetchedAt,
    });
    const status = processed.kind === 'stored' ? 'done' : processed.kind;
    await record(deps, baseState, {
      status,
      reason:
        processed.kind === 'skipped'
          ? processed.reason
          : processed.kind === 'stored'
            ? 'stored'
            : 'same-content',
      detail: processed.kind === 'skipped' ? processed.detail : undefined,
      articleId: processed.kind === 'skipped' ? undefined : processed.articleId,
      contentHash: processed.kind === 'skipped' ? undefined : processed.contentHash,
      httpStatus: response.status,
      ...validators,
    });
    if (processed.kind === 'unchanged')
      return { kind: 'unchanged', reason: 'same-content', articleId: processed.articleId };
    if (processed.kind === 'skipped')
      return { kind: 'skipped', reason: processed.reason, detail: processed.detail };
    const { contentHash: _hash, ...stored } = processed;
    return stored;
  } catch (error) {
    return recordFailure(deps, baseState, error);
  }
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
  const reason = failureReason(error);
  const detail = describeFailure(error);
  if (error instanceof RobotsDisallowedError) {
    await record(deps, base, { status: 'skipped', reason, detail });
    return { kind: 'skipped', reason, detail };
  }
  const transient = error instanceof PipelineError ? error.retryable : true;
  const retryable = transient && attempts < deps.maxFetchAttempts;
  const retryAfterMs = error instanceof FetchError ? error.retryAfterMs : undefined;
  const retryInMs = retryable
    ? retryDelayMs(attempts, {
        baseMs: RETRY_BASE_MS,
        maxMs: RETRY_MAX_MS,
        retryAfterMs,
        random: deps.random ?? Math.random,
      })
    : undefined;
  const now = deps.now();
  // A transient failure that used up its attempts is parked, not dropped: the frontier offers it
  // again after a day, when the publisher's outage is likely over.
  const nextRetryInMs = retryInMs ?? (transient ? PARKED_RETRY_MS : undefined);
  const nextRetryAt =
    nextRetryInMs === undefined ? undefined : new Date(now.getTime() + nextRetryInMs).toISOString();
  try {
    await deps.frontier.update({
      ...base,
      status: 'failed',
      reason,
      detail,
      httpStatus: error instanceof FetchError ? error.status : undefined,
      attempts,
      nextRetryAt,
      updatedAt: now.toISOString(),
    });
  } catch (recordError) {
    deps.log.warn('could not record failure', { url: base.url, error: describeError(recordError) });
  }
  deps.log.warn('crawl failed', { url: base.url, reason, detail, attempts, retryable });
  return { kind: 'failed', reason, detail, retryable, retryInMs, attempts, retryAfterMs, nextRetryAt };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
