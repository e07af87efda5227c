import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A tiny static web server that plays several fake publisher websites at once on loopback.
 *
 * The demo and the tests map stable fake hostnames (`dailyplanet.example`) to this server, the way
 * `curl --resolve` does, and send the real `Host` header; the server picks the site directory
 * from that header (virtual hosting). It behaves like a well-run publisher CDN so the fetcher's
 * conditional requests, compression and error handling are exercised for real:
 *
 * - `rootDir/<host>/<path>`; a directory serves its `index.html`, and a directory requested
 *   without a trailing slash is redirected (301) to the slash form, as Apache and nginx do.
 * - Content-Type by extension; `.xml` and `.json` are sniffed so RSS, Atom and JSON Feed get
 *   their own media types; `.xml.gz` is served as `application/gzip` (a file, not an encoding).
 * - Strong ETag (hash of the bytes served) and a constant Last-Modified, honouring
 *   If-None-Match and If-Modified-Since with 304.
 * - gzip when the client accepts it, for text-like types.
 * - 404 with an HTML page (the host's own `404.html` when it has one), HEAD, 405 for other
 *   methods, 400 for path traversal attempts; binds 127.0.0.1 only.
 * - A zero-byte file is served as an empty 200, which is how the demo shows an empty page.
 */

/** Options for {@link startSiteServer}. */
export interface SiteServerOptions {
  /** Directory whose subdirectories are named after the hosts they serve. */
  rootDir: string;
  /** TCP port; 0 (the default) picks a free ephemeral port. */
  port?: number;
}

/** A running site server. */
export interface SiteServer {
  /** The port bound on 127.0.0.1. */
  port: number;
  /** `http://127.0.0.1:<port>`, where every served host must be sent. */
  origin: string;
  /** Hostnames served (the subdirectory names of `rootDir`), sorted. */
  hosts: string[];
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Every response claims this modification time. File mtimes are not stable across git clones,
 * so a fixed date keeps If-Modified-Since behaviour reproducible; the ETag carries the real change.
 */
export const SITE_LAST_MODIFIED = 'Mon, 23 Nov 2026 06:00:00 GMT';
const SITE_LAST_MODIFIED_MS = Date.parse(SITE_LAST_MODIFIED);

/** Browsers and crawlers revalidate every time; this keeps 304s visible in the demo. */
const CACHE_CONTROL = 'no-cache';

/** Directory names that are hostnames: letters, digits and hyphens in at least two labels. */
const HOST_DIR_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** Sniff this many leading bytes to tell RSS from Atom from plain XML. */
const SNIFF_BYTES = 512;

const TYPES_BY_EXTENSION: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * Media type for a file, from its name and (for `.xml`/`.json`) its first bytes.
 *
 * @example
 * contentTypeFor('feed.xml', Buffer.from('<?xml version="1.0"?><rss version="2.0">'))
 * // => 'application/rss+xml; charset=utf-8'
 */
export function contentTypeFor(fileName: string, bytes: Buffer): string {
  const extension = extname(fileName).toLowerCase();
  if (extension === '.xml') {
    const head = bytes.subarray(0, SNIFF_BYTES).toString('utf8');
    if (/<rss[\s>]/.test(head)) return 'application/rss+xml; charset=utf-8';
    if (/<feed[\s>]/.test(head)) return 'application/atom+xml; charset=utf-8';
    return 'application/xml; charset=utf-8';
  }
  if (extension === '.json') {
    const head = bytes.subarray(0, SNIFF_BYTES).toString('utf8');
    return head.includes('jsonfeed.org/version')
      ? 'application/feed+json; charset=utf-8'
      : 'application/json; charset=utf-8';
  }
  return TYPES_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

/** Only text-like bodies are worth compressing; PDFs and gzip files already are. */
function isCompressible(contentType: string): boolean {
  return /^text\/|\+xml|\/xml|json|javascript/.test(contentType);
}

/** A quoted strong entity tag from the bytes served. */
function entityTag(bytes: Buffer, variant: string): string {
  const digest = createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
  return `"${digest}${variant}"`;
}

/** Whether the client accepts gzip (`gzip` listed without `q=0`). */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` prefixes are ignored. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag);
}

function isNotModified(request: IncomingMessage, etag: string): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  // When both are sent, If-None-Match wins (RFC 9110 13.2.2).
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const sinceMs = Date.parse(ifModifiedSince);
  return Number.isFinite(sinceMs) && sinceMs >= SITE_LAST_MODIFIED_MS;
}

/** The Host header's name without port, lower-cased; empty when missing. */
function hostFromHeader(header: string | undefined): string {
  if (!header) return '';
  const trimmed = header.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d*$/, '').replace(/\.$/, '');
}

/**
 * Splits the request target into decoded path segments, or returns null when it must be refused:
 * not origin-form, undecodable, or containing `..`, `.`, NUL or an encoded slash/backslash.
 */
function pathSegments(target: string): string[] | null {
  const path = target.split(/[?#]/, 1)[0];
  if (!path.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of path.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '..' || segment === '.' || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function errorPage(status: number, title: string, detail: string): Buffer {
  return Buffer.from(
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(title)}</title>` +
      `<meta name="robots" content="noindex"></head><body><h1>${escapeHtml(title)}</h1>` +
      `<p>${escapeHtml(detail)}</p></body></html>\n`,
  );
}

/** Lists the host directories under `rootDir`. */
async function listHosts(rootDir: string): Promise<string[]> {
  const entries = await readdir(rootDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && HOST_DIR_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

type Resolved = { kind: 'file'; path: string } | { kind: 'redirect'; location: string } | { kind: 'missing' };

/** Maps path segments to a file inside `siteDir`, never outside it (symlinks included). */
async function resolveFile(siteDir: string, segments: string[], rawPath: string): Promise<Resolved> {
  const candidate = join(siteDir, ...segments);
  let info;
  try {
    info = await stat(candidate);
  } catch {
    return { kind: 'missing' };
  }
  let filePath = candidate;
  if (info.isDirectory()) {
    if (!rawPath.endsWith('/')) return { kind: 'redirect', location: `${rawPath}/` };
    filePath = join(candidate, 'index.html');
  }
  try {
    const real = await realpath(filePath);
    if (!real.startsWith(siteDir + sep)) return { kind: 'missing' };
    return (await stat(real)).isFile() ? { kind: 'file', path: real } : { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
}

/**
 * Starts the publisher site server on 127.0.0.1.
 *
 * @example
 * const sites = await startSiteServer({ rootDir: 'test/fixtures/sites' });
 * // GET http://127.0.0.1:<sites.port>/feed.xml with `Host: dailyplanet.example`
 * await sites.close();
 */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const rootDir = await realpath(options.rootDir);
  const hosts = await listHosts(rootDir);
  const hostSet = new Set(hosts);
  // Fixtures are small and read-only while served; caching the gzip form saves CPU per request.
  const gzipCache = new Map<string, { etag: string; body: Buffer }>();

  async function send(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const host = hostFromHeader(request.headers.host);
    const target = request.url ?? '/';
    const finish = (status: number, headers: Record<string, string>, body: Buffer): void => {
      response.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      response.end(method === 'HEAD' ? undefined : body);
    };
    const fail = (status: number, title: string, detail: string, extra: Record<string, string> = {}): void =>
      finish(
        status,
        { 'Content-Type': 'text/html; charset=utf-8', ...extra },
        errorPage(status, title, detail),
      );

    if (method !== 'GET' && method !== 'HEAD') {
      fail(405, 'Method Not Allowed', `${method} is not supported here.`, { Allow: 'GET, HEAD' });
      return;
    }
    const segments = pathSegments(target);
    if (segments === null) {
      fail(400, 'Bad Request', 'The request path is not allowed.');
      return;
    }
    if (!hostSet.has(host)) {
      fail(404, 'Unknown Host', `No site is served for host "${host}". Served hosts: ${hosts.join(', ')}.`);
      return;
    }
    const siteDir = join(rootDir, host);
    const rawPath = target.split(/[?#]/, 1)[0];
    const resolved = await resolveFile(siteDir, segments, rawPath);
    if (resolved.kind === 'redirect') {
      const query = target.slice(rawPath.length);
      finish(
        301,
        { Location: resolved.location + query, 'Content-Type': 'text/html; charset=utf-8' },
        Buffer.alloc(0),
      );
      return;
    }
    if (resolved.kind === 'missing') {
      let page: Buffer;
      try {
        page = await readFile(join(siteDir, '404.html'));
      } catch {
        page = errorPage(404, 'Not Found', `The page ${rawPath} does not exist on ${host}.`);
      }
      finish(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': CACHE_CONTROL }, page);
      return;
    }

    const bytes = await readFile(resolved.path);
    const contentType = contentTypeFor(resolved.path, bytes);
    const compressible = isCompressible(contentType);
    const useGzip = compressible && bytes.length > 0 && acceptsGzip(request.headers['accept-encoding']);
    let body: Buffer = bytes;
    let etag = entityTag(bytes, '');
    if (useGzip) {
      // A strong ETag names one representation, so the gzip form gets its own tag.
      let cached = gzipCache.get(resolved.path);
      if (!cached || cached.etag !== `${etag.slice(0, -1)}-gz"`) {
        cached = { etag: `${etag.slice(0, -1)}-gz"`, body: gzipSync(bytes) };
        gzipCache.set(resolved.path, cached);
      }
      body = cached.body;
      etag = cached.etag;
    }
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      ETag: etag,
      'Last-Modified': SITE_LAST_MODIFIED,
      'Cache-Control': CACHE_CONTROL,
    };
    if (compressible) headers.Vary = 'Accept-Encoding';
    if (useGzip) headers['Content-Encoding'] = 'gzip';
    if (isNotModified(request, etag)) {
      delete headers['Content-Type'];
      delete headers['Content-Encoding'];
      response.writeHead(304, headers);
      response.end();
      return;
    }
    finish(200, headers, body);
  }

  const server = createServer((request, response) => {
    send(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      response.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    hosts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
