import type { CopyLink } from '../core/article';
import type { Source } from '../core/sources';
import type { CrawlMessage } from '../ports/crawl-queue';
import type { CrawlOutcome } from './crawl-url';
import { crawlUrl } from './crawl-url';
import type { PipelineDeps } from './deps';
import type { DiscoverReport } from './discover-source';
import { discoverSource } from './discover-source';

/** Retries inside one local run wait at most this long; later ones wait for the next run. */
const LOCAL_RETRY_CAP_MS = 1_000;

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
  failed: { url: string; reason: string; detail: string; willRetry: boolean }[];
  discoverErrors: { sourceId: string; url: string; reason: string; detail: string }[];
}

/**
 * Runs discovery for every source, then drains the crawl queue with `concurrency` workers.
 * Politeness waits and retryable failures go back on the queue with a delay, so one slow host
 * never blocks the others; what still fails is recorded in the frontier and retried next run.
 */
export async function runIngest(
  deps: PipelineDeps,
  queue: DrainableQueue,
  sources: readonly Source[],
  options: { concurrency: number; allowPrivateNetwork?: boolean; progress?: IngestProgress },
): Promise<IngestSummary> {
  const summary: IngestSummary = {
    sources: sources.length, documentsFetched: 0, documentsUnchanged: 0, urlsQueued: 0, urlsAlreadyKnown: 0, pagesFetched: 0, articlesStored: 0,
    articlesUnchanged: 0, paragraphs: 0, repeatedParagraphsRemoved: 0, boilerplateParagraphsRemoved: 0,
    paragraphsFirstSeenElsewhere: 0, syndicatedArticles: [], skipped: [], failed: [], discoverErrors: [],
  };
  for (const source of sources) {
    if (!source.enabled) continue;
    const report = await discoverSource(deps, source, options.allowPrivateNetwork);
    summary.documentsFetched += report.documentsFetched;
    summary.documentsUnchanged += report.documentsUnchanged;
    summary.urlsQueued += report.urlsQueued;
    summary.urlsAlreadyKnown += report.urlsAlreadyKnown;
    for (const e of report.errors) summary.discoverErrors.push({ sourceId: source.id, ...e });
    options.progress?.discovered?.(report);
  }

  await queue.drain(async (message) => {
    const outcome = await crawlUrl(deps, message);
    await account(deps, queue, summary, message, outcome, options.progress);
  }, { concurrency: Math.max(1, options.concurrency) });
  return summary;
}

async function account(
  deps: PipelineDeps, queue: DrainableQueue, summary: IngestSummary, message: CrawlMessage, outcome: CrawlOutcome, progress?: IngestProgress,
): Promise<void> {
  switch (outcome.kind) {
    case 'deferred':
      await queue.send([{ ...message, reservedSlotAtMs: outcome.reservedSlotAtMs }], outcome.delayMs);
      return;
    case 'stored':
      summary.pagesFetched++;
      summary.articlesStored++;
      summary.paragraphs += outcome.paragraphs;
      summary.repeatedParagraphsRemoved += outcome.repeatedParagraphsRemoved;
      summary.boilerplateParagraphsRemoved += outcome.boilerplateParagraphsRemoved;
      summary.paragraphsFirstSeenElsewhere += outcome.paragraphsFirstSeenElsewhere;
      if (outcome.copyOf) summary.syndicatedArticles.push({ articleId: outcome.articleId, host: outcome.host, copyOf: outcome.copyOf });
      break;
    case 'unchanged':
      if (outcome.reason === 'same-content') summary.pagesFetched++;
      summary.articlesUnchanged++;
      break;
    case 'skipped':
      summary.skipped.push({ url: message.url, reason: outcome.reason, detail: outcome.detail });
      break;
    case 'failed': {
      const willRetry = outcome.retryable && outcome.retryInMs !== undefined;
      if (willRetry) {
        await queue.send([{ ...message, attempt: message.attempt + 1, reservedSlotAtMs: undefined }], Math.min(outcome.retryInMs ?? 0, LOCAL_RETRY_CAP_MS));
        deps.log.info('retrying', { url: message.url, reason: outcome.reason });
        return;
      }
      summary.failed.push({ url: message.url, reason: outcome.reason, detail: outcome.detail, willRetry: false });
      break;
    }
  }
  progress?.urlDone?.(message, outcome);
}
