import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { ArchivedHttpResponse } from '../../ports/archive-record-source';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
/** Decoded payloads above this are cut: the fetcher's own body cap makes bigger pages unstorable anyway. */
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/**
 * Parses the block of a WARC `response` record (`application/http; msgtype=response`): status line,
 * headers and payload, undoing chunked transfer coding and gzip/deflate/br content coding when the
 * archive kept them (Common Crawl stores payloads decoded and renames the header, older crawls may
 * not). Undefined when the block does not start with an HTTP status line.
 *
 * @example
 * parseHttpBlock(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi'))?.status; // 200
 */
export function parseHttpBlock(block: Uint8Array): ArchivedHttpResponse | undefined {
  const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  let end = bytes.indexOf(CRLFCRLF);
  let separator = 4;
  if (end < 0) {
    end = bytes.indexOf(LFLF);
    separator = 2;
  }
  const head = (end < 0 ? bytes : bytes.subarray(0, end)).toString('latin1');
  const lines = head.split(/\r?\n/);
  const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\b/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body: Buffer = end < 0 ? Buffer.alloc(0) : bytes.subarray(end + separator);
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body) ?? body;
  body = decodeContent(body, headers['content-encoding']);
  return { status: Number(status[1]), headers, body };
}

/** Undoes chunked transfer coding; undefined when the body is not validly chunked (kept as is). */
function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size > body.length) return undefined;
    parts.push(body.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** Decodes a content coding the archive kept; a body that does not decode is kept as stored. */
function decodeContent(body: Buffer, encoding: string | undefined): Buffer {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity' || body.length === 0) return body;
  const options = { maxOutputLength: MAX_DECODED_BYTES, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, options);
    if (coding === 'br') return brotliDecompressSync(body, { maxOutputLength: MAX_DECODED_BYTES });
    if (coding === 'deflate') {
      try {
        return inflateSync(body, options);
      } catch {
        return inflateRawSync(body, options);
      }
    }
  } catch {
    return body;
  }
  return body;
}
