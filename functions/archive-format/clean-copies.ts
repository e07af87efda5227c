import type { ArticleRecord, ObjectRange, StoredCleanCopy } from '../core/article';
import { cleanBundleKey } from './keys';
import { StorageError } from '../errors';
import type { ArchiveStore } from '../ports/archive-store';
import type { CleanCopySink } from '../ports/clean-copy-sink';
import {
  BundleWriter,
  immediateParticipant,
  type BundleFormat,
  type BundleParticipant,
  type BundleWriterOptions,
} from './bundle-writer';

/**
 * Clean copies are archived in JSON Lines bundles: the clean copies (one line each) that one crawl
 * batch writes for one article day share ONE plain-text object, `clean/dt=<day>/bundle-...jsonl`
 * (see `archive-format/keys.ts`). Uncompressed so Athena reads it as text and a line's byte range
 * is the line itself; the record keeps that range.
 */

/** Content type of a clean bundle. */
export const CLEAN_BUNDLE_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/** Clean bundles: one group per article day. */
export const CLEAN_BUNDLE_FORMAT: BundleFormat = {
  key: (day, writtenAt, bundleId) => cleanBundleKey(day, writtenAt.toISOString(), bundleId),
  contentType: CLEAN_BUNDLE_CONTENT_TYPE,
};

/** Options of {@link CleanBundleWriter}: the generic writer's, its format fixed. */
export type CleanBundleWriterOptions = Omit<BundleWriterOptions, 'format'>;

/**
 * Group commit of clean copies, one bundle per article day (the generic `BundleWriter` over the
 * clean format).
 *
 * @example
 * const clean = new CleanBundleWriter({ archive, participants: records.length });
 * const sink = clean.participant();
 * try { await crawlUrl({ ...deps, cleanCopies: sink }, message); } finally { sink.done(); }
 */
export class CleanBundleWriter {
  private readonly writer: BundleWriter;

  constructor(options: CleanBundleWriterOptions) {
    this.writer = new BundleWriter({ ...options, format: CLEAN_BUNDLE_FORMAT });
  }

  /** A sink for one participant; at most `participants` are handed out. */
  participant(): CleanCopySink {
    return cleanSinkOf(this.writer.participant());
  }
}

function cleanSinkOf(participant: BundleParticipant): CleanCopySink {
  return {
    write: (lines) =>
      participant.write(lines.map((line) => ({ group: line.day, bytes: encodeCleanLine(line.copy) }))),
    done: () => participant.done(),
  };
}

/** A sink that stores each write at once, one bundle per day in it (local runs, tools, tests). */
export function immediateCleanSink(archive: ArchiveStore, now: () => Date = () => new Date()): CleanCopySink {
  return cleanSinkOf(immediateParticipant(archive, CLEAN_BUNDLE_FORMAT, now));
}

/** One clean copy as its bundle line: JSON with no raw newline inside, ending in `\n`. */
export function encodeCleanLine(copy: StoredCleanCopy): Uint8Array {
  return Buffer.from(`${JSON.stringify(copy)}\n`, 'utf8');
}

/**
 * Reads an article's stored clean copy: the line range of its bundle, or the whole object for
 * copies written before bundling (no range). Undefined when the object is absent; a StorageError
 * when the range is not all there or is not one JSON line (the record and the archive disagree).
 */
export async function readCleanCopy(
  archive: ArchiveStore,
  record: Pick<ArticleRecord, 'id' | 'cleanKey' | 'cleanOffset' | 'cleanLength'>,
): Promise<StoredCleanCopy | undefined> {
  const ranged = record.cleanOffset !== undefined && record.cleanLength !== undefined;
  const bytes = ranged
    ? await archive.getRange(record.cleanKey, record.cleanOffset!, record.cleanLength!)
    : await archive.get(record.cleanKey);
  if (!bytes) return undefined;
  if (ranged && bytes.byteLength !== record.cleanLength) {
    throw new StorageError(
      `clean copy of ${record.id}: ${record.cleanKey} holds ${bytes.byteLength} of the ${record.cleanLength} bytes at ${record.cleanOffset}`,
    );
  }
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredCleanCopy;
  } catch (error) {
    throw new StorageError(`clean copy of ${record.id} at ${record.cleanKey} is not a JSON line`, {
      cause: error,
    });
  }
}

/** The clean-copy pointer of a record from where its line was stored. */
export function cleanPointer(
  range: ObjectRange,
): Pick<ArticleRecord, 'cleanKey' | 'cleanOffset' | 'cleanLength'> {
  return { cleanKey: range.key, cleanOffset: range.offset, cleanLength: range.length };
}
