/**
 * The discover Lambda's logic (`makeHandler`) on the embedded backends: sources not due by their
 * schedule are skipped unless forced or named; the sweep re-enqueues overdue failures only and
 * never asks the frontier for queued URLs (on AWS they are in no list); a URL claimed by a run that
 * died before sending its message is re-claimed by discovery once the claim is stale, exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUED_STALE_AFTER_MS } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { loadConfig } from '../../functions/config';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { rateSlotIndex, SCHEDULE_SLACK_MS } from '../../functions/core/schedule';
import { canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { makeHandler } from '../../functions/handlers/discover';
import { silentLog, type PipelineDeps } from '../../functions/pipeline/deps';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';
import type { PendingQuery } from '../../functions/ports/frontier';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

const HOUR_MS = 60 * 60 * 1000;

describe('discover handler: schedules, the failure sweep, and lost claims', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  const dirs: string[] = [];
  const open: LocalPipeline[] = [];

  beforeAll(async () => {
    sites = generateSites({ articles: 8, hosts: 2, seed: 21, copyShare: 0 });
    server = await startSyntheticSites(sites);
  });
  afterEach(async () => {
    for (const pipeline of open.splice(0)) await pipeline.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  /**
   * A pipeline on a fresh data directory with a settable clock, a queue that records what is "sent
   * to SQS" and never delivers it, and the frontier's `listPending` queries recorded.
   */
  async function openPipeline(startIso: string) {
    const dataDir = await mkdtemp(join(tmpdir(), 'discover-handler-'));
    dirs.push(dataDir);
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    open.push(pipeline);
    const clock = { nowMs: Date.parse(startIso) };
    const sent: CrawlMessage[] = [];
    const pendingQueries: PendingQuery[] = [];
    const raw = pipeline.deps.frontier;
    const deps: PipelineDeps = {
      ...pipeline.deps,
      now: () => new Date(clock.nowMs),
      queue: { send: async (messages) => void sent.push(...messages) },
      frontier: Object.assign(Object.create(raw) as typeof raw, {
        listPending: (query: PendingQuery) => {
          pendingQueries.push(query);
          return raw.listPending(query);
        },
      }),
    };
    return { pipeline, deps, clock, sent, pendingQueries };
  }

  it('skips sources not due, re-sends overdue failures only, and never a URL already sent to SQS', async () => {
    const start = '2026-11-25T10:00:00.000Z';
    const { pipeline, deps, clock, sent, pendingQueries } = await openPipeline(start);
    const sources = sourcesFor(sites, { sitemaps: [], schedule: 'rate(2 hours)' });
    const handler = makeHandler(deps, async () => sources);

    const first = await handler({});
    expect(first.reports).toHaveLength(sources.length);
    expect(first.notDue).toEqual([]);
    expect(sent).toHaveLength(sites.articleUrls.length);
    expect(first.recovered.requeued).toBe(0);

    // Half an hour later only the sources whose own slot (one every 2 h, at an offset from the id)
    // has come since their first run are due again.
    clock.nowMs += 30 * 60 * 1000;
    const slot = (ms: number, id: string) => rateSlotIndex(ms + SCHEDULE_SLACK_MS, 2 * HOUR_MS, id);
    const dueIds = sources
      .map((s) => s.id)
      .filter((id) => slot(clock.nowMs, id) > slot(Date.parse(start), id))
      .sort();
    const early = await handler({});
    expect(early.reports.map((r) => r.sourceId).sort()).toEqual(dueIds);
    expect(early.notDue.sort()).toEqual(
      sources
        .map((s) => s.id)
        .filter((id) => !dueIds.includes(id))
        .sort(),
    );
    expect(early.notDue.length).toBeGreaterThan(0);
    expect(early.recovered.requeued).toBe(0);

    const named = await handler({ sourceIds: [sources[0].id] });
    expect(named.reports.map((r) => r.sourceId)).toEqual([sources[0].id]);
    const forced = await handler({ force: true });
    expect(forced.reports).toHaveLength(sources.length);

    // One URL failed since and its retry is overdue; the others are still queued (in SQS).
    const failedKey = canonicalizeUrl(sites.articleUrls[0]);
    const state = (await pipeline.deps.frontier.get(failedKey))!;
    await pipeline.deps.frontier.update({
      ...state,
      status: 'failed',
      reason: 'http-503',
      attempts: 1,
      nextRetryAt: new Date(clock.nowMs).toISOString(),
      updatedAt: new Date(clock.nowMs).toISOString(),
    });
    // Past the stale window of every claim: a queued URL is still not re-sent (its message is in
    // SQS, or in the crawl DLQ if its receives ran out: redrive it), only the overdue failure is.
    clock.nowMs = Date.parse(start) + DEFAULT_QUEUED_STALE_AFTER_MS + HOUR_MS;
    sent.length = 0;
    const sweep = await handler({});
    expect(sweep.reports).toHaveLength(sources.length);
    expect(sweep.recovered.requeued).toBe(1);
    expect(sent.map((m) => m.urlKey)).toEqual([failedKey]);
    // Re-sent now, so the next tick does not send it again.
    sent.length = 0;
    clock.nowMs += 5 * 60 * 1000;
    expect((await handler({})).recovered.requeued).toBe(0);
    expect(sent).toEqual([]);
    // The AWS handler never asks for queued URLs: the AWS frontier keeps no list of them.
    expect(pendingQueries.length).toBeGreaterThan(0);
    expect(pendingQueries.every((q) => q.includeQueued === false)).toBe(true);
  });

  it('re-claims, once stale, the URLs of a run that died between claim and send: each sent exactly once', async () => {
    const start = '2026-11-25T10:00:00.000Z';
    const { pipeline, deps, clock, sent } = await openPipeline(start);
    const sources = sourcesFor(sites, { schedule: 'rate(1 hour)' }); // feed and sitemap list every URL
    const keys = sites.articleUrls.map(canonicalizeUrl).sort();
    const docKeys = sources
      .flatMap((s) => [...s.feeds, ...s.sitemaps])
      .map((u) => `doc:${canonicalizeUrl(u)}`);

    // The Lambda dies at the send, once per source: every URL is claimed (queued), no message exists.
    const dying = makeHandler(
      {
        ...deps,
        queue: {
          send: async () => {
            throw new Error('killed');
          },
        },
      },
      async () => sources,
    );
    for (const source of sources) await expect(dying({ sourceIds: [source.id] })).rejects.toThrow('killed');
    for (const key of keys) expect(await pipeline.deps.frontier.get(key)).toMatchObject({ status: 'queued' });

    const handler = makeHandler(deps, async () => sources);
    // Within the stale window every claim is refused: nothing sent, nothing remembered as seen, and
    // the documents keep no validators, so each later run reads them in full and offers them again.
    for (const offsetMs of [30 * 60 * 1000, 2 * HOUR_MS, 4 * HOUR_MS]) {
      clock.nowMs = Date.parse(start) + offsetMs;
      const run = await handler({});
      expect(run.reports.reduce((n, r) => n + r.documentsFetched, 0)).toBe(docKeys.length);
      expect(run.reports.reduce((n, r) => n + r.urlsAlreadyKnown, 0)).toBe(keys.length);
      expect(run.reports.reduce((n, r) => n + r.urlsSkippedSeen, 0)).toBe(0);
      expect(sent).toEqual([]);
      for (const docKey of docKeys) {
        const record = await pipeline.deps.frontier.get(docKey);
        expect(record).toMatchObject({ reason: 'read-queued-pending' });
        expect(record?.etag).toBeUndefined();
        expect(record?.seenEntries).toBeUndefined();
      }
    }

    clock.nowMs = Date.parse(start) + DEFAULT_QUEUED_STALE_AFTER_MS;
    const reclaimed = await handler({});
    expect(reclaimed.reports.reduce((n, r) => n + r.urlsQueued, 0)).toBe(keys.length);
    expect(sent.map((m) => m.urlKey).sort()).toEqual(keys);
    // Settled in the frontier's eyes now: remembered, validators kept, nothing sent again.
    sent.length = 0;
    clock.nowMs += HOUR_MS;
    const after = await handler({});
    expect(after.reports.reduce((n, r) => n + r.documentsUnchanged, 0)).toBe(docKeys.length);
    expect(sent).toEqual([]);
  });
});
