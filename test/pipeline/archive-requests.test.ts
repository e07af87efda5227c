/**
 * S3 requests per stored article on a run of the real local pipeline (discover, crawl, extract,
 * dedup, store) over generated publisher sites with syndicated copies, the archive wrapped in a
 * counting decorator. Locally each raw page and each page's clean lines are bundles of one (the
 * crawl Lambda bundles a batch: see test/handlers/crawl-bundles.test.ts); clean copies are written
 * once per version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { silentLog } from '../../functions/pipeline/deps';
import { runIngest } from '../../functions/pipeline/run-ingest';
import { CountingArchiveStore } from '../../scripts/lib/counting-stores';
import { newestLines, pointsAt, readCleanLines } from '../helpers/clean-lines';
import { allArticles } from '../helpers/pipeline-audit';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

describe('S3 requests per stored article, local pipeline', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let dataDir: string;

  beforeAll(async () => {
    sites = generateSites({ articles: 60, hosts: 4, seed: 23, copyShare: 0.4 });
    server = await startSyntheticSites(sites);
    dataDir = await mkdtemp(join(tmpdir(), 'archive-requests-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('one raw and one clean PUT per article (bundles of one); an origin is never rewritten when its copies arrive', {
    timeout: 120_000,
  }, async () => {
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    const archive = new CountingArchiveStore(pipeline.deps.archive);
    // As on AWS: no Markdown/text renderings (locally they add two PUTs per article).
    Object.assign(pipeline.deps, { archive, writeRenderings: false });
    try {
      const summary = await runIngest(pipeline.deps, pipeline.queue, sourcesFor(sites, { sitemaps: [] }), {
        concurrency: 4,
      });
      const records = [...(await allArticles(pipeline.index)).values()];
      const stored = records.length;
      const copies = records.filter((r) => r.copyOf);
      expect(summary.failed).toEqual([]);
      expect(stored).toBe(sites.articleUrls.length);
      const puts = archive.counts.puts;
      console.log(
        `local pipeline: ${stored} articles (${copies.length} syndicated copies), S3 PUTs ${puts} = ${(puts / stored).toFixed(3)}/article ` +
          `(raw ${archive.counts.putsByPrefix.raw ?? 0}, clean ${archive.counts.putsByPrefix.clean ?? 0}), GETs ${archive.counts.gets} = ${(archive.counts.gets / stored).toFixed(3)}/article`,
      );
      expect(archive.counts.putsByPrefix.raw ?? 0).toBe(stored);
      // One line per article; only a copy crawled before its origin gets a second line (it learns
      // its copyOf), written with its origin's line (a second PUT only when their days differ).
      const lines = await readCleanLines(archive);
      const linesPerId = new Map<string, number>();
      for (const line of lines) linesPerId.set(line.copy.id, (linesPerId.get(line.copy.id) ?? 0) + 1);
      const rewritten = records.filter((r) => (linesPerId.get(r.id) ?? 0) > 1);
      expect(rewritten.filter((r) => !r.copyOf).map((r) => r.id)).toEqual([]);
      expect(records.every((r) => (linesPerId.get(r.id) ?? 0) <= 2)).toBe(true);
      expect(lines.length).toBe(stored + rewritten.length);
      expect(archive.counts.putsByPrefix.clean ?? 0).toBeGreaterThanOrEqual(stored);
      expect(archive.counts.putsByPrefix.clean ?? 0).toBeLessThanOrEqual(stored + rewritten.length);
      // Every origin with copies lists them in the index, though its stored line was written once.
      const origins = records.filter((r) => r.copies.length > 0 && !r.copyOf);
      expect(origins.length).toBeGreaterThan(0);
      for (const origin of origins) expect(linesPerId.get(origin.id), origin.id).toBe(1);
      // Each record points at its article's newest line.
      const newest = newestLines(lines);
      for (const record of records) expect(pointsAt(record, newest.get(record.id)!), record.id).toBe(true);
    } finally {
      await pipeline.close();
    }
  });
});
