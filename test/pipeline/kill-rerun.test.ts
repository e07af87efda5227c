/**
 * Kill/rerun: a worker process ingesting a growing loopback site is killed with SIGKILL at seeded
 * random moments (startup, recovery, discovery, mid-crawl, mid-write), at least 20 times, then run
 * to completion. Afterwards the data directory must be consistent: every article record has its
 * clean copy (and renderings and raw page) and every clean copy its record; no discovered URL is
 * left queued or lost; paragraph counts in the dedup index are exact; the embedded store (dynalite
 * on LevelDB) opens after every kill.
 */
import { newestLines, pointsAt, readCleanLines } from '../helpers/clean-lines';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderingKey } from '../../functions/archive-format/keys';
import { hashNormalized, isEvidenceNormalized } from '../../functions/core/dedup/paragraph-hash';
import { normalizeParagraph } from '../../functions/core/dedup/normalize-paragraph';
import { BOILERPLATE_MIN_HOST_PAGES } from '../../functions/core/dedup/boilerplate';
import { articleIdFor, canonicalizeUrl } from '../../functions/core/url/canonical-url';
import { PARAGRAPH_ARTICLE_IDS_CAP } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { loadConfig } from '../../functions/config';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { silentLog } from '../../functions/pipeline/deps';
import type { IngestWorkerInput, IngestWorkerResult } from '../../scripts/lib/ingest-worker';
import { allArticles, snapshotFiles } from '../helpers/pipeline-audit';
import {
  generateSites,
  publishShare,
  sourcesFor,
  startSyntheticSites,
  type SyntheticSites,
  type SyntheticSitesServer,
} from '../helpers/synthetic-sites';

const WORKER = fileURLToPath(new URL('../../scripts/lib/ingest-worker.ts', import.meta.url));
const KILLS_WANTED = 20;
/**
 * Kill delays after the worker reports its store open: covers recovery, discovery and crawling.
 * On the SQLite index a short cycle can end before a late kill (a miss is not counted; see the
 * cycle cap below).
 */
const KILL_DELAY_MAX_MS = 900;
const SEED = 0x5eed;

/** mulberry32: a tiny seeded PRNG so the kill schedule is reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface WorkerRun {
  killed: boolean;
  result?: IngestWorkerResult;
  stderr: string;
  exitCode: number | null;
}

/** Starts the worker; kills it `killAfterMs` after it opened its store (never when undefined). */
function runWorker(input: IngestWorkerInput, killAfterMs?: number): Promise<WorkerRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfterMs !== undefined && timer === undefined && stdout.includes('"opened"')) {
        timer = setTimeout(() => {
          killed = child.exitCode === null && child.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      const done = stdout.split('\n').find((l) => l.includes('"event":"done"'));
      resolve({
        killed,
        result: done ? (JSON.parse(done) as IngestWorkerResult) : undefined,
        stderr,
        exitCode: code,
      });
    });
  });
}

