/**
 * A local ingest in its own process, for the kill/rerun test and the crawl benchmark: the parent
 * serves the publisher sites on loopback and starts this worker (`node --import tsx
 * scripts/lib/ingest-worker.ts '<json>'`), which runs the real local pipeline (SQLite index
 * and file archive under `dataDir`) and prints one JSON line `{"event":"done",...}` with the run's
 * summary, its wall time and the process's peak RSS. The parent may SIGKILL it at any moment.
 */
import { loadConfig } from '../../functions/config';
import type { Source } from '../../functions/core/sources';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { silentLog } from '../../functions/pipeline/deps';
import { runIngest } from '../../functions/pipeline/run-ingest';

/** What the parent passes (as the first argument, JSON). */
export interface IngestWorkerInput {
  dataDir: string;
  sources: Source[];
  hostMap: Record<string, { host: string; port: number }>;
  /** Loopback ports the fetcher may connect to (the parent's site server). */
  allowedLoopbackPorts: number[];
  hostMinIntervalMs: number;
  concurrency: number;
  /** Default: the config defaults. */
  fetchTotalTimeoutMs?: number;
  fetchConnectTimeoutMs?: number;
  maxFetchAttempts?: number;
  /** Default: the config's. A test running several workers tells their requests apart by it. */
  userAgent?: string;
}

/** The last line the worker prints. */
export interface IngestWorkerResult {
  event: 'done';
  wallMs: number;
  peakRssMb: number;
  articlesStored: number;
  articlesUnchanged: number;
  pagesFetched: number;
  urlsQueued: number;
  urlsRecovered: number;
  failed: { url: string; reason: string }[];
  skipped: { url: string; reason: string }[];
  discoverErrors: { url: string; reason: string }[];
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as IngestWorkerInput;
  const config = loadConfig({
    DATA_DIR: input.dataDir,
    HOST_MIN_INTERVAL_MS: String(input.hostMinIntervalMs),
    ...(input.fetchTotalTimeoutMs ? { FETCH_TOTAL_TIMEOUT_MS: String(input.fetchTotalTimeoutMs) } : {}),
    ...(input.fetchConnectTimeoutMs ? { FETCH_CONNECT_TIMEOUT_MS: String(input.fetchConnectTimeoutMs) } : {}),
    ...(input.maxFetchAttempts ? { MAX_FETCH_ATTEMPTS: String(input.maxFetchAttempts) } : {}),
    ...(input.userAgent ? { USER_AGENT: input.userAgent } : {}),
  });
  const started = Date.now();
  const pipeline = await openLocalPipeline(config, {
    hostMap: input.hostMap,
    allowedLoopbackPorts: input.allowedLoopbackPorts,
    log: silentLog,
    // As `ingest` runs.
    bundleConcurrentPages: true,
  });
  process.stdout.write(`${JSON.stringify({ event: 'opened' })}\n`);
  try {
    const summary = await runIngest(pipeline.deps, pipeline.queue, input.sources, {
      concurrency: input.concurrency,
    });
    const result: IngestWorkerResult = {
      event: 'done',
      wallMs: Date.now() - started,
      // maxRSS is in kilobytes.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      articlesStored: summary.articlesStored,
      articlesUnchanged: summary.articlesUnchanged,
      pagesFetched: summary.pagesFetched,
      urlsQueued: summary.urlsQueued,
      urlsRecovered: summary.urlsRecovered,
      failed: summary.failed.map(({ url, reason }) => ({ url, reason })),
      skipped: summary.skipped.map(({ url, reason }) => ({ url, reason })),
      discoverErrors: summary.discoverErrors.map(({ url, reason }) => ({ url, reason })),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pipeline.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
