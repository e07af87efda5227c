import { addBackfillCounts, emptyBackfillCounts, type BackfillCounts } from '../core/warc/backfill-counts';
import type { BackfillFilters } from '../core/warc/record-filter';
import type { ArchiveRecordSource } from '../ports/archive-record-source';
import type { BackfillCheckpointStore } from '../ports/backfill-checkpoints';
import {
  backfillArchiveFile,
  type BackfillFileOptions,
  type BackfillFileResult,
  type BackfillProblem,
  type RecordDone,
} from './backfill-archive-file';
import type { PipelineDeps } from './deps';

/** Options of {@link runBackfill}. */
export interface RunBackfillOptions {
  filters?: BackfillFilters;
  checkpoints?: BackfillCheckpointStore;
  /** Most records sent through processing in this run, over all files. */
  limit?: number;
  concurrency?: number;
  /** See {@link BackfillFileOptions.checkpointEveryRecords}. */
  checkpointEveryRecords?: number;
  /** Called before each file with where it resumes (0 = from the start). */
  onFileStart?: (location: string, index: number, resumeAt: number, alreadyDone: boolean) => void;
  onRecord?: (done: RecordDone) => void;
}

/** What a backfill run did. */
export interface BackfillSummary {
  files: number;
  /** Files a checkpoint said were already done (skipped). */
  filesAlreadyDone: number;
  /** Files resumed from a checkpoint of an interrupted run. */
  filesResumed: number;
  /** This run's counts over all files. */
  counts: BackfillCounts;
  /** Counts over all files including what earlier runs did (from the checkpoints). */
  totalCounts: BackfillCounts;
  damaged: BackfillProblem[];
  failed: BackfillProblem[];
  /** The limit stopped the run before every file was read to its end. */
  limitReached: boolean;
  /** Articles this run stored that are copies of another article (read back after the run). */
  syndicatedStored: number;
}

/**
 * Backfills a list of archive files in order (see {@link backfillArchiveFile}), with one limit
 * over all of them. Files a checkpoint marks done are skipped; an interrupted file resumes.
 *
 * @example
 * const summary = await runBackfill(deps, new WarcioRecordSource(), ['/data/a.warc.gz'], { limit: 1000 });
 */
export async function runBackfill(
  deps: PipelineDeps,
  source: ArchiveRecordSource,
  locations: readonly string[],
  options: RunBackfillOptions = {},
): Promise<BackfillSummary> {
  const summary: BackfillSummary = {
    files: locations.length,
    filesAlreadyDone: 0,
    filesResumed: 0,
    counts: emptyBackfillCounts(),
    totalCounts: emptyBackfillCounts(),
    damaged: [],
    failed: [],
    limitReached: false,
    syndicatedStored: 0,
  };
  const budget = options.limit === undefined ? undefined : { remaining: options.limit };
  const storedIds: string[] = [];
  for (const [index, location] of locations.entries()) {
    const start = await options.checkpoints?.get(location);
    options.onFileStart?.(location, index, start?.nextOffset ?? 0, start?.done ?? false);
    if (start?.done) {
      summary.filesAlreadyDone++;
      addBackfillCounts(summary.totalCounts, start.counts);
      continue;
    }
    if (start && start.nextOffset > 0) summary.filesResumed++;
    if (budget && budget.remaining <= 0) {
      summary.limitReached = true;
      if (start) addBackfillCounts(summary.totalCounts, start.counts);
      continue;
    }
    const result: BackfillFileResult = await backfillArchiveFile(deps, source, location, {
      filters: options.filters,
      checkpoints: options.checkpoints,
      fromCheckpoint: start,
      concurrency: options.concurrency,
      checkpointEveryRecords: options.checkpointEveryRecords,
      budget,
      onRecord: (done) => {
        if (done.outcome === 'stored' && done.articleId) storedIds.push(done.articleId);
        options.onRecord?.(done);
      },
    });
    if (result.endedEarly === 'limit') summary.limitReached = true;
    addBackfillCounts(summary.counts, result.counts);
    addBackfillCounts(summary.totalCounts, result.checkpoint.counts);
    summary.damaged.push(...result.damaged);
    summary.failed.push(...result.failed);
  }
  // Read back after the run: a copy stored before its origin learns its copyOf only later.
  for (let i = 0; i < storedIds.length; i += READ_BACK_BATCH) {
    const records = await deps.index.getArticles(storedIds.slice(i, i + READ_BACK_BATCH));
    summary.syndicatedStored += records.filter((r) => r.copyOf).length;
  }
  return summary;
}

/** Article records read back per request when counting syndicated copies. */
const READ_BACK_BATCH = 100;
