/**
 * The demo's aggregator (WireWatch) republishes a Metro Herald story. Crawled before the original
 * (its source ingested first, as when an aggregator's feed is read first), the story view,
 * `query copies`, `query story` and the web view must still name the Metro Herald article as the
 * origin (originId = the original), because the origin follows publication, not crawl order.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITES_DIR, DEMO_SOURCES_FILE } from '../../functions/cli/commands/demo';
import { startSiteServer } from '../../functions/cli/demo/site-server';
import { runLocalIngestCommand } from '../../functions/cli/commands/ingest';
import { loadSourcesFile } from '../../functions/cli/load-sources-file';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import type { ArticleRecord } from '../../functions/core/article';
import { silentLog } from '../../functions/pipeline/deps';
import { QueryCore } from '../../functions/query/query-core';
import { handleWebRequest } from '../../functions/query/web/web-view';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

describe('demo: the aggregator crawled before the original it copies', () => {
  let dataDir: string;
  let copy: ArticleRecord;
  let original: ArticleRecord;
  let core: QueryCore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-order-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const server = await startSiteServer({ rootDir: DEMO_SITES_DIR, port: 0 });
    try {
      const sources = await loadSourcesFile(DEMO_SOURCES_FILE);
      const options = {
        concurrency: 4,
        verbose: false,
        progressBar: false,
        hostMap: Object.fromEntries(server.hosts.map((h) => [h, { host: '127.0.0.1', port: server.port }])),
        allowedLoopbackPorts: [server.port],
      };
      // The aggregator first: every one of its pages is fetched before the pages it copies.
      await runLocalIngestCommand(
        config,
        sources.filter((s) => s.id === 'wirewatch'),
        options,
      );
      await runLocalIngestCommand(config, sources, options);
    } finally {
      await server.close();
    }
    const pipeline = await openLocalPipeline(config, { log: silentLog });
    close = () => pipeline.close();
    core = new QueryCore({ index: pipeline.deps.index, archive: pipeline.deps.archive });
    const list = async (host: string) => (await core.listArticles({ host, limit: 100 })).items;
    copy = (await list('wirewatch.example')).find((r) =>
      r.url.includes('bayview-fares-frozen'),
    ) as ArticleRecord;
    original = (await list('metroherald.example')).find((r) =>
      r.url.includes('council-freezes-transit-fares'),
    ) as ArticleRecord;
  }, 180_000);

  afterAll(async () => {
    await close?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('was crawled first, yet names the original as its origin', () => {
    expect(copy, 'the aggregator copy was stored').toBeDefined();
    expect(original, 'the original was stored').toBeDefined();
    expect(copy.fetchedAt < original.fetchedAt).toBe(true);
    expect(copy.originId).toBe(original.id);
    expect(original.originId).toBe(original.id);
  });

  it('the story view and its summary name the original', async () => {
    const story = await core.getStory(copy.id);
    expect(story.originId).toBe(original.id);
    expect(story.origin.id).toBe(original.id);
    const summary = await core.getStorySummary(original.id);
    expect(summary.origin.id).toBe(original.id);
    expect(summary.members.find((m) => m.id === copy.id)?.relation).not.toBe('original');
  });

  it('query copies and query story print the original as origin', async () => {
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const main = join(ROOT, 'functions/cli/main.ts');
    const copies = await run(tsx, [main, 'query', 'copies', copy.id, '--data-dir', dataDir], { cwd: ROOT });
    expect(copies.stdout).toMatch(new RegExp(`^origin: metroherald\\.example ${original.id}`, 'm'));
    expect(copies.stdout).toContain(`wirewatch.example ${copy.id}`);
    const story = JSON.parse(
      (await run(tsx, [main, 'query', 'story', copy.id, '--data-dir', dataDir], { cwd: ROOT })).stdout,
    );
    expect(story.origin.id).toBe(original.id);
    expect(JSON.stringify(story)).not.toMatch(/minhash|paragraphHashes/);
  }, 60_000);

  it('the web view names the original on the copy and the story page', async () => {
    const get = async (path: string) =>
      (await handleWebRequest(core, { method: 'GET', path, query: {}, headers: {} } as never)) as {
        status: number;
        body: string;
      };
    expect((await get(`/view/articles/${copy.id}`)).body).toContain(
      `id="origin-link" href="/view/articles/${original.id}"`,
    );
    expect((await get(`/view/articles/${copy.id}/story`)).body).toContain(
      `id="origin" data-id="${original.id}"`,
    );
  });
});
