import type { ArchiveRecord, ArchiveRecordSource } from '../ports/archive-record-source';
import type { BackfillCheckpoint, BackfillCheckpointStore } from '../ports/backfill-checkpoints';
import { addBackfillCounts, emptyBackfillCounts, type BackfillCounts } from '../core/warc/backfill-counts';
import { decideRecord, languageRejection, type BackfillFilters } from '../core/warc/record-filter';
import { warcRawKey } from '../core/warc/raw-pointer';
import { describeError, PipelineError, StorageError } from '../errors';
import type { PipelineDeps } from './deps';
import { processPage } from './process-page';

/** Options of {@link backfillArchiveFile}. */
export interface BackfillFileOptions {
  filters?: BackfillFilters;
  /** Where progress is kept; absent: the file is read from `fromCheckpoint` or its start. */
  checkpoints?: BackfillCheckpointStore;
  /** Start from this checkpoint instead of the store's (the AWS item loop carries it in its state). */
  fromCheckpoint?: BackfillCheckpoint;
  /**
   * Records processed at once (default 1). More hides storage latency (a Lambda against DynamoDB);
   * the checkpoint only ever moves past records whose processing finished.
   */
  concurrency?: number;
  /** Records left to send through processing in this run (shared by the run's files: `--limit`). */
  budget?: { remaining: number };
  /** Checked before each record: true stops reading (a Lambda near its time limit). */
  shouldStop?: () => boolean;
  /** Called for every record once it is done (progress bars). */
  onRecord?: (done: RecordDone) => void;
  /**
   * Write the checkpoint after this many finished records (and at the end). Default
   * {@link CHECKPOINT_EVERY_RECORDS}; a kill redoes at most that many records, counted once.
   */
  checkpointEveryRecords?: number;
}

/**
 * Records between checkpoint writes: a write (temp file + rename) costs about as much as parsing a
 * record, and a rerun redoes at most this many records (each found stored from its own pointer).
 */
export const CHECKPOINT_EVERY_RECORDS = 100;

/** One record finished. */
export interface RecordDone {
  location: string;
  offset: number;
  outcome: 'stored' | 'unchanged' | 'skipped' | 'other' | 'damaged' | 'failed';
  reason?: string;
  url?: string;
  /** The article stored (or found unchanged). */
  articleId?: string;
}

/** A record that could not be read or processed, with where it is. */
export interface BackfillProblem {
  location: string;
  offset: number;
  url?: string;
  reason: string;
}

/** What one call did to one archive file. */
export interface BackfillFileResult {
  /** The file's checkpoint after this call (counts cover the whole file so far, earlier runs included). */
  checkpoint: BackfillCheckpoint;
  /** Counts of this call alone. */
  counts: BackfillCounts;
  damaged: BackfillProblem[];
  failed: BackfillProblem[];
  /** Why reading ended before the file's end: `limit` (the budget ran out) or `stopped` (shouldStop). */
  endedEarly?: 'limit' | 'stopped';
  /** The checkpoint said the file was already done: nothing was read. */
  alreadyDone: boolean;
}

/** Outcome of one record, before it is folded into the counts. */
interface RecordResult {
  delta: BackfillCounts;
  done: RecordDone;
  problem?: { list: 'damaged' | 'failed'; reason: string };
}

/** A record handed to processing whose result and end offset may still be pending. */
interface Slot {
  offset: number;
  /** Where the next record starts; for a damaged record, known once the next one is read. */
  next?: number;
  result?: RecordResult;
  promise: Promise<void>;
}

/**
 * Backfills the articles of one archive file (WARC): every `response` record with an HTML page
 * that passes the filters goes through {@link processPage}, the same step crawled pages go
 * through, with `WARC-Target-URI` as the URL, `WARC-Date` as the fetch time and the record itself
 * as the raw page (a pointer into the file: nothing is copied). Revisits, other statuses and media
 * types are counted by reason; damaged records are reported with their offset and reading goes on.
 *
 * Resumable: every few finished records the checkpoint (next offset and the counts up to it) is
 * written, so a run killed at any moment resumes at most `checkpointEveryRecords` records back. A record that was
 * stored just before the kill is found stored from this very pointer on the rerun and counted as
 * stored again, not as unchanged, so counts match an uninterrupted run.
 *
 * A storage error (throttled, down, misconfigured) is thrown, leaving the checkpoint before the
 * record so a retry redoes it; any other error (a page the extractor cannot handle) counts the
 * record as failed, reports it with its offset, and goes on.
 *
 * @example
 * const result = await backfillArchiveFile(deps, new WarcioRecordSource(), '/data/news.warc.gz', {
 *   filters: { languages: ['en'] },
 * });
 * console.log(result.checkpoint.counts.stored);
 */
