import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord } from '../../functions/core/article';
import { openApiDocument } from '../../functions/query/openapi';
import { QueryCore } from '../../functions/query/query-core';
import { startApiServer } from './helpers/api-server';
import { checkJsonSchema, responseSchema } from './helpers/json-schema-check';
import { seedArchive, type SeededArchive } from './helpers/seed-archive';

const doc = openApiDocument() as Record<string, unknown>;
const RANGE = { from: '2026-11-01', to: '2026-11-30' };

describe('listing articles of every host (no host given)', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let core: QueryCore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'list-all-'));
    seeded = await seedArchive(dataDir);
    core = new QueryCore({ index: seeded.pipeline.deps.index, archive: seeded.pipeline.deps.archive });
  });
  afterAll(async () => {
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('pages through every host, newest day first, hosts in name order within a day, each article once', async () => {
    const perHost: ArticleRecord[] = [];
    for (const host of await core.listHosts())
      perHost.push(...(await core.listArticles({ host, ...RANGE, limit: 100 })).items);
    expect(perHost.length).toBe(10);
    const seen: ArticleRecord[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await core.listArticles({ ...RANGE, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.map((a) => a.id).sort()).toEqual(perHost.map((a) => a.id).sort());
    expect(new Set(seen.map((a) => a.id)).size).toBe(seen.length);
    const keys = seen.map((a) => `${a.day}|${a.host}`);
    const expectedOrder = [...keys].sort((a, b) => {
      const [da, ha] = a.split('|');
      const [db, hb] = b.split('|');
      return db.localeCompare(da) || ha.localeCompare(hb);
    });
    expect(keys).toEqual(expectedOrder);
    expect(pages).toBe(4);
  });

  it('a day range narrows it; an empty range is an empty page', async () => {
    const day = await core.listArticles({ from: '2026-11-24', to: '2026-11-24', limit: 100 });
    expect(day.items.length).toBeGreaterThan(0);
    expect(day.items.every((a) => a.day === '2026-11-24')).toBe(true);
    expect(await core.listArticles({ from: '2026-10-01', to: '2026-10-31' })).toEqual({ items: [] });
  });

  it('refuses a range over 366 days, a cursor from elsewhere, and from after to, naming the problem', async () => {
    await expect(core.listArticles({ from: '2020-01-01', to: '2026-11-30' })).rejects.toThrow(
      /without host, the day range is at most 366 days/,
    );
    await expect(core.listArticles({ ...RANGE, cursor: 'not-a-cursor' })).rejects.toThrow(
      /invalid page cursor/,
    );
    await expect(core.listArticles({ from: '2026-11-30', to: '2026-11-01' })).rejects.toThrow(
      /from \(2026-11-30\) is after to \(2026-11-01\)/,
    );
  });

  it('GET /articles without host answers the same pages, as documented', async () => {
    const api = await startApiServer(core);
    try {
      const r = await api.get(`/articles?from=${RANGE.from}&to=${RANGE.to}&limit=4`);
      expect(r.status).toBe(200);
      expect(checkJsonSchema(doc, responseSchema(doc, '/articles', 200), r.json())).toEqual([]);
      const direct = await core.listArticles({ ...RANGE, limit: 4 });
      const body = r.json<{ items: ArticleRecord[]; cursor?: string }>();
      expect(body.items.map((a) => a.id)).toEqual(direct.items.map((a) => a.id));
      const next = await api.get(
        `/articles?from=${RANGE.from}&to=${RANGE.to}&limit=4&cursor=${encodeURIComponent(body.cursor!)}`,
      );
      expect(next.status).toBe(200);
      expect(next.json<{ items: ArticleRecord[] }>().items.length).toBe(4);
      const bad = await api.get('/articles?from=2020-01-01&to=2026-11-30');
      expect(bad.status).toBe(400);
      // The web view's home page lists them too, with a next-page link.
      const home = await api.get(`/?from=${RANGE.from}&to=${RANGE.to}&limit=4`);
      expect(home.status).toBe(200);
      const rows = [...home.text.matchAll(/<tr><td>(\d{4}-\d{2}-\d{2})<\/td><td>([a-z.]+)<\/td>/g)];
      expect(rows.map((m) => m[2])).toEqual(direct.items.map((a) => a.host));
      expect(home.text).toMatch(
        /id="next-page" href="\/\?from=2026-11-01&amp;to=2026-11-30&amp;limit=4&amp;cursor=/,
      );
    } finally {
      await api.close();
    }
  });
});
