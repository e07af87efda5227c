/**
 * Never silently dropped, at the pipeline level: URLs a dead run left queued are re-enqueued by
 * the next run even though their feed now answers 304; a per-run cap does not hide the rest of a
 * feed behind a 304; sources not due by their schedule are skipped only when asked; a source that
 * left the sources file gets its pending URLs recorded as skipped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import { canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { silentLog } from '../../functions/pipeline/deps';
import { discoverSource } from '../../functions/pipeline/discover-source';
import { recoverPending } from '../../functions/pipeline/recover-pending';
import { runIngest } from '../../functions/pipeline/run-ingest';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

describe('recovery of pending work and per-source schedules', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  const dirs: string[] = [];

  beforeAll(async () => {
    sites = generateSites({ articles: 10, hosts: 2, seed: 9, copyShare: 0 });
    server = await startSyntheticSites(sites);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function open(dataDir?: string): Promise<{ pipeline: LocalPipeline; dataDir: string }> {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'recovery-')));
    if (!dataDir) dirs.push(dir);
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    return { pipeline, dataDir: dir };
  }

  const feedOnly = () => sourcesFor(sites, { sitemaps: [] });

  it('re-enqueues URLs a dead run left queued, although their feed now answers 304', async () => {
    const { pipeline, dataDir } = await open();
    // A run that dies after discovery: URLs claimed (queued), messages lost with the process.
    for (const source of feedOnly())
      await discoverSource({ ...pipeline.deps, queue: { send: async () => undefined } }, source);
    const queued = await pipeline.deps.frontier.listPending({ nowIso: new Date().toISOString() });
    expect(queued).toHaveLength(sites.articleUrls.length);
    await pipeline.close();

    const { pipeline: next } = await open(dataDir);
    try {
      const summary = await runIngest(next.deps, next.queue, feedOnly(), { concurrency: 4 });
      expect(summary.documentsUnchanged).toBe(sites.hosts.length);
      expect(summary.urlsQueued).toBe(0);
      expect(summary.urlsRecovered).toBe(sites.articleUrls.length);
      expect(summary.articlesStored).toBe(sites.articleUrls.length);
      expect(await next.deps.frontier.listPending({ nowIso: new Date().toISOString() })).toEqual([]);
    } finally {
      await next.close();
    }
  });

  it('takes a listed URL once even when two sweeps race', async () => {
    const { pipeline } = await open();
    try {
      for (const source of feedOnly())
        await discoverSource({ ...pipeline.deps, queue: { send: async () => undefined } }, source);
      const sent: string[] = [];
      const deps = {
        ...pipeline.deps,
        queue: {
          send: async (messages: readonly { urlKey: string }[]) =>
            void sent.push(...messages.map((m) => m.urlKey)),
        },
      };
      const [a, b] = await Promise.all([recoverPending(deps, feedOnly()), recoverPending(deps, feedOnly())]);
      expect(a.requeued + b.requeued).toBe(sites.articleUrls.length);
      expect(a.alreadyTaken + b.alreadyTaken).toBe(sites.articleUrls.length);
      expect(new Set(sent).size).toBe(sent.length);
    } finally {
      await pipeline.close();
    }
  });

  it('records URLs of a source removed from the sources file as skipped when asked (AWS), and leaves a disabled source pending', async () => {
    const { pipeline } = await open();
    try {
      const [first, second] = feedOnly();
      for (const source of [first, second])
        await discoverSource({ ...pipeline.deps, queue: { send: async () => undefined } }, source);
      const quiet = { ...pipeline.deps, queue: { send: async () => undefined } };
      // Locally (default) a source missing from this run's file is left alone: another file may list it.
      const local = await recoverPending(quiet, [{ ...second, enabled: false }]);
      expect(local.sourceRemoved).toBeGreaterThan(0);
      expect((await pipeline.deps.frontier.listPending({ nowIso: new Date().toISOString() })).length).toBe(
        sites.articleUrls.length,
      );
      const report = await recoverPending(quiet, [{ ...second, enabled: false }], {
        markRemovedSources: true,
      });
      const firstUrls = sites.articleUrls.filter((u) => u.includes(first.feeds[0].split('/')[2]));
      expect(report.sourceRemoved).toBe(firstUrls.length);
      expect(report.sourceDisabled).toBe(sites.articleUrls.length - firstUrls.length);
      expect(report.requeued).toBe(0);
      expect(await pipeline.deps.frontier.get(canonicalizeUrl(firstUrls[0]))).toMatchObject({
        status: 'skipped',
        reason: 'source-removed',
      });
    } finally {
      await pipeline.close();
    }
  });

  it('does not hide the rest of a capped feed behind a 304', async () => {
    const { pipeline } = await open();
    try {
      const capped = feedOnly().map((s) => ({ ...s, maxArticlesPerRun: 2 }));
      let stored = 0;
      for (let run = 0; run < 6 && stored < sites.articleUrls.length; run++) {
        stored += (await runIngest(pipeline.deps, pipeline.queue, capped, { concurrency: 2 })).articlesStored;
      }
      expect(stored).toBe(sites.articleUrls.length);
      // Once everything is claimed the feed's validators are kept again: the next run gets 304s.
      const settled = await runIngest(pipeline.deps, pipeline.queue, capped, { concurrency: 2 });
      const again = await runIngest(pipeline.deps, pipeline.queue, capped, { concurrency: 2 });
      expect(settled.articlesStored + again.articlesStored).toBe(0);
      expect(again.documentsUnchanged).toBe(sites.hosts.length);
    } finally {
      await pipeline.close();
    }
  });

  it('skips sources that are not due only when asked to respect schedules', async () => {
    const { pipeline } = await open();
    try {
      const sources = feedOnly().map((s, i) => ({
        ...s,
        schedule: i === 0 ? 'rate(1 day)' : 'rate(1 minute)',
      }));
      const first = await runIngest(pipeline.deps, pipeline.queue, sources, {
        concurrency: 2,
        respectSchedule: true,
      });
      expect(first.sourcesNotDue).toEqual([]);
      const run = await pipeline.deps.frontier.getSourceRun(sources[0].id);
      expect(Date.parse(run!.lastRunAt)).toBeGreaterThan(Date.now() - 60_000);
      const second = await runIngest(pipeline.deps, pipeline.queue, sources, {
        concurrency: 2,
        respectSchedule: true,
      });
      // rate(1 minute) is always due within the scheduler's one-minute slack.
      expect(second.sourcesNotDue).toEqual([sources[0].id]);
      const forced = await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 2 });
      expect(forced.sourcesNotDue).toEqual([]);
      expect(forced.documentsUnchanged).toBe(sites.hosts.length);
    } finally {
      await pipeline.close();
    }
  });
});

describe('sitemap indexes', () => {
  it('reads the children of an unchanged sitemap index again, so new URLs in a child are found', async () => {
    const sites = generateSites({ articles: 6, hosts: 1, seed: 31, copyShare: 0 });
    const server = await startSyntheticSites(sites);
    const dir = await mkdtemp(join(tmpdir(), 'sitemap-index-'));
    const host = sites.hosts[0];
    const child = sites.pages.get(host)!.get('/sitemap.xml')!.body.toString();
    const urls = [...child.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    const childWith = (n: number) =>
      child.replace(
        /<url>[\s\S]*<\/urlset>/,
        `${urls
          .slice(0, n)
          .map((u) => `<url><loc>${u}</loc></url>`)
          .join('\n')}\n</urlset>`,
      );
    server.setPage(
      host,
      '/sitemap-index.xml',
      `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://${host}/sitemap.xml</loc></sitemap></sitemapindex>`,
      'application/xml',
    );
    server.setPage(host, '/sitemap.xml', childWith(3));
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    try {
      const sources = sourcesFor(sites, { feeds: [], sitemaps: [`http://${host}/sitemap-index.xml`] });
      expect(
        (await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 2 })).articlesStored,
      ).toBe(3);
      server.setPage(host, '/sitemap.xml', childWith(6));
      const second = await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 2 });
      expect(second.articlesStored).toBe(3);
      // The child did not change since: it answers 304 and nothing more is fetched.
      const third = await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 2 });
      expect(third.documentsUnchanged).toBe(1);
      expect(third.pagesFetched).toBe(0);
    } finally {
      await pipeline.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
