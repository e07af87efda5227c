/**
 * Conditional GET end to end: a second run over unchanged feeds and pages costs no extraction and
 * no writes to the dedup index or the archive (only frontier bookkeeping).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import type { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { silentLog } from '../../functions/pipeline/deps';
import { runIngest, type IngestSummary } from '../../functions/pipeline/run-ingest';
import { CountingArchiveStore } from '../../scripts/lib/counting-stores';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

describe('conditional GET across runs', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let dataDir: string;

  beforeAll(async () => {
    // No syndicated copies, so run 1 writes exactly four objects per article (links would rewrite clean copies).
    sites = generateSites({ articles: 12, hosts: 2, seed: 5, copyShare: 0 });
    server = await startSyntheticSites(sites);
    dataDir = await mkdtemp(join(tmpdir(), 'conditional-get-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** One run; returns its summary, the index and archive writes it made, and the requests it sent. */
  async function run(): Promise<{
    summary: IngestSummary;
    indexWrites: number;
    archivePuts: number;
    archiveDeletes: number;
    statuses: number[];
    pageRequests: number;
  }> {
    const pipeline: LocalPipeline = await openLocalPipeline(
      loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '5' }),
      {
        // Index write units are DynamoDB's: measured on the DynamoDB adapters (embedded dynalite).
        hostMap: server.hostMap,
        allowedLoopbackPorts: [server.port],
        log: silentLog,
        indexKind: 'dynalite',
      },
    );
    const index = pipeline.index as DynamoDbDedupIndex;
    const archive = new CountingArchiveStore(pipeline.deps.archive);
    pipeline.deps.archive = archive;
    const firstRequest = server.requests.length;
    try {
      const before = index.stats();
      // Feeds only: the sitemap would list the same URLs again.
      const summary = await runIngest(pipeline.deps, pipeline.queue, sourcesFor(sites, { sitemaps: [] }), {
        concurrency: 4,
      });
      const after = index.stats();
      const requests = server.requests.slice(firstRequest);
      return {
        summary,
        indexWrites: after.writeUnits - before.writeUnits,
        archivePuts: archive.counts.puts,
        archiveDeletes: archive.counts.deletes,
        statuses: requests.map((r) => r.status),
        pageRequests: requests.filter((r) => r.path.startsWith('/news/')).length,
      };
    } finally {
      await pipeline.close();
    }
  }

  /** Bumps every feed item's date: the URLs look changed to discovery, the pages are not. */
  function bumpFeedDates(date: string): void {
    for (const host of sites.hosts) {
      const feed = sites.pages.get(host)!.get('/feed.xml')!.body.toString();
      server.setPage(
        host,
        '/feed.xml',
        feed.replace(/<pubDate>[^<]*<\/pubDate>/g, `<pubDate>${date}</pubDate>`),
      );
    }
  }

  it('stores everything once, then pays only 304s for unchanged feeds and pages', async () => {
    const first = await run();
    expect(first.summary.articlesStored).toBe(sites.articleUrls.length);
    expect(first.indexWrites).toBeGreaterThan(0);
    expect(first.archivePuts).toBe(4 * sites.articleUrls.length); // raw, clean JSON, Markdown, text

    // Nothing changed: every feed answers 304 and no page is even requested.
    const second = await run();
    expect(second.summary.documentsUnchanged).toBe(sites.hosts.length);
    expect(second.pageRequests).toBe(0);
    expect(second.statuses.filter((s) => s !== 304 && s !== 200)).toEqual([]);
    expect(second.statuses.filter((s) => s === 200)).toHaveLength(sites.hosts.length); // robots.txt, fetched once per run
    expect({
      indexWrites: second.indexWrites,
      archivePuts: second.archivePuts,
      archiveDeletes: second.archiveDeletes,
    }).toEqual({ indexWrites: 0, archivePuts: 0, archiveDeletes: 0 });

    // The feeds change (new dates), the pages do not: every page is re-checked with a
    // conditional GET, answered 304, and nothing is extracted or written.
    bumpFeedDates('Wed, 25 Nov 2026 08:00:00 GMT');
    const third = await run();
    expect(third.summary.urlsQueued).toBe(sites.articleUrls.length);
    expect(third.pageRequests).toBe(sites.articleUrls.length);
    const pageStatuses = server.requests
      .slice(-third.statuses.length)
      .filter((r) => r.path.startsWith('/news/'))
      .map((r) => r.status);
    expect(new Set(pageStatuses)).toEqual(new Set([304]));
    expect(third.summary.articlesUnchanged).toBe(sites.articleUrls.length);
    expect({
      indexWrites: third.indexWrites,
      archivePuts: third.archivePuts,
      archiveDeletes: third.archiveDeletes,
    }).toEqual({ indexWrites: 0, archivePuts: 0, archiveDeletes: 0 });

    // Pages re-served with new validators but the same article text: fetched (200) and
    // extracted, found unchanged by content hash, and still nothing written.
    for (const url of sites.articleUrls) {
      const { host, pathname } = new URL(url);
      const page = sites.pages.get(host)!.get(pathname)!;
      server.setPage(host, pathname, Buffer.concat([page.body, Buffer.from('\n<!-- cache buster -->\n')]));
    }
    bumpFeedDates('Thu, 26 Nov 2026 08:00:00 GMT');
    const fourth = await run();
    expect(fourth.summary.articlesUnchanged).toBe(sites.articleUrls.length);
    expect(fourth.summary.articlesStored).toBe(0);
    expect({
      indexWrites: fourth.indexWrites,
      archivePuts: fourth.archivePuts,
      archiveDeletes: fourth.archiveDeletes,
    }).toEqual({ indexWrites: 0, archivePuts: 0, archiveDeletes: 0 });
  });
});
