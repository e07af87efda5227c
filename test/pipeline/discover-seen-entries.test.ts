/**
 * Discovery remembers, per feed and sitemap, which entries it already offered to the frontier, so
 * a re-read document costs a claim (a conditional write, billed even when refused) only for its
 * new or re-dated entries. Measured hourly-style on growing synthetic sites against the embedded
 * DynamoDB (dynalite), with the frontier adapter's own write-unit counter; the same runs with the
 * seen entries hidden (what records written before them, and the code before them, do) give the
 * comparison. Also: what the memory must not hide (re-dated entries, lost messages, due retries,
 * entries a per-run cap did not reach, filtered entries) and what it must not cost (304s).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbFrontier } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { decodeSeenEntries } from '../../functions/core/discover/seen-entries';
import type { Source } from '../../functions/core/sources';
import { canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { makeHandler } from '../../functions/handlers/discover';
import { silentLog } from '../../functions/pipeline/deps';
import { discoverSource, type DiscoverReport } from '../../functions/pipeline/discover-source';
import { AWS_FAILED_OVERDUE_MS } from '../../functions/pipeline/recover-pending';
import { DEFAULT_QUEUED_STALE_AFTER_MS } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { runIngest } from '../../functions/pipeline/run-ingest';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';
import type { Frontier } from '../../functions/ports/frontier';
import {
  generateSites,
  publishShare,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

/** The frontier with its `claim` calls counted; `hideSeen` drops stored seen entries on read. */
function instrument(
  inner: Frontier,
  options: { hideSeen?: boolean } = {},
): { frontier: Frontier; counts: { claims: number } } {
  const counts = { claims: 0 };
  const frontier: Frontier = {
    claim: (input) => {
      counts.claims++;
      return inner.claim(input);
    },
    tryClaim: (input) => {
      counts.claims++;
      return inner.tryClaim(input);
    },
    get: async (urlKey) => {
      const state = await inner.get(urlKey);
      return state && options.hideSeen ? { ...state, seenEntries: undefined } : state;
    },
    update: (state) => inner.update(state),
    listFailed: () => inner.listFailed(),
    listPending: (query) => inner.listPending(query),
    requeue: (listed, nowIso) => inner.requeue(listed, nowIso),
    getSourceRun: (sourceId) => inner.getSourceRun(sourceId),
    recordSourceRun: (run) => inner.recordSourceRun(run),
  };
  return { frontier, counts };
}

const docKey = (url: string) => `doc:${canonicalizeUrl(url)}`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** A queue that accepts messages and delivers none: a run that died after discovery, or SQS. */
const lostQueue = { send: async () => undefined };

