/**
 * Fault suite: the real local pipeline (runIngest, embedded dynalite, file archive in a temp dir)
 * ingests a healthy publisher and, in the same run, URLs served by misbehaving loopback servers.
 * For every fault: the run goes on (the healthy publisher's new articles are stored), the URL's
 * outcome is recorded in the frontier with its reason, retryable faults are retried (attempts
 * counted in the frontier and at the server), and nothing stored by an earlier run changes
 * (archive files and article records compared byte for byte). Prints a table fault → outcome.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import { articleIdFor, canonicalizeUrl } from '../../functions/core/url/canonical-url';
import type { Source } from '../../functions/core/sources';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { silentLog } from '../../functions/pipeline/deps';
import { runIngest, type IngestSummary } from '../../functions/pipeline/run-ingest';
import type { UrlState } from '../../functions/ports/frontier';
import {
  startMisbehavingServer,
  startSilentTcpServer,
  type MisbehavingServer,
} from '../helpers/misbehaving-server';
import { allArticles, changedEntries, snapshotFiles } from '../helpers/pipeline-audit';
import {
  generateSites,
  publishShare,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

/** Small limits keep the suite quick: each timeout case costs at most attempts × total timeout. */
const CONNECT_TIMEOUT_MS = 300;
const TOTAL_TIMEOUT_MS = 500;
const MAX_ATTEMPTS = 3;
const FAULT_HOST = 'faults.example';
const ROBOTS_DOWN_HOST = 'robots-down.example';
const SILENT_HOST = 'silent.example';
const FEED_HOST = 'faultfeed.example';

interface FaultCase {
  fault: string;
  url: string;
  /** Path as the misbehaving server logs it (to count requests), when served there. */
  serverPath?: string;
  expect: { status: UrlState['status']; reason: string | RegExp; detail?: RegExp; retried: boolean };
}

const WRONG_CHARSET_PARAGRAPHS = [
  'The café on the harbour front reopened on Monday after a month of repairs to its roof and façade.',
  'Owners said the renovation cost more than expected because the old timber had rotted through in places.',
  'Regulars queued before dawn for the first espresso, and the mayor stopped by to cut a ribbon at nine.',
];

/** An article page whose bytes are windows-1252 while the header claims UTF-8. */
function wrongCharsetPage(): Buffer {
  const html = `<!doctype html><html lang="en"><head><title>Café reopens after repairs</title></head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>Café reopens after repairs</h1>${WRONG_CHARSET_PARAGRAPHS.map((p) => `<p>${p}</p>`).join('\n')}</article>
<footer>Copyright Fault Feed News</footer></body></html>`;
  return Buffer.from(html, 'latin1');
}

const faultUrl = (path: string) => `http://${FAULT_HOST}${path}`;

