import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileArchiveStore } from '../adapters/archive/file-archive-store';
import { MemoryCrawlQueue } from '../adapters/local/memory-crawl-queue';
import { CleanBundleWriter } from '../archive-format/clean-copies';
import { RawBundleWriter } from '../archive-format/raw-pages';
import { openLocalIndex } from '../adapters/sqlite/local-index';
import { WarcioRecordSource } from '../adapters/warc/warcio-record-source';
import type { Config } from '../config';
import { InMemoryHostRateLimiter } from '../adapters/local/memory-host-rate-limiter';
import type { HostRateLimiter } from '../ports/host-rate-limiter';
import { RobotsCache } from '../fetch/robots';
import type { ArchiveStore } from '../ports/archive-store';
import type { DedupIndex } from '../ports/dedup-index';
import type { Frontier } from '../ports/frontier';
import { fetchOptionsFrom, type PipelineDeps, type PipelineLog } from '../pipeline/deps';

/** The embedded backends of one local run, opened together and closed together. */
export interface LocalPipeline {
  deps: PipelineDeps;
  queue: MemoryCrawlQueue;
  index: DedupIndex;
  archiveDir: string;
  close(): Promise<void>;
}

/**
 * Which index a local pipeline opens: `sqlite` (the local archive's store, the default) or
 * `dynalite` (the DynamoDB adapters on the embedded emulator under `<data-dir>/index/`: what the
 * AWS stack runs, for tests that measure DynamoDB requests and write units on a local run).
 */
export type LocalIndexKind = 'sqlite' | 'dynalite';

/** Options that only local runs have. */
export interface LocalPipelineOptions {
  /** Stable hostnames mapped to a loopback server (the demo's publisher sites). */
  hostMap?: Record<string, { host: string; port: number }>;
  /** Loopback ports that may be fetched without opening all private addresses (the demo server). */
  allowedLoopbackPorts?: number[];
  /** Default `sqlite`; see {@link LocalIndexKind}. */
  indexKind?: LocalIndexKind;
  /**
   * Told when a write waits for another process's write lock on the index (another `ingest`,
   * `reprocess` or `migrate` on the same data directory). Default: one line on stderr, so a user
   * sees why the command pauses.
   */
  onStoreWait?: (message: string) => void;
  /**
   * Pages processed at about the same moment share raw and clean bundles (see
   * {@link LOCAL_BUNDLE_LINGER_MS}): for a crawl with several pages in flight (`ingest`, `demo`).
   * Default: each page its own bundles, written at once (one page at a time, as a backfill of
   * concurrency 1, would wait the linger for nothing).
   */
  bundleConcurrentPages?: boolean;
  log: PipelineLog;
}

/**
 * Opens the embedded storage under `config.dataDir`: clean copies and raw pages as files in the S3
 * key layout under `archive/`, the index in one SQLite file (`index.sqlite`, WAL mode: several
 * processes may have it open at once). A data directory of an earlier version (dynalite under
 * `index/`) is migrated on first open. No AWS account, Docker or Java needed.
 */
export async function openLocalPipeline(
  config: Config,
  options: LocalPipelineOptions,
): Promise<LocalPipeline> {
  await mkdir(config.dataDir, { recursive: true });
  const archiveDir = join(config.dataDir, 'archive');
  const backend =
    options.indexKind === 'dynalite'
      ? await openDynalite(config)
      : await openSqlite(config, options.log, options.onStoreWait ?? printStoreWait);
  const queue = new MemoryCrawlQueue();
  const fetchOptions = {
    ...fetchOptionsFrom(config),
    hostMap: options.hostMap,
    allowedLoopbackPorts: options.allowedLoopbackPorts,
  };
  const deps: PipelineDeps = {
    archive: new FileArchiveStore(archiveDir),
    archiveRecords: new WarcioRecordSource(),
    index: backend.index,
    frontier: backend.frontier,
    queue,
    robots: new RobotsCache({ fetchOptions }),
    rateLimiter: backend.rateLimiter,
    fetchOptions,
    hostMinIntervalMs: config.hostMinIntervalMs,
    maxFetchAttempts: config.maxFetchAttempts,
    maxInlineWaitMs: 0,
    writeRenderings: true,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: options.log,
  };
  if (options.bundleConcurrentPages) Object.assign(deps, coalescingSinks(deps));
  return { deps, queue, index: backend.index, archiveDir, close: backend.close };
}

