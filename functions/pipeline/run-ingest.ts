import type { CopyLink } from '../core/article';
import { retryDelayMs } from '../fetch/retry-policy';
import type { Source } from '../core/sources';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { CrawlOutcome } from './crawl-url';
import { crawlUrl } from './crawl-url';
import type { PipelineDeps } from './deps';
import type { DiscoverReport } from './discover-source';
import { discoverDueSources } from './discover-due';
import { recoverPending } from './recover-pending';
import { requeueOf, type RequeuePolicy } from './requeue';

/**
 * Retries inside one local run follow the same backoff on a shorter scale (first after
 * 125-250 ms, each later one longer) and wait at most this long: a server asking for more
 * (Retry-After) is left for a later run, which finds the URL due in the frontier.
 */
const LOCAL_RETRY_CAP_MS = 1_000;
const LOCAL_RETRY_BASE_MS = 250;

/**
 * The in-process queue delays as long as asked (a politeness wait keeps its slot); a retryable
 * failure is retried within the run on a short backoff, or left to the next run past the cap.
 */
function localRequeue(deps: PipelineDeps): RequeuePolicy {
  return {
    maxDeferMs: Number.POSITIVE_INFINITY,
    maxRetryDelayMs: LOCAL_RETRY_CAP_MS,
    retryDelayMs: (outcome) =>
      retryDelayMs(outcome.attempts, {
        baseMs: LOCAL_RETRY_BASE_MS,
        maxMs: LOCAL_RETRY_CAP_MS,
        retryAfterMs: outcome.retryAfterMs,
        random: deps.random,
      }),
  };
}

/** The in-process queue a local run drains (see MemoryCrawlQueue). */
export interface DrainableQueue {
  send(messages: readonly CrawlMessage[], delayMs?: number): Promise<void>;
  /** Delivers every message (including ones sent meanwhile) with bounded concurrency until empty. */
  drain(handler: (message: CrawlMessage) => Promise<void>, options: { concurrency: number }): Promise<number>;
}

/** Progress events for a progress bar. */
export interface IngestProgress {
  discovered?(report: DiscoverReport): void;
  urlDone?(message: CrawlMessage, outcome: CrawlOutcome): void;
}

/** Totals of one run, as the summary table shows them. */
export interface IngestSummary {
  sources: number;
  /** Sources skipped because their schedule says they are not due (only with `respectSchedule`). */
  sourcesNotDue: string[];
  /** URLs a previous run left queued or failed-and-due, re-enqueued at the start of this run. */
  urlsRecovered: number;
  /** Feeds and sitemaps read, and those unchanged since the last run (HTTP 304). */
  documentsFetched: number;
  documentsUnchanged: number;
  urlsQueued: number;
  urlsAlreadyKnown: number;
  pagesFetched: number;
  articlesStored: number;
  articlesUnchanged: number;
  paragraphs: number;
  repeatedParagraphsRemoved: number;
  boilerplateParagraphsRemoved: number;
  paragraphsFirstSeenElsewhere: number;
  syndicatedArticles: { articleId: string; host: string; copyOf: CopyLink }[];
  skipped: { url: string; reason: string; detail: string }[];
  /** `retryAt`: when a later run takes the URL again (ISO); absent when the failure is permanent. */
  failed: { url: string; reason: string; detail: string; retryAt?: string }[];
  discoverErrors: { sourceId: string; url: string; reason: string; detail: string }[];
}

/** Options of {@link runIngest}. */
export interface RunIngestOptions {
  concurrency: number;
  allowPrivateNetwork?: boolean;
  progress?: IngestProgress;
  /**
   * Skip sources whose schedule is not due since their last discovery run (default false: a
   * local `ingest` runs every enabled source when asked).
   */
  respectSchedule?: boolean;
}

/**
 * Runs a local ingest:
 *
 * 1. Re-enqueue what earlier runs left owed (`recoverPending`): every `queued` URL (the in-process
 *    queue died with the process that claimed it) and failures whose retry is due.
 * 2. Discover every enabled source (only due ones with `respectSchedule`) and enqueue new or
 *    changed URLs.
 * 3. Drain the crawl queue with `concurrency` workers. Politeness waits and retryable failures go
 *    back on the queue with a delay, so one slow host never blocks the others; what still fails is
 *    recorded in the frontier and retried next run.
 */
