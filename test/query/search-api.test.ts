import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteArchiveSearch } from '../../functions/adapters/sqlite-search/sqlite-archive-search';
import { openApiDocument } from '../../functions/query/openapi';
import { QueryCore } from '../../functions/query/query-core';
import type { SearchHit } from '../../functions/ports/archive-search';
import { startApiServer } from './helpers/api-server';
import { checkJsonSchema, responseSchema } from './helpers/json-schema-check';
import { seedArchive, type SeededArchive } from './helpers/seed-archive';

const doc = openApiDocument() as Record<string, unknown>;

describe('GET /search and the web view search page (seeded archive, SQLite FTS5)', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let search: SqliteArchiveSearch;
  let api: Awaited<ReturnType<typeof startApiServer>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'search-api-'));
    seeded = await seedArchive(dataDir);
    search = await SqliteArchiveSearch.open({
      file: join(dataDir, 'search.sqlite'),
      cleanDir: join(seeded.pipeline.archiveDir, 'clean'),
    });
    api = await startApiServer(
      new QueryCore({ index: seeded.pipeline.deps.index, archive: seeded.pipeline.deps.archive, search }),
    );
  });
  afterAll(async () => {
    await api?.close();
    await search?.close();
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers ranked hits with snippets, as documented, and every hit is an article the API serves', async () => {
    const r = await api.get('/search?q=harbour%20bridge');
    expect(r.status).toBe(200);
    const body = r.json<{ items: SearchHit[]; cursor?: string }>();
    expect(checkJsonSchema(doc, responseSchema(doc, '/search', 200), body)).toEqual([]);
    expect(body.items.map((h) => h.host).sort()).toEqual(['dailyplanet.example', 'wirewatch.example']);
    for (const hit of body.items) {
      expect(hit.title).toMatch(/Harbour Street bridge/);
      const marked = hit.snippet.highlights.map(({ start, end }) =>
        hit.snippet.text.slice(start, end).toLowerCase(),
      );
      expect(marked).toEqual(expect.arrayContaining(['harbour', 'bridge']));
      const article = await api.get(`/articles/${hit.id}`);
      expect(article.status).toBe(200);
      expect(article.json<{ host: string }>().host).toBe(hit.host);
    }
  });

  it('originalsOnly=true leaves out the aggregator copy; host narrows to one publisher', async () => {
    const originals = (await api.get('/search?q=harbour%20bridge&originalsOnly=true')).json<{
      items: SearchHit[];
    }>();
    expect(originals.items.map((h) => h.host)).toEqual(['dailyplanet.example']);
    const wire = (await api.get('/search?q=bridge&host=wirewatch.example')).json<{ items: SearchHit[] }>();
    expect(wire.items.map((h) => h.host)).toEqual(['wirewatch.example']);
    expect(wire.items[0].copyOfHost).toBe('dailyplanet.example');
  });

  it.each([
    ['/search', 400, /q: /],
    ['/search?q=', 400, /q: /],
    ['/search?q=%22%22', 400, /has no word to search for/],
    ['/search?q=bridge&host=nowhere.example', 404, /unknown host "nowhere.example"/],
    ['/search?q=bridge&originalsOnly=yes', 400, /originalsOnly/],
    ['/search?q=bridge&limit=500', 400, /limit/],
    ['/search?q=bridge&cursor=nonsense', 400, /invalid page cursor/],
    ['/search?q=bridge&from=2026-11-30&to=2026-11-01', 400, /from \(2026-11-30\) is after to/],
    ['/search?q=bridge&hots=x', 400, /unknown parameter/],
  ])('GET %s answers %i with a clear message', async (path, status, message) => {
    const r = await api.get(path);
    expect(r.status).toBe(status);
    expect(r.json<{ error: string }>().error).toMatch(message);
  });

  it('the web view has a search box on every page and a search page with marked, escaped snippets', async () => {
    const home = await api.get('/');
    expect(home.text).toMatch(/<form class="search-box" method="get" action="\/view\/search">/);
    const page = await api.get('/view/search?q=council+fares&originalsOnly=true');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<ol class="hits" id="hits">/);
    expect(page.text).toMatch(/<mark>[Cc]ouncil<\/mark>/);
    expect(page.text).toMatch(/name="originalsOnly" value="true" checked/);
    expect(page.text).not.toMatch(/wirewatch\.example · /);
    const hostile = await api.get(`/view/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.status).toBe(200);
    expect(hostile.text).not.toContain('<script>');
    expect(hostile.text).toContain('&lt;script&gt;');
    const unknown = await api.get('/view/search?q=bridge&host=nowhere.example');
    expect(unknown.status).toBe(404);
  });
});
