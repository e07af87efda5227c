/**
 * The archive's key layout, shared by S3 and the local file store. Renderings live under a
 * separate prefix so the Athena table never reads them.
 *
 * Clean copies are bundled too: `clean/dt=<article day>/bundle-<stamp>-<id>.jsonl` is a plain
 * JSON Lines object, one clean copy per line, holding the articles of one crawl batch that share
 * that publication day (a batch spanning several days writes one bundle per day), so Athena reads
 * the day partitions with projection on `dt` only. A record keeps the bundle key and its line's
 * range (`cleanKey`, `cleanOffset`, `cleanLength`). Objects written before (one article each,
 * `clean/dt=<day>/host=<host>/<articleId>.json`) have no range in their record and are read whole.
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

/**
 * Key of a clean copy written before bundling (one article per object). Kept to read and
 * recognise those objects; new copies go to {@link cleanBundleKey}.
 */
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
  return `raw/dt=${dayOf(writtenAt)}/${bundleName(writtenAt, bundleId)}.gz`;
}

/**
 * Key of a clean-copy bundle of article day `day` written at `writtenAt` (see the module comment).
 *
 * @example
 * cleanBundleKey('2026-11-20', '2026-11-24T10:00:00.000Z', '0123456789ab'); // 'clean/dt=2026-11-20/bundle-2026-11-24T10-00-00-000Z-0123456789ab.jsonl'
 */
export function cleanBundleKey(day: string, writtenAt: string, bundleId: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return `clean/dt=${day}/${bundleName(writtenAt, bundleId)}.jsonl`;
}

/** `bundle-<stamp>-<id>`: the stamp keeps a day's bundles in write order, the id apart. */
function bundleName(writtenAt: string, bundleId: string): string {
  if (!/^[0-9a-f]+$/.test(bundleId)) throw new RangeError(`bundle id must be lower-case hex: ${bundleId}`);
  const stamp = new Date(Date.parse(writtenAt)).toISOString().replace(/[:.]/g, '-');
  return `bundle-${stamp}-${bundleId}`;
}

const BUNDLE_STAMP = /\/bundle-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-[0-9a-f]+\.[a-z]+$/;

/** When a raw or clean bundle was written (from its key), or undefined for keys not of a bundle. */
export function bundleWrittenAtMs(key: string): number | undefined {
  const m = BUNDLE_STAMP.exec(key);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : undefined;
}

/** Prefix of every clean object (clean bundles and pre-bundling copies). */
export const CLEAN_PREFIX = 'clean/dt=';

/** Prefix of the clean objects of one article day. */
export function cleanDayPrefix(day: string): string {
  return `${CLEAN_PREFIX}${day}/`;
}

/**
 * The article day of a clean object's key, or undefined for other keys.
 * @example
 * cleanDayOfKey('clean/dt=2026-11-20/bundle-2026-11-24T10-00-00-000Z-0a.jsonl'); // '2026-11-20'
 */
export function cleanDayOfKey(key: string): string | undefined {
  return /^clean\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}

/** True for the key of a clean copy stored before bundling ({@link cleanKey}: one article per object). */
export function isUnbundledCleanKey(key: string): boolean {
  return /\/host=[^/]+\/[0-9a-f]{32}\.json$/.test(key);
}
