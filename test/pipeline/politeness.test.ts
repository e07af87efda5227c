import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPipeline, openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { parseSources } from '../../functions/core/sources';
import { crawlUrl } from '../../functions/pipeline/crawl-url';
import { discoverSource } from '../../functions/pipeline/discover-source';
import { silentLog } from '../../functions/pipeline/deps';
import { MAX_REDIRECT_WAIT_MS } from '../../functions/pipeline/politeness';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server';

const HOSTS = ['same.test', 'a.test', 'b.test', 'c.test', 'd.test'];

/**
 * Redirect hops and the host rate limiter, on the loopback fault server with a controlled clock:
 * `sleep` advances the clock instead of waiting, and each request notes the clock when it arrives.
 */
describe('politeness on redirect hops (regression: a hop followed 7 ms after the request before it)', () => {
  let server: MisbehavingServer;
  let pipeline: LocalPipeline;
  let dataDir: string;
  // A day ahead of the wall clock, so robots.txt fetch times (wall clock) never look recent.
  let clockMs = Date.now() + 24 * 60 * 60 * 1000;
  const sleeps: number[] = [];
  const arrivals: Array<{ host: string; path: string; atMs: number }> = [];

  const crawl = (url: string) => crawlUrl(pipeline.deps, { url, urlKey: url, sourceId: 't', attempt: 0 });
  const pagesOn = (host: string) => arrivals.filter((a) => a.host === host && a.path !== '/robots.txt');

  beforeAll(async () => {
    server = await startMisbehavingServer({
      robotsByHost: {
        'same.test': { status: 200, body: 'User-agent: *\nCrawl-delay: 1\n' },
        'a.test': { status: 200, body: 'User-agent: *\nCrawl-delay: 1\n' },
        'b.test': { status: 200, body: 'User-agent: *\nCrawl-delay: 5\n' },
      },
      onRequest: ({ host, path }) => arrivals.push({ host: host.replace(/:\d+$/, ''), path, atMs: clockMs }),
    });
    dataDir = await mkdtemp(join(tmpdir(), 'politeness-'));
    const hostMap = Object.fromEntries(HOSTS.map((h) => [h, { host: '127.0.0.1', port: server.port }]));
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '1' }), {
      hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    Object.assign(pipeline.deps, {
      now: () => new Date(clockMs),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clockMs += ms;
      },
    });
  });

  afterAll(async () => {
    await pipeline?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("spaces each same-host hop by the host's Crawl-delay", async () => {
    const startMs = clockMs;
    await crawl('http://same.test/redirect-chain/3');
    expect(pagesOn('same.test').map((a) => [a.path, a.atMs - startMs])).toEqual([
      ['/redirect-chain/3', 0],
      ['/redirect-chain/2', 1_000],
      ['/redirect-chain/1', 2_000],
      ['/ok.html', 3_000],
    ]);
  });

  it("waits for the target host's own slot when a hop leaves for another host", async () => {
    const startMs = clockMs;
    // b.test is busy: another worker holds its slot for the next 5 s.
    await pipeline.deps.rateLimiter.reserve('b.test', 5_000, clockMs);
    sleeps.length = 0;
    await crawl('http://a.test/redirect?to=http://b.test/ok.html');
    expect(pagesOn('a.test').map((a) => a.atMs - startMs)).toEqual([0]);
    expect(pagesOn('b.test').map((a) => [a.path, a.atMs - startMs])).toEqual([['/ok.html', 5_000]]);
    expect(sleeps).toEqual([5_000]);
    // The hop took b's next slot: a request to b now waits b's Crawl-delay after it.
    expect(await pipeline.deps.rateLimiter.reserve('b.test', 5_000, clockMs)).toBe(5_000);
  });

  it("spaces a feed's redirect hop too (discovery)", async () => {
    const [source] = parseSources(
      [
        'sources:',
        '  - id: feedhop',
        '    homepage: http://same.test/',
        '    feeds: [http://same.test/redirect-chain/1]',
        '    schedule: rate(1 hour)',
        '',
      ].join('\n'),
      'feedhop.yaml',
    );
    clockMs += 10_000; // past the slots the tests above left
    const startMs = clockMs;
    const before = arrivals.length;
    await discoverSource(pipeline.deps, source);
    const hops = arrivals.slice(before).filter((a) => a.path !== '/robots.txt');
    expect(hops.map((a) => [a.path, a.atMs - startMs])).toEqual([
      ['/redirect-chain/1', 0],
      ['/ok.html', 1_000],
    ]);
  });

  it('fails retryably, without sending the hop, when the target slot is too far off to wait inline', async () => {
    await pipeline.deps.rateLimiter.reserve('d.test', MAX_REDIRECT_WAIT_MS * 2, clockMs);
    const outcome = await crawl('http://c.test/redirect?to=http://d.test/ok.html');
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'redirect-rate-limited', retryable: true });
    expect(outcome.kind === 'failed' && outcome.retryInMs).toBeGreaterThanOrEqual(MAX_REDIRECT_WAIT_MS * 2);
    expect(pagesOn('d.test')).toEqual([]);
  });
});