describe('discovery remembers the entries of each feed and sitemap', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  const dirs: string[] = [];
  const open: LocalPipeline[] = [];

  beforeAll(async () => {
    sites = generateSites({ articles: 96, hosts: 2, seed: 41, copyShare: 0 });
    server = await startSyntheticSites(sites);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    for (const pipeline of open.splice(0)) await pipeline.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function openPipeline(): Promise<LocalPipeline & { raw: DynamoDbFrontier }> {
    const dir = await mkdtemp(join(tmpdir(), 'seen-entries-'));
    dirs.push(dir);
    // Write units are DynamoDB's: measured on the DynamoDB adapters (embedded dynalite).
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
      indexKind: 'dynalite',
    });
    open.push(pipeline);
    return { ...pipeline, raw: pipeline.deps.frontier as DynamoDbFrontier };
  }

  /**
   * Hourly rounds: each publishes about five more articles per host; the feed and the sitemap list
   * the newest 30 (as a news sitemap lists its last two days). Per round: URLs listed and new,
   * claims sent, and the frontier write units of recovery plus discovery (before the crawl).
   */
  async function hourlyRounds(options: { hideSeen: boolean }) {
    const shares = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const window = 30;
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw, options);
    pipeline.deps.frontier = frontier;
    const sources = sourcesFor(sites);
    const everListed = new Set<string>();
    const rounds: {
      listed: number;
      newUrls: number;
      claims: number;
      discoveryWriteUnits: number;
      runWriteUnits: number;
      stored: number;
      skippedSeen: number;
      alreadyKnown: number;
    }[] = [];
    for (const share of shares) {
      const listed = publishShare(sites, server, share, { window });
      const newUrls = listed.filter((u) => !everListed.has(u)).length;
      for (const u of listed) everListed.add(u);
      const before = pipeline.raw.stats().writeUnits;
      const claimsBefore = counts.claims;
      const reports: DiscoverReport[] = [];
      let discoveryWriteUnits = 0;
      const summary = await runIngest(pipeline.deps, pipeline.queue, sources, {
        concurrency: 4,
        progress: {
          discovered: (report) => {
            reports.push(report);
            if (reports.length === sources.length)
              discoveryWriteUnits = pipeline.raw.stats().writeUnits - before;
          },
        },
      });
      rounds.push({
        listed: listed.length,
        newUrls,
        claims: counts.claims - claimsBefore,
        discoveryWriteUnits,
        runWriteUnits: pipeline.raw.stats().writeUnits - before,
        stored: summary.articlesStored,
        skippedSeen: sum(reports.map((r) => r.urlsSkippedSeen)),
        alreadyKnown: sum(reports.map((r) => r.urlsAlreadyKnown)),
      });
    }
    publishShare(sites, server, 1); // as generated, for the other tests
    return { rounds, documents: 2 * sources.length, sources: sources.length };
  }

  it('later hourly runs claim only the new entries: write units follow new articles, not feed length', async () => {
    const remembered = await hourlyRounds({ hideSeen: false });
    const forgetful = await hourlyRounds({ hideSeen: true });
    const later = (r: typeof remembered) => r.rounds.slice(1);

    for (const [i, round] of later(remembered).entries()) {
      expect(round.newUrls, `round ${i + 2}`).toBeGreaterThan(0);
      expect(round.listed, `round ${i + 2}`).toBeGreaterThan(3 * round.newUrls);
      // Exactly the new entries are offered; every other listing is skipped without a write.
      expect(round.claims, `round ${i + 2}`).toBe(round.newUrls);
      expect(round.skippedSeen, `round ${i + 2}`).toBe(round.listed - round.newUrls);
      expect(round.alreadyKnown, `round ${i + 2}`).toBe(0);
      // One write per claim, one per document record and one per source run (each record < 1 KB).
      expect(round.discoveryWriteUnits, `round ${i + 2}`).toBeLessThanOrEqual(
        round.newUrls + remembered.documents + remembered.sources,
      );
      expect(round.stored, `round ${i + 2}`).toBe(round.newUrls);
    }
    // Without the memory, every listed URL is claimed every time the document changes.
    for (const [i, round] of later(forgetful).entries()) {
      expect(round.claims, `round ${i + 2}`).toBe(round.listed);
      expect(round.alreadyKnown, `round ${i + 2}`).toBe(round.listed - round.newUrls);
      expect(round.discoveryWriteUnits, `round ${i + 2}`).toBeGreaterThanOrEqual(round.listed);
      expect(round.stored, `round ${i + 2}`).toBe(round.newUrls);
    }
    const perArticle = (r: typeof remembered) =>
      sum(later(r).map((x) => x.discoveryWriteUnits)) / sum(later(r).map((x) => x.newUrls));
    const runPerArticle = (r: typeof remembered) =>
      sum(later(r).map((x) => x.runWriteUnits)) / sum(later(r).map((x) => x.newUrls));
    expect(perArticle(remembered)).toBeLessThan(perArticle(forgetful) / 2);
    process.stdout.write(
      `seen entries, 5 hourly rounds (${sum(later(remembered).map((x) => x.newUrls))} new articles): discovery frontier write units per new article ` +
        `${perArticle(forgetful).toFixed(2)} without -> ${perArticle(remembered).toFixed(2)} with; whole run (crawl included) ` +
        `${runPerArticle(forgetful).toFixed(2)} -> ${runPerArticle(remembered).toFixed(2)}\n`,
    );
  }, 120_000);

  it('claims an entry again when its lastmod changes', async () => {
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw);
    pipeline.deps.frontier = frontier;
    const host = sites.hosts[0];
    const sources = sourcesFor(sites, { feeds: [] }).filter((s) => s.sitemaps[0].includes(host));
    const listed = publishShare(sites, server, 0.25).filter((u) => u.includes(host));
    try {
      expect(
        (await runIngest(pipeline.deps, pipeline.queue, sources, { concurrency: 2 })).articlesStored,
      ).toBe(listed.length);
      const sitemap = sites.pages.get(host)!.get('/sitemap.xml')!.body.toString();
      const target = listed[1];
      const redated = sitemap.replace(
        new RegExp(`(<loc>${target}</loc><lastmod>)[^<]+`),
        '$12026-11-30T09:00:00.000Z',
      );
      expect(redated).not.toBe(sitemap);
      server.setPage(host, '/sitemap.xml', redated);
      counts.claims = 0;
      const reports: DiscoverReport[] = [];
      const summary = await runIngest(pipeline.deps, pipeline.queue, sources, {
        concurrency: 2,
        progress: { discovered: (r) => void reports.push(r) },
      });
      expect(counts.claims).toBe(1);
      expect(summary.urlsQueued).toBe(1);
      expect(reports[0].urlsSkippedSeen).toBe(listed.length - 1);
      expect(await pipeline.raw.get(canonicalizeUrl(target))).toMatchObject({
        discoveredLastmod: '2026-11-30T09:00:00.000Z',
      });
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('locally, URLs whose message was lost and failures now due are recovered although discovery skips them as seen', async () => {
    const pipeline = await openPipeline();
    const sources = sourcesFor(sites, { sitemaps: [] });
    const first = publishShare(sites, server, 0.3);
    try {
      // A run that dies after discovery: URLs claimed, their messages lost with the process.
      for (const source of sources) await discoverSource({ ...pipeline.deps, queue: lostQueue }, source);
      // One URL failed earlier and its retry is due now.
      const failedKey = canonicalizeUrl(first[0]);
      const state = (await pipeline.raw.get(failedKey))!;
      await pipeline.raw.update({
        ...state,
        status: 'failed',
        reason: 'http-503',
        attempts: 3,
        nextRetryAt: new Date(Date.now() - 60_000).toISOString(),
      });
      // The feeds change (more articles), so they are read in full: their old entries are seen.
      const second = publishShare(sites, server, 0.4);
      const added = second.filter((u) => !first.includes(u));
      const reports: DiscoverReport[] = [];
      const summary = await runIngest(pipeline.deps, pipeline.queue, sources, {
        concurrency: 4,
        progress: { discovered: (r) => void reports.push(r) },
      });
      expect(sum(reports.map((r) => r.urlsSkippedSeen))).toBe(first.length);
      expect(summary.urlsQueued).toBe(added.length);
      expect(summary.urlsRecovered).toBe(first.length);
      expect(summary.articlesStored).toBe(second.length);
      expect(await pipeline.raw.get(failedKey)).toMatchObject({ status: 'done' });
      expect(await pipeline.raw.listPending({ nowIso: new Date().toISOString() })).toEqual([]);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('on AWS (discover handler), the sweep re-sends overdue failures that discovery skips as seen, and nothing already in SQS', async () => {
    const pipeline = await openPipeline();
    let nowMs = Date.parse('2026-11-25T10:00:00.000Z');
    const sent: CrawlMessage[] = [];
    const deps = {
      ...pipeline.deps,
      now: () => new Date(nowMs),
      queue: { send: async (m: readonly CrawlMessage[]) => void sent.push(...m) },
    };
    const sources = sourcesFor(sites, { sitemaps: [], schedule: 'rate(1 hour)' });
    const handler = makeHandler(deps, async () => sources);
    const first = publishShare(sites, server, 0.3);
    try {
      await handler({});
      expect(new Set(sent.map((m) => m.urlKey))).toEqual(new Set(first.map(canonicalizeUrl)));
      // None of those messages is delivered (they wait in SQS, or in its DLQ once their receives ran
      // out). One URL instead failed and its retry is overdue.
      const failedKey = canonicalizeUrl(first[0]);
      const state = (await pipeline.raw.get(failedKey))!;
      await pipeline.raw.update({
        ...state,
        status: 'failed',
        reason: 'http-503',
        attempts: 2,
        nextRetryAt: new Date(nowMs + 10 * 60_000).toISOString(),
      });
      const second = publishShare(sites, server, 0.4);
      const added = second.filter((u) => !first.includes(u)).map(canonicalizeUrl);
      nowMs += DEFAULT_QUEUED_STALE_AFTER_MS + AWS_FAILED_OVERDUE_MS;
      sent.length = 0;
      const run = await handler({});
      expect(sum(run.reports.map((r) => r.urlsSkippedSeen))).toBe(first.length);
      expect(sum(run.reports.map((r) => r.urlsQueued))).toBe(added.length);
      expect(run.recovered.requeued).toBe(1);
      // Each URL sent at most once more: the new ones by discovery, the failed one by the sweep; the
      // queued ones, although past the stale window, are not re-sent (seen, so never re-claimed).
      expect(sent.map((m) => m.urlKey).sort()).toEqual([...added, failedKey].sort());
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('does not remember an entry refused because it is still queued: a re-dating while queued is claimed once settled', async () => {
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw);
    const deps = { ...pipeline.deps, frontier, queue: lostQueue };
    const host = sites.hosts[0];
    const source = sourcesFor(sites, { feeds: [] }).find((s) => s.sitemaps[0].includes(host))!;
    const listed = publishShare(sites, server, 0.3).filter((u) => u.includes(host));
    const target = listed[1];
    const targetKey = canonicalizeUrl(target);
    try {
      expect((await discoverSource(deps, source)).urlsQueued).toBe(listed.length);
      // The sitemap re-dates the entry while its crawl is still queued: the claim is refused.
      const sitemap = sites.pages.get(host)!.get('/sitemap.xml')!.body.toString();
      const redated = sitemap.replace(
        new RegExp(`(<loc>${target}</loc><lastmod>)[^<]+`),
        '$12026-11-30T09:00:00.000Z',
      );
      expect(redated).not.toBe(sitemap);
      server.setPage(host, '/sitemap.xml', redated);
      counts.claims = 0;
      const refused = await discoverSource(deps, source);
      expect(counts.claims).toBe(1);
      expect(refused.urlsAlreadyKnown).toBe(1);
      const record = (await pipeline.raw.get(docKey(source.sitemaps[0])))!;
      expect(decodeSeenEntries(record.seenEntries)!.size).toBe(listed.length - 1);
      expect(record).toMatchObject({ reason: 'read-queued-pending' });
      expect(record.etag).toBeUndefined();
      // Its crawl finishes (with the content of before the re-dating, say).
      const queued = (await pipeline.raw.get(targetKey))!;
      await pipeline.raw.update({
        ...queued,
        status: 'done',
        reason: 'stored',
        updatedAt: new Date().toISOString(),
      });
      // The unchanged sitemap is read in full again and the re-dated entry claimed.
      counts.claims = 0;
      const again = await discoverSource(deps, source);
      expect(again.documentsFetched).toBe(1);
      expect(counts.claims).toBe(1);
      expect(again.urlsQueued).toBe(1);
      expect(await pipeline.raw.get(targetKey)).toMatchObject({
        status: 'queued',
        discoveredLastmod: '2026-11-30T09:00:00.000Z',
      });
      // Then it is remembered, and the sitemap keeps its validators again.
      expect((await discoverSource(deps, source)).documentsUnchanged).toBe(1);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('under maxArticlesPerRun, claims the next batch only and remembers only the entries reached', async () => {
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw);
    const deps = { ...pipeline.deps, frontier, queue: lostQueue };
    const host = sites.hosts[0];
    const source: Source = {
      ...sourcesFor(sites, { sitemaps: [], maxArticlesPerRun: 4 }).find((s) => s.feeds[0].includes(host))!,
    };
    const listed = publishShare(sites, server, 0.5).filter((u) => u.includes(host));
    try {
      let queued = 0;
      for (let run = 1; queued < listed.length; run++) {
        counts.claims = 0;
        const report = await discoverSource(deps, source);
        queued += report.urlsQueued;
        // Each run offers only its batch: none of the entries claimed before, no entry past the cap.
        expect(counts.claims).toBe(Math.min(4, listed.length - 4 * (run - 1)));
        expect(report.urlsSkippedSeen).toBe(4 * (run - 1));
        const record = await pipeline.raw.get(docKey(source.feeds[0]));
        expect(decodeSeenEntries(record!.seenEntries)!.size).toBe(queued);
        expect(record!.etag === undefined).toBe(queued < listed.length); // validators only once all are reached
        expect(run).toBeLessThanOrEqual(Math.ceil(listed.length / 4));
      }
      expect(queued).toBe(listed.length);
      const settled = await discoverSource(deps, source);
      expect(settled.documentsUnchanged).toBe(1);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('does not remember entries the source filters out: allowing them later claims them', async () => {
    const pipeline = await openPipeline();
    const host = sites.hosts[0];
    const base = sourcesFor(sites, { sitemaps: [] }).find((s) => s.feeds[0].includes(host))!;
    const listed = publishShare(sites, server, 0.3).filter((u) => u.includes(host));
    const denied = listed.filter((_, i) => i % 3 === 0);
    const deps = { ...pipeline.deps, queue: lostQueue };
    try {
      const first = await discoverSource(deps, {
        ...base,
        deny: denied.map((u) => `${new URL(u).pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\?|$)`),
      });
      expect(first.urlsFiltered).toBe(denied.length);
      expect(first.urlsQueued).toBe(listed.length - denied.length);
      const grown = publishShare(sites, server, 0.4).filter((u) => u.includes(host));
      const second = await discoverSource(deps, base);
      expect(second.urlsSkippedSeen).toBe(listed.length - denied.length);
      expect(second.urlsQueued).toBe(denied.length + grown.length - listed.length);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('treats a record without seen entries (written before them) as before: every entry is offered once', async () => {
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw);
    const deps = { ...pipeline.deps, frontier, queue: lostQueue };
    const host = sites.hosts[0];
    const source = sourcesFor(sites, { sitemaps: [] }).find((s) => s.feeds[0].includes(host))!;
    const listed = publishShare(sites, server, 0.3).filter((u) => u.includes(host));
    try {
      await discoverSource(deps, source);
      const record = (await pipeline.raw.get(docKey(source.feeds[0])))!;
      expect(decodeSeenEntries(record.seenEntries)!.size).toBe(listed.length);
      // Crawled since (a URL refused because still queued is not remembered: see above).
      for (const url of listed) {
        const state = (await pipeline.raw.get(canonicalizeUrl(url)))!;
        await pipeline.raw.update({ ...state, status: 'done', reason: 'stored' });
      }
      await pipeline.raw.update({
        ...record,
        seenEntries: undefined,
        etag: undefined,
        lastModified: undefined,
      });
      counts.claims = 0;
      const old = await discoverSource(deps, source);
      expect(counts.claims).toBe(listed.length);
      expect(old.urlsAlreadyKnown).toBe(listed.length);
      // That read stored the memory: the next change costs only its new entries.
      const grown = publishShare(sites, server, 0.4).filter((u) => u.includes(host));
      counts.claims = 0;
      const next = await discoverSource(deps, source);
      expect(counts.claims).toBe(grown.length - listed.length);
      expect(next.urlsSkippedSeen).toBe(listed.length);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('stores the memory only with the commit after the claims: a run that dies before offers everything again', async () => {
    const pipeline = await openPipeline();
    const { frontier, counts } = instrument(pipeline.raw);
    const host = sites.hosts[0];
    const source = sourcesFor(sites, { sitemaps: [] }).find((s) => s.feeds[0].includes(host))!;
    const listed = publishShare(sites, server, 0.3).filter((u) => u.includes(host));
    try {
      // The process dies at the commit (the first write of the document's record after its claims).
      const dying = {
        ...frontier,
        update: async () => {
          throw new Error('killed');
        },
      };
      await expect(
        discoverSource({ ...pipeline.deps, frontier: dying, queue: lostQueue }, source),
      ).rejects.toThrow('killed');
      expect(counts.claims).toBe(listed.length);
      expect(await pipeline.raw.get(docKey(source.feeds[0]))).toBeUndefined();
      counts.claims = 0;
      const rerun = await discoverSource({ ...pipeline.deps, frontier, queue: lostQueue }, source);
      expect(counts.claims).toBe(listed.length);
      expect(rerun.urlsSkippedSeen).toBe(0);
    } finally {
      publishShare(sites, server, 1);
    }
  });

  it('an unchanged document (304) costs no write of its record, unless the record said it failed', async () => {
    const pipeline = await openPipeline();
    const host = sites.hosts[0];
    const source = sourcesFor(sites, { sitemaps: [] }).find((s) => s.feeds[0].includes(host))!;
    const deps = { ...pipeline.deps, queue: lostQueue };
    publishShare(sites, server, 0.3);
    try {
      await discoverSource(deps, source);
      const record = (await pipeline.raw.get(docKey(source.feeds[0])))!;
      const before = pipeline.raw.stats().writeUnits;
      expect((await discoverSource(deps, source)).documentsUnchanged).toBe(1);
      expect(pipeline.raw.stats().writeUnits - before).toBe(1); // the source run record only
      expect(await pipeline.raw.get(docKey(source.feeds[0]))).toEqual(record);
      // A fetch failure keeps the validators and the seen entries; the next 304 records the recovery.
      await pipeline.raw.update({ ...record, status: 'failed', reason: 'timeout-total', attempts: 1 });
      expect((await discoverSource(deps, source)).documentsUnchanged).toBe(1);
      expect(await pipeline.raw.get(docKey(source.feeds[0]))).toMatchObject({
        status: 'unchanged',
        reason: 'not-modified',
        attempts: 0,
        seenEntries: record.seenEntries,
      });
    } finally {
      publishShare(sites, server, 1);
    }
  });
});
