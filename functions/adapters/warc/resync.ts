import { constants, gunzipSync } from 'node:zlib';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);
const WARC_LINE = Buffer.from('WARC/1.');
/** Bytes of a candidate gzip member inflated to check that it opens a WARC record. */
const PROBE_BYTES = 1024;

/**
 * Finds the next record start at or after the start of `stream` (whose first byte is at `base`):
 * in a record-gzipped file the next gzip member that inflates to a `WARC/1.x` line, in a plain file
 * the next line that is one. Reads forward chunk by chunk, keeping only a small window.
 */
export async function findNextRecordStart(
  stream: AsyncIterable<Uint8Array>,
  base: number,
  gzipped: boolean,
): Promise<number | undefined> {
  const needle = gzipped ? GZIP_MAGIC : WARC_LINE;
  let window = Buffer.alloc(0);
  let windowStart = base;
  let searchFrom = 0;
  const check = (at: number, final: boolean): boolean | 'more' => {
    if (!gzipped) {
      if (window.length < at + WARC_LINE.length + 3) return final ? false : 'more';
      const version = window[at + WARC_LINE.length];
      const startsLine = windowStart + at === base || (at > 0 && window[at - 1] === 0x0a);
      return (
        startsLine && (version === 0x30 || version === 0x31) && window[at + WARC_LINE.length + 1] === 0x0d
      );
    }
    if (window.length < at + PROBE_BYTES && !final) return 'more';
    try {
      const text = gunzipSync(window.subarray(at, at + PROBE_BYTES), {
        finishFlush: constants.Z_SYNC_FLUSH,
      });
      return text.subarray(0, WARC_LINE.length).equals(WARC_LINE);
    } catch {
      return false;
    }
  };
  const scan = (final: boolean): number | 'more' | undefined => {
    for (;;) {
      const at = window.indexOf(needle, searchFrom);
      if (at < 0) {
        searchFrom = Math.max(0, window.length - needle.length);
        return undefined;
      }
      const verdict = check(at, final);
      if (verdict === 'more') {
        searchFrom = at;
        return 'more';
      }
      if (verdict) return windowStart + at;
      searchFrom = at + 1;
    }
  };
  for await (const chunk of stream) {
    window = window.length ? Buffer.concat([window, chunk]) : Buffer.from(chunk);
    const found = scan(false);
    if (typeof found === 'number') return found;
    // Keep only what a later match may still need (and the byte before it: a line start).
    const keep = Math.max(0, Math.min(searchFrom, window.length) - 1);
    if (keep > 0) {
      window = window.subarray(keep);
      windowStart += keep;
      searchFrom -= keep;
    }
  }
  const found = scan(true);
  return typeof found === 'number' ? found : undefined;
}
