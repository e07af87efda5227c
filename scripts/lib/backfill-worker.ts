/**
 * A local WARC backfill in its own process, for the kill -9 test and `npm run bench:warc`: runs the
 * real local pipeline (the default local store under `dataDir`, per-file checkpoints under
 * `dataDir/backfill/`) over `locations`, prints `{"event":"record","n":N}` every `recordEvery`
 * records (so a parent can kill it mid-file) and finally one `{"event":"done",...}` line with the
 * summary, the wall times, the CPU time and the process's peak RSS.
 */
import { join } from 'node:path';
import { FileBackfillCheckpoints } from '../../functions/adapters/local/file-backfill-checkpoints';
import { WarcioRecordSource } from '../../functions/adapters/warc/warcio-record-source';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { BACKFILL_CHECKPOINT_DIR } from '../../functions/cli/commands/ingest-warc';
import { loadConfig } from '../../functions/config';
import type { BackfillFilters } from '../../functions/core/warc/record-filter';
import { silentLog } from '../../functions/pipeline/deps';
import { runBackfill, type BackfillSummary } from '../../functions/pipeline/run-backfill';

/** What the parent passes (as the first argument, JSON). */
export interface BackfillWorkerInput {
  dataDir: string;
  locations: string[];
  filters?: BackfillFilters;
  limit?: number;
  /** Records processed at once (default 1). */
  concurrency?: number;
  /** Checkpoint after this many records (default: the pipeline's). */
  checkpointEveryRecords?: number;
  /** Print a progress line every this many records (0: never). */
  recordEvery?: number;
}

/** The last line the worker prints. */
export interface BackfillWorkerResult {
  event: 'done';
  /** From process start to the end (store open included). */
  wallMs: number;
  /** The backfill alone (store open, module loading and closing excluded). */
  backfillMs: number;
  /** User + system CPU of the process. */
  cpuMs: number;
  peakRssMb: number;
  summary: BackfillSummary;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as BackfillWorkerInput;
  const config = loadConfig({ DATA_DIR: input.dataDir });
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  const pipeline = await openLocalPipeline(config, { log: silentLog });
  process.stdout.write(`${JSON.stringify({ event: 'opened' })}\n`);
  let n = 0;
  const backfillStarted = Date.now();
  try {
    const summary = await runBackfill(pipeline.deps, new WarcioRecordSource(), input.locations, {
      filters: input.filters,
      limit: input.limit,
      concurrency: input.concurrency,
      checkpointEveryRecords: input.checkpointEveryRecords,
      checkpoints: new FileBackfillCheckpoints(join(config.dataDir, BACKFILL_CHECKPOINT_DIR)),
      onRecord: () => {
        n++;
        if (input.recordEvery && n % input.recordEvery === 0)
          process.stdout.write(`${JSON.stringify({ event: 'record', n })}\n`);
      },
    });
    const cpu = process.cpuUsage(cpuStart);
    const result: BackfillWorkerResult = {
      event: 'done',
      wallMs: Date.now() - started,
      backfillMs: Date.now() - backfillStarted,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      // maxRSS is in kilobytes.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      summary,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pipeline.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`backfill worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
