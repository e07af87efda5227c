import { readCleanCopy } from '../../functions/archive-format/clean-copies';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanCopy } from '../../functions/core/article';
import { openApiDocument } from '../../functions/query/openapi';
import { MAX_PAGE_SIZE, QueryCore } from '../../functions/query/query-core';
import { startApiServer } from './helpers/api-server';
import { checkJsonSchema, responseSchema } from './helpers/json-schema-check';
import { seedArchive, type SeededArchive } from './helpers/seed-archive';

const doc = openApiDocument() as Record<string, unknown>;

/** Fails with the list of problems when a body does not match the documented schema. */
function expectDocumented(path: string, status: number, body: unknown, mediaType?: string) {
  expect(checkJsonSchema(doc, responseSchema(doc, path, status, mediaType), body)).toEqual([]);
}

describe('query HTTP API (local serve listener over the seeded archive)', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let api: Awaited<ReturnType<typeof startApiServer>>;
  let originId: string;
  let copyId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'query-api-'));
    seeded = await seedArchive(dataDir);
    const ids = seeded.outcomes.map((o) => (o.kind === 'stored' ? o.articleId : ''));
    originId = ids[0];
    copyId = ids[7];
    api = await startApiServer(
      new QueryCore({ index: seeded.pipeline.deps.index, archive: seeded.pipeline.deps.archive }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('GET /hosts lists the hosts, sorted', async () => {
    const r = await api.get('/hosts');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ hosts: ['dailyplanet.example', 'metroherald.example', 'wirewatch.example'] });
    expectDocumented('/hosts', 200, r.json());
  });

  it('GET /articles pages through a host with opaque cursors, newest day first, no duplicates', async () => {
    const seen: string[] = [];
    const days: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await api.get(
        `/articles?host=dailyplanet.example&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.status).toBe(200);
      expectDocumented('/articles', 200, r.json());
      const page = r.json<{ items: { id: string; day: string }[]; cursor?: string }>();
      seen.push(...page.items.map((a) => a.id));
      days.push(...page.items.map((a) => a.day));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect(days).toEqual([...days].sort().reverse());
  });

  it('GET /articles filters by day range (inclusive)', async () => {
    const r = await api.get('/articles?host=dailyplanet.example&from=2026-11-23&to=2026-11-23');
    expect(r.status).toBe(200);
    const items = r.json<{ items: { day: string }[] }>().items;
    expect(items.length).toBe(2);
    expect(items.every((a) => a.day === '2026-11-23')).toBe(true);
  });

  it.each([
    ['/articles?from=2020-01-01&to=2026-11-30', /without host, the day range is at most 366 days/],
    ['/articles?host=dailyplanet.example&limit=0', /limit/],
    [`/articles?host=dailyplanet.example&limit=${MAX_PAGE_SIZE + 1}`, /limit/],
    ['/articles?host=dailyplanet.example&limit=ten', /limit/],
    ['/articles?host=dailyplanet.example&from=2026-13-01', /from must be a day/],
    ['/articles?host=dailyplanet.example&from=yesterday', /from: must be a day/],
    ['/articles?host=dailyplanet.example&from=2026-11-24&to=2026-11-01', /after/],
    ['/articles?host=dailyplanet.example&cursor=not-a-cursor', /cursor/],
    ['/articles?host=dailyplanet.example&colour=blue', /unknown parameter.*colour/],
    ['/articles?host=bad%20host%2Fpath', /host must be a host name/],
    ['/articles/NOT-AN-ID', /32 lower-case hex/],
    [`/articles/${'a'.repeat(32)}?format=pdf`, /format/],
    ['/paragraphs', /text: required/],
    [`/paragraphs?text=${'x'.repeat(10_001)}`, /text: Too big/],
    ['/export?from=2026-11-01', /to: required/],
    ['/export?from=2026-11-01&to=2026-11-30&cursor=bm9wZQ', /export cursor/],
    ['/hosts/dailyplanet.example/stats?from=2026-02-30', /from must be a day/],
    ['/hosts?page=2', /unknown parameter/],
  ])('GET %.90s is a 400 with a message', async (path, message) => {
    const r = await api.get(path);
    expect(r.status).toBe(400);
    expect(r.json<{ error: string }>().error).toMatch(message);
    expectDocumented(
      path
        .split('?')[0]
        .replace(/\/articles\/[^/]+/, '/articles/{id}')
        .replace(/\/hosts\/[^/]+\/stats/, '/hosts/{host}/stats'),
      400,
      r.json(),
    );
  });

  it("a cursor of another host's listing is a 400, not a wrong page", async () => {
    const cursor = (await api.get('/articles?host=wirewatch.example&limit=1')).json<{ cursor: string }>()
      .cursor;
    const r = await api.get(
      `/articles?host=dailyplanet.example&limit=1&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(r.status).toBe(400);
    expect(r.json<{ error: string }>().error).toMatch(/cursor does not match/);
  });

  it('GET /articles/{id} returns the clean copy as JSON, Markdown and text', async () => {
    const asJson = await api.get(`/articles/${copyId}`);
    expect(asJson.status).toBe(200);
    expect(asJson.headers.get('content-type')).toMatch(/application\/json/);
    expectDocumented('/articles/{id}', 200, asJson.json());
    const copy = asJson.json<CleanCopy>();
    expect(copy.id).toBe(copyId);
    expect(copy.copyOf?.articleId).toBe(originId);
    const md = await api.get(`/articles/${copyId}?format=md`);
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(md.text).toMatch(/^# /);
    const text = await api.get(`/articles/${copyId}?format=text`);
    expect(text.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text.text).toContain(copy.paragraphs[0].text);
  });

  it('unknown ids are 404 on every article route', async () => {
    for (const suffix of ['', '/copies', '/story']) {
      const r = await api.get(`/articles/${'0'.repeat(32)}${suffix}`);
      expect(r.status).toBe(404);
      expect(r.json<{ error: string }>().error).toMatch(/no article/);
      expectDocumented(`/articles/{id}${suffix}`, 404, r.json());
    }
  });

  it('GET /articles/{id}/copies links the copy and the origin both ways', async () => {
    const ofCopy = await api.get(`/articles/${copyId}/copies`);
    expectDocumented('/articles/{id}/copies', 200, ofCopy.json());
    expect(ofCopy.json<{ copyOf: { articleId: string } }>().copyOf.articleId).toBe(originId);
    const ofOrigin = await api.get(`/articles/${originId}/copies`);
    expect(ofOrigin.json<{ copies: { articleId: string }[] }>().copies.map((c) => c.articleId)).toContain(
      copyId,
    );
  });

  it("the origin's stored clean copy does not list its copies; GET /articles/{id} and /export merge them in from the index", async () => {
    const record = (await seeded.pipeline.deps.index.getArticle(originId))!;
    const { storedAt, ...stored } = (await readCleanCopy(seeded.pipeline.deps.archive, record))! as Record<
      string,
      unknown
    >;
    expect('copies' in stored).toBe(false);
    expect(storedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const viaApi = (await api.get(`/articles/${originId}`)).json<CleanCopy>();
    expect(viaApi.copies.map((c) => c.articleId)).toEqual(record.copies.map((c) => c.articleId));
    expect(viaApi.copies.map((c) => c.articleId)).toContain(copyId);
    const lines = (await api.get(`/export?from=${record.day}&to=${record.day}&host=${record.host}`)).text
      .trimEnd()
      .split('\n');
    const exported = lines.map((l) => JSON.parse(l) as CleanCopy).find((c) => c.id === originId)!;
    expect(exported.copies.map((c) => c.articleId)).toContain(copyId);
    // Stored and merged copies agree on everything else; the API adds where the line is stored.
    const { copies: _copies, cleanKey, cleanOffset, cleanLength, ...rest } = viaApi;
    expect({ cleanKey, cleanOffset, cleanLength }).toEqual({
      cleanKey: record.cleanKey,
      cleanOffset: record.cleanOffset,
      cleanLength: record.cleanLength,
    });
    expect(rest).toEqual(stored);
  });

  it('GET /articles/{id}/story gives the origin and the members, oldest first', async () => {
    const r = await api.get(`/articles/${copyId}/story`);
    expect(r.status).toBe(200);
    expectDocumented('/articles/{id}/story', 200, r.json());
    const story = r.json<{ origin: { id: string }; members: { id: string }[] }>();
    expect(story.origin.id).toBe(originId);
    expect(story.members.map((m) => m.id)).toEqual([originId, copyId]);
  });

  it('GET /paragraphs finds where a paragraph was first seen; unknown text is 404', async () => {
    const copy = (await api.get(`/articles/${copyId}`)).json<CleanCopy>();
    const para = copy.paragraphs.find((p) => p.firstSeen)!;
    const r = await api.get(`/paragraphs?text=${encodeURIComponent(para.text.toUpperCase())}`);
    expect(r.status).toBe(200);
    expectDocumented('/paragraphs', 200, r.json());
    const info = r.json<{ firstSeen: { articleId: string }; articleIds: string[]; articleCount: number }>();
    expect(info.firstSeen.articleId).toBe(originId);
    expect(info.articleIds).toEqual(expect.arrayContaining([originId, copyId]));
    const missing = await api.get(
      `/paragraphs?text=${encodeURIComponent('A paragraph nobody ever published, about nothing at all in particular.')}`,
    );
    expect(missing.status).toBe(404);
  });

  it('GET /hosts/{host}/stats sums the records: syndicated share and repeat ratio of the aggregator', async () => {
    const r = await api.get('/hosts/wirewatch.example/stats');
    expect(r.status).toBe(200);
    expectDocumented('/hosts/{host}/stats', 200, r.json());
    const stats = r.json<{
      articles: number;
      syndicatedArticles: number;
      syndicatedShare: number;
      repeatedParagraphRatio: number;
      complete: boolean;
    }>();
    expect(stats).toMatchObject({
      articles: 3,
      syndicatedArticles: 2,
      syndicatedShare: 0.6667,
      complete: true,
    });
    // The bridge copy carried its 8 paragraphs twice: 8 of 28 extracted paragraphs were repeats.
    expect(stats.repeatedParagraphRatio).toBeGreaterThan(0.2);
    const origin = (await api.get('/hosts/dailyplanet.example/stats')).json<{
      syndicatedArticles: number;
      articlesWithCopies: number;
    }>();
    expect(origin).toMatchObject({ syndicatedArticles: 0, articlesWithCopies: 1 });
    const empty = (await api.get('/hosts/nobody.example/stats')).json<{
      articles: number;
      syndicatedShare: number;
    }>();
    expect(empty).toMatchObject({ articles: 0, syndicatedShare: 0 });
  });

  it('GET /export streams one clean copy per line (chunked), every line a documented CleanCopy', async () => {
    const r = await api.get('/export?from=2026-11-01&to=2026-11-30');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    const lines = r.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expectDocumented('/export', 200, JSON.parse(line), 'application/x-ndjson');
    const hosts = lines.map((l) => (JSON.parse(l) as CleanCopy).host);
    expect(hosts).toEqual([...hosts].sort());
    const one = await api.get('/export?from=2026-11-23&to=2026-11-23&host=dailyplanet.example');
    expect(
      one.text
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as CleanCopy).day),
    ).toEqual(['2026-11-23', '2026-11-23']);
    const none = await api.get('/export?from=2020-01-01&to=2020-01-02');
    expect(none.status).toBe(200);
    expect(none.text).toBe('');
  });

  it('HEAD answers without a body; other methods are 405; unknown paths are 404 "no route"', async () => {
    const head = await api.get('/hosts', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const post = await api.get('/hosts', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const none = await api.get('/nothing/here');
    expect(none.status).toBe(404);
    expect(none.json<{ error: string }>().error).toMatch(/no route/);
  });
});
