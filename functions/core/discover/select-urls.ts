/**
 * Merging what one discovery run found in feeds and sitemaps into one entry per canonical URL.
 */
import { canonicalizeUrl } from '../url/canonical-url';

/** A discovered URL after canonicalisation. */
export interface DiscoveredUrl {
  /** The URL as discovered (what the crawler fetches). */
  url: string;
  /** Canonical URL: the frontier key. */
  urlKey: string;
  /** Newest `lastmod` any listing gave for this key (ISO 8601). */
  lastmod?: string;
}

/**
 * Canonicalises each URL and keeps one entry per URL key, in order of first appearance. When a
 * key is listed several times (feed and sitemap, AMP and regular variant), the entry with the
 * newest `lastmod` wins, and its URL is the one fetched; an entry with a `lastmod` beats one
 * without. On a tie, an entry already spelled as its key (no tracking parameters, no AMP
 * variant) replaces one that is not, so the crawler fetches the plain address. URLs that cannot be canonicalised (not http(s), unparsable) are dropped: a feed
 * listing one bad link must not stop discovery of the rest.
 *
 * @example
 * dedupeDiscovered([{ url: 'https://example.com/a?utm_source=x' }, { url: 'https://example.com/a', lastmod: '2026-11-24T10:00:00.000Z' }])
 * // → [{ url: 'https://example.com/a', urlKey: 'https://example.com/a', lastmod: '2026-11-24T10:00:00.000Z' }]
 */
export function dedupeDiscovered(entries: readonly { url: string; lastmod?: string }[]): DiscoveredUrl[] {
  const byKey = new Map<string, DiscoveredUrl>();
  for (const entry of entries) {
    let urlKey: string;
    try {
      urlKey = canonicalizeUrl(entry.url);
    } catch {
      continue;
    }
    const candidate: DiscoveredUrl =
      entry.lastmod === undefined
        ? { url: entry.url, urlKey }
        : { url: entry.url, urlKey, lastmod: entry.lastmod };
    const existing = byKey.get(urlKey);
    if (
      existing === undefined ||
      isNewer(candidate.lastmod, existing.lastmod) ||
      isCleanerTie(candidate, existing)
    ) {
      // Map.set on an existing key keeps its original insertion position: first-appearance order.
      byKey.set(urlKey, candidate);
    }
  }
  return [...byKey.values()];
}

/** Same lastmod (or none), and only the candidate is already in canonical form. */
function isCleanerTie(candidate: DiscoveredUrl, existing: DiscoveredUrl): boolean {
  return (
    candidate.lastmod === existing.lastmod &&
    candidate.url === candidate.urlKey &&
    existing.url !== existing.urlKey
  );
}

/** Whether lastmod `a` is strictly newer than `b` (absent or unparsable counts as oldest). */
function isNewer(a: string | undefined, b: string | undefined): boolean {
  const timeA = a === undefined ? Number.NaN : Date.parse(a);
  if (Number.isNaN(timeA)) return false;
  const timeB = b === undefined ? Number.NaN : Date.parse(b);
  return Number.isNaN(timeB) || timeA > timeB;
}
