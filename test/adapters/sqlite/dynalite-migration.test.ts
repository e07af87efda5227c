/**
 * A data directory written the way the previous version wrote it (the DynamoDB adapters on
 * embedded dynalite under `<data-dir>/index/`, by a real ingest of the demo publishers) is opened
 * by the SQLite store: everything the old index answered, it answers the same, and a rerun finds
 * nothing new to do.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../../functions/adapters/sqlite/sqlite-database';
import { DEMO_SITES_DIR, DEMO_SOURCES_FILE } from '../../../functions/cli/commands/demo';
import { runMigrate } from '../../../functions/cli/commands/migrate';
import { startSiteServer, type SiteServer } from '../../../functions/cli/demo/site-server';
import { loadSourcesFile } from '../../../functions/cli/load-sources-file';
import { openLocalPipeline, type LocalIndexKind } from '../../../functions/cli/local-pipeline';
import { loadConfig } from '../../../functions/config';
import type { ArticleRecord, StoryOrigin } from '../../../functions/core/article';
import type { Source } from '../../../functions/core/sources';
import { canonicalizeUrl } from '../../../functions/core/url/canonical-url';
import { silentLog } from '../../../functions/pipeline/deps';
import { runIngest, type IngestSummary } from '../../../functions/pipeline/run-ingest';
import type { ParagraphInfo } from '../../../functions/ports/dedup-index';
import type { SourceRun, UrlState } from '../../../functions/ports/frontier';
import { allArticles } from '../../helpers/pipeline-audit';

/** What an index answers about a data directory, read through the ports. */
interface IndexAnswers {
  hosts: string[];
  articles: Map<string, ArticleRecord>;
  paragraphs: Map<string, ParagraphInfo>;
  urls: Map<string, UrlState | undefined>;
  failed: UrlState[];
  runs: Map<string, SourceRun | undefined>;
  origins: Map<string, StoryOrigin>;
}

