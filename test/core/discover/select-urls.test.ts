import { describe, expect, it } from 'vitest';
import { dedupeDiscovered } from '../../../functions/core/discover/select-urls';

describe('dedupeDiscovered', () => {
  it('keeps one entry per canonical URL, in order of first appearance, preferring the plain spelling on ties', () => {
    expect(
      dedupeDiscovered([
        { url: 'https://t.test/a?utm_source=rss' },
        { url: 'https://t.test/b' },
        { url: 'https://t.test/a' },
        { url: 'https://t.test/amp/b/' },
        { url: 'https://t.test/c?utm_source=rss' },
        { url: 'https://t.test/c?fbclid=2' },
      ]),
    ).toEqual([
      { url: 'https://t.test/a', urlKey: 'https://t.test/a' },
      { url: 'https://t.test/b', urlKey: 'https://t.test/b' },
      { url: 'https://t.test/c?utm_source=rss', urlKey: 'https://t.test/c' },
    ]);
  });

  it('keeps the newest lastmod (and its URL) when a key is listed twice', () => {
    expect(
      dedupeDiscovered([
        { url: 'https://t.test/a?utm_source=feed', lastmod: '2026-11-23T10:00:00.000Z' },
        { url: 'https://t.test/a', lastmod: '2026-11-24T10:00:00.000Z' },
        { url: 'https://t.test/a#x', lastmod: '2026-11-22T10:00:00.000Z' },
        { url: 'https://t.test/a?fbclid=1' },
      ]),
    ).toEqual([{ url: 'https://t.test/a', urlKey: 'https://t.test/a', lastmod: '2026-11-24T10:00:00.000Z' }]);
  });

  it('prefers an entry with a lastmod over one without', () => {
    expect(
      dedupeDiscovered([
        { url: 'https://t.test/a' },
        { url: 'https://t.test/a/', lastmod: '2026-11-24T10:00:00.000Z' },
      ]),
    ).toEqual([
      { url: 'https://t.test/a/', urlKey: 'https://t.test/a', lastmod: '2026-11-24T10:00:00.000Z' },
    ]);
  });

  it('drops URLs that cannot be canonicalised instead of failing the run', () => {
    expect(
      dedupeDiscovered([{ url: 'mailto:x@t.test' }, { url: 'not a url' }, { url: 'https://t.test/ok' }]),
    ).toEqual([{ url: 'https://t.test/ok', urlKey: 'https://t.test/ok' }]);
  });
});