export async function backfillArchiveFile(
  deps: PipelineDeps,
  source: ArchiveRecordSource,
  location: string,
  options: BackfillFileOptions = {},
): Promise<BackfillFileResult> {
  const filters = options.filters ?? {};
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const start = options.fromCheckpoint ?? (await options.checkpoints?.get(location));
  const counts = emptyBackfillCounts();
  const damaged: BackfillProblem[] = [];
  const failed: BackfillProblem[] = [];
  if (start?.done) return { checkpoint: start, counts, damaged, failed, alreadyDone: true };
  const checkpoint: BackfillCheckpoint = {
    location,
    nextOffset: start?.nextOffset ?? 0,
    done: false,
    counts: addBackfillCounts(emptyBackfillCounts(), start?.counts ?? emptyBackfillCounts()),
    updatedAt: deps.now().toISOString(),
  };
  const slots: Slot[] = [];
  let endedEarly: BackfillFileResult['endedEarly'];

  /** Folds finished records at the front into the checkpoint; returns how many. */
  const commit = (): number => {
    let moved = 0;
    while (slots.length > 0 && slots[0].result && slots[0].next !== undefined) {
      const slot = slots.shift()!;
      const result = slot.result!;
      addBackfillCounts(counts, result.delta);
      addBackfillCounts(checkpoint.counts, result.delta);
      if (result.problem)
        (result.problem.list === 'damaged' ? damaged : failed).push({
          location,
          offset: slot.offset,
          url: result.done.url,
          reason: result.problem.reason,
        });
      checkpoint.nextOffset = slot.next!;
      options.onRecord?.(result.done);
      moved++;
    }
    return moved;
  };
  const every = Math.max(1, options.checkpointEveryRecords ?? CHECKPOINT_EVERY_RECORDS);
  let sinceSave = 0;
  const saveSometimes = async (committed: number) => {
    sinceSave += committed;
    if (sinceSave < every) return;
    sinceSave = 0;
    await save();
  };
  const save = async () => {
    checkpoint.updatedAt = deps.now().toISOString();
    await options.checkpoints?.put({ ...checkpoint, counts: { ...checkpoint.counts } });
  };
  const settle = async () => {
    // Every slot's promise records its result or rejects; the first rejection is thrown after all settle.
    const outcomes = await Promise.allSettled(slots.map((s) => s.promise));
    const rejected = outcomes.find((o) => o.status === 'rejected');
    if (rejected) {
      if (commit() > 0) await save();
      throw (rejected as PromiseRejectedResult).reason;
    }
  };

  try {
    for await (const event of source.read(location, { fromOffset: checkpoint.nextOffset })) {
      const eventOffset = event.kind === 'record' ? event.record.offset : event.offset;
      const last = slots.at(-1);
      if (last && last.next === undefined) last.next = eventOffset;
      if (options.shouldStop?.()) {
        endedEarly = 'stopped';
        break;
      }
      let work: () => Promise<RecordResult>;
      let next: number | undefined;
      if (event.kind === 'record') {
        const record = event.record;
        next = record.offset + record.length;
        const decision = decideRecord(record, filters);
        if (decision.kind === 'process') {
          if (options.budget && options.budget.remaining <= 0) {
            endedEarly = 'limit';
            break;
          }
          if (options.budget) options.budget.remaining--;
          work = () =>
            processRecord(
              deps,
              location,
              record,
              decision.url,
              decision.fetchedAt,
              decision.contentType,
              filters,
            );
        } else {
          const result: RecordResult =
            decision.kind === 'other'
              ? { delta: delta({}), done: { location, offset: record.offset, outcome: 'other' } }
              : {
                  delta: delta({ skipped: { [decision.reason]: 1 } }),
                  done: {
                    location,
                    offset: record.offset,
                    outcome: 'skipped',
                    reason: decision.reason,
                    url: record.targetUri,
                  },
                };
          work = async () => result;
        }
      } else if (event.kind === 'oversized') {
        next = event.offset + event.length;
        const result: RecordResult = {
          delta: delta({ skipped: { oversized: 1 } }),
          done: {
            location,
            offset: event.offset,
            outcome: 'skipped',
            reason: 'oversized',
            url: event.targetUri,
          },
        };
        work = async () => result;
      } else {
        const reason = event.reason;
        const result: RecordResult = {
          delta: { ...emptyBackfillCounts(), records: 1, damaged: 1 },
          done: { location, offset: event.offset, outcome: 'damaged', reason },
          problem: { list: 'damaged', reason },
        };
        deps.log.warn('damaged archive record', { location, offset: event.offset, reason });
        work = async () => result;
      }
      const slot: Slot = { offset: eventOffset, next, promise: Promise.resolve() };
      slot.promise = work().then((r) => {
        slot.result = r;
      });
      // Awaited in order below; this only keeps a failure of a later slot from going unhandled meanwhile.
      slot.promise.catch(() => {});
      slots.push(slot);
      while (slots.length >= concurrency) {
        try {
          await slots[0].promise;
        } catch {
          await settle();
        }
        await saveSometimes(commit());
        if (slots.length > 0 && slots[0].next === undefined) break;
      }
    }
    await settle();
    const last = slots.at(-1);
    if (!endedEarly && last && last.next === undefined) last.next = last.offset;
    commit();
    if (!endedEarly) checkpoint.done = slots.length === 0;
    await save();
  } catch (error) {
    throw error instanceof PipelineError
      ? error
      : new PipelineError(`${location}: backfill stopped (${describeError(error)})`, {
          cause: error,
          retryable: isRetryable(error),
        });
  }
  return { checkpoint, counts, damaged, failed, endedEarly, alreadyDone: false };
}

