/**
 * The article item mapping (dedup-index-items.ts, article-item-packing.ts): exact round trips of
 * the packed layout, values not of the compact shapes, long and unicode fields, items of the
 * earlier layouts (still in deployed tables) and the billed size of realistic items.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArticleRecord, CopyLink } from '../../../functions/core/article';
import { StorageError } from '../../../functions/errors';
import {
  inspectPacked,
  packFields,
  unpackFields,
} from '../../../functions/adapters/dynamodb/article-item-packing';
import {
  copyItem,
  PACKED_ATTRIBUTE,
  toArticle,
  toArticleItem,
  type Item,
} from '../../../functions/adapters/dynamodb/dedup-index-items';
import { itemSizeBytes } from '../../../scripts/lib/dynamodb-item-size';
import { article } from '../dedup-index.contract';
import { hex32, leanRecord, realisticRecord } from './realistic-article';
import { toV1ArticleItem } from './v1-article-item';

const billedSize = (item: Item) => itemSizeBytes(marshall(item, { removeUndefinedValues: true }));

/** What the document client gives back for an item it stored (binary comes back as Uint8Array). */
function stored(item: Item): Item {
  return JSON.parse(JSON.stringify(item), (_key, value) =>
    value && value.type === 'Buffer' && Array.isArray(value.data) ? new Uint8Array(value.data) : value,
  ) as Item;
}

const roundTrip = (record: ArticleRecord, copies: Item[] = []) =>
  toArticle(stored(toArticleItem(record)), copies.map(stored));
const packedOf = (record: ArticleRecord) =>
  inspectPacked(toArticleItem(record)[PACKED_ATTRIBUTE] as Uint8Array);

/** A bottom-k sketch string of `values` (24-bit, as `core/dedup/near-duplicate.ts` encodes them). */
function sketchOf(values: readonly number[], shingleCount: number, prefix = 'bk2n1'): string {
  const bytes = Buffer.alloc(values.length * 3);
  values.forEach((value, i) => bytes.writeUIntBE(value, i * 3, 3));
  return `${prefix}.${shingleCount}.${bytes.toString('base64')}`;
}