describe('kill -9 at random points, then rerun', () => {
  let sites: SyntheticSites;
  let server: SyntheticSitesServer;
  let dataDir: string;

  beforeAll(async () => {
    sites = generateSites({ articles: 96, hosts: 4, seed: 11 });
    server = await startSyntheticSites(sites);
    dataDir = await mkdtemp(join(tmpdir(), 'kill-rerun-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing and leaves a consistent archive and index', { timeout: 150_000 }, async () => {
    const random = seededRandom(SEED);
    const input: IngestWorkerInput = {
      dataDir,
      sources: sourcesFor(sites),
      hostMap: server.hostMap,
      allowedLoopbackPorts: [server.port],
      hostMinIntervalMs: 25,
      concurrency: 4,
    };
    let kills = 0;
    let cycles = 0;
    const delays: number[] = [];
    // The site grows while the worker is being killed, so every cycle has new work to be cut.
    while (kills < KILLS_WANTED && cycles < KILLS_WANTED * 3) {
      cycles++;
      publishShare(sites, server, Math.min(0.9, cycles / KILLS_WANTED));
      const delay = Math.floor(random() * KILL_DELAY_MAX_MS);
      const run = await runWorker(input, delay);
      // A worker that died on its own (not killed) would be a bug, e.g. a store corrupted by a kill.
      expect(
        run.killed || run.result !== undefined,
        `worker failed: exit ${run.exitCode}\n${run.stderr}`,
      ).toBe(true);
      if (run.killed) {
        kills++;
        delays.push(delay);
      }
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS_WANTED);

    const listed = publishShare(sites, server, 1);
    const final = await runWorker(input);
    expect(final.result, final.stderr).toBeDefined();
    const result = final.result!;
    expect(result.failed).toEqual([]);
    expect(result.discoverErrors).toEqual([]);

    // Nothing left for the next run: a second complete run finds no work.
    const idle = await runWorker(input);
    expect(idle.result).toMatchObject({ urlsRecovered: 0, urlsQueued: 0, articlesStored: 0 });

    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir }), { log: silentLog });
    try {
      const { deps, index } = pipeline;
      const records = await allArticles(index);
      const cleanKeys = new Set<string>();
      for await (const key of deps.archive.list('clean/')) cleanKeys.add(key);

      // 1. Every record has its clean copy, renderings and raw page; every clean line its record.
      const recordCleanKeys = new Set([...records.values()].map((r) => r.cleanKey));
      const missing: string[] = [];
      for (const r of records.values()) {
        for (const key of [
          r.cleanKey,
          r.rawKey ?? `raw page of ${r.id}`,
          renderingKey(r.day ?? '', r.host, r.id, 'md'),
          renderingKey(r.day ?? '', r.host, r.id, 'txt'),
        ]) {
          if (!(await deps.archive.get(key))) missing.push(key);
        }
      }
      expect(missing).toEqual([]);
      // A kill between a clean bundle and its record leaves that bundle behind (reprocess deletes
      // bundles nothing points at); its line is superseded by the rerun's: every line belongs to a
      // stored article, and each record points at its article's newest line.
      const lines = await readCleanLines(deps.archive);
      expect(lines.filter((l) => !records.has(l.copy.id)).map((l) => l.key)).toEqual([]);
      const newest = newestLines(lines);
      expect([...records.values()].filter((r) => !pointsAt(r, newest.get(r.id)!)).map((r) => r.id)).toEqual(
        [],
      );
      expect([...recordCleanKeys].filter((k) => !cleanKeys.has(k))).toEqual([]);

      // 2. Every listed URL has an outcome; nothing is queued or due.
      const statusCounts: Record<string, number> = {};
      const lost: string[] = [];
      for (const url of listed) {
        const state = await deps.frontier.get(canonicalizeUrl(url));
        if (!state) {
          lost.push(url);
          continue;
        }
        statusCounts[state.status] = (statusCounts[state.status] ?? 0) + 1;
        if (state.status === 'queued' || (state.status === 'failed' && !state.reason))
          lost.push(`${url} (${state.status})`);
      }
      expect(lost).toEqual([]);
      expect(
        (await deps.frontier.listPending({ nowIso: new Date().toISOString() })).map((s) => s.urlKey),
      ).toEqual([]);
      // Every listed page is an article page: each must be stored under its own id.
      const storedIds = new Set(records.keys());
      expect(listed.filter((u) => !storedIds.has(articleIdFor(canonicalizeUrl(u))))).toEqual([]);
      expect(records.size).toBe(listed.length);

      // 3. Dedup counts are exact. A paragraph on fewer than BOILERPLATE_MIN_HOST_PAGES pages of
      // every host (by the generator's truth) is never host boilerplate, so every stored article
      // whose extraction kept it recorded it exactly once: its articleCount in the index must equal
      // the number of article records listing it (a kill between "record paragraphs" and "store
      // the article" must neither count an article twice nor lose it).
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
      for (const r of records.values()) {
        for (const h of r.paragraphHashes) {
          if (!holders.has(h)) holders.set(h, new Set());
          holders.get(h)!.add(r.id);
        }
      }
      const exactHashes = [...holders.keys()].filter((h) => {
        const counts = perHostPages.get(h);
        return counts !== undefined && Math.max(...counts.values()) < BOILERPLATE_MIN_HOST_PAGES;
      });
      const infos = await index.lookupParagraphs(exactHashes);
      const wrong: string[] = [];
      let shared = 0;
      for (const h of exactHashes) {
        const expected = holders.get(h)!;
        const info = infos.get(h);
        if (expected.size > 1) shared++;
        if (!info || info.articleCount !== expected.size)
          wrong.push(`${h}: index ${info?.articleCount} vs ${expected.size} records`);
        else if (
          expected.size <= PARAGRAPH_ARTICLE_IDS_CAP &&
          [...expected].some((id) => !info.articleIds.includes(id))
        )
          wrong.push(`${h}: ids differ`);
      }
      expect(wrong).toEqual([]);
      // Every hash of every record is known to the index with that article among its ids (or past the cap).
      const allRecordHashes = [...new Set([...records.values()].flatMap((r) => r.paragraphHashes))];
      const recorded = await index.lookupParagraphs(allRecordHashes);
      const unrecorded = [...records.values()].flatMap((r) =>
        r.paragraphHashes.filter((h) => {
          const info = recorded.get(h);
          return !info || (info.articleCount <= PARAGRAPH_ARTICLE_IDS_CAP && !info.articleIds.includes(r.id));
        }),
      );
      expect(unrecorded).toEqual([]);

      const leftovers = [...(await snapshotFiles(pipeline.archiveDir)).keys()].filter((k) =>
        /\.tmp-[0-9a-f]{12}$/.test(k),
      );
      console.log(
        `kill/rerun: ${kills} kills in ${cycles} cycles (delays after store open: ${Math.min(...delays)}-${Math.max(...delays)} ms), ` +
          `final run stored ${result.articlesStored} and recovered ${result.urlsRecovered}; ${records.size} articles, ` +
          `frontier ${JSON.stringify(statusCounts)}, ${exactHashes.length} paragraph counts checked exactly (${shared} shared by several articles), ` +
          `${leftovers.length} orphaned temp files from killed writes`,
      );
    } finally {
      await pipeline.close();
    }
  });
});
