import type { RawPageRef } from '../core/article';

/**
 * Where processPage archives a raw page. One sink per page being processed; the batch's sinks
 * share one bundle object (`RawBundleWriter`), or a sink stores each page at once as a bundle of
 * one (`singlePageRawSink`).
 */
export interface RawPageSink {
  /**
   * Adds one page (gzipped by the sink) to a bundle and resolves with where it sits once the
   * bundle is stored; rejects when storing that bundle fails (every page in it fails alike).
   */
  write(body: Uint8Array): Promise<RawPageRef>;
  /** This page will write nothing (more): its bundle need not wait for it. Idempotent. */
  done(): void;
}
