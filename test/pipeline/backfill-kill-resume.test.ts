/**
 * kill -9 during a WARC backfill, then resume: a worker process backfilling two WARC files (one
 * gzipped, one plain) is killed with SIGKILL several times at seeded points (after N records it
 * reported), then run to completion. The final counts must equal those of one uninterrupted run on
 * a fresh data directory (no record lost or counted twice), and so must the stored articles and
 * their syndication links.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { silentLog } from '../../functions/pipeline/deps';
import type { BackfillWorkerInput, BackfillWorkerResult } from '../../scripts/lib/backfill-worker';
import { writeSitesWarc } from '../../scripts/lib/synthetic-warc';
import { allArticles } from '../helpers/pipeline-audit';
import { generateSites } from '../helpers/synthetic-sites';

const WORKER = fileURLToPath(new URL('../../scripts/lib/backfill-worker.ts', import.meta.url));
/** Records reported before each kill (cumulative progress differs per run: each resumes). */
const KILL_AFTER_RECORDS = [7, 3, 11, 5, 30];

interface Run {
  killed: boolean;
  result?: BackfillWorkerResult;
  stderr: string;
}

/** Runs the worker; SIGKILLs it once it has reported `killAfter` records (never when undefined). */
function runWorker(input: BackfillWorkerInput, killAfter?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfter === undefined || killed) return;
      const reported = stdout.split('\n').filter((l) => l.includes('"event":"record"')).length;
      if (reported >= killAfter) killed = child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', () => {
      const done = stdout.split('\n').find((l) => l.includes('"event":"done"'));
      resolve({ killed, result: done ? (JSON.parse(done) as BackfillWorkerResult) : undefined, stderr });
    });
  });
}

describe('WARC backfill killed with SIGKILL, then resumed', () => {
  let dir: string;
  let locations: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backfill-kill-'));
    const a = generateSites({ articles: 30, hosts: 3, seed: 21 });
    const b = generateSites({ articles: 20, hosts: 2, seed: 22 });
    locations = [join(dir, 'a.warc.gz'), join(dir, 'b.warc')];
    await writeSitesWarc(a, locations[0], { gzip: true, version: '1.1' });
    await writeSitesWarc(b, locations[1], { gzip: false, version: '1.0' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes where it stopped and counts every record exactly once', { timeout: 180_000 }, async () => {
    const reference = await runWorker({ dataDir: join(dir, 'reference'), locations });
    expect(reference.result, reference.stderr).toBeDefined();
    const expected = reference.result!.summary.counts;
    expect(expected.stored).toBe(50);

    // A checkpoint after every record, so each kill lands between checkpoints of one file or the next.
    const input: BackfillWorkerInput = {
      dataDir: join(dir, 'killed'),
      locations,
      recordEvery: 1,
      checkpointEveryRecords: 1,
    };
    let kills = 0;
    for (const after of KILL_AFTER_RECORDS) {
      const run = await runWorker(input, after);
      expect(run.killed || run.result !== undefined, run.stderr).toBe(true);
      if (run.killed) kills++;
    }
    expect(kills).toBe(KILL_AFTER_RECORDS.length);
    const final = await runWorker(input);
    expect(final.result, final.stderr).toBeDefined();
    const summary = final.result!.summary;
    expect(summary.filesResumed + summary.filesAlreadyDone).toBeGreaterThan(0);
    // Counts over all runs (from the checkpoints) equal the uninterrupted run's.
    expect(summary.totalCounts).toEqual(expected);

    // The same articles with the same syndication links.
    const links = async (name: string) => {
      const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: join(dir, name) }), { log: silentLog });
      try {
        const records = await allArticles(pipeline.index);
        return [...records.values()].map((r) => `${r.id} ${r.copyOf?.articleId ?? '-'}`).sort();
      } finally {
        await pipeline.close();
      }
    };
    const killedLinks = await links('killed');
    expect(killedLinks).toHaveLength(50);
    expect(killedLinks).toEqual(await links('reference'));
  });
});
