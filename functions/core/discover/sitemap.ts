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
import { checkXmlText, MAX_XML_CHARS } from './xml-document';
import { peekRootName, scanXml } from './xml-scan';

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

  checkXmlText(text, sitemapUrl);
  const rootName = peekRootName(text)?.toLowerCase();
  if (rootName === 'rss' || rootName === 'rdf' || rootName === 'feed')
    return sitemapFromFeed(text, sitemapUrl);
  if (rootName !== 'urlset' && rootName !== 'sitemapindex') {
    throw new InvalidInputError(
      `${sitemapUrl}: not a sitemap (${rootName === undefined ? 'no root element found' : `root element <${rootName}>`}, expected <urlset> or <sitemapindex>)`,
    );
  }

  const urls: SitemapUrl[] = [];
  const sitemaps: SitemapRef[] = [];
  let fields: Record<string, string> = {};
  // Elements are matched by local name and depth: <urlset><url><loc>, <url><news><title>, ...
  scanXml(text, sitemapUrl, (path, value) => {
    const depth = path.length;
    const name = path[depth - 1];
    if (depth === 3) {
      fields[name] = value;
    } else if (depth === 4 && path[2] === 'news') {
      // Google News extension; image/video extensions are ignored (they describe media).
      fields[`news:${name}`] = value;
    } else if (depth === 2) {
      if (name === 'url') pushUrl(urls, fields, sitemapUrl);
      else if (name === 'sitemap') pushSitemap(sitemaps, fields, sitemapUrl);
      fields = {};
    }
  });
  return { urls, sitemaps };
}

/** Adds a `<url>` entry when its `<loc>` is a usable http(s) URL. */
function pushUrl(urls: SitemapUrl[], fields: Record<string, string>, sitemapUrl: string): void {
  const url = httpUrlOrUndefined(fields.loc, sitemapUrl);
  if (url === undefined) return;
  const entry: SitemapUrl = { url };
  const lastmod = parseFeedDate(fields.lastmod);
  if (lastmod !== undefined) entry.lastmod = lastmod;
  const newsTitle = toPlainText(fields['news:title']);
  if (newsTitle !== undefined) entry.newsTitle = newsTitle;
  const newsPublishedAt = parseFeedDate(fields['news:publication_date']);
  if (newsPublishedAt !== undefined) entry.newsPublishedAt = newsPublishedAt;
  urls.push(entry);
}

/** Adds a `<sitemap>` entry of an index when its `<loc>` is a usable http(s) URL. */
function pushSitemap(sitemaps: SitemapRef[], fields: Record<string, string>, sitemapUrl: string): void {
  const loc = httpUrlOrUndefined(fields.loc, sitemapUrl);
  if (loc === undefined) return;
  const lastmod = parseFeedDate(fields.lastmod);
  sitemaps.push(lastmod === undefined ? { loc } : { loc, lastmod });
}

/** Search engines accept RSS and Atom feeds as sitemaps; publishers list them in robots.txt. */
function sitemapFromFeed(text: string, sitemapUrl: string): ParsedSitemap {
  return {
    urls: parseFeed(text, sitemapUrl).map((entry) => {
      const lastmod = entry.updatedAt ?? entry.publishedAt;
      return lastmod === undefined ? { url: entry.url } : { url: entry.url, lastmod };
    }),
    sitemaps: [],
  };
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
    const why =
      code === 'ERR_BUFFER_TOO_LARGE'
        ? `inflates beyond ${MAX_GUNZIPPED_BYTES} bytes`
        : `corrupt or truncated gzip data`;
    throw new InvalidInputError(`gzip: ${why}`, { cause: error });
  }
}

/** A text sitemap: one absolute URL per line (Google's format); other lines are ignored. */
function parseTextSitemap(text: string, sitemapUrl: string): ParsedSitemap {
  if (text.length > MAX_XML_CHARS)
    throw new InvalidInputError(`${sitemapUrl}: text sitemap too large (${text.length} characters)`);
  const urls: SitemapUrl[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!/^https?:\/\//i.test(trimmed)) continue;
    const url = httpUrlOrUndefined(trimmed, sitemapUrl);
    if (url !== undefined) urls.push({ url });
  }
  if (urls.length === 0)
    throw new InvalidInputError(`${sitemapUrl}: not a sitemap (neither XML nor lines of URLs)`);
  return { urls, sitemaps: [] };
}

function httpUrlOrUndefined(reference: string | undefined, base: string): string | undefined {
  // Blank must not resolve to the sitemap's own URL.
  if (reference === undefined || reference.trim() === '') return undefined;
  try {
    const url = new URL(reference.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
