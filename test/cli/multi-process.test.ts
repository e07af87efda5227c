/**
 * Many processes on one data directory at once (issue 14): `serve`, two ingest processes, `query`
 * and `reprocess` run side by side on the SQLite index. Readers answer while the writers write,
 * the writers serialise without a crash, and afterwards every answer and every count is exact:
 * each article page was fetched once (URL claims are atomic across processes), each article is
 * stored once, and each paragraph's article count equals the records that hold it.
 *
 * The interleaving is controlled, not timed: the publisher server holds the first article request
 * of each ingest process (told apart by user agent) until the readers have checked their answers,
 * so both ingest processes are mid-crawl, with the index open for writing, while `serve`, `query`
 * and `reprocess` run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { BOILERPLATE_MIN_HOST_PAGES } from '../../functions/core/dedup/boilerplate';
import { normalizeParagraph } from '../../functions/core/dedup/normalize-paragraph';
import { hashNormalized, isEvidenceNormalized } from '../../functions/core/dedup/paragraph-hash';
import { articleIdFor, canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { silentLog } from '../../functions/pipeline/deps';
import type { IngestWorkerInput, IngestWorkerResult } from '../../scripts/lib/ingest-worker';
import { allArticles } from '../helpers/pipeline-audit';
import {
  generateSites,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'functions/cli/main.ts');
const WORKER = fileURLToPath(new URL('../../scripts/lib/ingest-worker.ts', import.meta.url));
const INGESTS = ['ingest-a', 'ingest-b'];

/** Runs a CLI command to completion as a user would. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** An ingest process (the real local pipeline in its own process); resolves with its last line. */
function startIngest(input: IngestWorkerInput): {
  child: ChildProcess;
  done: Promise<{ result?: IngestWorkerResult; code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ result?: IngestWorkerResult; code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.includes('"event":"done"'));
      resolve({ result: line ? (JSON.parse(line) as IngestWorkerResult) : undefined, code, stderr });
    }),
  );
  return { child, done };
}