/** Counts of one record: `records` 1 plus the given fields. */
function delta(fields: Partial<BackfillCounts>): BackfillCounts {
  return { ...emptyBackfillCounts(), records: 1, ...fields };
}

/** Runs one HTML response through the page-processing step. */
async function processRecord(
  deps: PipelineDeps,
  location: string,
  record: ArchiveRecord,
  url: string,
  fetchedAt: string,
  contentType: string | undefined,
  filters: BackfillFilters,
): Promise<RecordResult> {
  const raw = { key: warcRawKey(location), offset: record.offset, length: record.length };
  const base = { location, offset: record.offset, url };
  try {
    const outcome = await processPage(
      deps,
      { url, body: record.http!.body, contentType, fetchedAt, raw },
      { accept: (metadata) => languageRejection(metadata.language, filters) },
    );
    if (outcome.kind === 'stored')
      return {
        delta: delta({ processed: 1, stored: 1 }),
        done: { ...base, outcome: 'stored', articleId: outcome.articleId },
      };
    if (outcome.kind === 'unchanged') {
      // Stored from this same record by a run that died before its checkpoint: count it as stored.
      const existing = await deps.index.getArticle(outcome.articleId);
      const sameRecord =
        existing?.rawKey === raw.key &&
        existing.rawOffset === raw.offset &&
        existing.rawLength === raw.length;
      return sameRecord
        ? {
            delta: delta({ processed: 1, stored: 1 }),
            done: { ...base, outcome: 'stored', articleId: outcome.articleId },
          }
        : {
            delta: delta({ processed: 1, unchanged: 1 }),
            done: { ...base, outcome: 'unchanged', articleId: outcome.articleId },
          };
    }
    return {
      delta: delta({ processed: 1, skipped: { [outcome.reason]: 1 } }),
      done: { ...base, outcome: 'skipped', reason: outcome.reason },
    };
  } catch (error) {
    // Storage trouble is not this record's fault: stop here so a rerun (or the state machine's
    // retry) redoes the record, rather than moving the checkpoint past it.
    if (isRetryable(error) || error instanceof StorageError) throw error;
    const reason = describeError(error);
    deps.log.warn('archive record failed', { location, offset: record.offset, url, error: reason });
    return {
      delta: delta({ processed: 1, failed: 1 }),
      done: { ...base, outcome: 'failed', reason },
      problem: { list: 'failed', reason },
    };
  }
}

/** Errors worth retrying the file for: ours marked retryable, and AWS throttling or 5xx. */
function isRetryable(error: unknown): boolean {
  if (error instanceof PipelineError) return error.retryable;
  const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|TimeoutError|ECONNRESET/.test(
    String(e?.name ?? ''),
  );
}
