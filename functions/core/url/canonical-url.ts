/**
 * Canonical URLs, article ids and publisher hosts.
 *
 * The canonical URL is an identity key, not an address to fetch: the crawler always fetches the
 * URL as discovered and stores this key beside it. So the key may fold variants that a server
 * would distinguish in theory but that never name different articles in practice (tracking
 * parameters, AMP variants, trailing slashes). Decisions, each made for identity:
 *
 * - scheme: kept (`http` and `https` stay distinct keys, lower-cased). Folding would invent an
 *   https address for http-only sites; the page's own `<link rel=canonical>` (see
 *   {@link resolveCanonical}) unifies the two when the publisher serves both.
 * - host: lower-cased, trailing dot removed, `amp.` prefix folded, `www.` KEPT (the key stays a
 *   real address; {@link hostOf} drops `www.` for publisher identity).
 * - port: default ports dropped (the WHATWG parser does it); others kept.
 * - user info and fragment: dropped (never part of what the server returns).
 * - path: dot segments resolved, percent-encoding normalised (escapes of unreserved characters
 *   decoded, hex upper-cased), AMP markers removed, trailing slashes removed (except the root `/`).
 *   `index.html` is NOT removed: whether `/a/` and `/a/index.html` are one page depends on the
 *   server, and publishers declare the one they mean with a canonical link.
 * - query: tracking and AMP parameters removed (see `tracking-params.ts`), the rest sorted by
 *   name (stable for repeated names), empty `?` removed.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../errors';
import { foldAmpHost, foldAmpPath, isAmpQueryParam, unwrapAmpCacheUrl } from './amp';
import { isTrackingParam } from './tracking-params';
import { isSameSite } from './registrable-domain';

/** Article ids keep 128 bits of SHA-256: collision-free for any plausible archive, half the key size. */
const ARTICLE_ID_HEX_LENGTH = 32;

/** How many nested AMP-cache wrappers we unwrap before giving up (real URLs have one). */
const MAX_AMP_UNWRAP_DEPTH = 3;

/** Characters RFC 3986 calls unreserved: their percent-escapes mean the same as the character. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Normalises the URL to its canonical identity form (see the module notes for every decision).
 *
 * @throws InvalidInputError when the URL cannot be parsed or is not http(s).
 * @example
 * canonicalizeUrl('HTTPS://WWW.Example.com:443/News/Story/amp/?utm_source=x&b=2&a=1#top')
 * // → 'https://www.example.com/News/Story?a=1&b=2'
 */
export function canonicalizeUrl(url: string): string {
  let parsed = parseHttpUrl(url);
  for (let depth = 0; depth < MAX_AMP_UNWRAP_DEPTH; depth++) {
    const inner = unwrapAmpCacheUrl(parsed);
    if (inner === undefined) break;
    parsed = parseHttpUrl(inner);
  }

  const scheme = parsed.protocol; // already lower case, with ':'
  let hostname = parsed.hostname.replace(/\.$/, '');
  hostname = foldAmpHost(hostname);
  const port = parsed.port === '' ? '' : `:${parsed.port}`;

  let path = normalisePercentEncoding(parsed.pathname);
  path = foldAmpPath(path);
  path = path.replace(/\/+$/, '');
  if (path === '') path = '/';

  const query = canonicalQuery(parsed.search);
  return `${scheme}//${hostname}${port}${path}${query === '' ? '' : `?${query}`}`;
}

/**
 * The article id of a canonical URL: hex SHA-256 truncated to 128 bits (32 hex characters).
 * Pass the output of {@link canonicalizeUrl} or {@link resolveCanonical}; the id of any other
 * spelling of the URL differs.
 *
 * @example articleIdFor('https://www.example.com/news/story') // → 32 lower-case hex characters
 */
export function articleIdFor(canonicalUrl: string): string {
  return createHash('sha256').update(canonicalUrl, 'utf8').digest('hex').slice(0, ARTICLE_ID_HEX_LENGTH);
}

