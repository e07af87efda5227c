/**
 * Sitemap parsing: `<urlset>` (with the Google News extension), `<sitemapindex>`, plain-text
 * sitemaps (one URL per line) and RSS/Atom feeds submitted as sitemaps, which search engines
 * accept and publishers therefore list in robots.txt. Pure: the caller fetches; gzip is undone
 * with {@link maybeGunzip}.
 */
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../../errors';
import { assertAbsoluteUrl, parseFeed } from './feed';
import { parseFeedDate } from './feed-date';
import { toPlainText } from './plain-text';
import { child, childText, children, MAX_XML_CHARS, parseXmlDocument, rootElement } from './xml-document';

/** A page URL listed in a sitemap. */
export interface SitemapUrl {
  /** Absolute http(s) URL, as listed (not canonicalised). */
  url: string;
  /** `<lastmod>`, ISO 8601 (UTC). */
  lastmod?: string;
  /** `<news:title>` of the Google News extension. */
  newsTitle?: string;
  /** `<news:publication_date>`, ISO 8601 (UTC). */
  newsPublishedAt?: string;
}

/** A child sitemap listed in a sitemap index. */
export interface SitemapRef {
  loc: string;
  lastmod?: string;
}

export interface ParsedSitemap {
  urls: SitemapUrl[];
  sitemaps: SitemapRef[];
}

/**
 * Largest decompressed size accepted by {@link maybeGunzip}: the sitemap protocol allows 50 MB
 * uncompressed; the cap stops a gzip bomb (a few KB that inflate to gigabytes) from taking the
 * Lambda's memory.
 */
export const MAX_GUNZIPPED_BYTES = 55 * 1024 * 1024;

/** gzip's magic bytes (RFC 1952). */
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Parses a sitemap or sitemap index. `<loc>` values are resolved against `sitemapUrl` (the
 * protocol requires absolute URLs, but relative ones occur) and entries that are not http(s)
 * are skipped. The protocol's same-host rule is not enforced here: robots.txt may legitimately
 * point at sitemaps hosted elsewhere; the caller's source filters decide what to crawl.
 *
 * @throws InvalidInputError naming `sitemapUrl` for invalid XML or an unknown root element.
 * @example
 * parseSitemap('<urlset><url><loc>https://example.com/a</loc></url></urlset>', 'https://example.com/sitemap.xml')
 * // → { urls: [{ url: 'https://example.com/a' }], sitemaps: [] }
 */
export function parseSitemap(xml: string, sitemapUrl: string): ParsedSitemap {
  assertAbsoluteUrl(sitemapUrl, 'sitemap URL');
  const text = xml.replace(/^\uFEFF/, '').trim();
  if (text === '') return { urls: [], sitemaps: [] };
  if (!text.startsWith('<')) return parseTextSitemap(text, sitemapUrl);

  const doc = parseXmlDocument(text, sitemapUrl);
  const root = rootElement(doc);
  if (root === undefined) throw new InvalidInputError(`${sitemapUrl}: empty document, not a sitemap`);
  switch (root.name.toLowerCase()) {
    case 'urlset': {
      const urls: SitemapUrl[] = [];
      for (const node of children(root.node, 'url')) {
        const url = httpUrlOrUndefined(childText(node, 'loc'), sitemapUrl);
        if (url === undefined) continue;
        const entry: SitemapUrl = { url };
        const lastmod = parseFeedDate(childText(node, 'lastmod'));
        if (lastmod !== undefined) entry.lastmod = lastmod;
        // Google News extension; image/video extensions are ignored (they describe media).
        const news = child(node, 'news');
        const newsTitle = toPlainText(childText(news, 'title'));
        if (newsTitle !== undefined) entry.newsTitle = newsTitle;
        const newsPublishedAt = parseFeedDate(childText(news, 'publication_date'));
        if (newsPublishedAt !== undefined) entry.newsPublishedAt = newsPublishedAt;
        urls.push(entry);
      }
      return { urls, sitemaps: [] };
    }
    case 'sitemapindex': {
      const sitemaps: SitemapRef[] = [];
      for (const node of children(root.node, 'sitemap')) {
        const loc = httpUrlOrUndefined(childText(node, 'loc'), sitemapUrl);
        if (loc === undefined) continue;
        const lastmod = parseFeedDate(childText(node, 'lastmod'));
        sitemaps.push(lastmod === undefined ? { loc } : { loc, lastmod });
      }
      return { urls: [], sitemaps };
    }
    case 'rss':
    case 'rdf':
    case 'feed':
      return {
        urls: parseFeed(text, sitemapUrl).map((entry) => {
          const lastmod = entry.updatedAt ?? entry.publishedAt;
          return lastmod === undefined ? { url: entry.url } : { url: entry.url, lastmod };
        }),
        sitemaps: [],
      };
    default:
      throw new InvalidInputError(`${sitemapUrl}: not a sitemap (root element <${root.name}>, expected <urlset> or <sitemapindex>)`);
  }
}

/**
 * Decompresses gzip data recognised by its magic bytes (`.xml.gz` sitemaps, or servers that send
 * gzip without `Content-Encoding`); returns other input unchanged.
 *
 * @throws InvalidInputError when the gzip data is corrupt or truncated, or inflates beyond
 *   {@link MAX_GUNZIPPED_BYTES}.
 * @example new TextDecoder().decode(maybeGunzip(gzipSync('<urlset/>'))) // → '<urlset/>'
 */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== GZIP_MAGIC_0 || bytes[1] !== GZIP_MAGIC_1) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `inflates beyond ${MAX_GUNZIPPED_BYTES} bytes` : `corrupt or truncated gzip data`;
    throw new InvalidInputError(`gzip: ${why}`, { cause: error });
  }
}

/** A text sitemap: one absolute URL per line (Google's format); other lines are ignored. */
function parseTextSitemap(text: string, sitemapUrl: string): ParsedSitemap {
  if (text.length > MAX_XML_CHARS) throw new InvalidInputError(`${sitemapUrl}: text sitemap too large (${text.length} characters)`);
  const urls: SitemapUrl[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!/^https?:\/\//i.test(trimmed)) continue;
    const url = httpUrlOrUndefined(trimmed, sitemapUrl);
    if (url !== undefined) urls.push({ url });
  }
  if (urls.length === 0) throw new InvalidInputError(`${sitemapUrl}: not a sitemap (neither XML nor lines of URLs)`);
  return { urls, sitemaps: [] };
}

function httpUrlOrUndefined(reference: string | undefined, base: string): string | undefined {
  if (reference === undefined) return undefined;
  try {
    const url = new URL(reference.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
