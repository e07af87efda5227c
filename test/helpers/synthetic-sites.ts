import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Source } from '../../functions/core/sources';
import { generateSyntheticNews, type SyntheticArticle } from '../../scripts/lib/synthetic-news';

/**
 * Generated publisher sites served from memory on one loopback port, routed by Host header, for
 * pipeline-level tests and the crawl benchmark. Each host has realistic article pages (navigation,
 * cookie banner, "most read" list, related links, footer, JSON-LD and OpenGraph around the body),
 * an RSS feed, an XML sitemap and a robots.txt naming the sitemap. Every answer carries an ETag
 * and Last-Modified, and a matching conditional GET gets a 304. Every request is logged with its
 * time, so callers can measure requests per host per second at the server.
 *
 * Article text comes from `scripts/lib/synthetic-news.ts` (the dedup benchmark's generator), so
 * some articles are syndicated copies of others, as on the real web.
 */

/** One request seen by the server. */
export interface SiteRequest {
  host: string;
  path: string;
  atMs: number;
  status: number;
}

/** A route handler for a fault or a special page: write the whole answer on `res`. */
export type RouteOverride = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Options of {@link generateSites}. */
export interface SyntheticSitesOptions {
  /** Article pages in all (spread over the hosts by the generator). */
  articles: number;
  hosts: number;
  seed?: number;
  /** Share of syndicated copies among the articles (default: the generator's 0.55). */
  copyShare?: number;
}

/** Generated content: path → body per host. */
export interface SyntheticSites {
  hosts: string[];
  articles: SyntheticArticle[];
  /** `http://<host>/<path>` of every article page. */
  articleUrls: string[];
  /** host → path → page. */
  pages: Map<string, Map<string, { body: Buffer; contentType: string }>>;
}

/** Every page claims this modification time; a fixed value keeps runs comparable. */
const SITE_LAST_MODIFIED = 'Tue, 24 Nov 2026 06:00:00 GMT';

/** Generates the sites (deterministic for a seed). Hosts are `<label>.example`, plain http. */
export function generateSites(options: SyntheticSitesOptions): SyntheticSites {
  const articles = generateSyntheticNews({
    articles: options.articles,
    hosts: options.hosts,
    seed: options.seed ?? 7,
    copyShare: options.copyShare,
  });
  const pages = new Map<string, Map<string, { body: Buffer; contentType: string }>>();
  const byHost = new Map<string, SyntheticArticle[]>();
  const articleUrls: string[] = [];
  for (const a of articles) {
    const host = hostOfArticle(a);
    if (!byHost.has(host)) byHost.set(host, []);
    byHost.get(host)!.push(a);
  }
  for (const [host, list] of byHost) {
    const site = new Map<string, { body: Buffer; contentType: string }>();
    pages.set(host, site);
    const mostRead = list.slice(0, 5);
    for (const [i, a] of list.entries()) {
      const path = articlePath(a);
      articleUrls.push(`http://${host}${path}`);
      const related = list.slice(i + 1, i + 4);
      site.set(path, {
        body: Buffer.from(renderArticle(host, a, mostRead, related)),
        contentType: 'text/html; charset=utf-8',
      });
    }
    site.set('/feed.xml', {
      body: Buffer.from(renderRss(host, list)),
      contentType: 'application/rss+xml; charset=utf-8',
    });
    site.set('/sitemap.xml', {
      body: Buffer.from(renderSitemap(host, list)),
      contentType: 'application/xml; charset=utf-8',
    });
    site.set('/robots.txt', {
      body: Buffer.from(`User-agent: *\nDisallow: /private/\n\nSitemap: http://${host}/sitemap.xml\n`),
      contentType: 'text/plain; charset=utf-8',
    });
    site.set('/', { body: Buffer.from(renderHome(host, list)), contentType: 'text/html; charset=utf-8' });
  }
  return { hosts: [...byHost.keys()].sort(), articles, articleUrls, pages };
}

/** One source per host: the feed and the sitemap, no per-run cap that would hide articles. */
export function sourcesFor(sites: Pick<SyntheticSites, 'hosts'>, extra: Partial<Source> = {}): Source[] {
  return sites.hosts.map((host) => ({
    id: host.replace(/\.example$/, '').replace(/[^a-z0-9]+/g, '-'),
    name: host,
    feeds: [`http://${host}/feed.xml`],
    sitemaps: [`http://${host}/sitemap.xml`],
    homepage: `http://${host}/`,
    schedule: 'rate(1 hour)',
    allow: [],
    deny: [],
    maxArticlesPerRun: 100_000,
    useRobotsSitemaps: false,
    enabled: true,
    ...extra,
  }));
}

