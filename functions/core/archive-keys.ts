/**
 * The archive's key layout, shared by S3 and the local file store. Clean copies sit under
 * `clean/dt=<day>/host=<host>/` so Athena can read them with partition projection (one JSON
 * object per file, one line). Renderings live under a separate prefix so the Athena table never
 * reads them.
 *
 * Raw pages are bundled: one object under `raw/dt=<day written>/bundle-<stamp>-<id>.gz` holds the
 * pages of one crawl batch as concatenated gzip members, one per page (`zcat` reads the whole
 * bundle; the byte range of one member gunzips to exactly that page). An article record keeps the
 * bundle key and its member's range (`rawKey`, `rawOffset`, `rawLength`), since nothing in the key
 * names the host or article any more. One PUT per batch instead of one per page is the point.
 * Objects written before bundling (`raw/dt=<fetch day>/host=<host>/<articleId>/<stamp>.html.gz`,
 * one page each) have no range in their record and are read whole.
 */

/** Day partition (UTC date) of an ISO timestamp. */
export function dayOf(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO timestamp: ${iso}`);
  return new Date(ms).toISOString().slice(0, 10);
}

/** Hosts become one path segment: keep what S3 and file systems accept unchanged. */
function hostSegment(host: string): string {
  return host.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
}

/** Key of the clean JSON copy. */
export function cleanKey(day: string, host: string, articleId: string): string {
  return `clean/dt=${day}/host=${hostSegment(host)}/${articleId}.json`;
}

/** Key of a Markdown or plain-text rendering. */
export function renderingKey(day: string, host: string, articleId: string, format: 'md' | 'txt'): string {
  return `text/dt=${day}/host=${hostSegment(host)}/${articleId}.${format}`;
}

/**
 * Key of a raw-page bundle written at `writtenAt`. `bundleId` (random, lower-case hex) keeps
 * bundles of concurrent writers apart; the time stamp keeps a day's keys in write order.
 *
 * @example
 * rawBundleKey('2026-11-24T10:00:00.000Z', '0123456789ab'); // 'raw/dt=2026-11-24/bundle-2026-11-24T10-00-00-000Z-0123456789ab.gz'
 */
export function rawBundleKey(writtenAt: string, bundleId: string): string {
  if (!/^[0-9a-f]+$/.test(bundleId)) throw new RangeError(`bundle id must be lower-case hex: ${bundleId}`);
  const stamp = new Date(Date.parse(writtenAt)).toISOString().replace(/[:.]/g, '-');
  return `raw/dt=${dayOf(writtenAt)}/bundle-${stamp}-${bundleId}.gz`;
}
