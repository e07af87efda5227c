/**
 * The discover Lambda's logic (`makeHandler`) on the embedded backends: sources not due by their
 * schedule are skipped unless forced or named; the sweep re-enqueues queued URLs only once they
 * are presumed lost (an hour) and failures only once overdue, as on AWS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { makeHandler } from '../../functions/handlers/discover';
import { silentLog } from '../../functions/pipeline/deps';
import { AWS_QUEUED_LOST_AFTER_MS } from '../../functions/pipeline/recover-pending';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';
import { generateSites, sourcesFor, startSyntheticSites, type SyntheticSites, type SyntheticSitesServer } from '../helpers/synthetic-sites';

describe('discover handler: schedules and the lost-work sweep', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let dataDir: string;
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    sites = generateSites({ articles: 8, hosts: 2, seed: 21, copyShare: 0 });
    server = await startSyntheticSites(sites);
    dataDir = await mkdtemp(join(tmpdir(), 'discover-handler-'));
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '5' }), {
      hostMap: server.hostMap, allowedLoopbackPorts: [server.port], log: silentLog,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('skips sources not due, and re-sends only work that is presumed lost', async () => {
    let nowMs = Date.parse('2026-11-25T10:00:00.000Z');
    const sent: CrawlMessage[] = [];
    const deps = {
      ...pipeline.deps,
      now: () => new Date(nowMs),
      // Messages "sent to SQS" are recorded and never delivered: as if lost.
      queue: { send: async (messages: readonly CrawlMessage[]) => void sent.push(...messages) },
    };
    const sources = sourcesFor(sites, { sitemaps: [], schedule: 'rate(2 hours)' });
    const handler = makeHandler(deps, async () => sources);

    const first = await handler({});
    expect(first.reports).toHaveLength(sources.length);
    expect(first.notDue).toEqual([]);
    expect(sent).toHaveLength(sites.articleUrls.length);
    expect(first.recovered.requeued).toBe(0); // just claimed: SQS still holds them

    nowMs += 30 * 60 * 1000;
    const early = await handler({});
    expect(early.reports).toEqual([]);
    expect(early.notDue.sort()).toEqual(sources.map((s) => s.id).sort());
    expect(early.recovered.requeued).toBe(0);

    const named = await handler({ sourceIds: [sources[0].id] });
    expect(named.reports.map((r) => r.sourceId)).toEqual([sources[0].id]);
    const forced = await handler({ force: true });
    expect(forced.reports).toHaveLength(sources.length);

    // An hour after the claim, nothing has reported back: the sweep re-sends each URL once.
    nowMs = Date.parse('2026-11-25T10:00:00.000Z') + AWS_QUEUED_LOST_AFTER_MS;
    sent.length = 0;
    const sweep = await handler({});
    expect(sweep.recovered.requeued).toBe(sites.articleUrls.length);
    expect(new Set(sent.map((m) => m.urlKey)).size).toBe(sites.articleUrls.length);
    // Re-sent now, so the next tick does not send them again.
    sent.length = 0;
    nowMs += 5 * 60 * 1000;
    expect((await handler({})).recovered.requeued).toBe(0);
    expect(sent).toEqual([]);
  });
});
