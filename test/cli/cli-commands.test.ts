import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SiteServer, startSiteServer } from '../../functions/cli/demo/site-server';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'functions/cli/main.ts');
const SITES = join(ROOT, 'test/fixtures/sites');

/** Runs the CLI as a user would (a real process), returning exit code and both streams. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('CLI commands as processes', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ingest rejects a sources file with typos, naming the file, entry and field, before touching storage', async () => {
    const dataDir = join(dir, 'data');
    const result = await cli([
      'ingest',
      '--sources',
      'test/fixtures/sources/typo-sources.yaml',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/typo-sources\.yaml: entry 1 \(id "dailyplanet"\)/);
    expect(result.stderr).toMatch(/feed: unknown field \(did you mean "feeds"\?\)/);
    expect(result.stderr).toMatch(/entry 2 \(id "metroherald"\).*htp:\/\/metroherald\.example/);
    expect(result.stderr).toMatch(/schedule/);
    await expect(readdir(dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('ingest names a missing sources file', async () => {
    const result = await cli([
      'ingest',
      '--sources',
      join(dir, 'nope.yaml'),
      '--data-dir',
      join(dir, 'data2'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.yaml: cannot read the sources file (ENOENT)');
  });

  it('--version prints the package version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('help marks required options', async () => {
    const result = await cli(['extract', '--help']);
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      '--manifest <file> manifest file: PATH<TAB>URL per line, PATH is .html or .html.gz (required)',
    );
    expect(help.match(/\(required\)/g)).toHaveLength(1);
  });

  it('a bad number names the option and the value (regression: "got NaN")', async () => {
    const result = await cli(['query', 'list', '--host', 'x.example', '--limit', 'abc', '--data-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--limit must be a positive integer up to 100, got 'abc'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('still accepts --allow-private-network, saying it is now --allow-loopback', async () => {
    const result = await cli([
      'ingest',
      '--allow-private-network',
      '--sources',
      join(dir, 'nope.yaml'),
      '--data-dir',
      join(dir, 'data3'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--allow-private-network is now called --allow-loopback');
    expect(result.stderr).toContain('nope.yaml: cannot read the sources file');
  });

  describe('ingest --resolve against a local copy of a site', () => {
    let sites: SiteServer;
    beforeAll(async () => {
      sites = await startSiteServer({ rootDir: SITES, port: 0 });
    });
    afterAll(async () => {
      await sites?.close();
    });

    it('crawls the real hostnames on the local server', async () => {
      const sourcesFile = join(dir, 'local-copy.yaml');
      await writeFile(
        sourcesFile,
        [
          'sources:',
          '  - id: dailyplanet',
          '    homepage: http://dailyplanet.example/',
          '    feeds: [http://dailyplanet.example/feed.xml]',
          '    schedule: rate(1 hour)',
          '    maxArticlesPerRun: 3',
          '',
        ].join('\n'),
      );
      const result = await cli([
        'ingest',
        '--sources',
        sourcesFile,
        '--data-dir',
        join(dir, 'resolved'),
        '--no-progress',
        '--resolve',
        `dailyplanet.example=127.0.0.1:${sites.port}`,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const stored = Number(/\| articles stored\s+\|\s+(\d+) \|/.exec(result.stdout)?.[1]);
      expect(stored).toBeGreaterThan(0);
      expect(result.stdout).not.toMatch(/blocked-address|dns-/);
    });
  });

  it('ingest exits 1 and says so when nothing was stored and every source failed', async () => {
    // A port nothing listens on: every request is refused.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const sourcesFile = join(dir, 'down.yaml');
    await writeFile(
      sourcesFile,
      [
        'sources:',
        '  - id: down',
        '    homepage: http://down.example/',
        '    feeds: [http://down.example/feed.xml]',
        '    schedule: rate(1 hour)',
        '',
      ].join('\n'),
    );
    const result = await cli([
      'ingest',
      '--sources',
      sourcesFile,
      '--data-dir',
      join(dir, 'down-data'),
      '--no-progress',
      '--resolve',
      `down.example=127.0.0.1:${port}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Nothing was stored: every source failed (1 problem above).');
    expect(result.stdout).not.toContain('Clean copies');
    const line = result.stdout.split('\n').find((l) => l.startsWith('discovery down:'));
    expect(line).toMatch(
      /^discovery down: http:\/\/down\.example\/feed\.xml: robots-unavailable: .*connection-refused/,
    );
    expect(line!.split('http://down.example/feed.xml')).toHaveLength(2); // the URL once
    expect(line).not.toMatch(/Error:/);
  });

  it('query refuses a data directory that holds no archive, and creates nothing', async () => {
    const typo = join(dir, 'dtaa');
    const result = await cli(['query', 'hosts', '--data-dir', typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: data directory ${typo}: no such directory; check --data-dir (or DATA_DIR), or run ingest or demo first\n`,
    );
    await expect(readdir(typo)).rejects.toThrow(/ENOENT/);
  });

  it('extract names a manifest it cannot read, without a stack or class name', async () => {
    const result = await cli(['extract', '--manifest', join(dir, 'no-manifest.tsv')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: manifest ${join(dir, 'no-manifest.tsv')}: no such file or directory\n`,
    );
  });

  it('extract keeps its contract: one JSON object per manifest line, in order, errors inline', async () => {
    const page = 'test/fixtures/sites/dailyplanet.example/news/2026/11/23/harbour-street-bridge-reopens.html';
    const manifest = join(dir, 'manifest.tsv');
    await writeFile(
      manifest,
      `${[
        `${page}\thttp://dailyplanet.example/news/2026/11/23/harbour-street-bridge-reopens.html`,
        `${join(dir, 'missing-page.html')}\thttp://example.com/missing`,
        `${page}\thttp://dailyplanet.example/again`,
      ].join('\n')}\n`,
    );
    const result = await cli(['extract', '--manifest', manifest]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]).sort()).toEqual(
      ['authors', 'id', 'language', 'paragraphs', 'publishedAt', 'text', 'title', 'url'].sort(),
    );
    expect(lines[0].id).toBe('harbour-street-bridge-reopens');
    expect(lines[0].title).toMatch(/Harbour Street bridge reopens/);
    expect(lines[0].text).toBe(lines[0].paragraphs.map((p: { text: string }) => p.text).join('\n\n'));
    expect(lines[1]).toEqual({
      id: 'missing-page',
      error: `${join(dir, 'missing-page.html')}: no such file or directory`,
    });
    expect(lines[2].url).toBe('http://dailyplanet.example/again');
  });
});