/**
 * The publisher host of a URL: lower-case host name without `www.` (and without an AMP prefix
 * or AMP cache wrapper), so `www.example.com`, `example.com` and `amp.example.com` count as one
 * publisher in per-host statistics and boilerplate counts. Other subdomains stay distinct:
 * `sport.example.com` is often a separately edited site with its own templates.
 *
 * @throws InvalidInputError when the URL cannot be parsed or is not http(s).
 * @example hostOf('https://WWW.Example.com/a') // → 'example.com'
 */
export function hostOf(url: string): string {
  const hostname = new URL(canonicalizeUrl(url)).hostname;
  // Only when a registrable name remains: `www.com` is a site of its own, not `com`.
  return hostname.startsWith('www.') && hostname.slice(4).includes('.') ? hostname.slice(4) : hostname;
}

/**
 * The canonical URL to key an article by, given the page's own URL and the canonical link it
 * declares (`<link rel="canonical">`, `og:url`), if any.
 *
 * The declared canonical is used only when it is on the same site (same registrable domain,
 * approximated in `registrable-domain.ts`). A canonical pointing to ANOTHER site is how
 * syndicators credit the origin: that page is a copy, and must keep its own id so dedup can
 * record it as a copy of the origin rather than overwrite the origin's article. A declared
 * canonical that is the site root while the page is not is a common CMS misconfiguration (every
 * page would collapse into one article) and is ignored too, as are unparsable or non-http(s)
 * values. Relative declared canonicals are resolved against the page URL.
 *
 * @throws InvalidInputError when `pageUrl` itself cannot be parsed or is not http(s).
 * @example
 * resolveCanonical('https://example.com/amp/story', 'https://www.example.com/story') // → 'https://www.example.com/story'
 * resolveCanonical('https://copycat.net/story', 'https://example.com/story') // → 'https://copycat.net/story'
 */
export function resolveCanonical(pageUrl: string, declaredCanonical?: string): string {
  const own = canonicalizeUrl(pageUrl);
  const declared = declaredCanonical?.trim();
  if (!declared) return own;

  let declaredKey: string;
  try {
    declaredKey = canonicalizeUrl(new URL(declared, pageUrl).href);
  } catch {
    return own;
  }
  const ownUrl = new URL(own);
  const declaredUrl = new URL(declaredKey);
  if (!isSameSite(ownUrl.hostname, declaredUrl.hostname)) return own;
  if (declaredUrl.pathname === '/' && declaredUrl.search === '' && ownUrl.pathname !== '/') return own;
  return declaredKey;
}

/** Parses an absolute http(s) URL or throws InvalidInputError saying what is wrong. */
function parseHttpUrl(url: string): URL {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch (error) {
    throw new InvalidInputError(`not a valid absolute URL: ${JSON.stringify(url)}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidInputError(`not an http(s) URL: ${JSON.stringify(url)}`);
  }
  if (parsed.hostname === '') {
    throw new InvalidInputError(`URL has no host: ${JSON.stringify(url)}`);
  }
  return parsed;
}

/**
 * Decodes percent-escapes of unreserved characters and upper-cases the hex of the others, so
 * `%7e`, `%7E` and `~` compare equal while `%2F` stays distinct from `/`.
 */
export function normalisePercentEncoding(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** Removes tracking and AMP parameters and sorts the rest by name; returns it without `?`. */
function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const kept: { name: string; pair: string }[] = [];
  for (const rawPair of search.slice(1).split('&')) {
    if (rawPair === '') continue;
    const pair = normalisePercentEncoding(rawPair);
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    const name = safeDecode(rawName);
    if (name === '' || isTrackingParam(name) || isAmpQueryParam(name, safeDecode(rawValue))) continue;
    kept.push({ name: rawName, pair });
  }
  // Array.prototype.sort is stable, so repeated names keep their order (a=2&a=1 stays so).
  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return kept.map((entry) => entry.pair).join('&');
}

/** Form-decodes a query component, leaving malformed escapes as they are. */
function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}
