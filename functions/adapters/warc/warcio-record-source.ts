import { WARCParser, type WARCRecord } from 'warcio';
import { InvalidInputError } from '../../errors';
import type {
  ArchiveReadEvent,
  ArchiveReadOptions,
  ArchiveRecord,
  ArchiveRecordSource,
} from '../../ports/archive-record-source';
import { parseArchiveLocation, type ArchiveLocation } from './archive-location';
import { ArchiveByteSource } from './byte-source';
import { parseHttpBlock } from './http-block';
import { findNextRecordStart } from './resync';

/** Records above this are skipped unread: no news page is near it, and memory stays bounded. */
export const DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024;

/** Options of {@link WarcioRecordSource}. */
export interface WarcioRecordSourceOptions {
  bytes?: ArchiveByteSource;
  /** See {@link DEFAULT_MAX_RECORD_BYTES}. */
  maxRecordBytes?: number;
}

/** A record read but not yet yielded: its length is known once the next record's offset is. */
type Pending = (length: number) => ArchiveReadEvent;

/**
 * {@link ArchiveRecordSource} on webrecorder's `warcio` parser: WARC/1.0 and 1.1, plain or
 * record-gzipped (each record its own gzip member, as Common Crawl writes them), streamed from a
 * file, S3 object or URL so memory holds one record at a time.
 *
 * A damaged record (a truncated file, a corrupt gzip member, bytes that are not a WARC header, a
 * block shorter than its Content-Length) is reported as a `damaged` event with its offset, and
 * reading goes on at the next record start found after it (the next gzip member that inflates to
 * a WARC header, or the next `WARC/1.x` line), in a new stream from that offset.
 *
 * @example
 * const source = new WarcioRecordSource();
 * for await (const event of source.read('/data/CC-NEWS-20261101.warc.gz'))
 *   if (event.kind === 'record') console.log(event.record.offset, event.record.targetUri);
 */
export class WarcioRecordSource implements ArchiveRecordSource {
  private readonly bytes: ArchiveByteSource;
  private readonly maxRecordBytes: number;