describe('article item mapping', () => {
  /** Billed size of the item as the first layout stored the record (long names, text hashes). */
  const firstLayoutSize = (record: ArticleRecord) => {
    const { copies: _c, ...plain } = record;
    return billedSize({
      ...plain,
      pk: `ART#${record.id}`,
      sk: 'A',
      gsi1pk: `HOST#${record.host}`,
      gsi1sk: `${record.day}#${record.id}`,
      copyMap: {},
    });
  };

  it('round-trips a typical record exactly in one write unit (under 1 KB), smaller than before', () => {
    const record = leanRecord();
    expect(roundTrip(record)).toEqual(record);
    const size = billedSize(toArticleItem(record));
    const v1 = billedSize(toV1ArticleItem(record));
    console.log(
      `lean article item: ${size} bytes (v1 layout ${v1}, first layout ${firstLayoutSize(record)})`,
    );
    expect(size).toBeLessThanOrEqual(1024);
    expect(size).toBeLessThan(v1);
  });

  it('round-trips a record with full metadata exactly, a third smaller than the v1 item', () => {
    const record = realisticRecord();
    expect(roundTrip(record)).toEqual(record);
    const size = billedSize(toArticleItem(record));
    const v1 = billedSize(toV1ArticleItem(record));
    console.log(
      `full-metadata article item: ${size} bytes (v1 layout ${v1}, first layout ${firstLayoutSize(record)})`,
    );
    expect(v1).toBeGreaterThan(1024 + 256);
    expect(size).toBeLessThan(v1 * 0.75);
  });

  it('keeps only the keys, the packed fields and the in-place attributes: copyOf is packed, `co` marks it', () => {
    const record = realisticRecord();
    const item = toArticleItem(record);
    expect(Object.keys(item).sort()).toEqual(['ck', 'co', 'gsi1pk', 'gsi1sk', 'pk', 'sk', 'z']);
    expect(item.co).toBe(true);
    const { co: _co, ...withoutCopyOf } = toArticleItem({
      ...record,
      copyOf: undefined,
      clusterId: record.id,
    });
    expect(Object.keys(withoutCopyOf)).not.toContain('co');
  });

  it('stores URLs with placeholders, times relative to fetchedAt and the raw bundle key as its time and id', () => {
    const record: ArticleRecord = {
      ...realisticRecord(),
      rawKey: 'raw/dt=2026-11-24/bundle-2026-11-24T10-15-32-704Z-6d67a7fce270.gz',
      rawOffset: 1234,
      rawLength: 56789,
      rawContentType: 'text/html; charset=utf-8',
    };
    const { slots, bytes, compressed } = packedOf(record);
    for (const field of ['url', 'canonicalUrl', 'image']) {
      expect(JSON.stringify(slots[field])).not.toContain(record.host);
    }
    expect(slots.rawKey).toEqual([1_500, '6d67a7fce270']);
    expect(slots.publishedAt).toBe('-2731+01:00'); // wall time 09:30:00 (+01:00), fetched 10:15:31
    expect(slots.fetchedAt).toBe(Date.parse(record.fetchedAt));
    expect(slots.rawContentType).toBe(0);
    expect(slots.clusterId).toBe(1); // copyOf's article
    expect(slots.pageKind).toBe(0);
    expect(compressed).toBe(true);
    expect(bytes.paragraphHashes).toBe(1 + 16 * record.paragraphHashes.length);
    expect(bytes.sketch).toBeLessThan(144);
    expect(roundTrip(record)).toEqual(record);
    // canonicalUrl the same as url: 0.
    expect(packedOf({ ...record, url: record.canonicalUrl }).slots.canonicalUrl).toBe(0);
  });

  it('keeps values not of the compact shapes as they are', () => {
    const odd = article('odd', {
      // Upper-case hex, a short hash and a sketch in another encoding cannot be packed exactly.
      paragraphHashes: [hex32('x').toUpperCase(), 'abc'],
      contentHash: 'not-hex',
      minhash: 'v9:whatever',
      // Times not of the ISO shape, and a wall time with a seconds fraction and an offset.
      fetchedAt: 'yesterday',
      publishedAt: '2026-11-24T09:30:00.5-05:00',
      modifiedAt: '24 Nov 2026',
      rawKey: 'raw/dt=2026-11-25/bundle-2026-11-24T10-15-32-704Z-6d67a7fce270.gz', // day not the stamp's
      rawContentType: 'text/html; charset=windows-1252',
      pageKind: 'paywall',
    });
    const { slots, bytes } = packedOf(odd);
    expect(bytes).toMatchObject({ contentHash: 0, paragraphHashes: 0, sketch: 0 });
    expect(slots).toMatchObject({
      paragraphHashes: odd.paragraphHashes,
      contentHash: 'not-hex',
      minhash: 'v9:whatever',
      fetchedAt: 'yesterday',
      modifiedAt: ['24 Nov 2026'],
      rawContentType: 'text/html; charset=windows-1252',
      pageKind: 'paywall',
    });
    expect(typeof slots.rawKey).toBe('string');
    expect(roundTrip(odd)).toEqual(odd);
    // Base64 with non-canonical padding bits, and values not ascending, would not come back the same.
    for (const minhash of ['bk2n1.3.AB==', sketchOf([5, 3], 9), 'bk2n1.007.AAAB']) {
      const loose = article('loose', { minhash });
      expect(packedOf(loose).slots.minhash).toBe(minhash);
      expect(roundTrip(loose)).toEqual(loose);
    }
    // Another sketch prefix is kept beside the Rice-coded values.
    const other = article('other', { minhash: sketchOf([1, 2, 3], 40, 'bk9n3') });
    expect(packedOf(other).slots.minhash).toBe('bk9n3');
    expect(roundTrip(other)).toEqual(other);
  });

  it('round-trips long and unicode fields, and texts holding placeholder characters', () => {
    const words = [
      'Zürich',
      'Ελλάδα',
      'русский',
      '中文报道',
      'العربية',
      'עברית',
      '😀👩‍👩‍👧',
      'naïve',
      '\u2028',
      '"quoted"',
      '\\back\\',
    ];
    const long = Array.from({ length: 3_000 }, (_, i) => words[(i * 7) % words.length]).join(' ');
    const record: ArticleRecord = {
      ...realisticRecord(3),
      host: 'www.müller-zeitung.example',
      title: `Título ${words.join(' ')} \ue000\ue001\ue002 \u0001\u0002\u0003`,
      description: long,
      authors: ['Zoë Ångström', 'José Nuñez', '\ue001'],
      siteName: 'Die Müller-Zeitung',
      section: 'Welt \ud800', // a lone surrogate survives JSON
      url: 'https://www.müller-zeitung.example/welt/2026/11/24/bericht-\ue001?q=ü',
      canonicalUrl: 'https://www.müller-zeitung.example/welt/2026/11/24/bericht',
      image: 'https://img.müller-zeitung.example/\u0002/bild.jpg',
      copyOf: {
        articleId: 'not-hex-origin',
        url: 'https://wire.example/\ue001/x',
        host: 'wire.example',
        overlap: 1 / 3,
        method: 'near-duplicate',
      },
      clusterId: 'not-hex-origin',
    };
    const item = toArticleItem(record);
    expect(roundTrip(record)).toEqual(record);
    const size = billedSize(item);
    expect(size).toBeLessThan(Buffer.byteLength(long) / 4); // repetitive text compresses
    // Long numbers of paragraphs too.
    const many = {
      ...realisticRecord(4),
      paragraphHashes: Array.from({ length: 400 }, (_, i) => hex32(`p${i}`)),
    };
    expect(roundTrip(many)).toEqual(many);
  });

  it('round-trips any record exactly (property)', () => {
    // Few distinct characters, including placeholder ones, so texts often repeat each other.
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        '/',
        '.',
        '-',
        '\u0001',
        '\u0002',
        '\u0003',
        '\ue000',
        '\ue001',
        '\ue002',
        'é',
        '😀',
      ),
      minLength: 1,
      maxLength: 12,
    });
    const hash = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), text);
    const date = fc.date({ min: new Date(-1e13), max: new Date(4e12), noInvalidDate: true });
    const offsetTime = fc
      .tuple(date, fc.constantFrom('Z', '+00:00', '-05:00', '+05:30', '.5Z', '.123+01:00', ''))
      .map(([d, suffix]) => d.toISOString().slice(0, 19) + suffix);
    const time = fc.oneof(
      date.map((d) => d.toISOString()),
      offsetTime,
      text,
    );
    const rawKey = fc.oneof(
      fc.tuple(date, fc.stringMatching(/^[0-9a-f]{1,12}$/)).map(([d, id]) => {
        const iso = d.toISOString();
        return `raw/dt=${iso.slice(0, 10)}/bundle-${iso.replace(/[:.]/g, '-')}-${id}.gz`;
      }),
      text,
    );
    const sketch = fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 2 ** 24 - 1 }), { maxLength: 50 }),
        fc.nat(),
        fc.constantFrom('bk2n1', 'x', ''),
      )
      .map(([values, count, prefix]) =>
        sketchOf(
          [...values].sort((a, b) => a - b),
          count,
          prefix,
        ),
      );
    const link = fc.record({
      articleId: hash,
      url: text,
      host: text,
      overlap: fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }),
      method: fc.constantFrom('exact' as const, 'near-duplicate' as const),
    });
    const record = fc
      .record({
        id: text,
        host: text,
        day: text,
        url: text,
        canonicalUrl: fc.option(text, { nil: undefined }),
        fetchedAt: time,
        publishedAt: fc.option(time, { nil: undefined }),
        modifiedAt: fc.option(time, { nil: undefined }),
        title: fc.option(text, { nil: undefined }),
        description: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        authors: fc.array(text, { maxLength: 3 }),
        image: fc.option(text, { nil: undefined }),
        contentHash: hash,
        paragraphHashes: fc.array(hash, { maxLength: 5 }),
        cleanKey: text,
        cleanOffset: fc.option(fc.nat(), { nil: undefined }),
        cleanLength: fc.option(fc.nat(), { nil: undefined }),
        rawKey: fc.option(rawKey, { nil: undefined }),
        rawOffset: fc.option(fc.nat(), { nil: undefined }),
        rawContentType: fc.option(fc.oneof(text, fc.constant('text/html; charset=utf-8')), {
          nil: undefined,
        }),
        copyOf: fc.option(link, { nil: undefined }),
        clusterId: fc.option(fc.oneof(text, fc.constant('self'), fc.constant('origin')), { nil: undefined }),
        minhash: fc.option(fc.oneof(text, sketch), { nil: undefined }),
      })
      .map(({ canonicalUrl, clusterId, ...r }) => {
        const base = article('x');
        const cluster =
          clusterId === 'self' ? r.id : clusterId === 'origin' ? r.copyOf?.articleId : clusterId;
        return {
          ...base,
          ...r,
          canonicalUrl: canonicalUrl ?? r.url,
          ...(cluster === undefined ? {} : { clusterId: cluster }),
        } as ArticleRecord;
      })
      .map((r) => JSON.parse(JSON.stringify(r)) as ArticleRecord);
    fc.assert(
      fc.property(record, (r) => {
        expect(roundTrip(r)).toEqual(r);
        // The same records written in the v1 layout are read back exactly too.
        expect(toArticle(stored(toV1ArticleItem(r)))).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips the contract fixture, with and without optional fields', () => {
    const copyOf: CopyLink = {
      articleId: 'o',
      url: 'https://o.example/x',
      host: 'o.example',
      overlap: 0.5,
      method: 'near-duplicate',
    };
    for (const record of [
      article('plain'),
      article('self-cluster', { clusterId: 'self-cluster' }),
      article('origin-cluster', { copyOf, clusterId: 'o' }),
      article('other-cluster', { copyOf, clusterId: 'elsewhere' }),
      article('no-hashes', {
        paragraphHashes: [],
        stats: {
          repeatedParagraphsRemoved: 0,
          boilerplateParagraphsRemoved: 0,
          paragraphsFirstSeenElsewhere: 0,
        },
      }),
      article('same-url', { canonicalUrl: 'https://news.example/story/same-url?utm_source=x' }),
      article('hex', {
        paragraphHashes: [hex32('a'), hex32('b'), hex32('a')],
        contentHash: hex32('c'),
        minhash: 'bk2n1.7.AAECAwQF',
      }),
    ]) {
      expect(roundTrip(record)).toEqual(record);
      expect(toArticle(stored(toV1ArticleItem(record)))).toEqual(record);
    }
  });

  it('packs a field it has no slot for, or a value of another type, under its own name', () => {
    const extended = {
      ...article('ext'),
      futureField: { nested: [1, 'two'] },
      version: '3',
    } as unknown as ArticleRecord;
    expect(packedOf(extended).extras).toEqual({ futureField: { nested: [1, 'two'] }, version: '3' });
    expect(roundTrip(extended)).toEqual(extended);
  });

  it('lets what setCopyOf writes (`co` link, `cl` id) win over the packed copyOf and clusterId', () => {
    const early = toArticleItem(article('early', { clusterId: 'early' }));
    const origin: CopyLink = {
      articleId: hex32('origin'),
      url: 'https://wire.example/o',
      host: 'wire.example',
      overlap: 0.9,
      method: 'exact',
    };
    // setCopyOf's update: the v1 copy-link list and the cluster id as text.
    const updated = {
      ...early,
      co: [Buffer.from(origin.articleId, 'hex'), 'https://\u0002/o', origin.host, 0.9, 'exact'],
      cl: origin.articleId,
    };
    expect(toArticle(stored(updated))).toEqual(
      article('early', { copyOf: origin, clusterId: origin.articleId }),
    );
    // Without a clusterId the packed one stays.
    const { cl: _cl, ...noCluster } = updated;
    expect(toArticle(stored(noCluster))).toEqual(article('early', { copyOf: origin, clusterId: 'early' }));
    // setCleanCopy's update of a packed item.
    const moved = {
      ...early,
      ck: 'clean/dt=\u0003/bundle-2026-11-24T11-00-00-000Z-bbbbbbbbbbbb.jsonl',
      cko: 10,
      ckl: 20,
    };
    expect(toArticle(stored(moved))).toMatchObject({
      cleanKey: 'clean/dt=2026-11-24/bundle-2026-11-24T11-00-00-000Z-bbbbbbbbbbbb.jsonl',
      cleanOffset: 10,
      cleanLength: 20,
    });
  });

  it('Rice-codes any ascending sketch exactly, in fewer bytes than 3 per value when they are dense', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 24 - 1 }), { maxLength: 64 }),
        fc.nat(),
        (values, count) => {
          const minhash = sketchOf(
            [...values].sort((a, b) => a - b),
            count,
          );
          const tokens = { id: 'i', host: 'h', day: 'd' };
          expect(unpackFields(packFields({ minhash }, tokens), tokens)).toEqual({ minhash });
        },
      ),
      { numRuns: 300 },
    );
    // 48 smallest of ~1,000 shingles: spread over the lowest ~5 % of the range.
    const dense = Array.from({ length: 48 }, (_, i) => Math.floor((i + 0.5) * 17_000));
    const { bytes } = packedOf(article('dense', { minhash: sketchOf(dense, 1_000) }));
    expect(bytes.sketch).toBeLessThanOrEqual(2 + 2 + 48 * 2.2);
  });

  it('refuses to read packed fields that are damaged or of an unknown format', () => {
    const packed = toArticleItem(realisticRecord())[PACKED_ATTRIBUTE] as Uint8Array;
    const keys = { id: 'x', host: 'h', day: 'd' };
    expect(() => unpackFields(packed.subarray(0, 40), keys)).toThrow(StorageError);
    expect(() => unpackFields(Uint8Array.of(9, ...packed.subarray(1)), keys)).toThrow(StorageError);
    const flipped = Uint8Array.from(packed);
    flipped[flipped.length - 5] ^= 0xff;
    expect(() => unpackFields(flipped, keys)).toThrow(StorageError);
  });

  it('orders copies by seq, then copy id, whatever order the items come in', () => {
    const link = (id: string): CopyLink => ({
      articleId: id,
      url: `https://${id}.example/`,
      host: `${id}.example`,
      overlap: 0.75,
      method: 'exact',
    });
    const items = [
      copyItem('o', link('late'), 3_000),
      copyItem('o', link('b'), 1_000),
      copyItem('o', link('a'), 1_000),
      copyItem('o', link('mid'), 2_000),
    ];
    expect(roundTrip(article('o'), items).copies).toEqual([link('a'), link('b'), link('mid'), link('late')]);
    expect(billedSize(items[0])).toBeLessThan(200);
  });

  it('reads an item of the first layout (long names, copies in a copyMap)', () => {
    const first: CopyLink = {
      articleId: 'c1',
      url: 'https://c1.example/',
      host: 'c1.example',
      overlap: 0.9,
      method: 'exact',
    };
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
    const record = toArticle(
      stored(legacyItem),
      [copyItem('legacy', first, 9e15), copyItem('legacy', third, 1)].map(stored),
    );
    expect(record).toEqual(article('legacy', { copies: [first, second, third] }));
  });

  it('reads a v1 item with copy items, and the realistic records written in v1', () => {
    const link: CopyLink = {
      articleId: hex32('c'),
      url: 'https://www.c.example/x',
      host: 'c.example',
      overlap: 2 / 3,
      method: 'near-duplicate',
    };
    for (const record of [
      leanRecord(7),
      realisticRecord(8),
      { ...realisticRecord(9), rawOffset: 5, rawLength: 6, rawContentType: 'text/html' },
    ]) {
      expect(toArticle(stored(toV1ArticleItem(record)), [stored(copyItem(record.id, link, 1))])).toEqual({
        ...record,
        copies: [link],
      });
    }
  });
});
