import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/errors';
import { MAX_GUNZIPPED_BYTES, maybeGunzip, parseSitemap } from '../../../functions/core/discover/sitemap';
import { fixtureBytes, fixtureText } from './fixtures';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('parseSitemap', () => {
  it('reads a urlset with lastmod (changefreq and priority ignored)', () => {
    expect(
      parseSitemap(fixtureText('sitemap-plain.xml'), 'https://www.example-times.test/sitemap.xml'),
    ).toEqual({
      urls: [
        { url: 'https://www.example-times.test/archive/2026/11/one', lastmod: '2026-11-02T08:00:00.000Z' },
        {
          url: 'https://www.example-times.test/archive/2026/11/two?utm_campaign=sitemap&page=2',
          lastmod: '2026-11-03T00:00:00.000Z',
        },
      ],
      sitemaps: [],
    });
  });

  it('reads a sitemap index, resolving relative locs and skipping non-http ones', () => {
    expect(
      parseSitemap(fixtureText('sitemap-index.xml'), 'https://www.example-times.test/sitemap_index.xml'),
    ).toEqual({
      urls: [],
      sitemaps: [
        { loc: 'https://www.example-times.test/sitemaps/news.xml', lastmod: '2026-11-24T10:00:00.000Z' },
        { loc: 'https://www.example-times.test/sitemaps/2026-11.xml.gz' },
        { loc: 'https://www.example-times.test/sitemaps/relative.xml', lastmod: '2026-11-01T00:00:00.000Z' },
      ],
    });
  });

  it('reads the Google News extension under any prefix and ignores image entries', () => {
    expect(
      parseSitemap(fixtureText('news-sitemap.xml'), 'https://www.example-times.test/news-sitemap.xml').urls,
    ).toEqual([
      {
        url: 'https://www.example-times.test/news/2026/11/24/council-budget',
        lastmod: '2026-11-24T09:15:00.000Z',
        newsTitle: 'Council approves budget & new bus routes',
        newsPublishedAt: '2026-11-24T09:00:00.000Z',
      },
      {
        url: 'https://www.example-times.test/business/cafe-rents',
        newsTitle: 'Café owners protest rent rise',
        newsPublishedAt: '2026-11-23T00:00:00.000Z',
      },
      { url: 'https://www.example-times.test/plain-entry' },
    ]);
  });

  it('reads a gzipped sitemap after maybeGunzip', () => {
    const xml = decode(maybeGunzip(fixtureBytes('sitemap.xml.gz')));
    expect(parseSitemap(xml, 'https://www.example-times.test/sitemap.xml.gz')).toEqual(
      parseSitemap(fixtureText('sitemap-plain.xml'), 'https://www.example-times.test/sitemap.xml.gz'),
    );
  });

  it('reads the shared demo site sitemap', () => {
    const { urls } = parseSitemap(
      fixtureText('../sites/dailyplanet.example/sitemap.xml'),
      'http://dailyplanet.example/sitemap.xml',
    );
    expect(urls.length).toBeGreaterThanOrEqual(4);
    expect(
      urls.every((u) => u.url.startsWith('http://dailyplanet.example/') && u.lastmod !== undefined),
    ).toBe(true);
  });

  it('reads a plain-text sitemap (one URL per line)', () => {
    const text = 'https://t.test/a\n\n# comment\nhttps://t.test/b\r\nftp://t.test/c\n';
    expect(parseSitemap(text, 'https://t.test/sitemap.txt')).toEqual({
      urls: [{ url: 'https://t.test/a' }, { url: 'https://t.test/b' }],
      sitemaps: [],
    });
  });

  it('accepts an RSS feed listed as a sitemap', () => {
    const { urls } = parseSitemap(fixtureText('rss2.xml'), 'https://www.example-times.test/feed');
    expect(urls[0]).toEqual({
      url: 'https://www.example-times.test/news/2026/11/24/council-budget?utm_source=feedburner&utm_medium=feed',
      lastmod: '2026-11-24T09:00:00.000Z',
    });
  });

  it('returns nothing for an empty body', () => {
    expect(parseSitemap('  ', 'https://t.test/sitemap.xml')).toEqual({ urls: [], sitemaps: [] });
  });

  it.each([
    ['invalid XML', fixtureText('invalid.xml'), /^https:\/\/t\.test\/sitemap\.xml: invalid XML/],
    ['an HTML error page', '<html><body><h1>404</h1></body></html>', /not a sitemap \(root element <html>/],
    ['text without URLs', 'Not Found', /not a sitemap/],
    ['an entity bomb', fixtureText('billion-laughs.xml'), /declares DTD entities/],
  ])('refuses %s with InvalidInputError naming the sitemap', (_case, body, message) => {
    expect(() => parseSitemap(body, 'https://t.test/sitemap.xml')).toThrow(InvalidInputError);
    expect(() => parseSitemap(body, 'https://t.test/sitemap.xml')).toThrow(message);
  });
});

describe('maybeGunzip', () => {
  it('passes non-gzip bytes through unchanged', () => {
    const bytes = new TextEncoder().encode('<urlset/>');
    expect(maybeGunzip(bytes)).toBe(bytes);
    expect(maybeGunzip(new Uint8Array([0x1f]))).toEqual(new Uint8Array([0x1f]));
  });

  it('decompresses by magic bytes regardless of file name', () => {
    expect(decode(maybeGunzip(gzipSync('<urlset/>')))).toBe('<urlset/>');
  });

  it('refuses truncated gzip data', () => {
    const gz = gzipSync(`<urlset>${'<url><loc>https://t.test/a</loc></url>'.repeat(100)}</urlset>`);
    expect(() => maybeGunzip(gz.subarray(0, gz.length - 10))).toThrow(/corrupt or truncated/);
  });

  it('refuses a gzip bomb beyond the size cap', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_GUNZIPPED_BYTES + 1024, 0x20), { level: 1 });
    expect(bomb.length).toBeLessThan(MAX_GUNZIPPED_BYTES / 100);
    expect(() => maybeGunzip(bomb)).toThrow(/inflates beyond/);
  });
});

