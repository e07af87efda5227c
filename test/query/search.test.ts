import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteArchiveSearch } from '../../functions/adapters/sqlite-search/sqlite-archive-search';
import { ftsMatchExpression, parseSearchText } from '../../functions/core/search/search-terms';
import { makeSnippet } from '../../functions/core/search/snippet';
import { InvalidInputError, NotFoundError } from '../../functions/errors';
import { searchArticles } from '../../functions/query/search';

/** A clean line with the fields search reads (the rest of a stored line is not needed here). */
function line(id: string, fields: Record<string, unknown>): string {
  return `${JSON.stringify({
    id: id.padEnd(32, '_'),
    host: 'dailyplanet.example',
    url: `http://dailyplanet.example/${id}`,
    day: '2026-11-23',
    fetchedAt: '2026-11-23T12:00:00.000Z',
    version: 1,
    storedAt: '2026-11-23T12:00:00.000Z',
    relation: 'original',
    ...fields,
  })}\n`;
}

/** The words each language sample must be found by, and the article they are in. */
const LANGUAGES: Array<{ lang: string; title: string; text: string; query: string }> = [
  {
    lang: 'en',
    title: 'Harbour bridge reopens',
    text: 'The Harbour Street bridge reopened to cars on Sunday.',
    query: 'reopened',
  },
  {
    lang: 'fr',
    title: 'Le café rouvre',
    text: 'Le café de la gare a rouvert ses portes après les travaux.',
    query: 'cafe gare',
  },
  {
    lang: 'de',
    title: 'Brücke wieder offen',
    text: 'Die Brücke über den Fluss ist nach vierzehn Monaten wieder offen.',
    query: 'brucke',
  },
  {
    lang: 'es',
    title: 'Mercado nocturno',
    text: 'El mercado nocturno de la calle Alameda regresará el próximo viernes.',
    query: 'proximo viernes',
  },
  { lang: 'ru', title: 'Мост открыт', text: 'Мост через реку снова открыт для движения.', query: 'МОСТ' },
  { lang: 'uk', title: 'Міст відкрито', text: 'Міст через річку знову відкрито для руху.', query: 'річку' },
  { lang: 'el', title: 'Γέφυρα', text: 'Η γέφυρα άνοιξε ξανά για τα αυτοκίνητα.', query: 'γεφυρα' },
  { lang: 'ar', title: 'افتتاح الجسر', text: 'أعيد افتتاح الجسر أمام السيارات يوم الأحد.', query: 'الجسر' },
  { lang: 'he', title: 'הגשר נפתח', text: 'הגשר נפתח מחדש לתנועה ביום ראשון.', query: 'לתנועה' },
  { lang: 'hi', title: 'पुल फिर खुला', text: 'नदी पर बना पुल रविवार को फिर से खुल गया।', query: 'रविवार' },
  { lang: 'zh', title: '大桥重新开放', text: '港口街大桥在周日重新向车辆开放。', query: '大桥' },
  { lang: 'ja', title: '橋が再開', text: '港通りの橋が日曜日に再び開通しました。', query: '日曜日' },
  {
    lang: 'ko',
    title: '다리 재개통',
    text: '항구 거리 다리가 일요일에 다시 개통되었습니다.',
    query: '일요일',
  },
  { lang: 'th', title: 'สะพานเปิดอีกครั้ง', text: 'สะพานถนนท่าเรือเปิดให้รถสัญจรอีกครั้งในวันอาทิตย์', query: 'วันอาทิตย์' },
];

describe('search words', () => {
  it('are quoted into an FTS5 expression, so nothing typed is FTS5 syntax', () => {
    expect(ftsMatchExpression(parseSearchText('bridge "harbour street" reopen*'))).toBe(
      '"bridge" AND "harbour street" AND "reopen"*',
    );
    expect(ftsMatchExpression(parseSearchText('NEAR(a OR b) -x col:y "unbalanced'))).toBe(
      '"near a" AND "or" AND "b" AND "x" AND "col y" AND "unbalanced"',
    );
    // Unspaced scripts become the phrase of their characters.
    expect(ftsMatchExpression(parseSearchText('東京'))).toBe('"東 京"');
    expect(parseSearchText(' " - * ')).toEqual([]);
  });

  it('snippets show the best window with the matched words marked, folding case and diacritics', () => {
    const text = `${'Filler words here. '.repeat(30)}The Café reopened on Sunday; cafe owners cheered.`;
    const snippet = makeSnippet(text, parseSearchText('CAFE reopen*'));
    const marked = snippet.highlights.map(({ start, end }) => snippet.text.slice(start, end));
    expect(marked).toEqual(['Café', 'reopened', 'cafe']);
    expect(snippet.text.startsWith('… ')).toBe(true);
    expect(makeSnippet('港口街大桥在周日重新开放', parseSearchText('大桥')).highlights).toEqual([
      { start: 3, end: 5 },
    ]);
  });
});

describe('SqliteArchiveSearch over clean bundles (FTS5)', () => {
  let dir: string;
  let cleanDir: string;
  let search: SqliteArchiveSearch;
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const write = async (day: string, name: string, lines: string[]) => {
    await mkdir(join(cleanDir, `dt=${day}`), { recursive: true });
    await writeFile(join(cleanDir, `dt=${day}`, `bundle-${name}.jsonl`), lines.join(''));
  };
  const ids = async (q: string, extra: Record<string, unknown> = {}) =>
    (await searchArticles(search, { q, limit: 100, ...extra })).items.map((h) => h.id.replace(/_+$/, ''));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'search-'));
    cleanDir = join(dir, 'archive', 'clean');
    await write(
      '2026-11-23',
      'a',
      LANGUAGES.map((l, i) => line(`${l.lang}${i}`, { title: l.title, text: l.text, language: l.lang })),
    );
    await write('2026-11-24', 'b', [
      line('bridgetitle', { day: '2026-11-24', title: 'Bridge', text: 'A short note about traffic.' }),
      line('bridgebody', {
        day: '2026-11-24',
        title: 'Traffic news',
        text: 'Long text mentioning the bridge once among many other words about traffic and weather.',
      }),
      line('copy', {
        day: '2026-11-24',
        host: 'wirewatch.example',
        title: 'Harbour bridge reopens',
        text: 'The Harbour Street bridge reopened to cars on Sunday.',
        relation: 'exact',
        copyOf: {
          articleId: 'en0'.padEnd(32, '_'),
          url: 'u',
          host: 'dailyplanet.example',
          overlap: 1,
          method: 'exact',
        },
      }),
      '{not json\n',
    ]);
    // Directories written "long ago" by the pinned clock's standards: their mtimes are recorded.
    clock = Date.now() + 60_000;
    search = await SqliteArchiveSearch.open({
      file: join(dir, 'search.sqlite'),
      cleanDir,
      nowMs: () => clock,
    });
  });
  afterAll(async () => {
    await search?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(LANGUAGES)('finds the $lang article by its words', async ({ lang, query }) => {
    const found = await ids(query);
    expect(found).toContain(`${lang}${LANGUAGES.findIndex((l) => l.lang === lang)}`);
  });

  it('ranks a title match above a passing mention, and every hit has a snippet', async () => {
    const page = await searchArticles(search, { q: 'bridge', limit: 10 });
    const order = page.items.map((h) => h.id.replace(/_+$/, ''));
    expect(order.indexOf('bridgetitle')).toBeLessThan(order.indexOf('bridgebody'));
    const body = page.items.find((h) => h.id.startsWith('bridgebody'))!;
    expect(body.snippet.highlights.map(({ start, end }) => body.snippet.text.slice(start, end))).toEqual([
      'bridge',
    ]);
    expect(page.items.every((h, i) => i === 0 || h.score <= page.items[i - 1].score)).toBe(true);
  });

  it('filters by host, day range and originals only', async () => {
    expect(await ids('harbour bridge')).toEqual(expect.arrayContaining(['en0', 'copy']));
    expect(await ids('harbour bridge', { host: 'wirewatch.example' })).toEqual(['copy']);
    expect(await ids('harbour bridge', { originalsOnly: true })).toEqual(['en0']);
    expect(await ids('harbour bridge', { from: '2026-11-24', to: '2026-11-24' })).toEqual(['copy']);
    expect(await ids('harbour bridge', { to: '2026-11-23' })).toEqual(['en0']);
  });

  it('pages with a cursor, without repeating a hit', async () => {
    const first = await searchArticles(search, { q: 'bridge', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await searchArticles(search, { q: 'bridge', limit: 2, cursor: first.cursor });
    const all = await searchArticles(search, { q: 'bridge', limit: 100 });
    expect([...first.items, ...second.items].map((h) => h.id)).toEqual(
      all.items.slice(0, 4).map((h) => h.id),
    );
    expect(all.cursor).toBeUndefined();
  });

  it('answers bad input with clear errors', async () => {
    await expect(searchArticles(search, { q: '' })).rejects.toThrow(
      new InvalidInputError('search words are required'),
    );
    await expect(searchArticles(search, { q: ' "" ' })).rejects.toThrow(/has no word to search for/);
    await expect(searchArticles(search, { q: 'bridge', host: 'nowhere.example' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(searchArticles(search, { q: 'bridge', host: 'not a host' })).rejects.toThrow(
      /host must be a host name/,
    );
    await expect(searchArticles(search, { q: 'bridge', from: '2026-13-01' })).rejects.toThrow(
      /from must be a day/,
    );
    await expect(searchArticles(search, { q: 'bridge', limit: 0 })).rejects.toThrow(
      /limit must be an integer/,
    );
    await expect(searchArticles(search, { q: 'bridge', cursor: 'garbage' })).rejects.toThrow(
      /invalid page cursor/,
    );
    await expect(searchArticles(search, { q: 'x'.repeat(501) })).rejects.toThrow(/longer than 500/);
    await expect(searchArticles(search, { q: 'a b c d e f g h i j k l m' })).rejects.toThrow(/at most 12/);
  });

  it('stays consistent with the bundles: a newer line replaces the old one, a new bundle is found, a deleted bundle is forgotten', async () => {
    expect(await ids('zeppelin')).toEqual([]);
    await write('2026-11-24', 'c', [
      line('bridgebody', {
        day: '2026-11-24',
        version: 2,
        storedAt: '2026-11-25T00:00:00.000Z',
        title: 'Traffic news',
        text: 'Rewritten: a zeppelin flew over.',
      }),
      // An older line arriving later changes nothing.
      line('bridgetitle', {
        day: '2026-11-24',
        storedAt: '2026-11-01T00:00:00.000Z',
        title: 'Old',
        text: 'stale',
      }),
    ]);
    expect(await ids('zeppelin')).toEqual(['bridgebody']);
    expect(await ids('mentioning')).toEqual([]);
    expect(await ids('stale')).toEqual([]);
    // A second reader on the same file (as a CLI process beside serve) sees the same.
    const other = await SqliteArchiveSearch.open({
      file: join(dir, 'search.sqlite'),
      cleanDir,
      nowMs: () => clock,
    });
    try {
      expect(
        (await searchArticles(other, { q: 'zeppelin' })).items.map((h) => h.id.replace(/_+$/, '')),
      ).toEqual(['bridgebody']);
      await unlink(join(cleanDir, 'dt=2026-11-24', 'bundle-c.jsonl'));
      expect((await searchArticles(other, { q: 'zeppelin' })).items).toEqual([]);
      expect(await ids('zeppelin')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('rebuilds from the bundles when its file is deleted', async () => {
    const fresh = join(dir, 'fresh.sqlite');
    const rebuilt = await SqliteArchiveSearch.open({ file: fresh, cleanDir, nowMs: () => clock });
    try {
      const { linesRead } = await rebuilt.catchUp();
      // Every line of the bundles left, the damaged one included (read, then skipped).
      expect(linesRead).toBe(LANGUAGES.length + 4);
      expect((await rebuilt.catchUp()).linesRead).toBe(0);
      expect((await searchArticles(rebuilt, { q: 'reopened' })).items.length).toBe(2);
    } finally {
      await rebuilt.close();
    }
  });
});
