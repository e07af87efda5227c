import { gunzipSync, gzipSync } from 'node:zlib';
import type { ArticleRecord, RawPageRef } from '../core/article';
import { rawBundleKey } from './keys';
import { warcLocationOf } from '../core/warc/raw-pointer';
import type { ArchiveRecordSource } from '../ports/archive-record-source';
import type { ArchiveStore } from '../ports/archive-store';
import type { RawPageSink } from '../ports/raw-page-sink';
import {
  BundleWriter,
  immediateParticipant,
  storeBundle,
  type BundleFormat,
  type BundleParticipant,
  type BundleWriterOptions,
} from './bundle-writer';

/**
 * Raw pages are archived in bundles: the pages of one crawl batch concatenated as independent
 * gzip members in ONE object (one S3 PUT per batch instead of one per page). A member's byte range
 * gunzips to exactly its page, and `zcat` of the whole object gives every page in turn. The group
 * commit itself is the generic {@link BundleWriter}; this module is the raw format over it.
 */

/** Content type of a bundle: a (multi-member) gzip stream. */
export const RAW_BUNDLE_CONTENT_TYPE = 'application/gzip';

/**
 * Raw bundles: one group, keyed by the day they are written. Stored as `archive`: they are read
 * only when extraction is re-run, and on S3 that class (Intelligent-Tiering) makes them cheap
 * once unread without a lifecycle transition or retrieval fee per bundle. Clean bundles stay
 * standard: queries read them.
 */
export const RAW_BUNDLE_FORMAT: BundleFormat = {
  key: (_group, writtenAt, bundleId) => rawBundleKey(writtenAt.toISOString(), bundleId),
  contentType: RAW_BUNDLE_CONTENT_TYPE,
  storageClass: 'archive',
};

/** Options of {@link RawBundleWriter}: the generic writer's, its format fixed. */
export type RawBundleWriterOptions = Omit<BundleWriterOptions, 'format'>;

/**
 * Group commit of raw pages: each participant of a batch either writes its page or says it is
 * done without writing; when every participant has settled (or the linger time after the first
 * page), the written pages are stored as one bundle and every writer learns its range.
 *
 * @example
 * const writer = new RawBundleWriter({ archive, participants: records.length });
 * await Promise.all(records.map(async (r) => {
 *   const sink = writer.participant();
 *   try { await crawlUrl({ ...deps, rawPages: sink }, parse(r)); } finally { sink.done(); }
 * }));
 */
export class RawBundleWriter {
  private readonly writer: BundleWriter;

  constructor(options: RawBundleWriterOptions) {
    this.writer = new BundleWriter({ ...options, format: RAW_BUNDLE_FORMAT });
  }

  /** A sink for one participant; at most `participants` are handed out. */
  participant(): RawPageSink {
    return rawSinkOf(this.writer.participant());
  }
}

function rawSinkOf(participant: BundleParticipant): RawPageSink {
  return {
    write: async (body) => (await participant.write([{ group: '', bytes: gzipSync(body) }]))[0],
    done: () => participant.done(),
  };
}

/**
 * Stores gzip members as one bundle object and returns each member's range, in order (tools and
 * tests that build bundles by hand).
 */
export function storeRawBundle(
  archive: ArchiveStore,
  members: readonly Uint8Array[],
  writtenAt: Date,
): Promise<RawPageRef[]> {
  return storeBundle(archive, RAW_BUNDLE_FORMAT, '', members, writtenAt);
}

/**
 * A sink that stores each page at once as a bundle of one (the local CLI pipeline, reprocessing
 * tools, tests): same layout and the same reference, no waiting for other pages.
 */
export function singlePageRawSink(archive: ArchiveStore, now: () => Date = () => new Date()): RawPageSink {
  return rawSinkOf(immediateParticipant(archive, RAW_BUNDLE_FORMAT, now));
}

/**
 * Reads an article's current raw page: the member range of its bundle, the whole object for
 * records written before bundling (no range), or the WARC record a backfilled article points at
 * (read through `archiveRecords`). Undefined when the object or range is not there.
 */
export async function readRawPage(
  archive: ArchiveStore,
  record: ArticleRecord,
  archiveRecords?: ArchiveRecordSource,
): Promise<{ body: Uint8Array; raw: RawPageRef } | undefined> {
  if (!record.rawKey) return undefined;
  const warcLocation = warcLocationOf(record.rawKey);
  if (warcLocation !== undefined) {
    // Backfilled from a web archive: the page was never copied, the pointer names its WARC record.
    if (!archiveRecords || record.rawOffset === undefined || record.rawLength === undefined) return undefined;
    const archived = await archiveRecords.readAt(warcLocation, record.rawOffset, record.rawLength);
    if (!archived.http) return undefined;
    return {
      body: archived.http.body,
      raw: { key: record.rawKey, offset: record.rawOffset, length: record.rawLength },
    };
  }
  if (record.rawOffset !== undefined && record.rawLength !== undefined) {
    const gz = await archive.getRange(record.rawKey, record.rawOffset, record.rawLength);
    if (!gz || gz.byteLength !== record.rawLength) return undefined;
    return {
      body: gunzipSync(gz),
      raw: { key: record.rawKey, offset: record.rawOffset, length: record.rawLength },
    };
  }
  const gz = await archive.get(record.rawKey);
  if (!gz) return undefined;
  return { body: gunzipSync(gz), raw: { key: record.rawKey, offset: 0, length: gz.byteLength } };
}
