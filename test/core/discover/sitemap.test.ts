import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/errors';
import { MAX_GUNZIPPED_BYTES, maybeGunzip, parseSitemap } from '../../../functions/core/discover/sitemap';
import { fixtureBytes, fixtureText } from './fixtures';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('parseSitemap', () => {
  it('reads a urlset with lastmod (changefreq and priority ignored)', () => {
    expect(parseSitemap(fixtureText('sitemap-plain.xml'), 'https://www.example-times.test/sitemap.xml')).toEqual({
      urls: [
        { url: 'https://www.example-times.test/archive/2026/11/one', lastmod: '2026-11-02T08:00:00.000Z' },
        { url: 'https://www.example-times.test/archive/2026/11/two?utm_campaign=sitemap&page=2', lastmod: '2026-11-03T00:00:00.000Z' },
      ],
      sitemaps: [],
    });
  });

  it('reads a sitemap index, resolving relative locs and skipping non-http ones', () => {
    expect(parseSitemap(fixtureText('sitemap-index.xml'), 'https://www.example-times.test/sitemap_index.xml')).toEqual({
      urls: [],
      sitemaps: [
        { loc: 'https://www.example-times.test/sitemaps/news.xml', lastmod: '2026-11-24T10:00:00.000Z' },
        { loc: 'https://www.example-times.test/sitemaps/2026-11.xml.gz' },
        { loc: 'https://www.example-times.test/sitemaps/relative.xml', lastmod: '2026-11-01T00:00:00.000Z' },
      ],
    });
  });

  it('reads the Google News extension under any prefix and ignores image entries', () => {
    expect(parseSitemap(fixtureText('news-sitemap.xml'), 'https://www.example-times.test/news-sitemap.xml').urls).toEqual([
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
    const { urls } = parseSitemap(fixtureText('../sites/dailyplanet.example/sitemap.xml'), 'http://dailyplanet.example/sitemap.xml');
    expect(urls.length).toBeGreaterThanOrEqual(4);
    expect(urls.every((u) => u.url.startsWith('http://dailyplanet.example/') && u.lastmod !== undefined)).toBe(true);
  });

  it('reads a plain-text sitemap (one URL per line)', () => {
    const text = 'https://t.test/a\n\n# comment\nhttps://t.test/b\r\nftp://t.test/c\n';
    expect(parseSitemap(text, 'https://t.test/sitemap.txt')).toEqual({ urls: [{ url: 'https://t.test/a' }, { url: 'https://t.test/b' }], sitemaps: [] });
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
    const gz = gzipSync('<urlset>' + '<url><loc>https://t.test/a</loc></url>'.repeat(100) + '</urlset>');
    expect(() => maybeGunzip(gz.subarray(0, gz.length - 10))).toThrow(/corrupt or truncated/);
  });

  it('refuses a gzip bomb beyond the size cap', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_GUNZIPPED_BYTES + 1024, 0x20), { level: 1 });
    expect(bomb.length).toBeLessThan(MAX_GUNZIPPED_BYTES / 100);
    expect(() => maybeGunzip(bomb)).toThrow(/inflates beyond/);
  });
});
