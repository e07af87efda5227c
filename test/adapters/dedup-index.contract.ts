import { beforeEach, describe, expect, it } from 'vitest';
import type { ArticleRecord, ArticleRef } from '../../functions/core/article';
import { InvalidInputError, NotFoundError } from '../../functions/errors';
import type { DedupIndex } from '../../functions/ports/dedup-index';
import type { DynamoDbStats } from '../../functions/adapters/dynamodb/request-stats';

/** An index under test; `stats` when the adapter counts capacity. */
export type DedupIndexUnderTest = DedupIndex & { stats?(): DynamoDbStats };
/** Creates a fresh, empty index for one test. */
export type DedupIndexFactory = () => Promise<DedupIndexUnderTest>;

/** Settings of the adapter under test that the contract needs to know. */
export interface DedupIndexContractOptions {
  /** How many article ids a paragraph keeps (the adapter's cap). */
  articleIdsCap: number;
}

export function ref(
  articleId: string,
  host = 'news.example',
  seenAt = '2026-11-24T10:00:00.000Z',
): ArticleRef {
  return { articleId, url: `https://${host}/story/${articleId}`, host, seenAt };
}

export function hashes(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
}

export function article(id: string, overrides: Partial<ArticleRecord> = {}): ArticleRecord {
  const host = overrides.host ?? 'news.example';
  return {
    id,
    url: `https://${host}/story/${id}?utm_source=x`,
    canonicalUrl: `https://${host}/story/${id}`,
    host,
    fetchedAt: '2026-11-24T10:00:00.000Z',
    day: '2026-11-24',
    title: `Story ${id}`,
    authors: ['A. Writer'],
    publishedAt: '2026-11-24T09:00:00.000Z',
    language: 'en',
    pageKind: 'article',
    contentHash: `content-${id}`,
    version: 1,
    paragraphCount: 3,
    paragraphHashes: hashes(`p-${id}-`, 3),
    cleanKey: `clean/${host}/2026/11/24/${id}.json`,
    stats: { repeatedParagraphsRemoved: 0, boilerplateParagraphsRemoved: 1, paragraphsFirstSeenElsewhere: 0 },
    copies: [],
    ...overrides,
  };
}

