import type { Source } from '../core/sources';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { UrlState } from '../ports/frontier';
import type { PipelineDeps } from './deps';
import { hostIntervalMsOf, isDocumentKey } from './discover-source';

/**
 * On AWS a retryable failure is re-sent by the crawl Lambda itself with its backoff delay; the
 * sweep takes only failures overdue by this much, i.e. whose retry message was lost (DLQ) or
 * parked after the last attempt.
 */
export const AWS_FAILED_OVERDUE_MS = 15 * 60 * 1000;
/** Most pending URLs one sweep re-enqueues, so one discover invocation stays bounded in time. */
export const DEFAULT_RECOVER_LIMIT = 5_000;

/** What one recovery sweep did. */
export interface RecoverReport {
  /** Pending URLs listed (queued and due failures; feed/sitemap records excluded). */
  listed: number;
  /** Re-enqueued. */
  requeued: number;
  /** Listed, but another worker took or finished them first. */
  alreadyTaken: number;
  /** Belonging to a disabled source: left pending until it is enabled again. */
  sourceDisabled: number;
  /**
   * Belonging to a source not in the given sources: recorded as skipped (`source-removed`) when
   * `markRemovedSources`, else left pending (a local run may use another sources file).
   */
  sourceRemoved: number;
}

/** Options of {@link recoverPending}. */
export interface RecoverOptions {
  /**
   * Take `queued` URLs too (default true: a local run, whose in-process queue died with the last
   * process, takes every one). False on AWS, where queued URLs are in no list (the frontier would
   * refuse): a live one is in SQS, a lost message waits in the crawl DLQ for a redrive, and a claim
   * never sent is re-claimed by discovery once stale (docs/crawling.md, "Never silently dropped").
   */
  includeQueued?: boolean;
  /** With `includeQueued`: only queued URLs claimed at least this long ago (default: every one). */
  queuedOlderThanMs?: number;
  /** Only failures whose retry is due at least this long (default 0). AWS: {@link AWS_FAILED_OVERDUE_MS}. */
  failedOverdueMs?: number;
  /** Default {@link DEFAULT_RECOVER_LIMIT}. */
  limit?: number;
  /** Passed on in the crawl messages (local demo and tests only). */
  allowPrivateNetwork?: boolean;
  /**
   * Record URLs of sources missing from `sources` as skipped (default false). On AWS the sources
   * file is the one truth, and orphans left pending would fill every sweep's listing.
   */
  markRemovedSources?: boolean;
}

/**
 * Re-enqueues work the frontier owes a crawl, so no discovered URL is silently dropped:
 *
 * 1. List pending URLs: `queued` ones (all of them locally, where the queue lives in memory and
 *    died with the last process; none on AWS, see {@link RecoverOptions.includeQueued}) and
 *    failures whose retry is due.
 * 2. Take each atomically ({@link Frontier.requeue}: only if unchanged since listed), so two
 *    sweeps never both enqueue a URL, then enqueue the taken ones in one batch.
 * URLs of a source that left the sources file are recorded as `skipped` (`source-removed`) when
 * `markRemovedSources` (AWS), else left alone; those of a disabled source stay pending.
 */
export async function recoverPending(
  deps: PipelineDeps,
  sources: readonly Source[],
  options: RecoverOptions = {},
): Promise<RecoverReport> {
  const report: RecoverReport = {
    listed: 0,
    requeued: 0,
    alreadyTaken: 0,
    sourceDisabled: 0,
    sourceRemoved: 0,
  };
  const nowMs = deps.now().getTime();
  const nowIso = new Date(nowMs).toISOString();
  const listed = await deps.frontier.listPending({
    nowIso: new Date(nowMs - (options.failedOverdueMs ?? 0)).toISOString(),
    includeQueued: options.includeQueued ?? true,
    queuedBeforeIso:
      options.queuedOlderThanMs === undefined
        ? undefined
        : new Date(nowMs - options.queuedOlderThanMs).toISOString(),
    limit: options.limit ?? DEFAULT_RECOVER_LIMIT,
  });
  const byId = new Map(sources.map((s) => [s.id, s]));
  const messages: CrawlMessage[] = [];
  for (const state of listed) {
    if (isDocumentKey(state.urlKey)) continue;
    report.listed++;
    const source = byId.get(state.sourceId);
    if (!source) {
      report.sourceRemoved++;
      if (options.markRemovedSources) await markSourceRemoved(deps, state, nowIso);
      continue;
    }
    if (!source.enabled) {
      report.sourceDisabled++;
      continue;
    }
    const taken = await deps.frontier.requeue(state, nowIso);
    if (!taken) {
      report.alreadyTaken++;
      continue;
    }
    messages.push({
      url: taken.url,
      urlKey: taken.urlKey,
      sourceId: taken.sourceId,
      attempt: taken.attempts,
      allowPrivateNetwork: options.allowPrivateNetwork,
      hostIntervalMs: hostIntervalMsOf(source),
    });
  }
  if (messages.length) await deps.queue.send(messages);
  report.requeued = messages.length;
  if (report.listed) deps.log.info('recovered pending URLs', { ...report });
  return report;
}

async function markSourceRemoved(deps: PipelineDeps, state: UrlState, nowIso: string): Promise<void> {
  await deps.frontier.update({
    ...state,
    status: 'skipped',
    reason: 'source-removed',
    nextRetryAt: undefined,
    detail: `source "${state.sourceId}" is no longer in the sources file; not crawled`,
    updatedAt: nowIso,
  });
}
