/**
 * Discovery can release a run's new URLs over an interval (per-message queue delays) instead of
 * all at once, so an hourly run does not make a burst of crawl work and DynamoDB writes. Checked
 * on a synthetic publisher through the real discovery code and the embedded stores; the delays
 * are honoured by the local queue the same way SQS honours DelaySeconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCrawlQueue } from '../../functions/adapters/local/memory-crawl-queue';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { silentLog } from '../../functions/pipeline/deps';
import { discoverSource } from '../../functions/pipeline/discover-source';
import { delayOfMessage, type CrawlMessage, type SendDelayMs } from '../../functions/ports/crawl-queue';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

describe('discovery spreads a run over discoverSpreadMs', () => {
  let server: SyntheticSitesServer;
  const sites = generateSites({ articles: 24, hosts: 1, seed: 5, copyShare: 0 });
  let dir: string;
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    server = await startSyntheticSites(sites);
    dir = await mkdtemp(join(tmpdir(), 'discover-spread-'));
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dir }), {
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives the new URLs evenly spaced delays within the spread, the newest at once', async () => {
    const sent: { message: CrawlMessage; delayMs: number }[] = [];
    const queue = {
      send: async (messages: readonly CrawlMessage[], delayMs?: SendDelayMs) => {
        for (const [i, message] of messages.entries())
          sent.push({ message, delayMs: delayOfMessage(delayMs, i) });
      },
    };
    const spreadMs = 900_000;
    const report = await discoverSource(
      { ...pipeline.deps, queue, discoverSpreadMs: spreadMs },
      sourcesFor(sites)[0],
      true,
    );
    expect(report.urlsQueued).toBeGreaterThanOrEqual(20);
    expect(sent).toHaveLength(report.urlsQueued);
    const delays = sent.map((s) => s.delayMs);
    expect(delays[0]).toBe(0);
    const step = spreadMs / delays.length;
    for (const [i, d] of delays.entries()) expect(Math.abs(d - i * step)).toBeLessThan(1);
    expect(Math.max(...delays)).toBeLessThan(spreadMs);
  });

  it('the local queue holds each message until its own delay has passed', async () => {
    let nowMs = 1_000_000;
    const queue = new MemoryCrawlQueue({ now: () => nowMs });
    const message = (n: number): CrawlMessage => ({
      url: `https://a.example/${n}`,
      urlKey: `k${n}`,
      sourceId: 's',
      attempt: 1,
    });
    await queue.send([message(1), message(2), message(3)], [0, 10_000, 20_000]);
    expect((await queue.receive()).map((m) => m.urlKey)).toEqual(['k1']);
    nowMs += 10_000;
    expect((await queue.receive()).map((m) => m.urlKey)).toEqual(['k2']);
    expect(queue.nextDueInMs()).toBe(10_000);
  });
});