/** The behaviour every {@link DedupIndex} must show, run once per adapter. */
export function dedupIndexContract(
  name: string,
  makeIndex: DedupIndexFactory,
  options: DedupIndexContractOptions,
): void {
  describe(`DedupIndex contract: ${name}`, () => {
    let index: DedupIndexUnderTest;
    beforeEach(async () => {
      index = await makeIndex();
    });

    describe('recordParagraphs', () => {
      it('marks the first article to record a hash as first seen', async () => {
        const hs = hashes('first', 3);
        const sightings = await index.recordParagraphs(ref('a1'), hs, 2);
        expect(sightings).toHaveLength(3);
        for (const [i, s] of sightings.entries()) {
          expect(s).toMatchObject({
            hash: hs[i],
            isFirstSeen: true,
            articleCount: 1,
            normVersion: 2,
            articleIds: ['a1'],
          });
          expect(s.firstSeen).toEqual(ref('a1'));
          expect(s.hostPageCounts['news.example']).toBe(1);
        }
      });

      it('keeps the first sighting when another article records the same hash', async () => {
        const hs = hashes('second', 2);
        await index.recordParagraphs(ref('a1'), hs, 1);
        const later = await index.recordParagraphs(
          ref('b1', 'other.example', '2026-11-24T11:00:00.000Z'),
          hs,
          1,
        );
        for (const s of later) {
          expect(s.isFirstSeen).toBe(false);
          expect(s.firstSeen).toEqual(ref('a1'));
          expect(s.articleCount).toBe(2);
          expect(s.articleIds.sort()).toEqual(['a1', 'b1']);
          expect(s.hostPageCounts).toMatchObject({ 'news.example': 1, 'other.example': 1 });
        }
      });

      it('is idempotent per (article, paragraph): re-recording changes no count', async () => {
        const hs = hashes('idem', 4);
        await index.recordParagraphs(ref('a1'), hs, 1);
        await index.recordParagraphs(ref('b1', 'other.example'), hs, 1);
        const again = await index.recordParagraphs(ref('a1'), hs, 1);
        const againB = await index.recordParagraphs(ref('b1', 'other.example'), hs, 1);
        for (const s of again) expect(s).toMatchObject({ isFirstSeen: true, articleCount: 2 });
        for (const s of againB) expect(s).toMatchObject({ isFirstSeen: false, articleCount: 2 });
        const info = (await index.lookupParagraphs(hs)).get(hs[0])!;
        expect(info.articleCount).toBe(2);
        expect(info.hostPageCounts).toMatchObject({ 'news.example': 1, 'other.example': 1 });
      });

      it('answers one sighting per input hash, counting a hash repeated in one article once', async () => {
        const [h1, h2] = hashes('dup', 2);
        const sightings = await index.recordParagraphs(ref('a1'), [h1, h2, h1], 1);
        expect(sightings.map((s) => s.hash)).toEqual([h1, h2, h1]);
        expect((await index.lookupParagraphs([h1])).get(h1)!.articleCount).toBe(1);
      });

      it('records nothing for an empty list', async () => {
        expect(await index.recordParagraphs(ref('a1'), [], 1)).toEqual([]);
      });

      it('counts distinct pages per host (boilerplate evidence)', async () => {
        const [h] = hashes('boiler', 1);
        for (const id of ['p1', 'p2', 'p3']) await index.recordParagraphs(ref(id, 'site.example'), [h], 1);
        await index.recordParagraphs(ref('p2', 'site.example'), [h], 1);
        await index.recordParagraphs(ref('q1', 'elsewhere.example'), [h], 1);
        const forSite = (await index.lookupParagraphs([h], 'site.example')).get(h)!;
        expect(forSite.hostPageCounts['site.example']).toBe(3);
        expect(forSite.articleCount).toBe(4);
        const forOther = (await index.lookupParagraphs([h], 'elsewhere.example')).get(h)!;
        expect(forOther.hostPageCounts['elsewhere.example']).toBe(1);
        const forUnknown = (await index.lookupParagraphs([h], 'never.example')).get(h)!;
        expect(forUnknown.hostPageCounts['never.example'] ?? 0).toBe(0);
      });

      it('agrees on exactly one first-seen article under concurrent recorders', async () => {
        const hs = hashes('race', 6);
        const writers = Array.from({ length: 8 }, (_, i) => ref(`r${i}`, `host${i % 3}.example`));
        const results = await Promise.all(writers.map((w) => index.recordParagraphs(w, hs, 1)));
        for (let j = 0; j < hs.length; j++) {
          const firsts = results.filter((r) => r[j].isFirstSeen);
          expect(firsts).toHaveLength(1);
          // Every writer was told the same first-seen article: the one that won.
          const winner = firsts[0][j].firstSeen.articleId;
          for (const r of results) expect(r[j].firstSeen.articleId).toBe(winner);
        }
        const info = await index.lookupParagraphs(hs);
        for (const h of hs) {
          expect(info.get(h)!.articleCount).toBe(8);
          expect(info.get(h)!.articleIds.sort()).toEqual(writers.map((w) => w.articleId).sort());
        }
      });

      it('stays exact and idempotent past the article id cap, also under concurrency', async () => {
        const [h] = hashes('cap', 1);
        const total = options.articleIdsCap + 6;
        const ids = Array.from({ length: total }, (_, i) => `c${String(i).padStart(3, '0')}`);
        for (const id of ids.slice(0, options.articleIdsCap)) await index.recordParagraphs(ref(id), [h], 1);
        // The rest arrive concurrently, each twice.
        const rest = ids.slice(options.articleIdsCap);
        await Promise.all([...rest, ...rest].map((id) => index.recordParagraphs(ref(id), [h], 1)));
        // Re-record some within the cap and some past it.
        await index.recordParagraphs(ref(ids[0]), [h], 1);
        await index.recordParagraphs(ref(ids[total - 1]), [h], 1);
        const [again] = await index.recordParagraphs(ref(ids[1]), [h], 1);
        expect(again.articleCount).toBe(total);
        expect(again.isFirstSeen).toBe(false);
        const info = (await index.lookupParagraphs([h], 'news.example')).get(h)!;
        expect(info.articleCount).toBe(total);
        expect(info.hostPageCounts['news.example']).toBe(total);
        expect(info.articleIds.length).toBe(options.articleIdsCap);
        expect(info.firstSeen.articleId).toBe(ids[0]);
      });
    });

    describe('lookupParagraphs', () => {
      it('returns known hashes only, across more than one batch of keys', async () => {
        const known = hashes('known', 4);
        await index.recordParagraphs(ref('a1'), known, 3);
        // 100 unknown hashes first, so two known ones fall into the second batch of 100 keys.
        const unknown = hashes('unknown', 100);
        const found = await index.lookupParagraphs([known[0], known[1], ...unknown, known[2], known[3]]);
        expect([...found.keys()].sort()).toEqual(known);
        expect(found.get(known[3])).toMatchObject({ hash: known[3], normVersion: 3, articleCount: 1 });
        expect((await index.lookupParagraphs([])).size).toBe(0);
      });
    });

    describe('story origins', () => {
      const origin = (articleId: string, rank: string) => ({
        articleId,
        url: `https://news.example/${articleId}`,
        host: 'news.example',
        rank,
      });

      it('has no origin for a cluster nobody proposed one for', async () => {
        expect((await index.getStoryOrigins(['c1'])).size).toBe(0);
      });

      const held = (articleId: string, rank: string, clusterId: string) => ({
        ...origin(articleId, rank),
        clusterId,
      });

      it('keeps the best-ranked proposal whatever the order, and returns the winner', async () => {
        expect(await index.proposeStoryOrigin('c1', origin('b', '1-0200'))).toEqual(
          held('b', '1-0200', 'c1'),
        );
        expect(await index.proposeStoryOrigin('c1', origin('a', '1-0100'))).toEqual(
          held('a', '1-0100', 'c1'),
        );
        expect(await index.proposeStoryOrigin('c1', origin('c', '1-0300'))).toEqual(
          held('a', '1-0100', 'c1'),
        );
        expect(await index.proposeStoryOrigin('c2', origin('c', '1-0300'))).toEqual(
          held('c', '1-0300', 'c2'),
        );
        const stored = await index.getStoryOrigins(['c1', 'c2', 'c3']);
        expect(Object.fromEntries(stored)).toEqual({
          c1: held('a', '1-0100', 'c1'),
          c2: held('c', '1-0300', 'c2'),
        });
      });

      it('leaves one origin when many proposals race', async () => {
        const ranks = Array.from({ length: 16 }, (_, i) => `1-${String(1000 - i * 7).padStart(4, '0')}`);
        const answers = await Promise.all(
          ranks.map((rank, i) => index.proposeStoryOrigin('race', origin(`m${i}`, rank))),
        );
        const best = held('m15', '1-0895', 'race');
        expect(Object.fromEntries(await index.getStoryOrigins(['race']))).toEqual({ race: best });
        // Every answer is a proposal at least as good as the caller's own.
        for (const [i, answer] of answers.entries()) expect(answer.rank <= ranks[i]).toBe(true);
      });

      it('merges clusters into the smallest id with the best origin; later reads and proposals follow', async () => {
        await index.proposeStoryOrigin('m-b', origin('x', '1-0300'));
        await index.proposeStoryOrigin('m-c', origin('y', '1-0100'));
        // 'm-a' has no item yet (a cluster of one whose member was in flight).
        const root = await index.mergeStories(['m-c', 'm-b', 'm-a']);
        expect(root).toEqual({ clusterId: 'm-a', origin: held('y', '1-0100', 'm-a') });
        expect(Object.fromEntries(await index.getStoryOrigins(['m-a', 'm-b', 'm-c']))).toEqual({
          'm-a': held('y', '1-0100', 'm-a'),
          'm-b': held('y', '1-0100', 'm-a'),
          'm-c': held('y', '1-0100', 'm-a'),
        });
        // A proposal to a merged cluster lands on the cluster it ended in.
        expect(await index.proposeStoryOrigin('m-c', origin('z', '1-0050'))).toEqual(
          held('z', '1-0050', 'm-a'),
        );
        expect(await index.proposeStoryOrigin('m-b', origin('w', '1-0900'))).toEqual(
          held('z', '1-0050', 'm-a'),
        );
        expect((await index.getStoryOrigins(['m-b'])).get('m-b')).toEqual(held('z', '1-0050', 'm-a'));
        // Merging what is one cluster already writes nothing and answers the same.
        expect(await index.mergeStories(['m-b', 'm-c'])).toEqual({
          clusterId: 'm-a',
          origin: held('z', '1-0050', 'm-a'),
        });
        // Chains: a later merge of the end into a smaller id is followed from every cluster.
        await index.proposeStoryOrigin('m-0', origin('v', '1-0500'));
        await index.mergeStories(['m-0', 'm-c']);
        expect((await index.getStoryOrigins(['m-c'])).get('m-c')).toEqual(held('z', '1-0050', 'm-0'));
      });

      it('converges on one cluster and one origin when merges and proposals race', async () => {
        const ids = Array.from({ length: 8 }, (_, i) => `r-${i}`);
        await Promise.all(ids.map((id, i) => index.proposeStoryOrigin(id, origin(`a${i}`, `1-0${500 - i}`))));
        // Overlapping merges (each joins neighbours), while proposals keep arriving.
        await Promise.all([
          ...ids.slice(1).map((id, i) => index.mergeStories([id, ids[(i + 3) % ids.length]])),
          ...ids.map((id, i) => index.proposeStoryOrigin(id, origin(`b${i}`, `1-0${400 - i}`))),
          index.mergeStories([ids[7], ids[0]]),
        ]);
        await index.mergeStories(ids);
        const origins = await index.getStoryOrigins(ids);
        const best = held('b7', '1-0393', 'r-0');
        for (const id of ids) expect(origins.get(id), id).toEqual(best);
      });
    });

    describe('fingerprint keys', () => {
      it('finds other articles sharing a key, excluding the asking article', async () => {
        await index.putFingerprintKeys('a', ['k1', 'k2']);
        await index.putFingerprintKeys('b', ['k2', 'k3']);
        await index.putFingerprintKeys('c', ['k4']);
        await index.putFingerprintKeys('b', ['k2', 'k3']);
        expect(await index.findByFingerprintKeys('a', ['k1', 'k2'])).toEqual(['b']);
        expect((await index.findByFingerprintKeys('z', ['k2', 'k4'])).sort()).toEqual(['a', 'b', 'c']);
        expect(await index.findByFingerprintKeys('a', ['k9'])).toEqual([]);
      });

      it('stores more keys than one batch write holds', async () => {
        const keys = Array.from({ length: 60 }, (_, i) => `band-${i}`);
        await index.putFingerprintKeys('x', keys);
        expect(await index.findByFingerprintKeys('y', [keys[59]])).toEqual(['x']);
        expect(await index.findByFingerprintKeys('y', [keys[0]])).toEqual(['x']);
      });
    });

    describe('articles', () => {
      it('stores and reads an article record unchanged', async () => {
        const record = article('art1', {
          copies: [
            {
              articleId: 'cp1',
              url: 'https://b.example/x',
              host: 'b.example',
              overlap: 0.9,
              method: 'exact',
            },
          ],
          clusterId: 'art1',
          description: undefined,
        });
        await index.putArticle(record);
        const { description: _d, ...expected } = record;
        expect(await index.getArticle('art1')).toEqual(expected);
        expect(await index.getArticle('missing')).toBeUndefined();
      });

      it('replaces an article on put', async () => {
        await index.putArticle(article('art1'));
        await index.putArticle(article('art1', { title: 'Updated', version: 2 }));
        expect(await index.getArticle('art1')).toMatchObject({ title: 'Updated', version: 2 });
      });

      it('reads many articles in input order, skipping missing ones', async () => {
        const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
        await Promise.all(ids.map((id) => index.putArticle(article(id))));
        // 100 missing ids in between: the request spans two batches of 100 keys.
        const missing = Array.from({ length: 100 }, (_, i) => `nope${i}`);
        const wanted = ['m5', 'm3', ...missing, 'm0', 'm4', 'nope-last', 'm1'];
        const got = await index.getArticles(wanted);
        expect(got.map((a) => a.id)).toEqual(['m5', 'm3', 'm0', 'm4', 'm1']);
        expect(got[0]).toEqual(article('m5'));
      });

      it('adds a copy once per copy article id', async () => {
        await index.putArticle(article('orig'));
        const copy = {
          articleId: 'c1',
          url: 'https://b.example/c1',
          host: 'b.example',
          overlap: 0.8,
          method: 'exact' as const,
        };
        await index.addCopy('orig', copy);
        await index.addCopy('orig', copy);
        await Promise.all([index.addCopy('orig', copy), index.addCopy('orig', copy)]);
        const second = {
          ...copy,
          articleId: 'c2',
          url: 'https://c.example/c2',
          host: 'c.example',
          method: 'near-duplicate' as const,
        };
        await index.addCopy('orig', second);
        expect((await index.getArticle('orig'))!.copies).toEqual([copy, second]);
      });

      it('keeps every copy link when addCopy and putArticle of a new version run concurrently', async () => {
        const link = (n: number) => ({
          articleId: `cc${n}`,
          url: `https://c${n}.example/x`,
          host: `c${n}.example`,
          overlap: 0.9,
          method: 'exact' as const,
        });
        await index.putArticle(article('busy', { copies: [link(0)] }));
        const previous = (await index.getArticle('busy'))!;
        // A re-version read `previous` before these links landed, and stores afterwards.
        await Promise.all([
          index.addCopy('busy', link(1)),
          index.putArticle({
            ...previous,
            title: 'Second version',
            version: 2,
            copies: [...previous.copies, link(2)],
          }),
          index.addCopy('busy', link(3)),
        ]);
        await index.addCopy('busy', link(4));
        // A later store that knows none of the links removes none of them.
        await index.putArticle({ ...previous, title: 'Third version', version: 3, copies: [] });
        const stored = (await index.getArticle('busy'))!;
        expect(stored).toMatchObject({ title: 'Third version', version: 3 });
        expect(stored.copies.map((c) => c.articleId).sort()).toEqual(['cc0', 'cc1', 'cc2', 'cc3', 'cc4']);
        expect(stored.copies[0]).toEqual(link(0));
        expect(stored.copies.at(-1)).toEqual(link(4));
        expect((await index.getArticles(['busy']))[0]).toEqual(stored);
      });

      it('keeps the first link per copy article id, whether added or stored with the record', async () => {
        const first = {
          articleId: 'dup',
          url: 'https://b.example/dup',
          host: 'b.example',
          overlap: 0.8,
          method: 'exact' as const,
        };
        await index.putArticle(article('o1', { copies: [first] }));
        await index.addCopy('o1', { ...first, overlap: 0.5 });
        await index.putArticle(
          article('o1', {
            copies: [
              { ...first, overlap: 0.6 },
              { ...first, overlap: 0.7 },
            ],
          }),
        );
        expect((await index.getArticle('o1'))!.copies).toEqual([first]);
      });

      it('sets copyOf once, keeps the other fields, and ignores unknown articles', async () => {
        await index.putArticle(article('early-copy', { clusterId: 'early-copy' }));
        const origin = {
          articleId: 'origin',
          url: 'https://a.example/o',
          host: 'a.example',
          overlap: 0.9,
          method: 'exact' as const,
        };
        await index.setCopyOf!('early-copy', origin);
        await index.setCopyOf!('early-copy', { ...origin, articleId: 'someone-else' }, 'other-cluster');
        await index.setCopyOf!('never-stored', origin);
        const stored = await index.getArticle('early-copy');
        expect(stored).toEqual({ ...article('early-copy', { clusterId: 'early-copy' }), copyOf: origin });
        expect(await index.getArticle('never-stored')).toBeUndefined();
      });

      it('moves the clean-copy pointer only while the record still points where the caller read it', async () => {
        const bundled = article('moved', {
          day: '2026-11-20',
          cleanKey: 'clean/dt=2026-11-20/bundle-2026-11-24T10-00-00-000Z-aaaaaaaaaaaa.jsonl',
          cleanOffset: 120,
          cleanLength: 900,
        });
        await index.putArticle(bundled);
        const next = {
          key: 'clean/dt=2026-11-20/bundle-2026-11-24T11-00-00-000Z-bbbbbbbbbbbb.jsonl',
          offset: 0,
          length: 950,
        };
        expect(await index.setCleanCopy(bundled, next)).toBe(true);
        expect(await index.getArticle('moved')).toEqual({
          ...bundled,
          cleanKey: next.key,
          cleanOffset: 0,
          cleanLength: 950,
        });
        // A stale caller (it read the record before the move) changes nothing.
        expect(await index.setCleanCopy(bundled, { ...next, offset: 7 })).toBe(false);
        expect((await index.getArticle('moved'))!.cleanOffset).toBe(0);
        // A record stored before bundling (whole object, no offset) is moved too; unknown articles are not created.
        const legacy = article('legacy', { cleanKey: 'clean/dt=2026-11-24/host=news.example/legacy.json' });
        await index.putArticle(legacy);
        expect(await index.setCleanCopy(legacy, next)).toBe(true);
        expect(await index.getArticle('legacy')).toEqual({
          ...legacy,
          cleanKey: next.key,
          cleanOffset: 0,
          cleanLength: 950,
        });
        expect(await index.setCleanCopy(article('never-stored'), next)).toBe(false);
        expect(await index.getArticle('never-stored')).toBeUndefined();
      });

      it('refuses a copy for an unknown article', async () => {
        const copy = {
          articleId: 'c1',
          url: 'https://b.example/c1',
          host: 'b.example',
          overlap: 0.8,
          method: 'exact' as const,
        };
        await expect(index.addCopy('missing', copy)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('lists a host’s articles newest day first, page by page with a cursor', async () => {
        const days = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'];
        for (const [i, day] of days.entries()) {
          await index.putArticle(article(`d${i}a`, { day }));
          await index.putArticle(article(`d${i}b`, { day }));
        }
        await index.putArticle(article('foreign', { host: 'other.example', day: '2026-11-24' }));
        const seen: ArticleRecord[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await index.listArticles({ host: 'news.example', limit: 3, cursor });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items);
          cursor = page.cursor;
          pages++;
        } while (cursor && pages < 10);
        expect(seen.map((a) => a.id).sort()).toEqual(days.flatMap((_, i) => [`d${i}a`, `d${i}b`]).sort());
        const dayOrder = seen.map((a) => a.day);
        expect(dayOrder).toEqual([...dayOrder].sort().reverse());
        expect(pages).toBeGreaterThanOrEqual(4);
      });

      it('lists complete records, copies included, equal to what getArticle returns', async () => {
        const copy = {
          articleId: 'lc1',
          url: 'https://b.example/lc1',
          host: 'b.example',
          overlap: 0.7,
          method: 'near-duplicate' as const,
        };
        await index.putArticle(article('listed1', { day: '2026-11-23', minhash: 'bk2n1.3.AAAAAQAAAg==' }));
        await index.putArticle(article('listed2', { day: '2026-11-24', copyOf: copy, clusterId: 'lc1' }));
        await index.addCopy('listed1', copy);
        const page = await index.listArticles({ host: 'news.example', limit: 10 });
        expect(page.items).toEqual([
          (await index.getArticle('listed2'))!,
          (await index.getArticle('listed1'))!,
        ]);
        expect(page.items[1].copies).toEqual([copy]);
        expect(page.items[0]).toEqual(
          article('listed2', { day: '2026-11-24', copyOf: copy, clusterId: 'lc1' }),
        );
      });

      it('filters by an inclusive day range', async () => {
        for (const day of ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']) {
          await index.putArticle(article(`x${day}`, { day }));
        }
        const range = await index.listArticles({
          host: 'news.example',
          fromDay: '2026-11-21',
          toDay: '2026-11-22',
          limit: 50,
        });
        expect(range.items.map((a) => a.day)).toEqual(['2026-11-22', '2026-11-21']);
        const from = await index.listArticles({ host: 'news.example', fromDay: '2026-11-22', limit: 50 });
        expect(from.items.map((a) => a.day)).toEqual(['2026-11-23', '2026-11-22']);
        const to = await index.listArticles({ host: 'news.example', toDay: '2026-11-20', limit: 50 });
        expect(to.items.map((a) => a.day)).toEqual(['2026-11-20']);
        const none = await index.listArticles({ host: 'unknown.example', limit: 50 });
        expect(none).toEqual({ items: [] });
      });

      it('refuses a malformed cursor and a bad limit', async () => {
        await expect(
          index.listArticles({ host: 'news.example', limit: 5, cursor: 'not-a-cursor' }),
        ).rejects.toBeInstanceOf(InvalidInputError);
        await expect(index.listArticles({ host: 'news.example', limit: 0 })).rejects.toBeInstanceOf(
          InvalidInputError,
        );
      });

      it('lists the hosts that have articles', async () => {
        expect(await index.listHosts()).toEqual([]);
        await index.putArticle(article('h1', { host: 'b.example' }));
        await index.putArticle(article('h2', { host: 'a.example' }));
        await index.putArticle(article('h3', { host: 'b.example' }));
        expect((await index.listHosts()).sort()).toEqual(['a.example', 'b.example']);
      });
    });
  });
}
