import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPipeline, openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { crawlUrl } from '../../functions/pipeline/crawl-url';
import { silentLog } from '../../functions/pipeline/deps';
import { runIngest } from '../../functions/pipeline/run-ingest';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server';

/**
 * Retry scheduling of failed crawls, on the loopback fault server with a controlled clock and
 * controlled randomness: the delay before each retry is read from the frontier's nextRetryAt.
 */
describe('crawlUrl retry backoff (regression: gaps shrank 29 s, 4 s, 3 s between attempts)', () => {
  let server: MisbehavingServer;
  let pipeline: LocalPipeline;
  let dataDir: string;
  let clockMs = Date.parse('2026-12-01T00:00:00Z');
  let draws: number[] = [];

  // Each crawl comes a second after the last, past the host's 1 ms interval: no politeness wait.
  const crawl = (url: string) => {
    clockMs += 1_000;
    return crawlUrl(pipeline.deps, { url, urlKey: url, sourceId: 't', attempt: 0 });
  };
  const retryGapMs = async (url: string) => {
    const outcome = await crawl(url);
    const state = await pipeline.deps.frontier.get(url);
    return { outcome, gapMs: Date.parse(state!.nextRetryAt!) - clockMs };
  };

  beforeAll(async () => {
    server = await startMisbehavingServer();
    dataDir = await mkdtemp(join(tmpdir(), 'crawl-url-'));
    const hostMap = { 'flaky.test': { host: '127.0.0.1', port: server.port } };
    pipeline = await openLocalPipeline(
      loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '1', MAX_FETCH_ATTEMPTS: '4' }),
      { hostMap, allowedLoopbackPorts: [server.port], log: silentLog },
    );
    Object.assign(pipeline.deps, {
      now: () => new Date(clockMs),
      sleep: async (ms: number) => {
        clockMs += ms;
      },
      random: () => draws.shift() ?? 0.5,
    });
  });

  afterAll(async () => {
    await pipeline?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('waits longer before each retry, whatever the jitter draws', async () => {
    // High, then low draws: full jitter gave 29.1 s, 4.2 s, 3.6 s with these.
    draws = [0.97, 0.07, 0.03];
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { outcome, gapMs } = await retryGapMs('http://flaky.test/status/503');
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'http-503', retryable: true, attempts: i + 1 });
      gaps.push(gapMs);
      clockMs += gapMs;
    }
    expect(gaps).toEqual([29_550, 32_100, 61_800]);
    // The fourth attempt was the last: the URL is parked for a day, not dropped.
    const last = await retryGapMs('http://flaky.test/status/503');
    expect(last.outcome).toMatchObject({ kind: 'failed', retryable: false, attempts: 4 });
    expect(last.gapMs).toBe(24 * 60 * 60 * 1000);
  });

  it('never retries sooner than Retry-After (seconds)', async () => {
    draws = [0];
    const { outcome, gapMs } = await retryGapMs('http://flaky.test/status/429?retry-after=120');
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'http-429', retryAfterMs: 120_000 });
    expect(gapMs).toBe(120_000);
  });

  it('a permanent failure (404) gets no retry time', async () => {
    const url = 'http://flaky.test/status/404';
    const outcome = await crawl(url);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'http-404', retryable: false });
    expect(outcome.kind === 'failed' && outcome.nextRetryAt).toBeUndefined();
    expect((await pipeline.deps.frontier.get(url))?.nextRetryAt).toBeUndefined();
  });

  it('a local run leaves a URL whose Retry-After exceeds its in-run wait for a later run', async () => {
    const url = 'http://flaky.test/status/503?retry-after=600';
    const before = server.requests.length;
    clockMs += 1_000;
    await pipeline.queue.send([{ url, urlKey: url, sourceId: 't', attempt: 0 }]);
    const summary = await runIngest(pipeline.deps, pipeline.queue, [], { concurrency: 1 });
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/status/503?retry-after=600']);
    expect(summary.failed).toEqual([
      expect.objectContaining({
        url,
        reason: 'http-503',
        retryAt: new Date(clockMs + 600_000).toISOString(),
      }),
    ]);
  });
});