describe('a data directory of the dynalite version, opened by the SQLite store', () => {
  let server: SiteServer;
  let sources: Source[];
  let root: string;
  let legacyDir: string;
  let summary: IngestSummary;
  let before: IndexAnswers;
  let urlKeys: string[];

  const configOf = (dataDir: string) => loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '5' });
  const open = (dataDir: string, indexKind: LocalIndexKind) =>
    openLocalPipeline(configOf(dataDir), {
      hostMap: Object.fromEntries(server.hosts.map((h) => [h, { host: '127.0.0.1', port: server.port }])),
      allowedLoopbackPorts: [server.port],
      log: silentLog,
      indexKind,
    });

  async function answers(
    dataDir: string,
    indexKind: LocalIndexKind,
    records?: Map<string, ArticleRecord>,
  ): Promise<IndexAnswers> {
    const pipeline = await open(dataDir, indexKind);
    try {
      const { index, frontier } = pipeline.deps;
      const articles = records ?? (await allArticles(index));
      const hashes = [...new Set([...articles.values()].flatMap((r) => r.paragraphHashes))];
      const paragraphs = await index.lookupParagraphs(hashes);
      const urls = new Map<string, UrlState | undefined>();
      for (const key of urlKeys) urls.set(key, await frontier.get(key));
      const runs = new Map<string, SourceRun | undefined>();
      for (const source of sources) runs.set(source.id, await frontier.getSourceRun(source.id));
      const origins = await index.getStoryOrigins([
        ...new Set([...articles.values()].flatMap((r) => r.clusterId ?? [])),
      ]);
      return {
        hosts: (await index.listHosts()).sort(),
        articles: records ? await allArticles(index) : articles,
        paragraphs,
        urls,
        failed: await frontier.listFailed(),
        runs,
        origins,
      };
    } finally {
      await pipeline.close();
    }
  }

  beforeAll(async () => {
    server = await startSiteServer({ rootDir: DEMO_SITES_DIR, port: 0 });
    sources = await loadSourcesFile(DEMO_SOURCES_FILE);
    root = await mkdtemp(join(tmpdir(), 'dynalite-migration-'));
    legacyDir = join(root, 'legacy');
    // The previous version's ingest, on its store.
    const pipeline = await open(legacyDir, 'dynalite');
    try {
      summary = await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 4 });
      const records = await allArticles(pipeline.index);
      urlKeys = [
        ...new Set([
          ...[...records.values()].map((r) => canonicalizeUrl(r.url)),
          ...summary.failed.map((f) => canonicalizeUrl(f.url)),
          ...summary.skipped.map((s) => canonicalizeUrl(s.url)),
          ...(await pipeline.deps.frontier.listFailed()).map((s) => s.urlKey),
        ]),
      ].sort();
    } finally {
      await pipeline.close();
    }
    // A copy for the explicit `migrate` command, before anything opened it with SQLite.
    await cp(legacyDir, join(root, 'by-command'), { recursive: true });
    before = await answers(legacyDir, 'dynalite');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('wrote a real archive the old way (articles, copies, failures, paragraphs shared between hosts)', () => {
    expect(existsSync(join(legacyDir, 'index', 'CURRENT'))).toBe(true);
    expect(before.articles.size).toBeGreaterThanOrEqual(8);
    expect([...before.articles.values()].some((r) => r.copies.length > 0)).toBe(true);
    expect([...before.articles.values()].some((r) => r.copyOf)).toBe(true);
    expect(before.failed.length).toBeGreaterThan(0);
    expect([...before.paragraphs.values()].some((p) => p.articleCount > 1)).toBe(true);
    expect([...before.urls.values()].every((s) => s !== undefined)).toBe(true);
  });

  it('migrates on first open: every article, paragraph, URL state and source run answers the same', async () => {
    const after = await answers(legacyDir, 'sqlite');
    expect(after.hosts).toEqual(before.hosts);
    expect(after.articles).toEqual(before.articles);
    expect(after.urls).toEqual(before.urls);
    expect(after.failed).toEqual(before.failed);
    expect(after.runs).toEqual(before.runs);
    expect(after.origins).toEqual(before.origins);
    expect([...after.paragraphs.keys()].sort()).toEqual([...before.paragraphs.keys()].sort());
    for (const [hash, info] of before.paragraphs) {
      const now = after.paragraphs.get(hash)!;
      expect({ ...now, articleIds: [...now.articleIds].sort() }).toEqual({
        ...info,
        articleIds: [...info.articleIds].sort(),
      });
    }
    // The old store is kept aside, not deleted.
    const entries = await readdir(legacyDir);
    expect(entries).toContain('index.sqlite');
    expect(entries).toContain('index.dynalite-migrated');
    expect(entries).not.toContain('index');
  });

  it('re-crawling the same pages after the migration finds nothing new and changes nothing', async () => {
    const pipeline = await open(legacyDir, 'sqlite');
    try {
      const rerun = await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 4 });
      expect(rerun.articlesStored).toBe(0);
      expect(rerun.urlsQueued).toBe(0);
    } finally {
      await pipeline.close();
    }
    const after = await answers(legacyDir, 'sqlite');
    expect(after.articles).toEqual(before.articles);
  });

  it('the explicit migrate command does the same and says what it copied; a second run has nothing to do', async () => {
    const dir = join(root, 'by-command');
    const lines = await runMigrate(configOf(dir));
    expect(lines[0]).toMatch(/^migrated .*index to .*index\.sqlite:$/);
    expect(lines.join('\n')).toContain(`articles ${before.articles.size} `);
    // Near-duplicate keys are not readable through the port: the file holds as many as were copied.
    const copiedKeys = Number(/near-duplicate keys (\d+)/.exec(lines.join('\n'))![1]);
    expect(copiedKeys).toBeGreaterThan(0);
    const store = openSqliteDatabase(join(dir, 'index.sqlite'), { readonly: true });
    try {
      expect(store.db.prepare('SELECT count(*) AS n FROM fingerprint_keys').get()).toEqual({ n: copiedKeys });
    } finally {
      store.close();
    }
    expect(await runMigrate(configOf(dir))).toEqual([expect.stringMatching(/^nothing to migrate/)]);
    const after = await answers(dir, 'sqlite');
    expect(after.articles).toEqual(before.articles);
    expect(after.urls).toEqual(before.urls);
  });
});