/**
 * How long a local bundle waits for other pages' items after its first. Pages processed at about
 * the same moment share one raw bundle and one clean bundle per day instead of a file each:
 * creating files was the largest cost of a local crawl after extraction (bench:crawl's profile,
 * docs/local-store.md). Short, because every page waits for it twice (raw page, clean copy)
 * while holding one of the crawl's concurrency slots.
 */
export const LOCAL_BUNDLE_LINGER_MS = 25;

/**
 * Raw-page and clean-copy sinks shared by every page of the process: each write joins the bundle
 * being gathered (stored {@link LOCAL_BUNDLE_LINGER_MS} after its first item) and resolves once it
 * is stored, so a record still never points at a missing object. Bundles are written through
 * `deps.archive` as it is at write time (tests wrap it after opening).
 */
function coalescingSinks(deps: PipelineDeps): Pick<PipelineDeps, 'rawPages' | 'cleanCopies'> {
  const archive: ArchiveStore = {
    put: (...args) => deps.archive.put(...args),
    get: (key) => deps.archive.get(key),
    getRange: (key, offset, length) => deps.archive.getRange(key, offset, length),
    list: (prefix) => deps.archive.list(prefix),
    delete: (key) => deps.archive.delete(key),
  };
  // Never "complete" (no batch size locally): the linger alone stores each bundle.
  const writerOptions = {
    archive,
    participants: Number.MAX_SAFE_INTEGER,
    lingerMs: LOCAL_BUNDLE_LINGER_MS,
    now: () => deps.now(),
  };
  const raw = new RawBundleWriter(writerOptions);
  const clean = new CleanBundleWriter(writerOptions);
  return {
    rawPages: { write: (body) => raw.participant().write(body), done: () => undefined },
    cleanCopies: { write: (lines) => clean.participant().write(lines), done: () => undefined },
  };
}

interface IndexBackend {
  index: DedupIndex;
  frontier: Frontier;
  rateLimiter: HostRateLimiter;
  close(): Promise<void>;
}

function printStoreWait(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function openSqlite(
  config: Config,
  log: PipelineLog,
  onWait: (message: string) => void,
): Promise<IndexBackend> {
  const local = await openLocalIndex(config.dataDir, { tableName: config.tableName, log, onWait });
  // Politeness is shared by every process crawling from this data directory.
  return {
    index: local.index,
    frontier: local.frontier,
    rateLimiter: local.rateLimiter,
    close: async () => local.close(),
  };
}

/** The DynamoDB adapters on embedded dynalite, loaded only when asked for (the AWS SDK is heavy to import). */
async function openDynalite(config: Config): Promise<IndexBackend> {
  const [{ DynamoDbDedupIndex }, { DynamoDbFrontier }, { startEmbeddedDynamoDb }] = await Promise.all([
    import('../adapters/dynamodb/dynamodb-dedup-index'),
    import('../adapters/dynamodb/dynamodb-frontier'),
    import('../adapters/local/embedded-dynamodb'),
  ]);
  const dynamo = await startEmbeddedDynamoDb({ dataDir: config.dataDir, tableName: config.tableName });
  return {
    index: new DynamoDbDedupIndex({ tableName: config.tableName, client: dynamo.client }),
    // Every run starts by re-enqueueing every queued URL (the in-process queue died with the last
    // process): one Scan of the embedded table per run, instead of an index entry per claim.
    frontier: new DynamoDbFrontier({
      tableName: config.tableName,
      client: dynamo.client,
      queuedListing: 'scan',
    }),
    rateLimiter: new InMemoryHostRateLimiter(),
    close: () => dynamo.close(),
  };
}
