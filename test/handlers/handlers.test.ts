import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITES_DIR, DEMO_SOURCES_FILE } from '../../functions/cli/commands/demo';
import { startSiteServer } from '../../functions/cli/demo/site-server';
import { loadSourcesFile } from '../../functions/cli/load-sources-file';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { makeHandler as makeCrawlHandler } from '../../functions/handlers/crawl';
import { makeHandler as makeDiscoverHandler } from '../../functions/handlers/discover';
import { silentLog } from '../../functions/pipeline/deps';
import type { CrawlMessage } from '../../functions/ports/crawl-queue';

/** Records what the handlers enqueue, the way SQS would receive it. */
class RecordingQueue {
  sent: { message: CrawlMessage; delayMs?: number }[] = [];
  async send(messages: readonly CrawlMessage[], delayMs?: number) {
    for (const message of messages) this.sent.push({ message, delayMs });
  }
}

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body }) as SQSEvent['Records'][number]),
});

describe('Lambda handlers against the demo publishers on loopback', () => {
  let dataDir: string;
  let pipeline: LocalPipeline;
  let server: Awaited<ReturnType<typeof startSiteServer>>;
  const queue = new RecordingQueue();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'handlers-'));
    server = await startSiteServer({ rootDir: DEMO_SITES_DIR, port: 0 });
    const hostMap = Object.fromEntries(
      server.hosts.map((h) => [h, { host: '127.0.0.1', port: server.port }]),
    );
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '10' }), {
      hostMap,
      allowedLoopbackPorts: [server.port],
      log: silentLog,
    });
    // As on AWS: short politeness waits are slept inside the invocation, and work goes to "SQS".
    Object.assign(pipeline.deps, { queue, maxInlineWaitMs: 2_000 });
  });

  afterAll(async () => {
    await pipeline.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('discover queues every new article URL once, and nothing on a second run', async () => {
    const discover = makeDiscoverHandler(pipeline.deps, () => loadSourcesFile(DEMO_SOURCES_FILE));
    const first = await discover({});
    const offline = first.reports.find((r) => r.sourceId === 'offline-gazette');
    expect(offline?.errors[0]?.reason).toBe('robots-unavailable');
    const queued = queue.sent.length;
    expect(queued).toBeGreaterThanOrEqual(12);
    expect(new Set(queue.sent.map((s) => s.message.urlKey)).size).toBe(queued);
    await discover({});
    expect(queue.sent.length).toBe(queued);
  });

  it('crawl stores articles, reports unparsable messages as batch item failures, and does not re-send permanent failures', async () => {
    const crawl = makeCrawlHandler(pipeline.deps);
    const messages = queue.sent.map((s) => s.message);
    queue.sent = [];
    const result = await crawl(sqsEvent([...messages.map((m) => JSON.stringify(m)), '{not json']));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: `m${messages.length}` }]);
    // 404, PDF and robots-disallowed pages are recorded, not retried.
    expect(queue.sent).toEqual([]);
    const hosts = await pipeline.index.listHosts();
    expect(hosts.sort()).toEqual(['dailyplanet.example', 'metroherald.example', 'wirewatch.example']);
    const failed = await pipeline.deps.frontier.listFailed();
    const pages = failed.filter((f) => !f.urlKey.startsWith('doc:'));
    expect(pages.map((f) => f.reason).sort()).toEqual(['http-404', 'unsupported-content-type']);
    // The unreachable publisher's feed is recorded too, with a retry time.
    expect(failed.find((f) => f.urlKey.startsWith('doc:'))?.reason).toBe('robots-unavailable');
  });
});
