/** What a backfill did with the records of one archive file (or a whole run). */
export interface BackfillCounts {
  /** Every record read (any type). */
  records: number;
  /** Records sent through the page-processing step. */
  processed: number;
  /** Articles stored (new or changed). */
  stored: number;
  /** Articles already stored with the same text. */
  unchanged: number;
  /** Records skipped, by reason (`revisit`, `not-html`, `status-404`, `page-index`, ...). */
  skipped: Record<string, number>;
  /** Records that could not be read (truncated, corrupt). */
  damaged: number;
  /** Records whose processing failed (a storage error, ...); see the run's failure list. */
  failed: number;
}

/** Zero counts. */
export function emptyBackfillCounts(): BackfillCounts {
  return { records: 0, processed: 0, stored: 0, unchanged: 0, skipped: {}, damaged: 0, failed: 0 };
}

/**
 * Adds `more` into `into` (mutating it) and returns it.
 *
 * @example
 * addBackfillCounts(emptyBackfillCounts(), { ...emptyBackfillCounts(), stored: 2 }).stored; // 2
 */
export function addBackfillCounts(into: BackfillCounts, more: BackfillCounts): BackfillCounts {
  into.records += more.records;
  into.processed += more.processed;
  into.stored += more.stored;
  into.unchanged += more.unchanged;
  into.damaged += more.damaged;
  into.failed += more.failed;
  for (const [reason, n] of Object.entries(more.skipped))
    into.skipped[reason] = (into.skipped[reason] ?? 0) + n;
  return into;
}

/** Records skipped for any reason. */
export function skippedTotal(counts: BackfillCounts): number {
  return Object.values(counts.skipped).reduce((a, b) => a + b, 0);
}
