/**
 * The archive's key layout, shared by S3 and the local file store. Clean copies sit under
 * `clean/dt=<day>/host=<host>/` so Athena can read them with partition projection (one JSON
 * object per file, one line). Renderings live under a separate prefix so the Athena table never
 * reads them.
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

/** Key of a raw page as fetched (gzip), one per fetch so earlier versions are kept. */
export function rawKey(host: string, fetchedAt: string, urlKeyHash: string): string {
  const stamp = fetchedAt.replace(/[:.]/g, '-');
  return `raw/dt=${dayOf(fetchedAt)}/host=${hostSegment(host)}/${urlKeyHash}/${stamp}.html.gz`;
}