const CASES: FaultCase[] = [
  // The first request to a host is its robots.txt: a host whose handshake never completes is
  // reported as robots-unavailable, with the connect timeout in the detail.
  {
    fault: 'connect timeout (TLS handshake never answered)',
    url: `https://${SILENT_HOST}/story.html`,
    expect: { status: 'failed', reason: 'robots-unavailable', detail: /timeout-connect/, retried: true },
  },
  {
    fault: 'no response headers',
    url: faultUrl('/never-respond'),
    serverPath: '/never-respond',
    expect: { status: 'failed', reason: 'timeout-total', retried: true },
  },
  {
    fault: 'slow drip (slowloris body)',
    url: faultUrl('/slow-drip'),
    serverPath: '/slow-drip',
    expect: { status: 'failed', reason: 'timeout-total', retried: true },
  },
  {
    fault: 'reset mid-body',
    url: faultUrl('/reset-mid-body'),
    serverPath: '/reset-mid-body',
    expect: { status: 'failed', reason: 'connection-reset', retried: true },
  },
  {
    fault: 'clean close mid-body',
    url: faultUrl('/close-mid-body'),
    serverPath: '/close-mid-body',
    expect: { status: 'failed', reason: 'truncated-body', retried: true },
  },
  {
    fault: 'truncated gzip',
    url: faultUrl('/truncated-gzip'),
    serverPath: '/truncated-gzip',
    expect: { status: 'failed', reason: 'truncated-body', retried: true },
  },
  {
    fault: 'HTTP 404',
    url: faultUrl('/status/404'),
    serverPath: '/status/404',
    expect: { status: 'failed', reason: 'http-404', retried: false },
  },
  {
    fault: 'HTTP 410',
    url: faultUrl('/status/410'),
    serverPath: '/status/410',
    expect: { status: 'failed', reason: 'http-410', retried: false },
  },
  {
    fault: 'HTTP 429 + Retry-After: 1',
    url: faultUrl('/status/429?retry-after=1'),
    serverPath: '/status/429?retry-after=1',
    expect: { status: 'failed', reason: 'http-429', retried: true },
  },
  {
    fault: 'HTTP 500',
    url: faultUrl('/status/500'),
    serverPath: '/status/500',
    expect: { status: 'failed', reason: 'http-500', retried: true },
  },
  {
    fault: 'HTTP 503',
    url: faultUrl('/status/503'),
    serverPath: '/status/503',
    expect: { status: 'failed', reason: 'http-503', retried: true },
  },
  {
    fault: 'redirect loop',
    url: faultUrl('/redirect-loop/a'),
    serverPath: '/redirect-loop/a',
    expect: { status: 'failed', reason: 'redirect-loop', retried: false },
  },
  {
    fault: '20 MB body (no Content-Length)',
    url: faultUrl('/huge?bytes=20971520'),
    serverPath: '/huge?bytes=20971520',
    expect: { status: 'failed', reason: 'body-too-large', retried: false },
  },
  {
    fault: '20 MB body (declared)',
    url: faultUrl('/huge-declared?bytes=20971520'),
    serverPath: '/huge-declared?bytes=20971520',
    expect: { status: 'failed', reason: 'body-too-large', retried: false },
  },
  {
    fault: 'wrong content type (PDF)',
    url: faultUrl('/pdf'),
    serverPath: '/pdf',
    expect: { status: 'failed', reason: 'unsupported-content-type', retried: false },
  },
  {
    fault: 'robots.txt answers 503',
    url: `http://${ROBOTS_DOWN_HOST}/ok.html`,
    expect: { status: 'failed', reason: 'robots-unavailable', retried: true },
  },
  {
    fault: 'wrong charset declaration (UTF-8 header, windows-1252 bytes)',
    url: `http://${FEED_HOST}/news/cafe-reopens.html`,
    expect: { status: 'done', reason: 'stored', retried: false },
  },
];

