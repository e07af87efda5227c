import type { ObjectRange, StoredCleanCopy } from '../core/article';

/** One clean copy to store: its line and its article day (the bundle partition). */
export interface CleanLine {
  day: string;
  copy: StoredCleanCopy;
}

/**
 * Where processPage stores clean-copy lines. One sink per page being processed; the batch's sinks
 * share one JSON Lines bundle per article day (`CleanBundleWriter`), or a sink stores each write at
 * once (`immediateCleanSink`).
 */
export interface CleanCopySink {
  /**
   * Adds lines (this article's, and rewrites of its copies' lines) to the batch's bundles, one per
   * article day, and resolves with each line's range once stored; rejects when storing any of
   * those bundles fails. Call at most once per page.
   */
  write(lines: readonly CleanLine[]): Promise<ObjectRange[]>;
  /** This page writes no (more) lines: the bundles need not wait for it. Idempotent. */
  done(): void;
}
