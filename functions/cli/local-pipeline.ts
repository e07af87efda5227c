import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileArchiveStore } from '../adapters/archive/file-archive-store';
import { DynamoDbDedupIndex } from '../adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../adapters/dynamodb/dynamodb-frontier';
import { startEmbeddedDynamoDb } from '../adapters/local/embedded-dynamodb';
import { MemoryCrawlQueue } from '../adapters/local/memory-crawl-queue';
import { WarcioRecordSource } from '../adapters/warc/warcio-record-source';
import type { Config } from '../config';
import { InMemoryHostRateLimiter } from '../adapters/local/memory-host-rate-limiter';
import { RobotsCache } from '../fetch/robots';
import { fetchOptionsFrom, type PipelineDeps, type PipelineLog } from '../pipeline/deps';

/** The embedded backends of one local run, opened together and closed together. */
export interface LocalPipeline {
  deps: PipelineDeps;
  queue: MemoryCrawlQueue;
  index: DynamoDbDedupIndex;
  archiveDir: string;
  close(): Promise<void>;
}

/** Options that only local runs have. */
export interface LocalPipelineOptions {
  /** Stable hostnames mapped to a loopback server (the demo's publisher sites). */
  hostMap?: Record<string, { host: string; port: number }>;
  /** Loopback ports that may be fetched without opening all private addresses (the demo server). */
  allowedLoopbackPorts?: number[];
  log: PipelineLog;
}

/**
 * Opens the embedded storage under `config.dataDir`: clean copies and raw pages as files in the S3
 * key layout under `archive/`, the index in an in-process DynamoDB-compatible store persisted under
 * `index/`. No AWS account, Docker or Java needed.
 */
export async function openLocalPipeline(
  config: Config,
  options: LocalPipelineOptions,
): Promise<LocalPipeline> {
  await mkdir(config.dataDir, { recursive: true });
  const archiveDir = join(config.dataDir, 'archive');
  const dynamo = await startEmbeddedDynamoDb({ dataDir: config.dataDir, tableName: config.tableName });
  const index = new DynamoDbDedupIndex({ tableName: config.tableName, client: dynamo.client });
  // Every run starts by re-enqueueing every queued URL (the in-process queue died with the last
  // process): one Scan of the embedded table per run, instead of an index entry per claim.
  const frontier = new DynamoDbFrontier({
    tableName: config.tableName,
    client: dynamo.client,
    queuedListing: 'scan',
  });
  const queue = new MemoryCrawlQueue();
  const fetchOptions = {
    ...fetchOptionsFrom(config),
    hostMap: options.hostMap,
    allowedLoopbackPorts: options.allowedLoopbackPorts,
  };
  const deps: PipelineDeps = {
    archive: new FileArchiveStore(archiveDir),
    archiveRecords: new WarcioRecordSource(),
    index,
    frontier,
    queue,
    robots: new RobotsCache({ fetchOptions }),
    rateLimiter: new InMemoryHostRateLimiter(),
    fetchOptions,
    hostMinIntervalMs: config.hostMinIntervalMs,
    maxFetchAttempts: config.maxFetchAttempts,
    maxInlineWaitMs: 0,
    writeRenderings: true,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: options.log,
  };
  return { deps, queue, index, archiveDir, close: () => dynamo.close() };
}
