/**
 * Where a backfill remembers how far it got in each archive file, so an interrupted run resumes
 * at the next unprocessed record and its counts are neither lost nor doubled.
 */
import type { BackfillCounts } from '../core/warc/backfill-counts';

/** How far one archive file was read. */
export interface BackfillCheckpoint {
  /** The archive file (as `ArchiveRecordSource` locations are written). */
  location: string;
  /** Byte offset of the first record not yet done. */
  nextOffset: number;
  /** Whether the file was read to its end. */
  done: boolean;
  counts: BackfillCounts;
  /** When the checkpoint was written (ISO 8601). */
  updatedAt: string;
}

/** Checkpoints by archive location. */
export interface BackfillCheckpointStore {
  get(location: string): Promise<BackfillCheckpoint | undefined>;
  /** Replaces the location's checkpoint atomically: a crash leaves the old one or the new one. */
  put(checkpoint: BackfillCheckpoint): Promise<void>;
}
