import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../functions/cli/commands/demo';
import { loadConfig } from '../../functions/config';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'functions/cli/main.ts');
const run = promisify(execFile);

/** Runs one CLI command as its own process. */
async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(TSX, [MAIN, ...args], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

describe('search and SQL from other processes while serve runs on the same data directory', () => {
  let dataDir: string;
  let serve: ChildProcess;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'search-proc-'));
    await runDemo(loadConfig({ DATA_DIR: dataDir }), { concurrency: 1, verbose: false, progressBar: false });
    serve = spawn(TSX, [MAIN, 'serve', '--data-dir', dataDir, '--port', '0'], { cwd: ROOT });
    base = await new Promise<string>((resolvePort, reject) => {
      let out = '';
      serve.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) resolvePort(`http://127.0.0.1:${m[1]}`);
      });
      serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
  });
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.once('exit', r));
      serve.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a CLI search, a CLI SQL query and the HTTP API give the same answers at the same time', async () => {
    const [http, searched, sql] = await Promise.all([
      fetch(`${base}/search?q=bridge&limit=100`).then(
        (r) => r.json() as Promise<{ items: Array<{ id: string }> }>,
      ),
      cli(['query', 'search', 'bridge', '--format', 'json', '--limit', '100', '--data-dir', dataDir]),
      cli([
        'query',
        'sql',
        "SELECT id FROM clean_latest WHERE strpos(lower(title || ' ' || text), 'bridge') > 0 ORDER BY id",
        '--format',
        'json',
        '--data-dir',
        dataDir,
      ]),
    ]);
    const httpIds = http.items.map((h) => h.id).sort();
    expect(httpIds.length).toBeGreaterThanOrEqual(2);
    expect((JSON.parse(searched) as { items: Array<{ id: string }> }).items.map((h) => h.id).sort()).toEqual(
      httpIds,
    );
    expect((JSON.parse(sql) as Array<{ id: string }>).map((r) => r.id)).toEqual(httpIds);
  });

  it('a CLI listing of every host (the index) beside serve answers as the HTTP API does', async () => {
    const [http, listed] = await Promise.all([
      fetch(`${base}/articles?from=2026-11-01&to=2026-11-30&limit=100`).then(
        (r) => r.json() as Promise<{ items: Array<{ id: string }> }>,
      ),
      cli([
        'query',
        'list',
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-30',
        '--limit',
        '100',
        '--data-dir',
        dataDir,
      ]),
    ]);
    expect(http.items.length).toBeGreaterThanOrEqual(10);
    expect(listed.match(/^[0-9a-f]{32}/gm)).toEqual(http.items.map((a) => a.id));
  });

  it('a bundle stored while serve runs is found by the next search, in serve and in a CLI process', async () => {
    const dayDir = join(dataDir, 'archive', 'clean', 'dt=2026-11-24');
    const bundle = (await readdir(dayDir)).find((f) => f.endsWith('.jsonl'))!;
    const first = JSON.parse((await readFile(join(dayDir, bundle), 'utf8')).split('\n')[0]) as Record<
      string,
      unknown
    >;
    const id = 'f'.repeat(32);
    const line = {
      ...first,
      id,
      title: 'Zeppelin over the harbour',
      text: 'A zeppelin flew over the harbour.',
    };
    // A new bundle, as an ingest running beside serve stores it.
    await writeFile(
      join(dayDir, `bundle-2026-12-31T00-00-00-000Z-aaaaaaaaaaaa.jsonl`),
      `${JSON.stringify(line)}\n`,
    );
    const http = (await (await fetch(`${base}/search?q=zeppelin`)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(http.items.map((h) => h.id)).toEqual([id]);
    const searched = JSON.parse(
      await cli(['query', 'search', 'zeppelin', '--format', 'json', '--data-dir', dataDir]),
    );
    expect(searched.items.map((h: { id: string }) => h.id)).toEqual([id]);
  });
});