export async function runIngest(
  deps: PipelineDeps,
  queue: DrainableQueue,
  sources: readonly Source[],
  options: RunIngestOptions,
): Promise<IngestSummary> {
  const summary: IngestSummary = {
    sources: sources.length,
    sourcesNotDue: [],
    urlsRecovered: 0,
    documentsFetched: 0,
    documentsUnchanged: 0,
    urlsQueued: 0,
    urlsAlreadyKnown: 0,
    pagesFetched: 0,
    articlesStored: 0,
    articlesUnchanged: 0,
    paragraphs: 0,
    repeatedParagraphsRemoved: 0,
    boilerplateParagraphsRemoved: 0,
    paragraphsFirstSeenElsewhere: 0,
    syndicatedArticles: [],
    skipped: [],
    failed: [],
    discoverErrors: [],
  };
  // Before discovery: URLs claimed by this run's discovery are queued too, and must not be sent twice.
  const recovered = await recoverPending(deps, sources, { allowPrivateNetwork: options.allowPrivateNetwork });
  summary.urlsRecovered = recovered.requeued;
  const { notDue } = await discoverDueSources(
    deps,
    sources.filter((s) => s.enabled),
    {
      checkSchedule: Boolean(options.respectSchedule),
      allowPrivateNetwork: options.allowPrivateNetwork,
      onReport: (source, report) => {
        summary.documentsFetched += report.documentsFetched;
        summary.documentsUnchanged += report.documentsUnchanged;
        summary.urlsQueued += report.urlsQueued;
        summary.urlsAlreadyKnown += report.urlsAlreadyKnown;
        for (const e of report.errors) summary.discoverErrors.push({ sourceId: source.id, ...e });
        options.progress?.discovered?.(report);
      },
    },
  );
  summary.sourcesNotDue.push(...notDue);

  const stored = new Set<string>();
  await queue.drain(
    async (message) => {
      const outcome = await crawlUrl(deps, message);
      if (outcome.kind === 'stored') stored.add(outcome.articleId);
      await account(deps, queue, summary, message, outcome, options.progress);
    },
    { concurrency: Math.max(1, options.concurrency) },
  );
  summary.syndicatedArticles = await syndicatedAmong(deps, [...stored]);
  return summary;
}

/**
 * Copies among the articles a run stored, read back from the index once the run is over: a copy
 * crawled before its original only learns its `copyOf` when the original is processed later.
 */
async function syndicatedAmong(
  deps: PipelineDeps,
  articleIds: string[],
): Promise<IngestSummary['syndicatedArticles']> {
  const records = articleIds.length ? await deps.index.getArticles(articleIds) : [];
  return records
    .filter((r) => r.copyOf)
    .map((r) => ({ articleId: r.id, host: r.host, copyOf: r.copyOf! }))
    .sort((a, b) => a.host.localeCompare(b.host) || a.articleId.localeCompare(b.articleId));
}

async function account(
  deps: PipelineDeps,
  queue: DrainableQueue,
  summary: IngestSummary,
  message: CrawlMessage,
  outcome: CrawlOutcome,
  progress?: IngestProgress,
): Promise<void> {
  switch (outcome.kind) {
    case 'deferred': {
      const requeue = requeueOf(message, outcome, localRequeue(deps));
      await queue.send([requeue!.message], requeue!.delayMs);
      return;
    }
    case 'stored':
      summary.pagesFetched++;
      summary.articlesStored++;
      summary.paragraphs += outcome.paragraphs;
      summary.repeatedParagraphsRemoved += outcome.repeatedParagraphsRemoved;
      summary.boilerplateParagraphsRemoved += outcome.boilerplateParagraphsRemoved;
      summary.paragraphsFirstSeenElsewhere += outcome.paragraphsFirstSeenElsewhere;
      break;
    case 'unchanged':
      if (outcome.reason === 'same-content') summary.pagesFetched++;
      summary.articlesUnchanged++;
      break;
    case 'skipped':
      summary.skipped.push({ url: message.url, reason: outcome.reason, detail: outcome.detail });
      break;
    case 'failed': {
      const requeue = requeueOf(message, outcome, localRequeue(deps));
      if (requeue) {
        await queue.send([requeue.message], requeue.delayMs);
        deps.log.info('retrying', { url: message.url, reason: outcome.reason, inMs: requeue.delayMs });
        return;
      }
      summary.failed.push({
        url: message.url,
        reason: outcome.reason,
        detail: outcome.detail,
        retryAt: outcome.nextRetryAt,
      });
      break;
    }
  }
  progress?.urlDone?.(message, outcome);
}
