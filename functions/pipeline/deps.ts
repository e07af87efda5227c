import type { ArchiveRecordSource } from '../ports/archive-record-source';
import type { ArchiveStore } from '../ports/archive-store';
import type { CrawlQueue } from '../ports/crawl-queue';
import type { DedupIndex } from '../ports/dedup-index';
import type { Frontier } from '../ports/frontier';
import type { HostRateLimiter } from '../ports/host-rate-limiter';
import type { CleanCopySink } from '../ports/clean-copy-sink';
import type { RawPageSink } from '../ports/raw-page-sink';
import type { FetchOptions } from '../fetch/fetch-page';
import type { RobotsCache } from '../fetch/robots';
import type { Config } from '../config';

/** Structured log sink: the CLI prints, Lambdas use Powertools. */
export interface PipelineLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Everything the pipeline steps need, injected so the same code runs on AWS and locally. */
export interface PipelineDeps {
  archive: ArchiveStore;
  /**
   * Web-archive files that backfilled articles point into (their raw page is a WARC record, not
   * a copy): reprocessing reads those pages through it. Absent: such pages are reported missing.
   */
  archiveRecords?: ArchiveRecordSource;
  index: DedupIndex;
  frontier: Frontier;
  queue: CrawlQueue;
  robots: RobotsCache;
  rateLimiter: HostRateLimiter;
  /** Fetch limits and identity; `conditional` is filled per request. */
  fetchOptions: Omit<FetchOptions, 'conditional'>;
  /** Minimum spacing between requests to one host when robots.txt gives no Crawl-delay. */
  hostMinIntervalMs: number;
  /** Attempts per URL before it is parked as failed. */
  maxFetchAttempts: number;
  /** Longest politeness wait spent inline; longer waits go back to the queue with a delay. */
  maxInlineWaitMs: number;
  /**
   * Also store Markdown and text renderings beside each clean copy. Locally they make the archive
   * browsable; on AWS they would double the S3 PUTs per article, and the query API renders on read.
   */
  writeRenderings: boolean;
  /**
   * Where processPage archives the raw page: the crawl Lambda passes one sink per message of a
   * batch so the batch's pages share one bundle object (`RawBundleWriter`). Absent: each page is
   * stored at once as a bundle of one (local runs, tools).
   */
  rawPages?: RawPageSink;
  /**
   * Where processPage stores clean-copy lines: like `rawPages`, one sink per message so the
   * batch's copies share one JSON Lines bundle per article day (`CleanBundleWriter`). Absent: each
   * page's lines are stored at once (bundles of one).
   */
  cleanCopies?: CleanCopySink;
  /**
   * Discovery releases each source's new URLs over this many ms (per-message queue delays) rather
   * than at once; 0 or absent sends them together (core/discover/spread-delays.ts).
   */
  discoverSpreadMs?: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Randomness in [0, 1) for retry jitter (default Math.random; tests inject their own). */
  random?: () => number;
  log: PipelineLog;
}

/** A console-free log that drops everything (tests, library use). */
export const silentLog: PipelineLog = { info: () => {}, warn: () => {} };

/** Fetch limits and identity from the config; callers add what only they know (host maps, ports). */
export function fetchOptionsFrom(config: Config): PipelineDeps['fetchOptions'] {
  return {
    userAgent: config.userAgent,
    connectTimeoutMs: config.fetchConnectTimeoutMs,
    totalTimeoutMs: config.fetchTotalTimeoutMs,
    maxBodyBytes: config.fetchMaxBodyBytes,
    maxRedirects: config.fetchMaxRedirects,
    allowPrivateNetwork: config.allowPrivateNetwork,
  };
}
