/**
 * The compact article item mapping (dedup-index-items.ts): exact round trips, the fallbacks for
 * values not of the compact shape, and the billed size of a realistic article item.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArticleRecord, CopyLink } from '../../../functions/core/article';
import { copyItem, toArticle, toArticleItem, type Item } from '../../../functions/adapters/dynamodb/dedup-index-items';
import { itemSizeBytes } from '../../../scripts/lib/dynamodb-item-size';
import { article } from '../dedup-index.contract';
import { hex32, leanRecord, realisticRecord } from './realistic-article';

const billedSize = (item: Item) => itemSizeBytes(marshall(item, { removeUndefinedValues: true }));

/** What the document client gives back for an item it stored (binary comes back as Uint8Array). */
function stored(item: Item): Item {
  return JSON.parse(JSON.stringify(item), (_key, value) =>
    value && value.type === 'Buffer' && Array.isArray(value.data) ? new Uint8Array(value.data) : value,
  ) as Item;
}

const roundTrip = (record: ArticleRecord, copies: Item[] = []) => toArticle(stored(toArticleItem(record)), copies.map(stored));

describe('article item mapping', () => {
  /** Billed size of the item as the earlier layout stored the record (long names, text hashes). */
  const earlierLayoutSize = (record: ArticleRecord) => {
    const { copies: _c, ...plain } = record;
    return billedSize({ ...plain, pk: `ART#${record.id}`, sk: 'A', gsi1pk: `HOST#${record.host}`, gsi1sk: `${record.day}#${record.id}`, copyMap: {} });
  };

  it('round-trips a typical record exactly in one write unit (under 1 KB)', () => {
    const record = leanRecord();
    expect(roundTrip(record)).toEqual(record);
    const size = billedSize(toArticleItem(record));
    console.log(`lean article item: ${size} bytes (earlier layout ${earlierLayoutSize(record)})`);
    expect(earlierLayoutSize(record)).toBeGreaterThan(1024);
    expect(size).toBeLessThanOrEqual(1024);
  });

  it('round-trips a record with full metadata exactly in two write units (was three)', () => {
    const record = realisticRecord();
    expect(roundTrip(record)).toEqual(record);
    const size = billedSize(toArticleItem(record));
    console.log(`full-metadata article item: ${size} bytes (earlier layout ${earlierLayoutSize(record)})`);
    expect(earlierLayoutSize(record)).toBeGreaterThan(2048);
    expect(size).toBeLessThanOrEqual(2048);
  });

  it('stores id, host and day once: URLs and archive keys hold placeholders for them', () => {
    const record = realisticRecord();
    const item = toArticleItem(record);
    for (const name of ['u', 'cu', 'im', 'ck', 'rk']) {
      const packed = JSON.stringify(item[name]);
      expect(packed).not.toContain(record.id);
      expect(packed).not.toContain(record.host);
      expect(packed).not.toContain(record.day);
    }
    expect(JSON.stringify(item.co)).not.toContain(record.copyOf!.host + '/');
    // A text that already holds a placeholder character is kept as it is (marked as a list).
    const odd = { ...record, cleanKey: `clean/\u0001/${record.id}.json`, copyOf: { ...record.copyOf!, url: 'https://x.example/\u0002' } };
    expect(toArticleItem(odd).ck).toEqual([odd.cleanKey]);
    expect(toArticleItem(odd).co).toEqual(odd.copyOf);
    expect(roundTrip(odd)).toEqual(odd);
    // Times that toISOString would not give back exactly stay text.
    const times = { ...record, fetchedAt: '2026-11-24T10:15:31Z', publishedAt: '2026-11-24T10:15:31.204Z' };
    expect(toArticleItem(times)).toMatchObject({ fa: '2026-11-24T10:15:31Z', pa: Date.parse(times.publishedAt) });
    expect(roundTrip(times)).toEqual(times);
    // Nothing to replace: a plain string.
    const foreign = { ...record, rawKey: 'raw/elsewhere.html.gz' };
    expect(toArticleItem(foreign).rk).toBe('raw/elsewhere.html.gz');
    expect(roundTrip(foreign)).toEqual(foreign);
  });

  it('round-trips any record exactly (property)', () => {
    // Few distinct characters, including the placeholder ones, so texts often repeat each other.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '-', '\u0001', '\u0002', '\u0003', 'é'), minLength: 1, maxLength: 12 });
    const hash = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), text);
    const time = fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()), text);
    const link = fc.record({ articleId: hash, url: text, host: text, overlap: fc.double({ min: 0, max: 1, noNaN: true }), method: fc.constantFrom('exact' as const, 'near-duplicate' as const) });
    const record = fc
      .record({
        id: text,
        host: text,
        day: text,
        url: text,
        canonicalUrl: fc.option(text, { nil: undefined }),
        fetchedAt: time,
        publishedAt: fc.option(time, { nil: undefined }),
        image: fc.option(text, { nil: undefined }),
        contentHash: hash,
        paragraphHashes: fc.array(hash, { maxLength: 5 }),
        cleanKey: text,
        cleanOffset: fc.option(fc.nat(), { nil: undefined }),
        cleanLength: fc.option(fc.nat(), { nil: undefined }),
        rawKey: fc.option(text, { nil: undefined }),
        copyOf: fc.option(link, { nil: undefined }),
        clusterId: fc.option(fc.oneof(text, fc.constant('self'), fc.constant('origin')), { nil: undefined }),
        minhash: fc.option(fc.oneof(text, fc.uint8Array({ maxLength: 9 }).map((b) => `bk2n1.${b.length}.${Buffer.from(b).toString('base64')}`)), { nil: undefined }),
      })
      .map(({ canonicalUrl, clusterId, ...r }) => {
        const base = article('x');
        const cluster = clusterId === 'self' ? r.id : clusterId === 'origin' ? r.copyOf?.articleId : clusterId;
        return { ...base, ...r, canonicalUrl: canonicalUrl ?? r.url, ...(cluster === undefined ? {} : { clusterId: cluster }) } as ArticleRecord;
      })
      .map((r) => JSON.parse(JSON.stringify(r)) as ArticleRecord);
    fc.assert(
      fc.property(record, (r) => {
        expect(roundTrip(r)).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips the contract fixture, with and without optional fields', () => {
    const copyOf: CopyLink = { articleId: 'o', url: 'https://o.example/x', host: 'o.example', overlap: 0.5, method: 'near-duplicate' };
    for (const record of [
      article('plain'),
      article('self-cluster', { clusterId: 'self-cluster' }),
      article('origin-cluster', { copyOf, clusterId: 'o' }),
      article('other-cluster', { copyOf, clusterId: 'elsewhere' }),
      article('no-hashes', { paragraphHashes: [], stats: { repeatedParagraphsRemoved: 0, boilerplateParagraphsRemoved: 0, paragraphsFirstSeenElsewhere: 0 } }),
      article('same-url', { canonicalUrl: 'https://news.example/story/same-url?utm_source=x' }),
      article('hex', { paragraphHashes: [hex32('a'), hex32('b'), hex32('a')], contentHash: hex32('c'), minhash: 'bk2n1.7.AAECAwQF' }),
    ]) {
      expect(roundTrip(record)).toEqual(record);
    }
  });

  it('stores values not of the compact shape as they are', () => {
    const odd = article('odd', {
      // Upper-case hex, a short hash and a sketch in another encoding cannot be packed exactly.
      paragraphHashes: [hex32('x').toUpperCase(), 'abc'],
      contentHash: 'not-hex',
      minhash: 'v9:whatever',
    });
    const item = toArticleItem(odd);
    expect(item.ph).toEqual(odd.paragraphHashes);
    expect(item.ch).toBe('not-hex');
    expect(item.mh).toBe('v9:whatever');
    expect(roundTrip(odd)).toEqual(odd);
    // Base64 with non-canonical padding bits would not decode back to the same text.
    const loose = article('loose', { minhash: 'bk2n1.3.AB==' });
    expect(toArticleItem(loose).mh).toBe('bk2n1.3.AB==');
    expect(roundTrip(loose)).toEqual(loose);
  });

  it('keeps a field it has no short name for under its own name', () => {
    const extended = { ...article('ext'), futureField: { nested: [1, 'two'] } } as ArticleRecord;
    expect(toArticleItem(extended).futureField).toEqual({ nested: [1, 'two'] });
    expect(roundTrip(extended)).toEqual(extended);
  });

  it('orders copies by seq, then copy id, whatever order the items come in', () => {
    const link = (id: string): CopyLink => ({ articleId: id, url: `https://${id}.example/`, host: `${id}.example`, overlap: 0.75, method: 'exact' });
    const items = [copyItem('o', link('late'), 3_000), copyItem('o', link('b'), 1_000), copyItem('o', link('a'), 1_000), copyItem('o', link('mid'), 2_000)];
    expect(roundTrip(article('o'), items).copies).toEqual([link('a'), link('b'), link('mid'), link('late')]);
    expect(billedSize(items[0])).toBeLessThan(200);
  });

  it('reads an item of the earlier layout (long names, copies in a copyMap)', () => {
    const first: CopyLink = { articleId: 'c1', url: 'https://c1.example/', host: 'c1.example', overlap: 0.9, method: 'exact' };
    const second: CopyLink = { ...first, articleId: 'c2', host: 'c2.example' };
    const third: CopyLink = { ...first, articleId: 'c3', host: 'c3.example' };
    const { copies: _c, ...old } = article('legacy');
    const legacyItem = {
      ...old,
      pk: 'ART#legacy',
      sk: 'A',
      gsi1pk: 'HOST#news.example',
      gsi1sk: '2026-11-24#legacy',
      copyMap: { c2: { ...second, seq: 5 }, c1: { ...first, seq: 1 } },
    };
    // c1 again as a copy item (a store after the upgrade) is not listed twice.
    const record = toArticle(stored(legacyItem), [copyItem('legacy', first, 9e15), copyItem('legacy', third, 1)].map(stored));
    expect(record).toEqual(article('legacy', { copies: [first, second, third] }));
  });
});
