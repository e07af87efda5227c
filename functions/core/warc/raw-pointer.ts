/**
 * A raw page kept inside a web archive rather than copied: the article record's `rawKey` names the
 * archive file with this prefix, and `rawOffset`/`rawLength` the record in it.
 */
const WARC_KEY_PREFIX = 'warc:';

/**
 * The `rawKey` of a page read from an archive file.
 *
 * @example
 * warcRawKey('s3://commoncrawl/crawl-data/CC-NEWS/2026/11/a.warc.gz'); // 'warc:s3://commoncrawl/...'
 */
export function warcRawKey(location: string): string {
  return WARC_KEY_PREFIX + location;
}

/** The archive location a `rawKey` points into, or undefined for a key of our own raw archive. */
export function warcLocationOf(rawKey: string): string | undefined {
  return rawKey.startsWith(WARC_KEY_PREFIX) ? rawKey.slice(WARC_KEY_PREFIX.length) : undefined;
}
