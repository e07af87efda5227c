/**
 * Every view names the story's current origin, also when the aggregator's copy was crawled (and
 * its clean line written) before the original: `query get` (JSON, Markdown, text), `story`,
 * `copies`, `export`, the paragraph lookup and the web view. The origin is joined from the index
 * at read time (docs/dedup.md, "Origin in every view").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanCopy } from '../../functions/core/article';
import { QueryCore } from '../../functions/query/query-core';
import { handleWebRequest } from '../../functions/query/web/web-view';
import { readCleanCopy } from '../../functions/archive-format/clean-copies';
import { SEED_PAGES, seedArchive, type SeededArchive } from './helpers/seed-archive';

const COPY_FILE = 'wirewatch.example/news/2026/11/24/104877-bayview-fares-frozen.html';
const ORIGINAL_FILE = 'metroherald.example/city/2026/11/24/council-freezes-transit-fares/index.html';

describe('origin in every view when the copy is crawled before its original', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let core: QueryCore;
  let copyId: string;
  let originalId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'origin-views-'));
    // Aggregator first: every copy is crawled before the page it copies.
    const order = [...SEED_PAGES].reverse();
    seeded = await seedArchive(dataDir, order);
    const idOf = (file: string) => {
      const outcome = seeded.outcomes[order.findIndex((p) => p.file === file)];
      if (outcome.kind !== 'stored') throw new Error(`${file} was not stored`);
      return outcome.articleId;
    };
    copyId = idOf(COPY_FILE);
    originalId = idOf(ORIGINAL_FILE);
    core = new QueryCore({ index: seeded.pipeline.deps.index, archive: seeded.pipeline.deps.archive });
  });

  afterAll(async () => {
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the record, clean copy and story name the original', async () => {
    const record = await core.getRecord(copyId);
    expect(record.originId).toBe(originalId);
    expect(record.relation).not.toBe('original');
    expect(record.copyOf?.articleId).toBe(originalId);
    const original = await core.getRecord(originalId);
    expect(original.originId).toBe(originalId);
    expect(original.relation).toBe('original');

    const copy = JSON.parse((await core.getArticle(copyId, 'json')).body) as CleanCopy;
    expect(copy.originId).toBe(originalId);

    const story = await core.getStory(copyId);
    expect(story.originId).toBe(originalId);
    expect(story.origin.id).toBe(originalId);
    for (const member of story.members) expect(member.originId, member.host).toBe(originalId);
    expect((await core.getStory(originalId)).originId).toBe(originalId);
  });

  it('Markdown and text say who published it first', async () => {
    const md = (await core.getArticle(copyId, 'md')).body;
    const original = await core.getRecord(originalId);
    // Links name the origin by the URL dedup knows it by (its canonical URL).
    expect(md).toContain(`of ${original.canonicalUrl}, first published by metroherald.example.`);
    expect(md).toMatch(/_Copy \((exact|near-duplicate)\) of /);
    const text = (await core.getArticle(copyId, 'text')).body;
    expect(text).toContain('first published by metroherald.example.');
    expect((await core.getArticle(originalId, 'text')).body).not.toContain('first published by');
  });

  it('the story summary is what a reader needs: ids, URLs, hosts, times, relation, overlap; no hashes', async () => {
    const summary = await core.getStorySummary(copyId);
    expect(summary.origin).toMatchObject({
      id: originalId,
      host: 'metroherald.example',
      relation: 'original',
    });
    const member = summary.members.find((m) => m.id === copyId);
    expect(member).toMatchObject({ host: 'wirewatch.example', url: expect.stringContaining('bayview') });
    expect(member?.overlap).toBeGreaterThan(0);
    expect(member?.publishedAt).toBe('2026-11-24T21:05:00+01:00');
    const text = JSON.stringify(summary);
    expect(text).not.toMatch(/minhash|paragraphHashes|"lead"|contentHash/);
  });

  it('the export line carries the current origin', async () => {
    const lines: CleanCopy[] = [];
    for await (const { line } of core.exportLines({ from: '2026-11-01', to: '2026-11-30' }))
      lines.push(JSON.parse(line));
    const line = lines.find((l) => l.id === copyId);
    expect(line?.originId).toBe(originalId);
    expect(lines.find((l) => l.id === originalId)?.originId).toBe(originalId);
    // Every line names an origin that is itself a line whose originId is its own id.
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const l of lines) {
      const origin = byId.get(l.originId as string);
      expect(origin?.originId, l.url).toBe(l.originId);
    }
  });

  it('a copied paragraph is first seen on the original, first crawled on the copy', async () => {
    const stored = await readCleanCopy(seeded.pipeline.deps.archive, await core.getRecord(originalId));
    const shared = (await core.getCleanCopy(copyId)).paragraphs.find(
      (p) => p.hash && stored?.paragraphs.some((q) => q.hash === p.hash),
    );
    expect(shared, 'the copy shares a paragraph with the original').toBeDefined();
    expect(shared?.firstSeen?.articleId).toBe(originalId);
    const lookup = await core.lookupParagraph(shared?.text as string);
    expect(lookup.firstSeen.articleId).toBe(originalId);
    expect(lookup.firstCrawled?.articleId).toBe(copyId);
  });

  it('the web view names the original on the copy, the story and the highlights', async () => {
    const get = async (path: string) =>
      (await handleWebRequest(core, { method: 'GET', path, query: {}, headers: {} } as never)) as {
        status: number;
        body: string;
      };
    const article = await get(`/view/articles/${copyId}`);
    expect(article.status).toBe(200);
    expect(article.body).toContain(`id="origin-link" href="/view/articles/${originalId}"`);
    expect(article.body).toContain('first published by metroherald.example');
    expect(article.body).toMatch(new RegExp(`class="first-seen" href="/view/articles/${originalId}#p-`));
    const story = await get(`/view/articles/${copyId}/story`);
    expect(story.body).toContain(`id="origin" data-id="${originalId}"`);
  });
});
