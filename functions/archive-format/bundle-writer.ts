import { randomBytes } from 'node:crypto';
import type { ObjectRange } from '../core/article';
import type { ArchiveStorageClass, ArchiveStore } from '../ports/archive-store';

/**
 * Group commit of archive items into bundle objects: the items written by the participants of one
 * crawl batch (raw pages, clean-copy lines) are stored as one object per group (raw: one group;
 * clean copies: one per article day) instead of one object each, since S3 bills per PUT. Each
 * item's byte range in its bundle is handed back to its writer, which stores it in the record.
 */

/**
 * Longest a bundle waits, after its first item, for the other participants of its batch. Longer
 * than one fetch's total budget (20 s by default), so a page waiting for a slow sibling's fetch
 * normally still shares its bundle; far below the crawl Lambda's timeout (150 s), so the pages
 * already finished are stored even when a sibling hangs. An item written after its bundle left
 * starts another bundle (two PUTs for that batch: still correct).
 */
export const BUNDLE_LINGER_MS = 30_000;

/** How bundles of one kind are named and typed. */
export interface BundleFormat {
  /** Key of a new bundle of `group` written at `writtenAt`; `bundleId` is random lower-case hex. */
  key(group: string, writtenAt: Date, bundleId: string): string;
  contentType: string;
  /** Storage-class hint of every bundle of this kind (see {@link ArchiveStorageClass}); absent = standard. */
  storageClass?: ArchiveStorageClass;
}

/** One item to bundle: already encoded (a gzip member, a JSON line), placed in `group`'s bundle. */
export interface BundleItem {
  group: string;
  bytes: Uint8Array;
}

/** One participant's handle on a {@link BundleWriter}. */
export interface BundleParticipant {
  /**
   * Adds items (each to its group's bundle) and resolves with their ranges, in order, once every
   * bundle they went to is stored; rejects when storing any of them fails (every item of a failed
   * bundle fails alike). Settles the participant: call it once.
   */
  write(items: readonly BundleItem[]): Promise<ObjectRange[]>;
  /** This participant will write nothing (more): bundles need not wait for it. Idempotent. */
  done(): void;
}

/** Options of {@link BundleWriter}. */
export interface BundleWriterOptions {
  archive: ArchiveStore;
  format: BundleFormat;
  /** Number of participants (messages of the batch): bundles are stored when all have settled. */
  participants: number;
  /** See {@link BUNDLE_LINGER_MS} (the default). */
  lingerMs?: number;
  /** Clock for the keys' time stamps. */
  now?: () => Date;
}

interface PendingItem {
  group: string;
  bytes: Uint8Array;
  resolve(range: ObjectRange): void;
  reject(error: unknown): void;
}

/**
 * Each participant of a batch either writes its items or says it is done without writing; when
 * every participant has settled (or {@link BUNDLE_LINGER_MS} after the first item), the items
 * written so far are stored, one bundle per group, and every writer learns its ranges.
 *
 * @example
 * const writer = new BundleWriter({ archive, format, participants: records.length });
 * await Promise.all(records.map(async (r) => {
 *   const me = writer.participant();
 *   try { const [range] = await me.write([{ group: '2026-11-24', bytes }]); } finally { me.done(); }
 * }));
 */
export class BundleWriter {
  private readonly lingerMs: number;
  private readonly now: () => Date;
  private handedOut = 0;
  private settled = 0;
  private pending: PendingItem[] = [];
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: BundleWriterOptions) {
    if (!Number.isInteger(options.participants) || options.participants < 0)
      throw new RangeError(`participants must be a whole number, got ${options.participants}`);
    this.lingerMs = options.lingerMs ?? BUNDLE_LINGER_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** A handle for one participant; at most `participants` are handed out. */
  participant(): BundleParticipant {
    if (this.handedOut >= this.options.participants)
      throw new RangeError(`more than ${this.options.participants} participants`);
    this.handedOut += 1;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.settled += 1;
    };
    return {
      write: (items) => {
        const written = Promise.all(items.map((item) => this.add(item)));
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

  private add(item: BundleItem): Promise<ObjectRange> {
    return new Promise<ObjectRange>((resolve, reject) => {
      this.pending.push({ group: item.group, bytes: item.bytes, resolve, reject });
      if (this.pending.length === 1) this.lingerTimer = setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private flushIfComplete(): void {
    if (this.settled >= this.options.participants && this.pending.length > 0) void this.flush();
  }

  /** Stores the items written so far, one bundle per group; later items start the next bundles. */
  private async flush(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const items = this.pending;
    this.pending = [];
    const groups = new Map<string, PendingItem[]>();
    for (const item of items) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
    const writtenAt = this.now();
    await Promise.all(
      [...groups].map(async ([group, members]) => {
        try {
          const ranges = await storeBundle(
            this.options.archive,
            this.options.format,
            group,
            members.map((m) => m.bytes),
            writtenAt,
          );
          members.forEach((member, i) => member.resolve(ranges[i]));
        } catch (error) {
          for (const member of members) member.reject(error);
        }
      }),
    );
  }
}

/**
 * Stores encoded items back to back as one bundle object of `group` and returns each item's
 * range, in order. Used by {@link BundleWriter} and for bundles of one.
 */
export async function storeBundle(
  archive: ArchiveStore,
  format: BundleFormat,
  group: string,
  items: readonly Uint8Array[],
  writtenAt: Date,
): Promise<ObjectRange[]> {
  const key = format.key(group, writtenAt, randomBytes(6).toString('hex'));
  const ranges: ObjectRange[] = [];
  let offset = 0;
  for (const item of items) {
    ranges.push({ key, offset, length: item.byteLength });
    offset += item.byteLength;
  }
  const body = Buffer.concat(items);
  if (format.storageClass === undefined) await archive.put(key, body, format.contentType);
  else await archive.put(key, body, format.contentType, { storageClass: format.storageClass });
  return ranges;
}

/**
 * A participant that stores each write at once (one bundle per group of that write): the local
 * CLI pipeline, tools and tests get the same layout and references without waiting for others.
 */
export function immediateParticipant(
  archive: ArchiveStore,
  format: BundleFormat,
  now: () => Date = () => new Date(),
): BundleParticipant {
  return {
    write: async (items) => {
      const groups = new Map<string, number[]>();
      items.forEach((item, i) => groups.set(item.group, [...(groups.get(item.group) ?? []), i]));
      const ranges: ObjectRange[] = new Array(items.length);
      const writtenAt = now();
      for (const [group, indexes] of groups) {
        const stored = await storeBundle(
          archive,
          format,
          group,
          indexes.map((i) => items[i].bytes),
          writtenAt,
        );
        indexes.forEach((itemIndex, j) => (ranges[itemIndex] = stored[j]));
      }
      return ranges;
    },
    done: () => {},
  };
}
