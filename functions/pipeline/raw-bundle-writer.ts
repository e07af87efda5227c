import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { RawPageRef } from '../core/article';
import { rawBundleKey } from '../core/archive-keys';
import type { ArchiveStore } from '../ports/archive-store';

/**
 * Raw pages are archived in bundles: the pages of one crawl batch concatenated as independent
 * gzip members in ONE object (one S3 PUT per batch instead of one per page). A member's byte range
 * gunzips to exactly its page, and `zcat` of the whole object gives every page in turn.
 */

/** Content type of a bundle: a (multi-member) gzip stream. */
export const RAW_BUNDLE_CONTENT_TYPE = 'application/gzip';

/**
 * Longest a bundle waits, after its first page, for the other participants of its batch. Longer
 * than one fetch's total budget (20 s by default), so a page waiting for a slow sibling's fetch
 * normally still shares its bundle; far below the crawl Lambda's timeout (150 s), so the pages
 * already finished are stored even when a sibling hangs. A page written after its bundle left
 * starts another bundle (two PUTs for that batch: still correct).
 */
export const RAW_BUNDLE_LINGER_MS = 30_000;

/** Where processPage archives a raw page. One sink per page being processed. */
export interface RawPageSink {
  /**
   * Adds one page (gzipped here) to a bundle and resolves with where it sits once the bundle is
   * stored; rejects when storing that bundle fails (every page in it fails alike).
   */
  write(body: Uint8Array): Promise<RawPageRef>;
  /** This page will write nothing (more): its bundle need not wait for it. Idempotent. */
  done(): void;
}

/** Options of {@link RawBundleWriter}. */
export interface RawBundleWriterOptions {
  archive: ArchiveStore;
  /** Number of participants (pages of the batch): the bundle is stored when all have settled. */
  participants: number;
  /** See {@link RAW_BUNDLE_LINGER_MS} (the default). */
  lingerMs?: number;
  /** Clock for the key's day and time stamp. */
  now?: () => Date;
}

interface PendingPage {
  member: Buffer;
  resolve(ref: RawPageRef): void;
  reject(error: unknown): void;
}

/**
 * Group commit of raw pages: each participant of a batch either writes its page or says it is
 * done without writing; when every participant has settled (or {@link RAW_BUNDLE_LINGER_MS} after
 * the first page), the written pages are stored as one bundle and every writer learns its range.
 *
 * @example
 * const writer = new RawBundleWriter({ archive, participants: records.length });
 * await Promise.all(records.map(async (r) => {
 *   const sink = writer.participant();
 *   try { await crawlUrl({ ...deps, rawPages: sink }, parse(r)); } finally { sink.done(); }
 * }));
 */
export class RawBundleWriter {
  private readonly lingerMs: number;
  private readonly now: () => Date;
  private handedOut = 0;
  private settled = 0;
  private pending: PendingPage[] = [];
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RawBundleWriterOptions) {
    if (!Number.isInteger(options.participants) || options.participants < 0) throw new RangeError(`participants must be a whole number, got ${options.participants}`);
    this.lingerMs = options.lingerMs ?? RAW_BUNDLE_LINGER_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** A sink for one participant; at most `participants` are handed out. */
  participant(): RawPageSink {
    if (this.handedOut >= this.options.participants) throw new RangeError(`more than ${this.options.participants} participants`);
    this.handedOut += 1;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.settled += 1;
    };
    return {
      write: (body) => {
        const written = this.add(body);
        settle();
        this.flushIfComplete();
        return written;
      },
      done: () => {
        settle();
        this.flushIfComplete();
      },
    };
  }

  private add(body: Uint8Array): Promise<RawPageRef> {
    return new Promise<RawPageRef>((resolve, reject) => {
      this.pending.push({ member: gzipSync(body), resolve, reject });
      if (this.pending.length === 1) {
        this.lingerTimer = setTimeout(() => void this.flush(), this.lingerMs);
      }
    });
  }

  private flushIfComplete(): void {
    if (this.settled >= this.options.participants && this.pending.length > 0) void this.flush();
  }

  /** Stores the pages written so far as one bundle; later pages start the next bundle. */
  private async flush(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const pages = this.pending;
    this.pending = [];
    if (pages.length === 0) return;
    try {
      const refs = await storeRawBundle(this.options.archive, pages.map((p) => p.member), this.now());
      pages.forEach((page, i) => page.resolve(refs[i]));
    } catch (error) {
      for (const page of pages) page.reject(error);
    }
  }
}

/**
 * Stores gzip members as one bundle object and returns each member's range, in order.
 * Used by {@link RawBundleWriter} and for single-page bundles.
 */
export async function storeRawBundle(archive: ArchiveStore, members: readonly Uint8Array[], writtenAt: Date): Promise<RawPageRef[]> {
  const key = rawBundleKey(writtenAt.toISOString(), randomBytes(6).toString('hex'));
  const refs: RawPageRef[] = [];
  let offset = 0;
  for (const member of members) {
    refs.push({ key, offset, length: member.byteLength });
    offset += member.byteLength;
  }
  await archive.put(key, Buffer.concat(members), RAW_BUNDLE_CONTENT_TYPE);
  return refs;
}

/**
 * A sink that stores each page at once as a bundle of one (the local CLI pipeline, reprocessing
 * tools, tests): same layout and the same reference, no waiting for other pages.
 */
export function singlePageRawSink(archive: ArchiveStore, now: () => Date = () => new Date()): RawPageSink {
  return {
    write: async (body) => (await storeRawBundle(archive, [gzipSync(body)], now()))[0],
    done: () => {},
  };
}