describe('parseSitemap: well-formedness on the streaming path', () => {
  const url = 'https://t.test/sitemap.xml';
  const entry = '<url><loc>https://t.test/a</loc></url>';

  it.each([
    [
      'a truncated download',
      `<urlset>${entry}<url><loc>https://t.test/b`,
      /line 1: element <\w+> is not closed/,
    ],
    [
      'a mismatched close tag',
      `<urlset><url><loc>https://t.test/a</url></urlset>`,
      /element <loc> is closed by a mismatched close tag/,
    ],
    ['a second root element', `<urlset>${entry}</urlset><urlset>${entry}</urlset>`, /a second root element/],
    ['text after the root', `<urlset>${entry}</urlset>trailing garbage`, /text outside the root element/],
    ['absurd nesting', `<urlset>${'<x>'.repeat(200)}${'</x>'.repeat(200)}</urlset>`, /nested deeper than/],
    [
      'an unknown root',
      '<?xml version="1.0"?><!-- hi --><html><body/></html>',
      /not a sitemap \(root element <html>/,
    ],
    ['no root element', '<?xml version="1.0"?><!-- only a comment -->', /no root element found/],
  ])('refuses %s', (_case, body, message) => {
    expect(() => parseSitemap(body, url)).toThrow(InvalidInputError);
    expect(() => parseSitemap(body, url)).toThrow(message);
  });

  it('names the line of the problem', () => {
    expect(() => parseSitemap(`<urlset>\n${entry}\n<url><loc>x</url>\n</urlset>`, url)).toThrow(
      /invalid XML at line 3:/,
    );
  });

  it('decodes entities and CDATA in loc, skips comments, self-closing and unknown elements', () => {
    const body = `<?xml version="1.0"?>
      <!DOCTYPE urlset>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <!-- <url><loc>https://t.test/commented-out</loc></url> -->
        <url><loc>https://t.test/a?x=1&amp;y=2</loc><priority/></url>
        <url><loc><![CDATA[https://t.test/b?x=1&y=2]]></loc><xhtml:link rel="alternate" hreflang="de" href="https://t.test/de/b"/></url>
        <url><loc>   </loc></url>
      </urlset>`;
    expect(parseSitemap(body, url).urls).toEqual([
      { url: 'https://t.test/a?x=1&y=2' },
      { url: 'https://t.test/b?x=1&y=2' },
    ]);
  });

  it('reads 50 000 entries (the protocol maximum)', () => {
    const entries = Array.from(
      { length: 50_000 },
      (_, i) => `<url><loc>https://t.test/${i}</loc><lastmod>2026-11-24</lastmod></url>`,
    );
    const { urls } = parseSitemap(`<urlset>${entries.join('')}</urlset>`, url);
    expect(urls).toHaveLength(50_000);
    expect(urls[49_999]).toEqual({ url: 'https://t.test/49999', lastmod: '2026-11-24T00:00:00.000Z' });
  });
});
