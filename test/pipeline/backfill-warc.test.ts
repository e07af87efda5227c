/**
 * Backfill from a WARC written by the test (generated publisher sites: the fixture templates with
 * syndicated copies): pages go through the same process step as crawled pages, with the record's
 * URL and capture time; the raw page is a pointer into the WARC that reading it back (and
 * reprocessing) follows; revisits, non-HTML and non-200 records are counted by reason; the host,
 * language, date and limit filters; a second run finds every file done.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBackfillCheckpoints } from '../../functions/adapters/local/file-backfill-checkpoints';
import { WarcioRecordSource } from '../../functions/adapters/warc/warcio-record-source';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { articleIdFor } from '../../functions/core/url/canonical-url';
import { silentLog } from '../../functions/pipeline/deps';
import { readRawPage } from '../../functions/archive-format/raw-pages';
import { articleKey, reprocessArticleKey } from '../../functions/pipeline/reprocess';
import { runBackfill } from '../../functions/pipeline/run-backfill';
import { writeSitesWarc } from '../../scripts/lib/synthetic-warc';
import { responseRecord, writeWarcFile } from '../../scripts/lib/warc-writer';
import { generateSites, type SyntheticSites } from '../helpers/synthetic-sites';

const ARTICLES = 24;
const HOSTS = 3;

describe('WARC backfill through the process step', () => {
  let dir: string;
  let sites: SyntheticSites;
  let warc: string;
  const source = new WarcioRecordSource();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backfill-'));
    sites = generateSites({ articles: ARTICLES, hosts: HOSTS, seed: 3 });
    warc = join(dir, 'sites.warc.gz');
    await writeSitesWarc(sites, warc, { revisitEvery: 6, startAt: '2026-11-24T06:00:00Z' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function open(name: string): Promise<LocalPipeline> {
    return openLocalPipeline(loadConfig({ DATA_DIR: join(dir, name) }), { log: silentLog });
  }

  it('stores every article page with its WARC URL, capture time and a pointer into the WARC', {
    timeout: 120_000,
  }, async () => {
    const pipeline = await open('all');
    try {
      const checkpoints = new FileBackfillCheckpoints(join(dir, 'all', 'backfill'));
      const summary = await runBackfill(pipeline.deps, source, [warc], { checkpoints });
      const c = summary.counts;
      // warcinfo + per host robots, feed, sitemap, home page + articles + revisits.
      expect(c.records).toBe(1 + HOSTS * 4 + ARTICLES + ARTICLES / 6);
      expect(c.skipped.revisit).toBe(ARTICLES / 6);
      expect(c.skipped['not-html']).toBe(HOSTS * 3);
      // The home pages: processed, then skipped as not an article (whatever kind the extractor says).
      const pageSkips = Object.entries(c.skipped).filter(([reason]) => reason.startsWith('page-'));
      expect(
        pageSkips.reduce((sum, [, n]) => sum + n, 0),
        JSON.stringify(c),
      ).toBe(HOSTS);
      expect(c.stored).toBe(ARTICLES);
      expect(c.processed).toBe(ARTICLES + HOSTS);
      expect(c.damaged + c.failed + c.unchanged).toBe(0);
      expect(summary.syndicatedStored).toBeGreaterThan(0);

      const url = sites.articleUrls[5];
      const record = await pipeline.index.getArticle(articleIdFor(url));
      expect(record?.url).toBe(url);
      // Capture times are one second apart from startAt, in file order (articles after 1 + 4 per host).
      expect(record?.fetchedAt).toBe(
        new Date(Date.parse('2026-11-24T06:00:00Z') + (1 + HOSTS * 4 + 5) * 1000).toISOString(),
      );
      expect(record?.rawKey).toBe(`warc:${warc}`);
      const raw = await readRawPage(pipeline.deps.archive, record!, pipeline.deps.archiveRecords);
      const u = new URL(url);
      expect(Buffer.from(raw!.body).equals(sites.pages.get(u.host)!.get(u.pathname)!.body)).toBe(true);
      // Nothing was copied into the raw archive.
      const rawKeys: string[] = [];
      for await (const key of pipeline.deps.archive.list('raw/')) rawKeys.push(key);
      expect(rawKeys).toEqual([]);
      // Reprocessing follows the pointer.
      const again = await reprocessArticleKey(
        pipeline.deps,
        articleKey(record!.day, record!.host, record!.id),
      );
      expect(again.kind).toBe('stored');

      // A second run: the checkpoint says done, nothing is read.
      const rerun = await runBackfill(pipeline.deps, source, [warc], { checkpoints });
      expect(rerun.filesAlreadyDone).toBe(1);
      expect(rerun.counts.records).toBe(0);
      expect(rerun.totalCounts.stored).toBe(ARTICLES);
    } finally {
      await pipeline.close();
    }
  });

  it('counts non-200 responses by status and reads on after a damaged record', {
    timeout: 60_000,
  }, async () => {
    const path = join(dir, 'mixed.warc');
    const page = sites.pages.get(sites.hosts[0])!;
    const [path0, body0] = [...page.entries()].find(([p]) => p.includes('/20'))!;
    await writeWarcFile(
      path,
      [
        responseRecord({
          url: `http://${sites.hosts[0]}/gone`,
          date: '2026-11-24T06:00:00Z',
          status: 404,
          body: 'x',
        }),
        responseRecord({
          url: `http://${sites.hosts[0]}/moved`,
          date: '2026-11-24T06:00:00Z',
          status: 301,
          body: '',
        }),
        Buffer.from('garbage that is not a record\r\n'),
        responseRecord({
          url: `http://${sites.hosts[0]}${path0}`,
          date: '2026-11-24T06:00:01Z',
          body: body0.body,
        }),
      ],
      false,
    );
    const pipeline = await open('mixed');
    try {
      const summary = await runBackfill(pipeline.deps, source, [path]);
      expect(summary.counts.skipped).toEqual({ 'status-404': 1, 'status-301': 1 });
      expect(summary.counts.stored).toBe(1);
      expect(summary.damaged).toEqual([
        expect.objectContaining({ location: path, reason: expect.any(String) }),
      ]);
      expect(summary.damaged[0].offset).toBeGreaterThan(0);
    } finally {
      await pipeline.close();
    }
  });

  it('filters by host, language, capture date and a limit', { timeout: 120_000 }, async () => {
    const pipeline = await open('filters');
    try {
      const host = sites.hosts[1];
      const byHost = await runBackfill(pipeline.deps, source, [warc], {
        filters: { hosts: [`www.${host}`] },
      });
      const perHost = sites.articleUrls.filter((u) => new URL(u).host === host).length;
      expect(byHost.counts.stored).toBe(perHost);
      expect(byHost.counts.skipped['host-filtered']).toBe(ARTICLES - perHost + (HOSTS - 1));

      const german = await runBackfill(pipeline.deps, source, [warc], { filters: { languages: ['de'] } });
      expect(german.counts.stored).toBe(0);
      expect(german.counts.skipped['language-filtered']).toBe(ARTICLES);

      // Articles are captured from 06:00:13 on, one a second: up to 06:00:20 keeps eight.
      const early = await runBackfill(pipeline.deps, source, [warc], {
        filters: { from: '2026-11-24', to: '2026-11-24T06:00:20Z' },
      });
      expect(early.counts.processed).toBe(8 + HOSTS);
      expect(early.counts.skipped['date-filtered']).toBe(ARTICLES - 8);
      const none = await runBackfill(pipeline.deps, source, [warc], { filters: { from: '2026-11-25' } });
      expect(none.counts.processed).toBe(0);

      const limited = await runBackfill(pipeline.deps, source, [warc], { limit: 5 });
      expect(limited.counts.processed).toBe(5);
      expect(limited.limitReached).toBe(true);
    } finally {
      await pipeline.close();
    }
  });
});