/**
 * Publishes only the first `fraction` of each host's articles in its feed and sitemap (the
 * article pages themselves stay reachable), so a test can let a site grow between runs; with
 * `window`, only the newest `window` published articles are listed, as in a real feed.
 * Returns the URLs now listed.
 */
export function publishShare(
  sites: SyntheticSites,
  server: SyntheticSitesServer,
  fraction: number,
  options: { window?: number } = {},
): string[] {
  const listed: string[] = [];
  for (const host of sites.hosts) {
    const all = sites.articles.filter((a) => hostOfArticle(a) === host);
    const published = all.slice(0, Math.ceil(all.length * Math.min(1, Math.max(0, fraction))));
    // Real feeds and news sitemaps list only the latest entries: `window` keeps the newest N.
    const shown = options.window === undefined ? published : published.slice(-options.window);
    server.setPage(host, '/feed.xml', renderRss(host, shown));
    server.setPage(host, '/sitemap.xml', renderSitemap(host, shown));
    for (const a of shown) listed.push(`http://${host}${articlePath(a)}`);
  }
  return listed;
}

/** A running synthetic-sites server. */
export interface SyntheticSitesServer {
  port: number;
  /** hostMap for FetchOptions: every generated host (and override host) → this server. */
  hostMap: Record<string, { host: string; port: number }>;
  requests: SiteRequest[];
  /** Adds or replaces the answer of `http://<host><path>` (faults, changed pages, extra hosts). */
  override(host: string, path: string, handler: RouteOverride): void;
  /** Replaces a page's body (a changed article), keeping its content type. */
  setPage(host: string, path: string, body: string | Buffer, contentType?: string): void;
  close(): Promise<void>;
}