  constructor(options: WarcioRecordSourceOptions = {}) {
    this.bytes = options.bytes ?? new ArchiveByteSource();
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  async *read(locationText: string, options: ArchiveReadOptions = {}): AsyncIterable<ArchiveReadEvent> {
    const location = parseArchiveLocation(locationText);
    let start: number | undefined = options.fromOffset ?? 0;
    let gzipped: boolean | undefined;
    while (start !== undefined) {
      const run = this.readFrom(location, start);
      let step = await run.next();
      while (!step.done) {
        yield step.value;
        step = await run.next();
      }
      const { resumeAfter, gzip } = step.value;
      gzipped ??= gzip;
      start =
        resumeAfter === undefined || gzipped === undefined
          ? undefined
          : await findNextRecordStart(this.bytes.stream(location, resumeAfter + 1), resumeAfter + 1, gzipped);
    }
  }

  async readAt(locationText: string, offset: number, length: number): Promise<ArchiveRecord> {
    const location = parseArchiveLocation(locationText);
    const bytes = await this.bytes.range(location, offset, length);
    const what = `${locationText} at offset ${offset}`;
    if (bytes.byteLength < length)
      throw new InvalidInputError(
        `${what}: the file ends ${length - bytes.byteLength} bytes short of the record`,
      );
    const parser = new WARCParser([bytes], { parseHttp: false });
    const record = await parser.parse().catch(() => null);
    if (!record?.warcType) throw new InvalidInputError(`${what}: not a WARC record`);
    const block = await record.readFully(false);
    if (block.byteLength < record.warcContentLength)
      throw new InvalidInputError(`${what}: the record is truncated`);
    return toArchiveRecord(record, block, offset, length);
  }

  /**
   * Reads records from `base` until the end or the first damage. Returns the offset of the damaged
   * record (reading goes on after it) or undefined at a clean end, and whether the file is gzipped.
   */
  private async *readFrom(
    location: ArchiveLocation,
    base: number,
  ): AsyncGenerator<ArchiveReadEvent, { resumeAfter?: number; gzip?: boolean }> {
    let bytesFed = 0;
    let gzip: boolean | undefined;
    const source = this.bytes.stream(location, base);
    // An error of the byte stream itself (no such file, a failed GET) is the caller's to see, not
    // a damaged record: it is kept here and rethrown wherever the parser reports it.
    let sourceError: unknown;
    const counted = (async function* () {
      try {
        for await (const chunk of source) {
          if (gzip === undefined && chunk.byteLength >= 2) gzip = chunk[0] === 0x1f && chunk[1] === 0x8b;
          bytesFed += chunk.byteLength;
          yield chunk;
        }
      } catch (error) {
        sourceError = error;
        throw error;
      }
    })();
    const unreadable = (error: unknown): string => {
      if (sourceError) throw sourceError;
      return `unreadable record (${(error as Error).message})`;
    };
    const parser = new WARCParser(counted, { parseHttp: false });
    let pending: { offset: number; event: Pending } | undefined;
    /** Yields the pending record, now that the next record (or the end) starts at `nextOffset`. */
    const flush = function* (nextOffset: number) {
      if (pending) yield pending.event(nextOffset - pending.offset);
      pending = undefined;
    };
    const damaged = (offset: number, reason: string): ArchiveReadEvent => ({
      kind: 'damaged',
      offset,
      reason,
    });
    for (;;) {
      let record: WARCRecord | null;
      const before = pending ? pending.offset : base;
      try {
        record = await parser.parse();
      } catch (error) {
        const offset = Math.max(before, base + parser.offset);
        const reason = unreadable(error);
        yield* flush(offset);
        yield damaged(offset, reason);
        return { resumeAfter: offset, gzip };
      }
      const offset = base + parser.offset;
      if (!record) {
        yield* flush(offset);
        if (offset < base + bytesFed) {
          yield damaged(
            offset,
            `${base + bytesFed - offset} bytes at the end are not a complete record (truncated file?)`,
          );
          return { resumeAfter: offset, gzip };
        }
        return { gzip };
      }
      yield* flush(offset);
      if (!record.warcType || !(record.warcHeaders.protocol ?? '').startsWith('WARC/')) {
        yield damaged(offset, gzip ? 'corrupt gzip member or not a WARC record' : 'not a WARC record header');
        return { resumeAfter: offset, gzip };
      }
      const declared = record.warcContentLength;
      if (declared > this.maxRecordBytes) {
        const targetUri = record.warcTargetURI ?? undefined;
        try {
          await record.skipFully();
        } catch (error) {
          yield damaged(offset, unreadable(error));
          return { resumeAfter: offset, gzip };
        }
        pending = { offset, event: (length) => ({ kind: 'oversized', offset, length, targetUri }) };
        continue;
      }
      let block: Uint8Array;
      try {
        block = await record.readFully(false);
      } catch (error) {
        yield damaged(offset, unreadable(error));
        return { resumeAfter: offset, gzip };
      }
      if (block.byteLength < declared) {
        yield damaged(offset, `truncated record: ${block.byteLength} of ${declared} content bytes`);
        return { resumeAfter: offset, gzip };
      }
      const read = record;
      pending = {
        offset,
        event: (length) => ({ kind: 'record', record: toArchiveRecord(read, block, offset, length) }),
      };
    }
  }
}

function toArchiveRecord(
  record: WARCRecord,
  block: Uint8Array,
  offset: number,
  length: number,
): ArchiveRecord {
  const type = record.warcType ?? '';
  const contentType = record.warcContentType ?? '';
  const http =
    type === 'response' && (contentType === '' || /application\/http/i.test(contentType))
      ? parseHttpBlock(block)
      : undefined;
  return {
    offset,
    length,
    warcVersion: record.warcHeaders.protocol ?? '',
    type,
    ...(record.warcTargetURI ? { targetUri: record.warcTargetURI } : {}),
    ...(record.warcDate ? { date: record.warcDate } : {}),
    ...(http ? { http } : {}),
  };
}