/** Feed of the fault source: every fault URL, as a publisher's RSS would list them. */
function faultFeed(): string {
  const items = CASES.map(
    (c, i) =>
      `<item><title>Case ${i}</title><link>${c.url.replace(/&/g, '&amp;')}</link><pubDate>Tue, 24 Nov 2026 0${i % 10}:00:00 GMT</pubDate></item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Faults</title><link>http://${FEED_HOST}/</link>\n${items}\n</channel></rss>`;
}

function faultSource(): Source {
  return {
    id: 'faults',
    name: 'Misbehaving publisher',
    homepage: `http://${FEED_HOST}/`,
    feeds: [
      `http://${FEED_HOST}/feed.xml`,
      `http://${FEED_HOST}/broken-feed.xml`,
      `http://${FEED_HOST}/feed-as-pdf.xml`,
    ],
    sitemaps: [],
    schedule: 'rate(1 hour)',
    allow: [],
    deny: [],
    maxArticlesPerRun: 100,
    useRobotsSitemaps: false,
    enabled: true,
  };
}

describe('fault suite through the real pipeline', () => {
  let sites: SyntheticSites;
  let siteServer: SyntheticSitesServer;
  let misbehaving: MisbehavingServer;
  let silent: { port: number; close(): Promise<void> };
  let dataDir: string;

  beforeAll(async () => {
    // No syndicated copies: a copy stored in run 2 would rightly add a link to its origin's clean copy
    // from run 1, and this suite compares run 1's files byte for byte.
    sites = generateSites({ articles: 16, hosts: 2, seed: 3, copyShare: 0 });
    siteServer = await startSyntheticSites(sites);
    misbehaving = await startMisbehavingServer({
      robotsByHost: { [ROBOTS_DOWN_HOST]: { status: 503, body: 'down' } },
    });
    silent = await startSilentTcpServer();
    dataDir = await mkdtemp(join(tmpdir(), 'fault-suite-'));
    siteServer.override(FEED_HOST, '/feed.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(faultFeed());
    });
    siteServer.override(FEED_HOST, '/broken-feed.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Half a feed</title><item><link>http://x.example/a</link></ite',
      );
    });
    siteServer.override(FEED_HOST, '/feed-as-pdf.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end('%PDF-1.4\n');
    });
    siteServer.override(FEED_HOST, '/news/cafe-reopens.html', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(wrongCharsetPage());
    });
  });
  afterAll(async () => {
    await Promise.all([siteServer?.close(), misbehaving?.close(), silent?.close()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function open(): Promise<LocalPipeline> {
    const config = loadConfig({
      DATA_DIR: dataDir,
      FETCH_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      FETCH_TOTAL_TIMEOUT_MS: String(TOTAL_TIMEOUT_MS),
      MAX_FETCH_ATTEMPTS: String(MAX_ATTEMPTS),
      HOST_MIN_INTERVAL_MS: '20',
    });
    const hostMap = {
      ...siteServer.hostMap,
      [FAULT_HOST]: { host: '127.0.0.1', port: misbehaving.port },
      [ROBOTS_DOWN_HOST]: { host: '127.0.0.1', port: misbehaving.port },
      [SILENT_HOST]: { host: '127.0.0.1', port: silent.port },
    };
    return openLocalPipeline(config, {
      hostMap,
      allowedLoopbackPorts: [siteServer.port, misbehaving.port, silent.port],
      log: silentLog,
    });
  }

  it('records every fault with its reason, retries the retryable ones and changes nothing stored before', {
    timeout: 90_000,
  }, async () => {
    const goodSources = sourcesFor(sites);
    // Run 1: half of the healthy publisher, no faults.
    publishShare(sites, siteServer, 0.5);
    let pipeline = await open();
    const first = await runIngest(pipeline.deps, pipeline.queue, goodSources, { concurrency: 4 });
    const recordsBefore = await allArticles(pipeline.index);
    await pipeline.close();
    expect(first.articlesStored).toBeGreaterThan(0);
    expect(first.failed).toEqual([]);
    const filesBefore = await snapshotFiles(join(dataDir, 'archive'));

    // Run 2: the rest of the healthy publisher plus every fault, in one run.
    const listed = publishShare(sites, siteServer, 1);
    pipeline = await open();
    let second: IngestSummary;
    const startedMs = Date.now();
    const states = new Map<string, UrlState | undefined>();
    let docStates: UrlState[] = [];
    let recordsAfter;
    const notes = new Map<string, string>();
    try {
      second = await runIngest(pipeline.deps, pipeline.queue, [...goodSources, faultSource()], {
        concurrency: 6,
      });
      for (const c of CASES) states.set(c.fault, await pipeline.deps.frontier.get(canonicalizeUrl(c.url)));
      docStates = (
        await Promise.all(
          faultSource().feeds.map((f) => pipeline.deps.frontier.get(`doc:${canonicalizeUrl(f)}`)),
        )
      ).filter((s): s is UrlState => Boolean(s));
      recordsAfter = await allArticles(pipeline.index);
      // What a stored fault page looks like: U+FFFD in the clean text means bytes were decoded
      // with the wrong charset.
      for (const c of CASES) {
        const record = states.get(c.fault)?.articleId
          ? recordsAfter.get(states.get(c.fault)!.articleId!)
          : undefined;
        const clean = record ? await pipeline.deps.archive.get(record.cleanKey) : undefined;
        if (clean)
          notes.set(
            c.fault,
            `${
              (
                Buffer.from(clean)
                  .toString('utf8')
                  .match(/\uFFFD/g) ?? []
              ).length
            } U+FFFD in clean copy`,
          );
      }
    } finally {
      await pipeline.close();
    }
    const elapsedMs = Date.now() - startedMs;
    const filesAfter = await snapshotFiles(join(dataDir, 'archive'));

    // The table.
    const rows = CASES.map((c) => {
      const s = states.get(c.fault);
      const requests = c.serverPath
        ? misbehaving.requests.filter((r) => r.path === c.serverPath).length
        : undefined;
      const stored = s?.articleId ? recordsAfter.has(s.articleId) : false;
      return {
        fault: c.fault,
        status: s?.status ?? 'MISSING',
        reason: s?.reason ?? '',
        attempts: s?.attempts ?? 0,
        requests,
        stored,
        retryAt: s?.nextRetryAt ? 'yes' : 'no',
        note: notes.get(c.fault),
      };
    });
    const docRows = docStates.map((d) => ({
      fault: `feed ${new URL(d.url).pathname}`,
      status: d.status,
      reason: d.reason ?? '',
      attempts: d.attempts,
      requests: undefined,
      stored: false,
      retryAt: d.nextRetryAt ? 'yes' : 'no',
      note: undefined as string | undefined,
    }));
    const all = [...rows, ...docRows];
    const width = (k: keyof (typeof all)[number]) =>
      Math.max(k.length, ...all.map((r) => String(r[k] ?? '-').length));
    const cols: (keyof (typeof all)[number])[] = [
      'fault',
      'status',
      'reason',
      'attempts',
      'requests',
      'stored',
      'retryAt',
      'note',
    ];
    const line = (r: Record<string, unknown>) =>
      `| ${cols.map((k) => String(r[k] ?? '-').padEnd(width(k))).join(' | ')} |`;
    const table = [
      line(Object.fromEntries(cols.map((k) => [k, k]))),
      `|${cols.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`,
      ...all.map(line),
    ].join('\n');
    const goodNew = listed.length - recordsBefore.size;
    console.log(
      `\nFault suite (connect timeout ${CONNECT_TIMEOUT_MS} ms, total ${TOTAL_TIMEOUT_MS} ms, ${MAX_ATTEMPTS} attempts; run with faults took ${elapsedMs} ms;` +
        ` healthy publisher: ${second!.articlesStored} new articles stored in the same run)\n` +
        `attempts = frontier attempts of the last outcome (0 after success); requests = requests the misbehaving server saw for that path; retryAt = parked for a later run\n${table}\n`,
    );

    // The run went on: the healthy publisher's new half was stored alongside the faults.
    expect(goodNew).toBeGreaterThan(0);
    for (const url of listed) expect(recordsAfter.has(articleIdFor(canonicalizeUrl(url))), url).toBe(true);

    // Every fault is recorded with its reason; retryable ones were retried, the others were not.
    for (const c of CASES) {
      const s = states.get(c.fault);
      expect(s, c.fault).toBeDefined();
      expect(s!.status, c.fault).toBe(c.expect.status);
      if (typeof c.expect.reason === 'string') expect(s!.reason, c.fault).toBe(c.expect.reason);
      else expect(s!.reason, c.fault).toMatch(c.expect.reason);
      if (c.expect.status === 'failed') {
        expect(s!.detail, c.fault).toBeTruthy();
        if (c.expect.detail) expect(s!.detail, c.fault).toMatch(c.expect.detail);
        expect(s!.attempts, c.fault).toBe(c.expect.retried ? MAX_ATTEMPTS : 1);
        // Retryable failures stay owed a crawl (parked for a later run); permanent ones do not.
        expect(Boolean(s!.nextRetryAt), c.fault).toBe(c.expect.retried);
        if (c.serverPath)
          expect(misbehaving.requests.filter((r) => r.path === c.serverPath).length, c.fault).toBe(
            c.expect.retried ? MAX_ATTEMPTS : 1,
          );
      }
    }
    // robots.txt failing with 503 blocked every fetch from its host, and was itself asked only once.
    expect(misbehaving.requests.filter((r) => r.path === '/ok.html')).toHaveLength(0);
    // Feed faults: the broken and mistyped feeds are recorded as failed with a reason; the run went on.
    const broken = docStates.find((d) => d.url.endsWith('/broken-feed.xml'));
    const mistyped = docStates.find((d) => d.url.endsWith('/feed-as-pdf.xml'));
    expect(broken).toMatchObject({ status: 'failed', reason: 'unparseable-feed' });
    expect(mistyped).toMatchObject({ status: 'failed', reason: 'unsupported-content-type' });
    expect(second!.discoverErrors.map((e) => e.url).sort()).toEqual([
      `http://${FEED_HOST}/broken-feed.xml`,
      `http://${FEED_HOST}/feed-as-pdf.xml`,
    ]);

    // Nothing stored by the earlier run changed: not a file, not a record.
    expect(changedEntries(filesBefore, filesAfter)).toEqual([]);
    expect(
      changedEntries(recordsBefore, recordsAfter!, (a, b) => JSON.stringify(a) === JSON.stringify(b)),
    ).toEqual([]);
    // No archive file of a failed URL was written (only the healthy and the wrong-charset articles).
    expect(filesAfter.size - filesBefore.size).toBe(4 * second!.articlesStored);
  });
});

describe('fault: a stalled event loop delivers politeness slots late', () => {
  it('never lets two requests to a host go out closer than its interval, and starves none', async () => {
    const { admitRequest } = await import('../../functions/pipeline/politeness');
    const { InMemoryHostRateLimiter } = await import(
      '../../functions/adapters/local/memory-host-rate-limiter'
    );
    let nowMs = 1_000_000;
    const allowAll = {
      isAllowed: () => true,
      sitemaps: [],
      source: 'missing' as const,
      robotsUrl: 'http://a.example/robots.txt',
      fetchedAt: new Date(0).toISOString(),
    };
    const deps = {
      robots: { policyFor: async () => allowAll },
      rateLimiter: new InMemoryHostRateLimiter(),
      hostMinIntervalMs: 100,
      maxInlineWaitMs: 0,
      now: () => new Date(nowMs),
    } as unknown as Parameters<typeof admitRequest>[0];
    const url = 'http://a.example/story';
    // Three messages ask at once: the first goes out now, the others get slots 100 and 200 ms
    // ahead and are deferred.
    const slots: number[] = [];
    for (let i = 0; i < 3; i++) slots.push((await admitRequest(deps, url)).slotAtMs);
    expect(slots.map((s) => s - nowMs)).toEqual([0, 100, 200]);
    const sent: number[] = [nowMs];
    // The loop stalls: both deferred messages come back together, late.
    nowMs += 250;
    const pending = [slots[1], slots[2]];
    for (let round = 0; pending.length > 0 && round < 10; round++) {
      for (let i = 0; i < pending.length; i++) {
        const admitted = await admitRequest(deps, url, { reservedSlotAtMs: pending[i] });
        if (admitted.waitMs === 0) {
          sent.push(nowMs);
          pending.splice(i--, 1);
        } else pending[i] = admitted.slotAtMs;
      }
      nowMs = Math.min(...pending, nowMs + 1000);
    }
    expect(pending).toEqual([]);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    // The late ones wait one interval behind the last send, not behind every reservation.
    expect(sent[2] - sent[0]).toBeLessThanOrEqual(250 + 100);
  });
});
