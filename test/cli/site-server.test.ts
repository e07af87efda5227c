import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  contentTypeFor,
  SITE_LAST_MODIFIED,
  startSiteServer,
  type SiteServer,
} from '../../functions/cli/demo/site-server';

const SITES_DIR = fileURLToPath(new URL('../fixtures/sites', import.meta.url));
const SOURCES_DIR = fileURLToPath(new URL('../fixtures/sources', import.meta.url));

/** Feed/sitemap entries that point at nothing on purpose (the demo's 404 bad input). */
const INTENTIONALLY_MISSING = new Set([
  'http://dailyplanet.example/news/2026/11/24/ferry-timetable-changes.html',
]);
/** Hosts the demo sources name but the server must NOT serve (the unreachable publisher). */
const UNSERVED_HOSTS = new Set(['offline-gazette.example']);
/** The brief's size budget per page: realistic but small. */
const MAX_PAGE_BYTES = 30 * 1024;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let sites: SiteServer;

/** One request to the site server over loopback, with the given Host header; body left encoded. */
function get(
  host: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: sites.port,
        path,
        method,
        headers: { Host: host, ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** GET an absolute `http://<host>/...` URL through the server, as the demo's resolver does. */
function getUrl(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const parsed = new URL(url);
  return get(parsed.host, parsed.pathname + parsed.search, headers);
}

/** Article-like URLs listed in a feed or sitemap document. */
function listedUrls(xml: string): string[] {
  const urls = [
    ...[...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => m[1]),
    ...[...xml.matchAll(/<item>[\s\S]*?<link>\s*([^<\s]+)\s*<\/link>/g)].map((m) => m[1]),
    ...[...xml.matchAll(/<entry>[\s\S]*?<link[^>]*href="([^"]+)"/g)].map((m) => m[1]),
  ];
  return urls.map((url) => url.replace(/&amp;/g, '&'));
}

async function feedAndSitemapUrls(): Promise<{ document: string; url: string }[]> {
  const found: { document: string; url: string }[] = [];
  for (const host of sites.hosts) {
    const robots = (await get(host, '/robots.txt')).body.toString('utf8');
    const documents = new Set([...robots.matchAll(/^Sitemap:\s*(\S+)/gim)].map((m) => m[1]));
    for (const name of await readdir(join(SITES_DIR, host))) {
      if (/^(feed|atom|rss)\.xml$/.test(name)) documents.add(`http://${host}/${name}`);
    }
    for (const document of documents) {
      const reply = await getUrl(document);
      expect(reply.status, document).toBe(200);
      const xml = (document.endsWith('.gz') ? gunzipSync(reply.body) : reply.body).toString('utf8');
      for (const url of listedUrls(xml)) found.push({ document, url });
    }
  }
  return found;
}

beforeAll(async () => {
  sites = await startSiteServer({ rootDir: SITES_DIR });
});

afterAll(async () => {
  await sites?.close();
});

describe('startSiteServer', () => {
  it('serves one site per host directory and ignores non-host directories', () => {
    expect(sites.port).toBeGreaterThan(0);
    expect(sites.origin).toBe(`http://127.0.0.1:${sites.port}`);
    expect(sites.hosts).toEqual(['dailyplanet.example', 'metroherald.example', 'wirewatch.example']);
    expect(sites.hosts).not.toContain('_build');
  });

  it('picks the site from the Host header and ignores its port', async () => {
    const plain = await get('dailyplanet.example', '/robots.txt');
    const withPort = await get('DailyPlanet.example:8080', '/robots.txt');
    expect(plain.status).toBe(200);
    expect(withPort.status).toBe(200);
    expect(withPort.body.equals(plain.body)).toBe(true);
    expect(plain.body.toString()).toContain('Disallow: /private/');
  });

  it('answers an unknown host with a 404 naming the served hosts', async () => {
    const reply = await get('offline-gazette.example', '/feed.xml');
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).toContain('dailyplanet.example');
  });

  it('sets content types by extension and sniffs RSS', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'dailyplanet.example',
        '/news/2026/11/23/harbour-street-bridge-reopens.html',
        /^text\/html; charset=utf-8$/,
      ],
      ['dailyplanet.example', '/feed.xml', /^application\/rss\+xml/],
      ['dailyplanet.example', '/sitemap.xml', /^application\/xml/],
      ['dailyplanet.example', '/robots.txt', /^text\/plain/],
      ['dailyplanet.example', '/files/annual-report.pdf', /^application\/pdf$/],
      ['metroherald.example', '/atom.xml', /^application\/atom\+xml/],
      ['metroherald.example', '/city/2026/11/24/council-freezes-transit-fares/', /^text\/html/],
      ['wirewatch.example', '/sitemap.xml.gz', /^application\/gzip$/],
    ];
    for (const [host, path, type] of cases) {
      const reply = await get(host, path);
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type'], path).toMatch(type);
    }
    const pdf = await get('dailyplanet.example', '/files/annual-report.pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // A .gz file is a gzip document, not a gzip encoding: clients must not decode it on the fly.
    const sitemap = await get('wirewatch.example', '/sitemap.xml.gz', { 'Accept-Encoding': 'gzip' });
    expect(sitemap.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(sitemap.body).toString('utf8')).toContain('<urlset');
  });

  it('serves a directory index and redirects a directory without its trailing slash', async () => {
    const home = await get('dailyplanet.example', '/');
    expect(home.status).toBe(200);
    expect(home.body.toString()).toContain('<h1');
    const redirect = await get('dailyplanet.example', '/news?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/news/?x=1');
  });

  it('serves a zero-byte page as an empty 200 text/html', async () => {
    const reply = await get('dailyplanet.example', '/empty.html', { 'Accept-Encoding': 'gzip' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['content-length']).toBe('0');
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.length).toBe(0);
  });

  it('sends a strong ETag and a fixed Last-Modified, and answers 304 to matching conditionals', async () => {
    const path = '/feed.xml';
    const first = await get('dailyplanet.example', path);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers['last-modified']).toBe(SITE_LAST_MODIFIED);

    const again = await get('dailyplanet.example', path);
    expect(again.headers.etag).toBe(etag);

    const byEtag = await get('dailyplanet.example', path, { 'If-None-Match': `"nope", ${etag}` });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body.length).toBe(0);
    expect(byEtag.headers.etag).toBe(etag);

    const weak = await get('dailyplanet.example', path, { 'If-None-Match': `W/${etag}` });
    expect(weak.status).toBe(304);

    const stale = await get('dailyplanet.example', path, { 'If-None-Match': '"something-else"' });
    expect(stale.status).toBe(200);

    const byDate = await get('dailyplanet.example', path, { 'If-Modified-Since': SITE_LAST_MODIFIED });
    expect(byDate.status).toBe(304);
    const older = await get('dailyplanet.example', path, {
      'If-Modified-Since': 'Sun, 01 Nov 2026 00:00:00 GMT',
    });
    expect(older.status).toBe(200);

    // If-None-Match wins over If-Modified-Since when both are present.
    const both = await get('dailyplanet.example', path, {
      'If-None-Match': '"something-else"',
      'If-Modified-Since': SITE_LAST_MODIFIED,
    });
    expect(both.status).toBe(200);

    const other = await get('dailyplanet.example', '/sitemap.xml');
    expect(other.headers.etag).not.toBe(etag);
  });

  it('gzips text when asked, with its own ETag, and not when gzip is refused', async () => {
    const path = '/news/2026/11/23/harbour-street-bridge-reopens.html';
    const identity = await get('dailyplanet.example', path);
    const zipped = await get('dailyplanet.example', path, { 'Accept-Encoding': 'br, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(identity.body.length);
    expect(gunzipSync(zipped.body).equals(identity.body)).toBe(true);
    expect(zipped.headers.etag).not.toBe(identity.headers.etag);

    const revalidated = await get('dailyplanet.example', path, {
      'Accept-Encoding': 'gzip',
      'If-None-Match': String(zipped.headers.etag),
    });
    expect(revalidated.status).toBe(304);

    const refused = await get('dailyplanet.example', path, { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();

    const pdf = await get('dailyplanet.example', '/files/annual-report.pdf', { 'Accept-Encoding': 'gzip' });
    expect(pdf.headers['content-encoding']).toBeUndefined();
  });

  it('answers a missing page with 404 and an HTML page', async () => {
    const reply = await get('dailyplanet.example', '/news/2026/11/24/ferry-timetable-changes.html');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.body.toString()).toMatch(/<html[\s\S]*can.t find that page/i);
  });

  it('supports HEAD with the GET headers and no body', async () => {
    const path = '/feed.xml';
    const getReply = await get('dailyplanet.example', path);
    const head = await get('dailyplanet.example', path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(getReply.body.length));
    expect(head.headers.etag).toBe(getReply.headers.etag);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const reply = await get('dailyplanet.example', '/feed.xml', {}, 'POST');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('refuses path traversal, plain or encoded', async () => {
    // README.md sits one level above every host directory: a traversal would reach it.
    const readme = await readFile(join(SITES_DIR, 'README.md'), 'utf8');
    for (const path of [
      '/../README.md',
      '/%2e%2e/README.md',
      '/..%2fREADME.md',
      '/news/..%2f..%2fREADME.md',
      '/..%5cREADME.md',
      '/%00',
    ]) {
      const reply = await get('dailyplanet.example', path);
      expect(reply.status, path).toBe(400);
      expect(reply.body.toString(), path).not.toContain(readme.slice(0, 40));
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    const outward = Object.values(networkInterfaces())
      .flat()
      .filter((nic) => nic && !nic.internal)
      .map((nic) => nic!.address);
    for (const address of ['::1', ...outward]) {
      const reached = await new Promise<boolean>((done) => {
        const socket = connect({ host: address, port: sites.port });
        socket.once('connect', () => {
          socket.destroy();
          done(true);
        });
        socket.once('error', () => done(false));
      });
      expect(reached, address).toBe(false);
    }
  });
});

describe('contentTypeFor', () => {
  it('sniffs RSS, Atom and JSON Feed, and falls back by extension', () => {
    const cases: [string, string, string][] = [
      [
        'feed.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>',
        'application/rss+xml; charset=utf-8',
      ],
      [
        'atom.xml',
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        'application/atom+xml; charset=utf-8',
      ],
      [
        'sitemap.xml',
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        'application/xml; charset=utf-8',
      ],
      [
        'feed.json',
        '{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}',
        'application/feed+json; charset=utf-8',
      ],
      ['data.json', '{"a": 1}', 'application/json; charset=utf-8'],
      ['news.rss', '<rss/>', 'application/rss+xml; charset=utf-8'],
      ['sitemap.xml.gz', '', 'application/gzip'],
      ['report.PDF', '%PDF-1.4', 'application/pdf'],
      ['robots.txt', 'User-agent: *', 'text/plain; charset=utf-8'],
      ['blob.bin', '', 'application/octet-stream'],
    ];
    for (const [name, text, type] of cases) expect(contentTypeFor(name, Buffer.from(text)), name).toBe(type);
  });
});

describe('fixture publisher sites', () => {
  it('every article link in every feed and sitemap resolves to a served file', async () => {
    const entries = await feedAndSitemapUrls();
    expect(entries.length).toBeGreaterThan(4);
    for (const { document, url } of entries) {
      const target = new URL(url);
      target.search = '';
      const reply = await getUrl(target.toString());
      const expected = INTENTIONALLY_MISSING.has(target.toString()) ? 404 : 200;
      expect(reply.status, `${url} listed in ${document}`).toBe(expected);
    }
  });

  it('robots.txt names each sitemap and disallows a page some feed or sitemap lists', async () => {
    const entries = await feedAndSitemapUrls();
    for (const host of sites.hosts) {
      const robots = (await get(host, '/robots.txt')).body.toString('utf8');
      expect(robots, host).toMatch(/^Disallow: \/private\/$/m);
      const files = await readdir(join(SITES_DIR, host));
      for (const name of files.filter((f) => /sitemap.*\.xml(\.gz)?$/.test(f))) {
        expect(robots, `${host} ${name}`).toContain(`Sitemap: http://${host}/${name}`);
      }
      const privateListed = entries.some(
        ({ url }) => new URL(url).host === host && new URL(url).pathname.startsWith('/private/'),
      );
      expect(privateListed, host).toBe(true);
    }
  });

  it('keeps every page below the size budget', async () => {
    for (const host of sites.hosts) {
      const stack = [join(SITES_DIR, host)];
      while (stack.length > 0) {
        const dir = stack.pop()!;
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) stack.push(path);
          else if (entry.name.endsWith('.html')) {
            expect((await readFile(path)).length, path).toBeLessThan(MAX_PAGE_BYTES);
          }
        }
      }
    }
  });

  it('article pages carry NewsArticle JSON-LD, a canonical link and a language', async () => {
    const entries = await feedAndSitemapUrls();
    const articles = entries
      .map(({ url }) => new URL(url))
      .filter((url) => url.pathname.endsWith('/') || url.pathname.endsWith('.html'))
      .filter((url) => !url.pathname.startsWith('/private/') && !url.pathname.endsWith('/empty.html'))
      .filter((url) => !INTENTIONALLY_MISSING.has(`${url.origin}${url.pathname}`));
    expect(articles.length).toBeGreaterThan(3);
    for (const url of articles) {
      const $ = load((await get(url.host, url.pathname)).body.toString('utf8'));
      const canonical = $('link[rel=canonical]').attr('href');
      expect(canonical, url.pathname).toBe(`${url.origin}${url.pathname}`);
      expect($('html').attr('lang'), url.pathname).toBeTruthy();
      const ld = $('script[type="application/ld+json"]')
        .toArray()
        .map((el) => JSON.parse($(el).text()) as Record<string, unknown>)
        .flatMap((doc) =>
          Array.isArray(doc['@graph']) ? (doc['@graph'] as Record<string, unknown>[]) : [doc],
        )
        .find((doc) => doc['@type'] === 'NewsArticle');
      expect(ld, url.pathname).toBeDefined();
      expect(String(ld!.datePublished), url.pathname).toMatch(/T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      expect(ld!.headline, url.pathname).toBeTruthy();
      expect(ld!.author, url.pathname).toBeTruthy();
    }
  });
});

/** Text of every element matching `selector` (paragraphs of the article body container). */
async function bodyParagraphs(host: string, path: string, selector: string): Promise<string[]> {
  const $ = load((await get(host, path)).body.toString('utf8'));
  return $(selector)
    .toArray()
    .map((el) => $(el).text().trim());
}

async function publishedMs(host: string, path: string): Promise<number> {
  const $ = load((await get(host, path)).body.toString('utf8'));
  const text = $('meta[property="article:published_time"]').attr('content');
  return Date.parse(String(text));
}

const BRIDGE = {
  host: 'dailyplanet.example',
  path: '/news/2026/11/23/harbour-street-bridge-reopens.html',
  container: '.story-body',
};
const BRIDGE_COPY = {
  host: 'wirewatch.example',
  path: '/news/2026/11/23/104521-harbour-street-bridge-reopens-to-traffic.html',
  container: '#articleBody',
};
const FARES = {
  host: 'metroherald.example',
  path: '/city/2026/11/24/council-freezes-transit-fares/',
  container: '.article__content',
};
const FARES_COPY = {
  host: 'wirewatch.example',
  path: '/news/2026/11/24/104877-bayview-fares-frozen.html',
  container: '#articleBody',
};
const MEMBERSHIP_PITCH = 'The Metro Herald has reported on Bayview and its eleven wards since 1911';
const straight = (text: string): string => text.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");

describe('syndication fixtures', () => {
  it('wirewatch carries the Daily Planet bridge body verbatim, twice in a row, then the disclaimer', async () => {
    const original = await bodyParagraphs(BRIDGE.host, BRIDGE.path, `${BRIDGE.container} p`);
    const copy = await bodyParagraphs(BRIDGE_COPY.host, BRIDGE_COPY.path, `${BRIDGE_COPY.container} p`);
    expect(original.length).toBeGreaterThanOrEqual(5);
    expect(copy.slice(0, original.length * 2)).toEqual([...original, ...original]);
    const rest = copy.slice(original.length * 2).join('\n');
    expect(rest).toMatch(/^Legal Disclaimer:/);
    expect(rest).toContain('No comment');
    const $ = load((await get(BRIDGE_COPY.host, BRIDGE_COPY.path)).body.toString('utf8'));
    expect($(`${BRIDGE_COPY.container} h3`).text()).toContain('Most popular stories');
    expect(await publishedMs(BRIDGE_COPY.host, BRIDGE_COPY.path)).toBeGreaterThan(
      await publishedMs(BRIDGE.host, BRIDGE.path),
    );
  });

  it('wirewatch carries an edited Metro Herald fares story: one cut, one reworded, one added, quotes straightened', async () => {
    const original = (await bodyParagraphs(FARES.host, FARES.path, `${FARES.container} > p`)).filter(
      (p) => !p.startsWith(MEMBERSHIP_PITCH) && !/^(Read more|Related|Also read):/.test(p),
    );
    const copy = await bodyParagraphs(FARES_COPY.host, FARES_COPY.path, `${FARES_COPY.container} > p`);
    const copyBody = copy.slice(
      0,
      copy.findIndex((p) => p.startsWith('Legal Disclaimer:')),
    );
    const same = copyBody.filter((p) => original.map(straight).includes(p));
    expect(same.length).toBe(original.length - 2); // one paragraph cut, one reworded
    expect(copyBody.length).toBe(original.length); // ...and one added
    expect(copyBody.join('')).not.toMatch(/[“”’]/);
    expect(original.join('')).toMatch(/[“”]/);
    expect(await publishedMs(FARES_COPY.host, FARES_COPY.path)).toBeGreaterThan(
      await publishedMs(FARES.host, FARES.path),
    );
  });

  it('every Metro Herald article has the membership pitch inside its body container, unmarked', async () => {
    const atom = (await get('metroherald.example', '/atom.xml')).body.toString('utf8');
    const paths = listedUrls(atom)
      .map((url) => new URL(url).pathname)
      .filter((path) => !path.startsWith('/private/'));
    expect(paths.length).toBe(4);
    for (const path of paths) {
      const $ = load((await get('metroherald.example', path)).body.toString('utf8'));
      const pitch = $('.article__content > p').filter((_, el) => $(el).text().startsWith(MEMBERSHIP_PITCH));
      expect(pitch.length, path).toBe(1);
      expect(pitch.attr('class'), path).toBeUndefined();
    }
  });
});

describe('demo sources files', () => {
  it('demo-sources.yaml points at served feeds and sitemaps, plus one unreachable publisher', async () => {
    const doc = parseYaml(await readFile(join(SOURCES_DIR, 'demo-sources.yaml'), 'utf8')) as {
      sources: { id: string; homepage: string; feeds?: string[]; sitemaps?: string[] }[];
    };
    const hostsNamed = new Set<string>();
    for (const source of doc.sources) {
      for (const url of [...(source.feeds ?? []), ...(source.sitemaps ?? [])]) {
        const host = new URL(url).host;
        hostsNamed.add(host);
        if (UNSERVED_HOSTS.has(host)) {
          expect(sites.hosts, url).not.toContain(host);
          continue;
        }
        expect((await getUrl(url)).status, `${source.id}: ${url}`).toBe(200);
      }
    }
    for (const host of sites.hosts) expect(hostsNamed, host).toContain(host);
    for (const host of UNSERVED_HOSTS) expect(hostsNamed).toContain(host);
  });

  it('typo-sources.yaml still carries its deliberate mistakes', async () => {
    const text = await readFile(join(SOURCES_DIR, 'typo-sources.yaml'), 'utf8');
    const doc = parseYaml(text) as { sources: Record<string, unknown>[] };
    expect(doc.sources.some((source) => 'feed' in source && !('feeds' in source))).toBe(true);
    expect(text).toMatch(/htp:\/\//);
  });
});
