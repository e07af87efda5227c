/**
 * Web-archive records (WARC) read as a stream, for backfilling from archives such as Common Crawl's
 * CC-NEWS instead of fetching live pages. A location names one archive file: a local path, an
 * `s3://bucket/key` object or an http(s) URL.
 */

/** One archived HTTP exchange or other WARC record, with where its bytes sit in the file. */
export interface ArchiveRecord {
  /** Byte offset of the record in its file (of its gzip member in a `.warc.gz`). */
  offset: number;
  /** Bytes the record takes in its file (its gzip member in a `.warc.gz`). */
  length: number;
  /** `WARC/1.0` or `WARC/1.1`. */
  warcVersion: string;
  /** `response`, `revisit`, `request`, `warcinfo`, `metadata`, ... */
  type: string;
  /** `WARC-Target-URI`, when the record has one. */
  targetUri?: string;
  /** `WARC-Date` as given (ISO 8601, UTC). */
  date?: string;
  /** The HTTP response of a `response` record; absent for other types or an unparseable block. */
  http?: ArchivedHttpResponse;
}

/** The HTTP response carried by a `response` record, payload decoded (chunking, gzip, br, deflate). */
export interface ArchivedHttpResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What reading an archive file yields, in file order. */
export type ArchiveReadEvent =
  | { kind: 'record'; record: ArchiveRecord }
  /**
   * A record that could not be read (truncated, corrupt gzip member, not a WARC header). Reading
   * goes on at the next record the reader can find after `offset`, if any.
   */
  | { kind: 'damaged'; offset: number; reason: string }
  /** A record larger than the reader's limit, skipped unread. */
  | { kind: 'oversized'; offset: number; length: number; targetUri?: string };

/** Options of {@link ArchiveRecordSource.read}. */
export interface ArchiveReadOptions {
  /** Start at this byte offset (a record boundary, e.g. from a checkpoint). Default 0. */
  fromOffset?: number;
}

/** Reads archive files record by record, in constant memory. */
export interface ArchiveRecordSource {
  /** Streams the records of one file from `fromOffset` to its end. */
  read(location: string, options?: ArchiveReadOptions): AsyncIterable<ArchiveReadEvent>;
  /** Reads the one record at `offset` (`length` bytes), as a pointer stored with an article names it. */
  readAt(location: string, offset: number, length: number): Promise<ArchiveRecord>;
}