/** `serve` on a free port; resolves once it listens. */
async function startServe(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(TSX, [MAIN, 'serve', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Query API on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${out}`)));
  });
  return { child, baseUrl };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Resolves when `check` returns true, polling every `everyMs` (the condition, not the time, is what is waited for). */
async function until(check: () => Promise<boolean> | boolean, everyMs = 100): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

describe('serve + two ingest processes + query + reprocess on one data directory', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let dataDir: string;
  const children: ChildProcess[] = [];
  /** Held article requests per user agent: the answer is sent when released. */
  const held = new Map<string, { path: string; host: string; release: () => void }>();

  beforeAll(async () => {
    sites = generateSites({ articles: 64, hosts: 4, seed: 23 });
    server = await startSyntheticSites(sites);
    dataDir = await mkdtemp(join(tmpdir(), 'multi-process-'));
    for (const url of sites.articleUrls) {
      const { host, pathname } = new URL(url);
      const page = sites.pages.get(host)!.get(pathname)!;
      const answer = (res: ServerResponse) => {
        res.writeHead(200, { 'content-type': page.contentType, 'content-length': String(page.body.length) });
        res.end(page.body);
      };
      server.override(host, pathname, (req, res) => {
        const agent = String(req.headers['user-agent'] ?? '');
        if (INGESTS.includes(agent) && !held.has(agent)) {
          held.set(agent, { path: pathname, host, release: () => answer(res) });
          return;
        }
        answer(res);
      });
    }
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every reader while two ingests write, and every count is exact afterwards', {
    timeout: 300_000,
  }, async () => {
    // Overlapping sources files: the middle hosts are raced for, the outer ones give each process
    // work of its own (else the first to discover could claim everything).
    const all = sourcesFor(sites);
    const ingests = INGESTS.map((userAgent, i) => {
      const ingest = startIngest({
        dataDir,
        sources: i === 0 ? all.slice(0, -1) : all.slice(1),
        hostMap: server.hostMap,
        allowedLoopbackPorts: [server.port],
        hostMinIntervalMs: 10,
        concurrency: 4,
        // A held request must outlast the readers' checks.
        fetchTotalTimeoutMs: 240_000,
        userAgent,
      });
      children.push(ingest.child);
      return ingest;
    });

    // serve refuses a directory that holds no archive yet: started once the ingests created the index.
    await until(() => existsSync(join(dataDir, 'index.sqlite')));
    const serve = await startServe(dataDir);
    children.push(serve.child);

    // Both ingest processes are mid-crawl (one request each held) and everything else is stored,
    // which serve's answers show while the writers are still running.
    const total = sites.articleUrls.length;
    const storedIds = async (): Promise<Set<string>> => {
      const ids = new Set<string>();
      const hosts = await getJson(`${serve.baseUrl}/hosts`);
      expect(hosts.status).toBe(200);
      for (const host of (hosts.body as { hosts: string[] }).hosts) {
        // Each host has fewer articles than a page holds.
        const page = await getJson(`${serve.baseUrl}/articles?host=${host}&limit=100`);
        expect(page.status).toBe(200);
        for (const item of (page.body as { items: { id: string }[] }).items) ids.add(item.id);
      }
      return ids;
    };
    await until(async () => {
      if (ingests.some((i) => i.child.exitCode !== null)) throw new Error('an ingest process ended early');
      return held.size === INGESTS.length && (await storedIds()).size === total - INGESTS.length;
    });
    expect(ingests.every((i) => i.child.exitCode === null)).toBe(true);

    const heldIds = new Set(
      [...held.values()].map((h) => articleIdFor(canonicalizeUrl(`http://${h.host}${h.path}`))),
    );
    const midway = await storedIds();
    const expectedMidway = sites.articleUrls
      .map((u) => articleIdFor(canonicalizeUrl(u)))
      .filter((id) => !heldIds.has(id));
    expect([...midway].sort()).toEqual(expectedMidway.sort());

    // `query` in a process of its own, beside the writers: the same articles, one host at a time.
    const queryHosts = await cli(['query', 'hosts', '--data-dir', dataDir]);
    expect(queryHosts.code, queryHosts.stderr).toBe(0);
    const hosts = (JSON.parse(queryHosts.stdout) as string[]).sort();
    expect(hosts).toEqual([...sites.hosts].sort());
    const listedMidway = new Set<string>();
    for (const host of hosts) {
      const list = await cli(['query', 'list', '--host', host, '--limit', '100', '--data-dir', dataDir]);
      expect(list.code, list.stderr).toBe(0);
      for (const line of list.stdout.trim().split('\n').filter(Boolean))
        listedMidway.add(line.split(/\s+/)[0]);
    }
    expect([...listedMidway].sort()).toEqual(expectedMidway.sort());
    const anId = expectedMidway[0];
    const got = await cli(['query', 'get', anId, '--data-dir', dataDir]);
    expect(got.code, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as { id: string }).id).toBe(anId);

    // `reprocess`, a third writer, over a host whose pages are all stored.
    const quietHost = sites.hosts.find((h) => ![...held.values()].some((x) => x.host === h))!;
    const quietCount = sites.articleUrls.filter((u) => new URL(u).host === quietHost).length;
    const reprocess = await cli(['reprocess', '--host', quietHost, '--no-progress', '--data-dir', dataDir]);
    expect(reprocess.code, `${reprocess.stdout}\n${reprocess.stderr}`).toBe(0);
    expect(reprocess.stdout).toContain(`Reprocessed ${quietCount} of ${quietCount} articles`);
    expect(reprocess.stdout).toMatch(/failed +0/);

    // Let the held pages through: both ingests finish on their own.
    for (const h of held.values()) h.release();
    const results = await Promise.all(ingests.map((i) => i.done));
    for (const r of results) expect(r.result, `exit ${r.code}\n${r.stderr}`).toBeDefined();
    expect(results.flatMap((r) => r.result!.failed)).toEqual([]);
    expect(results.flatMap((r) => r.result!.discoverErrors)).toEqual([]);
    // Every article stored by exactly one of them: their counts add up to the site's.
    expect(results.reduce((sum, r) => sum + r.result!.articlesStored, 0)).toBe(total);
    expect(results.every((r) => r.result!.articlesStored > 0)).toBe(true);
    // Each article page was fetched once in all (a claim is won by one process).
    const fetches = new Map<string, number>();
    const articlePaths = new Set(sites.articleUrls.map((u) => `${new URL(u).host}${new URL(u).pathname}`));
    for (const r of server.requests) {
      const key = `${r.host}${r.path}`;
      if (articlePaths.has(key)) fetches.set(key, (fetches.get(key) ?? 0) + 1);
    }
    expect([...fetches.values()].filter((n) => n !== 1)).toEqual([]);
    expect(fetches.size).toBe(total);

    // serve still answers, now with every article.
    expect((await storedIds()).size).toBe(total);
    serve.child.kill('SIGINT');
    await new Promise((r) => serve.child.once('exit', r));

    // Counts in the index are exact: each paragraph (that is nobody's boilerplate by the
    // generator's truth) counts exactly the articles whose records hold it.
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir }), { log: silentLog });
    try {
      const records = await allArticles(pipeline.index);
      expect(records.size).toBe(total);
      const frontierStates = await Promise.all(
        sites.articleUrls.map((u) => pipeline.deps.frontier.get(canonicalizeUrl(u))),
      );
      expect(frontierStates.map((s) => s?.status).filter((s) => s !== 'done')).toEqual([]);
      const perHostPages = new Map<string, Map<string, number>>();
      for (const a of sites.articles) {
        const host = a.host.replace(/^www\./, '');
        for (const h of new Set(
          a.paragraphs
            .map((p) => normalizeParagraph(p.text))
            .filter(isEvidenceNormalized)
            .map(hashNormalized),
        )) {
          if (!perHostPages.has(h)) perHostPages.set(h, new Map());
          perHostPages.get(h)!.set(host, (perHostPages.get(h)!.get(host) ?? 0) + 1);
        }
      }
      const holders = new Map<string, Set<string>>();
      for (const r of records.values())
        for (const h of r.paragraphHashes) holders.set(h, (holders.get(h) ?? new Set()).add(r.id));
      const exact = [...holders.keys()].filter((h) => {
        const counts = perHostPages.get(h);
        return counts !== undefined && Math.max(...counts.values()) < BOILERPLATE_MIN_HOST_PAGES;
      });
      const infos = await pipeline.index.lookupParagraphs(exact);
      const wrong = exact.filter((h) => infos.get(h)?.articleCount !== holders.get(h)!.size);
      expect(wrong).toEqual([]);
      expect(exact.length).toBeGreaterThan(100);
      expect(exact.some((h) => holders.get(h)!.size > 1)).toBe(true);
    } finally {
      await pipeline.close();
    }
  });
});
