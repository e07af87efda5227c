/**
 * Feed parsing: RSS 2.0 (and 0.9x), RSS 1.0 (RDF), Atom 1.0 (and 0.3) and JSON Feed 1.x, into
 * one list of entries with absolute URLs and ISO dates. Pure: the caller fetches and decodes.
 */
import { InvalidInputError } from '../../errors';
import { parseFeedDate } from './feed-date';
import { toPlainText } from './plain-text';
import {
  attribute,
  child,
  childText,
  children,
  parseXmlDocument,
  rootElement,
  textOf,
  type XmlNode,
  type XmlValue,
} from './xml-document';

/** One article link found in a feed. */
export interface FeedEntry {
  /** Absolute http(s) URL of the article, as the feed gives it (not canonicalised). */
  url: string;
  title?: string;
  /** ISO 8601 (UTC). */
  publishedAt?: string;
  /** ISO 8601 (UTC). */
  updatedAt?: string;
}

/**
 * Parses a feed document. Entries without a usable http(s) link are skipped; relative links
 * are resolved against `xml:base` (Atom) or the feed URL. Entry order is the feed's.
 *
 * Link choice per format:
 * 1. RSS: `feedburner:origLink` (FeedBurner rewrites `<link>` to its redirector), then `<link>`,
 *    then an Atom `<atom:link rel="alternate">` inside the item, then `<guid>` unless
 *    `isPermaLink="false"`.
 * 2. RSS 1.0: `<link>`, then the item's `rdf:about`.
 * 3. Atom: `<link rel="alternate">` (or a link without `rel`), preferring `type="text/html"`.
 * 4. JSON Feed: `url`, then `external_url`, then `id` when it is a URL.
 *
 * @throws InvalidInputError naming `feedUrl` when the text is not well-formed XML/JSON or not a feed.
 * @example
 * parseFeed('<rss version="2.0"><channel><item><link>/a</link></item></channel></rss>', 'https://example.com/feed')
 * // → [{ url: 'https://example.com/a' }]
 */
export function parseFeed(xmlOrJson: string, feedUrl: string): FeedEntry[] {
  assertAbsoluteUrl(feedUrl, 'feed URL');
  const text = xmlOrJson.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) return parseJsonFeed(text, feedUrl);

  const doc = parseXmlDocument(text, feedUrl);
  const root = rootElement(doc);
  if (root === undefined) throw new InvalidInputError(`${feedUrl}: empty document, not a feed`);
  switch (root.name.toLowerCase()) {
    case 'rss':
      return parseRss(root.node, feedUrl);
    case 'rdf':
      return parseRdf(root.node, feedUrl);
    case 'feed':
      return parseAtom(root.node, feedUrl);
    default:
      throw new InvalidInputError(
        `${feedUrl}: not a feed (root element <${root.name}>, expected <rss>, <rdf:RDF> or <feed>)`,
      );
  }
}

function parseRss(rss: XmlValue, feedUrl: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  // Some feeds put items beside the channel instead of inside it; accept both.
  const items = [...children(child(rss, 'channel'), 'item'), ...children(rss, 'item')];
  for (const item of items) {
    const url = firstHttpUrl(feedUrl, [
      childText(item, 'origLink'),
      ...children(item, 'link').map((link) => (typeof link === 'string' ? link : textOf(link['#text']))),
      ...children(item, 'link')
        .filter(isAlternateLink)
        .map((link) => attribute(link, 'href')),
      attribute(child(item, 'guid'), 'isPermaLink')?.trim().toLowerCase() === 'false'
        ? undefined
        : absoluteOnly(childText(item, 'guid')),
    ]);
    if (url === undefined) continue;
    entries.push(
      entry(
        url,
        childText(item, 'title'),
        firstDate(item, ['pubDate', 'date', 'published', 'issued']),
        firstDate(item, ['updated', 'modified']),
      ),
    );
  }
  return entries;
}

function parseRdf(rdf: XmlValue, feedUrl: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  const items = [...children(rdf, 'item'), ...children(child(rdf, 'channel'), 'item')];
  for (const item of items) {
    const url = firstHttpUrl(feedUrl, [childText(item, 'link'), attribute(item, 'about')]);
    if (url === undefined) continue;
    entries.push(
      entry(
        url,
        childText(item, 'title'),
        firstDate(item, ['date', 'issued', 'pubDate']),
        firstDate(item, ['modified', 'updated']),
      ),
    );
  }
  return entries;
}

