import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { crawlUrl } from '../../functions/pipeline/crawl-url';
import { silentLog } from '../../functions/pipeline/deps';

const ARTICLE = `<html lang="en"><head><title>Private memo</title></head><body><article><h1>Private memo</h1>
${'<p>This paragraph is long enough to be article text and must never be fetched by a polite crawler.</p>'.repeat(5)}
</article></body></html>`;

describe('robots.txt on redirects (regression: a redirect to another origin skipped its robots.txt)', () => {
  let server: Server;
  let pipeline: LocalPipeline;
  let dataDir: string;
  const served: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const host = (req.headers.host ?? '').split(':')[0];
      served.push(`${host}${req.url}`);
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(host === 'b.example' ? 'User-agent: *\nDisallow: /private/\n' : 'User-agent: *\nAllow: /\n');
      } else if (host === 'a.example' && req.url === '/moved') {
        res.writeHead(301, { location: 'http://b.example/private/memo.html' }).end();
      } else if (host === 'a.example' && req.url === '/same-origin') {
        res.writeHead(302, { location: '/story.html' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(ARTICLE);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    dataDir = await mkdtemp(join(tmpdir(), 'redirect-robots-'));
    const hostMap = { 'a.example': { host: '127.0.0.1', port }, 'b.example': { host: '127.0.0.1', port } };
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir, HOST_MIN_INTERVAL_MS: '1' }), {
      hostMap,
      allowedLoopbackPorts: [port],
      log: silentLog,
    });
    Object.assign(pipeline.deps, { maxInlineWaitMs: 1_000 });
  });

  afterAll(async () => {
    await pipeline.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a redirect into a path the target origin's robots.txt disallows, without requesting it", async () => {
    const outcome = await crawlUrl(pipeline.deps, {
      url: 'http://a.example/moved',
      urlKey: 'http://a.example/moved',
      sourceId: 't',
      attempt: 0,
    });
    expect(outcome).toMatchObject({ kind: 'skipped', reason: 'robots-disallowed' });
    expect(served).toContain('b.example/robots.txt');
    expect(served).not.toContain('b.example/private/memo.html');
    expect((await pipeline.deps.frontier.get('http://a.example/moved'))?.reason).toBe('robots-disallowed');
  });

  it('follows same-origin redirects as before', async () => {
    const outcome = await crawlUrl(pipeline.deps, {
      url: 'http://a.example/same-origin',
      urlKey: 'http://a.example/same-origin',
      sourceId: 't',
      attempt: 0,
    });
    expect(outcome.kind).toBe('stored');
  });
});
