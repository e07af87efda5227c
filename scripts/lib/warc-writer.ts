/**
 * A minimal WARC writer for tests and the WARC benchmark: they write their own archives (both
 * versions, plain or record-gzipped, responses, revisits, warcinfo, damaged files) rather than ship
 * binary fixtures. Production code only reads WARC (through warcio).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { gzipSync } from 'node:zlib';

export type WarcVersion = '1.0' | '1.1';

/** One HTTP response to archive. */
export interface ArchivedResponse {
  url: string;
  /** Capture time (ISO 8601). */
  date: string;
  status?: number;
  /** HTTP headers; Content-Type defaults to `text/html; charset=utf-8`. */
  headers?: Record<string, string>;
  body: Uint8Array | string;
  version?: WarcVersion;
}

const CRLF = '\r\n';

/** The bytes of one WARC record (header block, content, the two closing CRLFs). */
export function warcRecord(
  type: string,
  fields: Record<string, string>,
  content: Uint8Array,
  version: WarcVersion = '1.1',
): Buffer {
  const head = [
    `WARC/${version}`,
    `WARC-Type: ${type}`,
    `WARC-Record-ID: <urn:uuid:${randomUUID()}>`,
    ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${content.byteLength}`,
  ].join(CRLF);
  return Buffer.concat([Buffer.from(head + CRLF + CRLF), content, Buffer.from(CRLF + CRLF)]);
}

/** A `response` record holding an HTTP response. */
export function responseRecord(response: ArchivedResponse): Buffer {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : Buffer.from(response.body);
  const status = response.status ?? 200;
  const headers = { 'Content-Type': 'text/html; charset=utf-8', ...response.headers };
  if (
    !Object.keys(headers).some(
      (k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding',
    )
  )
    Object.assign(headers, { 'Content-Length': String(body.byteLength) });
  const http = Buffer.concat([
    Buffer.from(
      `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}${CRLF}${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}${CRLF}`)
        .join('')}${CRLF}`,
    ),
    body,
  ]);
  return warcRecord(
    'response',
    {
      'WARC-Target-URI': response.url,
      'WARC-Date': warcDate(response.date, response.version ?? '1.1'),
      'Content-Type': 'application/http; msgtype=response',
    },
    http,
    response.version,
  );
}

/** A `revisit` record (identical payload to an earlier capture): HTTP headers only. */
export function revisitRecord(url: string, date: string, version: WarcVersion = '1.1'): Buffer {
  const http = Buffer.from(`HTTP/1.1 200 OK${CRLF}Content-Type: text/html${CRLF}${CRLF}`);
  return warcRecord(
    'revisit',
    {
      'WARC-Target-URI': url,
      'WARC-Date': warcDate(date, version),
      'WARC-Profile':
        version === '1.0'
          ? 'http://netpreserve.org/warc/1.0/revisit/identical-payload-digest'
          : 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest',
      'Content-Type': 'application/http; msgtype=response',
    },
    http,
    version,
  );
}

/** A `warcinfo` record, as files start with. */
export function warcinfoRecord(filename: string, version: WarcVersion = '1.1'): Buffer {
  return warcRecord(
    'warcinfo',
    {
      'WARC-Date': warcDate(new Date(0).toISOString(), version),
      'WARC-Filename': filename,
      'Content-Type': 'application/warc-fields',
    },
    Buffer.from(`software: news-dedup-pipeline tests${CRLF}format: WARC File Format ${version}${CRLF}`),
    version,
  );
}

/** A `request` record (skipped by readers of responses). */
export function requestRecord(url: string, date: string, version: WarcVersion = '1.1'): Buffer {
  const host = new URL(url).host;
  return warcRecord(
    'request',
    {
      'WARC-Target-URI': url,
      'WARC-Date': warcDate(date, version),
      'Content-Type': 'application/http; msgtype=request',
    },
    Buffer.from(`GET ${new URL(url).pathname} HTTP/1.1${CRLF}Host: ${host}${CRLF}${CRLF}`),
    version,
  );
}

/** WARC/1.0 dates have whole seconds; 1.1 allows fractions. */
function warcDate(iso: string, version: WarcVersion): string {
  const d = new Date(iso).toISOString();
  return version === '1.0' ? `${d.slice(0, 19)}Z` : d;
}

/** Where a record was written. */
export interface WrittenRecord {
  offset: number;
  length: number;
}

/**
 * Writes records to a file as a stream, each gzipped as its own member when `gzip` (the
 * `.warc.gz` convention), and returns every record's offset and length.
 */
export class WarcFileWriter {
  private readonly out: WriteStream;
  private position = 0;

  constructor(
    path: string,
    private readonly gzip: boolean,
  ) {
    this.out = createWriteStream(path);
  }

  /** Appends one record; waits when the stream's buffer is full, so memory stays small. */
  async add(record: Buffer): Promise<WrittenRecord> {
    const bytes = this.gzip ? gzipSync(record) : record;
    const written = { offset: this.position, length: bytes.byteLength };
    this.position += bytes.byteLength;
    if (!this.out.write(bytes)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    return written;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.position;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

/** Writes whole records to one file at once (small test archives). */
export async function writeWarcFile(
  path: string,
  records: Buffer[],
  gzip: boolean,
): Promise<WrittenRecord[]> {
  const writer = new WarcFileWriter(path, gzip);
  const written: WrittenRecord[] = [];
  for (const r of records) written.push(await writer.add(r));
  await writer.close();
  return written;
}