function parseAtom(feed: XmlValue, feedUrl: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  const feedBase = resolveOrUndefined(attribute(feed as XmlNode, 'base'), feedUrl) ?? feedUrl;
  for (const item of children(feed, 'entry')) {
    const base = resolveOrUndefined(attribute(item, 'base'), feedBase) ?? feedBase;
    const links = children(item, 'link').filter(isAlternateLink);
    // Prefer the HTML alternate: some entries also list e.g. an AMP or JSON alternate.
    links.sort((a, b) => htmlRank(a) - htmlRank(b));
    const url = firstHttpUrl(base, [
      ...links.map((link) => attribute(link, 'href')),
      absoluteOnly(childText(item, 'id')),
    ]);
    if (url === undefined) continue;
    entries.push(
      entry(
        url,
        textOf(child(item, 'title')),
        firstDate(item, ['published', 'issued', 'created']),
        firstDate(item, ['updated', 'modified']),
      ),
    );
  }
  return entries;
}

function parseJsonFeed(text: string, feedUrl: string): FeedEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      `${feedUrl}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (
    !isRecord(data) ||
    typeof data.version !== 'string' ||
    !/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/.test(data.version)
  ) {
    throw new InvalidInputError(
      `${feedUrl}: not a JSON Feed (missing or unknown "version"; expected https://jsonfeed.org/version/1.x)`,
    );
  }
  if (!Array.isArray(data.items)) throw new InvalidInputError(`${feedUrl}: JSON Feed has no "items" array`);
  const entries: FeedEntry[] = [];
  for (const item of data.items) {
    if (!isRecord(item)) continue;
    const url = firstHttpUrl(feedUrl, [
      stringOrUndefined(item.url),
      stringOrUndefined(item.external_url),
      absoluteOnly(stringOrUndefined(item.id)),
    ]);
    if (url === undefined) continue;
    entries.push(
      entry(
        url,
        stringOrUndefined(item.title),
        parseFeedDate(stringOrUndefined(item.date_published)),
        parseFeedDate(stringOrUndefined(item.date_modified)),
      ),
    );
  }
  return entries;
}

/** Builds an entry, leaving out absent fields (so equality checks and JSON stay clean). */
function entry(
  url: string,
  title: string | undefined,
  publishedAt: string | undefined,
  updatedAt: string | undefined,
): FeedEntry {
  const result: FeedEntry = { url };
  const plainTitle = toPlainText(title);
  if (plainTitle !== undefined) result.title = plainTitle;
  if (publishedAt !== undefined) result.publishedAt = publishedAt;
  if (updatedAt !== undefined) result.updatedAt = updatedAt;
  return result;
}

/** The first parseable date among the named children. */
function firstDate(item: XmlNode, names: readonly string[]): string | undefined {
  for (const name of names) {
    const date = parseFeedDate(childText(item, name));
    if (date !== undefined) return date;
  }
  return undefined;
}

/** Whether an element is an Atom-style `<link>` pointing at the entry's own page. */
function isAlternateLink(link: XmlNode): boolean {
  if (typeof link === 'string' || attribute(link, 'href') === undefined) return false;
  const rel = attribute(link, 'rel')?.trim().toLowerCase();
  return rel === undefined || rel === '' || rel === 'alternate';
}

function htmlRank(link: XmlNode): number {
  const type = attribute(link, 'type')?.toLowerCase();
  if (type === undefined || type === 'text/html' || type === 'application/xhtml+xml') return 0;
  return 1;
}

/** The first candidate that resolves (against `base`) to an absolute http(s) URL. */
function firstHttpUrl(base: string, candidates: readonly (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    const resolved = resolveOrUndefined(candidate, base);
    if (resolved !== undefined && /^https?:$/.test(new URL(resolved).protocol)) return resolved;
  }
  return undefined;
}

/** Resolves a possibly relative reference; `undefined` when blank or unparsable. */
function resolveOrUndefined(reference: string | undefined, base: string): string | undefined {
  const trimmed = reference?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/**
 * Identifiers (RSS `guid`, Atom `id`, JSON Feed `id`) count as links only when absolute: a
 * relative-looking id such as `12345` is an opaque key, not a path on the feed's host.
 */
function absoluteOnly(identifier: string | undefined): string | undefined {
  return identifier !== undefined && /^\s*https?:\/\//i.test(identifier) ? identifier : undefined;
}

/** Throws InvalidInputError unless `url` is an absolute URL (needed to resolve relative links). */
export function assertAbsoluteUrl(url: string, what: string): void {
  try {
    new URL(url);
  } catch (error) {
    throw new InvalidInputError(`${what} is not an absolute URL: ${JSON.stringify(url)}`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
