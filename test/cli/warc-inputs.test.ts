/**
 * `ingest --warc` arguments: WARC files, directories (recursively, sorted), list files one location
 * a line (gzipped like CC-NEWS's warc.paths.gz, relative lines against the list's directory or
 * --warc-base), and errors that name the input; the CLI refuses bad filters by option name.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandWarcInputs } from '../../functions/cli/warc-inputs';

const run = promisify(execFile);

describe('ingest --warc inputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warc-inputs-'));
    await mkdir(join(dir, 'crawl', 'b'), { recursive: true });
    await writeFile(join(dir, 'crawl', 'z.warc.gz'), '');
    await writeFile(join(dir, 'crawl', 'b', 'a.warc'), '');
    await writeFile(join(dir, 'crawl', 'notes.txt'), '');
    await writeFile(
      join(dir, 'warc.paths.gz'),
      gzipSync(
        'crawl-data/CC-NEWS/2026/11/CC-NEWS-1.warc.gz\n\n# comment\ncrawl-data/CC-NEWS/2026/11/CC-NEWS-2.warc.gz\n',
      ),
    );
    await writeFile(
      join(dir, 'list.txt'),
      `crawl/z.warc.gz\n${join(dir, 'abs.warc')}\nhttps://example.org/x.warc.gz\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('expands directories, list files and URLs in order', async () => {
    expect(await expandWarcInputs([join(dir, 'crawl')])).toEqual([
      join(dir, 'crawl', 'b', 'a.warc'),
      join(dir, 'crawl', 'z.warc.gz'),
    ]);
    expect(await expandWarcInputs([join(dir, 'list.txt'), 's3://bucket/k/y.warc.gz'])).toEqual([
      join(dir, 'crawl', 'z.warc.gz'),
      join(dir, 'abs.warc'),
      'https://example.org/x.warc.gz',
      's3://bucket/k/y.warc.gz',
    ]);
  });

  it("reads CC-NEWS's gzipped warc.paths against a base", async () => {
    expect(await expandWarcInputs([join(dir, 'warc.paths.gz')], { base: 's3://commoncrawl/' })).toEqual([
      's3://commoncrawl/crawl-data/CC-NEWS/2026/11/CC-NEWS-1.warc.gz',
      's3://commoncrawl/crawl-data/CC-NEWS/2026/11/CC-NEWS-2.warc.gz',
    ]);
    expect(await expandWarcInputs([join(dir, 'warc.paths.gz')])).toEqual([
      join(dir, 'crawl-data/CC-NEWS/2026/11/CC-NEWS-1.warc.gz'),
      join(dir, 'crawl-data/CC-NEWS/2026/11/CC-NEWS-2.warc.gz'),
    ]);
  });

  it('names the input that is wrong', async () => {
    await expect(expandWarcInputs([join(dir, 'missing.warc.gz')])).rejects.toThrow(
      /missing\.warc\.gz: no such file or directory/,
    );
    await expect(expandWarcInputs([join(dir, 'crawl', 'b', 'nothing')])).rejects.toThrow(/no such file/);
    await expect(expandWarcInputs(['ftp://host/x.warc'])).rejects.toThrow(
      /file paths, s3:\/\/ or http\(s\):\/\/ URLs/,
    );
  });

  it('the CLI refuses a bad filter by option, without a stack trace', { timeout: 60_000 }, async () => {
    const cli = join(process.cwd(), 'functions', 'cli', 'main.ts');
    const result = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        'ingest',
        '--warc',
        join(dir, 'crawl'),
        '--from',
        'last week',
        '--data-dir',
        join(dir, 'data'),
      ],
      { encoding: 'utf8' },
    ).catch((error: { stderr: string; code: number }) => error);
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toMatch(/error: --from "last week" is not a date/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