/** Serves `sites` on 127.0.0.1 (ephemeral port unless `port` is given). */
export async function startSyntheticSites(
  sites: SyntheticSites,
  options: { port?: number } = {},
): Promise<SyntheticSitesServer> {
  const requests: SiteRequest[] = [];
  const overrides = new Map<string, RouteOverride>();
  const extraHosts = new Set<string>();
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: SiteRequest = { host, path, atMs: Date.now(), status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const override = overrides.get(`${host}${path}`);
    if (override) return override(req, res);
    const page = sites.pages.get(host)?.get(path);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>Not found</title><p>No such page.</p>');
    }
    const etag = `"${createHash('sha1').update(page.body).digest('hex').slice(0, 16)}"`;
    const validators = { etag, 'last-modified': SITE_LAST_MODIFIED };
    const inm = req.headers['if-none-match'];
    if (
      inm !== undefined
        ? inm.split(',').some((t) => t.trim() === etag)
        : req.headers['if-modified-since'] === SITE_LAST_MODIFIED
    ) {
      res.writeHead(304, validators);
      return res.end();
    }
    res.writeHead(200, {
      'content-type': page.contentType,
      'content-length': String(page.body.length),
      ...validators,
    });
    res.end(page.body);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const hostMap = (): Record<string, { host: string; port: number }> =>
    Object.fromEntries([...sites.hosts, ...extraHosts].map((h) => [h, { host: '127.0.0.1', port }]));
  const result: SyntheticSitesServer = {
    port,
    hostMap: hostMap(),
    requests,
    override(host, path, handler) {
      overrides.set(`${host}${path}`, handler);
      if (!sites.pages.has(host)) extraHosts.add(host);
      result.hostMap = hostMap();
    },
    setPage(host, path, body, contentType) {
      if (!sites.pages.has(host)) sites.pages.set(host, new Map());
      const site = sites.pages.get(host)!;
      site.set(path, {
        body: Buffer.isBuffer(body) ? body : Buffer.from(body),
        contentType: contentType ?? site.get(path)?.contentType ?? 'text/html; charset=utf-8',
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return result;
}

/**
 * The largest number of requests any host received within any 1-second window (`[t, t + 1000)`),
 * per host. This is what a publisher's rate limiter sees.
 */
export function maxRequestsPerSecondByHost(
  requests: readonly SiteRequest[],
  windowMs = 1_000,
): Map<string, number> {
  const times = new Map<string, number[]>();
  for (const r of requests) {
    if (!times.has(r.host)) times.set(r.host, []);
    times.get(r.host)!.push(r.atMs);
  }
  const out = new Map<string, number>();
  for (const [host, list] of times) {
    list.sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < list.length; end++) {
      while (list[end] - list[start] >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    out.set(host, best);
  }
  return out;
}

function hostOfArticle(a: SyntheticArticle): string {
  // www.<label><n>.example → <label><n>.example: short names, distinct per generated host.
  return a.host.replace(/^www\./, '');
}

function articlePath(a: SyntheticArticle): string {
  const day = a.publishedAt.slice(0, 10).replace(/-/g, '/');
  return `/news/${day}/${slug(a.title)}-${a.id}.html`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'story'
  );
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SECTIONS = ['World', 'Politics', 'Business', 'Science', 'Sport', 'Culture', 'Opinion', 'Weather'];

function header(host: string, siteName: string): string {
  const nav = SECTIONS.map((s) => `<li><a href="/${s.toLowerCase()}/">${s}</a></li>`).join('');
  return `<div id="cookie-banner" class="consent">We use cookies to improve your experience. <button>Accept all</button> <a href="/privacy">Manage settings</a></div>
<header class="site-header"><a class="logo" href="http://${host}/">${esc(siteName)}</a>
<nav class="main-nav"><ul>${nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form></header>`;
}

function footer(siteName: string): string {
  return `<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>
<li><a href="/terms">Terms of use</a></li><li><a href="/privacy">Privacy policy</a></li></ul>
<p>&copy; 2026 ${esc(siteName)}. All rights reserved. Reproduction without permission is prohibited.</p></footer>`;
}

function renderArticle(
  host: string,
  a: SyntheticArticle,
  mostRead: SyntheticArticle[],
  related: SyntheticArticle[],
): string {
  const url = `http://${host}${articlePath(a)}`;
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: a.title,
    datePublished: a.publishedAt,
    publisher: { '@type': 'Organization', name: a.siteName },
    mainEntityOfPage: url,
  }).replace(/</g, '\\u003c');
  const body = a.paragraphs.map((p) => `<p>${esc(p.text)}</p>`).join('\n');
  const list = (items: SyntheticArticle[]) =>
    items.map((r) => `<li><a href="${articlePath(r)}">${esc(r.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(a.title)} | ${esc(a.siteName)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="${url}">
<meta property="og:title" content="${esc(a.title)}"><meta property="og:site_name" content="${esc(a.siteName)}">
<meta property="og:type" content="article"><meta property="article:published_time" content="${a.publishedAt}">
<script type="application/ld+json">${jsonLd}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>
</head><body>
${header(host, a.siteName)}
<main><article class="story">
<h1 class="headline">${esc(a.title)}</h1>
<div class="byline">By Staff Reporter <time datetime="${a.publishedAt}">${a.publishedAt.slice(0, 10)}</time></div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
<div class="article-body">
${body}
</div>
<aside class="newsletter">Sign up for our morning newsletter and get the day's top stories in your inbox.</aside>
</article>
<section class="related"><h2>Related stories</h2><ul>${list(related)}</ul></section>
</main>
<aside class="sidebar"><h2>Most read</h2><ol>${list(mostRead)}</ol><div class="ad">Advertisement</div></aside>
${footer(a.siteName)}
</body></html>`;
}

function renderHome(host: string, list: SyntheticArticle[]): string {
  const siteName = list[0]?.siteName ?? host;
  const items = list
    .slice(0, 30)
    .map((a) => `<li><a href="${articlePath(a)}">${esc(a.title)}</a></li>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(siteName)}</title></head><body>
${header(host, siteName)}<main><h1>Latest news</h1><ul>${items}</ul></main>${footer(siteName)}</body></html>`;
}

function renderRss(host: string, list: SyntheticArticle[]): string {
  const items = list
    .map(
      (a) =>
        `<item><title>${esc(a.title)}</title><link>http://${host}${articlePath(a)}?utm_source=rss&amp;utm_medium=feed</link>` +
        `<guid isPermaLink="false">${a.id}</guid><pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate></item>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(list[0]?.siteName ?? host)}</title>` +
    `<link>http://${host}/</link><description>Latest news</description>\n${items}\n</channel></rss>\n`
  );
}

function renderSitemap(host: string, list: SyntheticArticle[]): string {
  const urls = list
    .map((a) => `<url><loc>http://${host}${articlePath(a)}</loc><lastmod>${a.publishedAt}</lastmod></url>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}
