import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbArchiveSql } from '../../functions/adapters/duckdb/duckdb-archive-sql';
import { runDemo } from '../../functions/cli/commands/demo';
import { loadConfig } from '../../functions/config';
import { CLEAN_COPY_COLUMNS } from '../../functions/core/clean-copy-table';
import { InvalidInputError } from '../../functions/errors';
import { formatSqlResult } from '../../functions/query/sql-output';

const ROOT = resolve(__dirname, '../..');
const LIMITS = { maxRows: 1000, timeoutMs: 60_000 };

/** Every SQL statement in the ```sql blocks of a Markdown file (the view definition sketch excepted). */
async function sqlExamples(file: string): Promise<string[]> {
  const text = await readFile(join(ROOT, file), 'utf8');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split(/;\s*$/m))
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s && !s.includes('<columns>'));
}

/** The current line of each article, straight from the bundles. */
async function currentLines(cleanDir: string): Promise<Map<string, Record<string, unknown>>> {
  const newest = new Map<string, Record<string, unknown>>();
  for (const day of await readdir(cleanDir)) {
    for (const file of await readdir(join(cleanDir, day))) {
      for (const line of (await readFile(join(cleanDir, day, file), 'utf8')).trimEnd().split('\n')) {
        const v = JSON.parse(line) as { id: string; version: number; storedAt: string };
        const best = newest.get(v.id) as typeof v | undefined;
        if (!best || v.version > best.version || (v.version === best.version && v.storedAt > best.storedAt))
          newest.set(v.id, v);
      }
    }
  }
  return newest;
}

describe('query sql: the Athena tables on DuckDB over the local clean copies', () => {
  let dataDir: string;
  let cleanDir: string;
  let sql: DuckDbArchiveSql;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sql-'));
    // One worker: the crawl order, and so which copy learns what first, is the same on every run.
    await runDemo(loadConfig({ DATA_DIR: dataDir }), { concurrency: 1, verbose: false, progressBar: false });
    cleanDir = join(dataDir, 'archive', 'clean');
    sql = await DuckDbArchiveSql.open({ cleanDir });
  });
  afterAll(async () => {
    await sql?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('every SQL example of the README and docs/query.md runs unchanged on the demo archive and returns rows', async () => {
    const examples = [...(await sqlExamples('README.md')), ...(await sqlExamples('docs/query.md'))];
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) {
      const result = await sql.query(example, LIMITS);
      expect(result.rows.length, example).toBeGreaterThan(0);
    }
  });

  it('has the Glue columns (lower case, same order) and dt, and clean_latest holds exactly the current line of each article', async () => {
    const table = await sql.query('SELECT * FROM clean_articles LIMIT 1', LIMITS);
    expect(table.columns.map((c) => c.name)).toEqual([...CLEAN_COPY_COLUMNS.map((c) => c.name), 'dt']);
    const latest = await sql.query(
      'SELECT id, version, storedat, title, dt, copyof.host AS copy_host FROM clean_latest ORDER BY id',
      LIMITS,
    );
    const expected = await currentLines(cleanDir);
    expect(latest.rows.map((r) => r[0])).toEqual([...expected.keys()].sort());
    for (const [id, version, storedAt, title, dt, copyHost] of latest.rows) {
      const line = expected.get(id as string)!;
      expect([version, storedAt, title, dt, copyHost]).toEqual([
        line.version,
        line.storedAt,
        line.title,
        line.day,
        (line.copyOf as { host?: string } | undefined)?.host ?? null,
      ]);
    }
    // clean_articles holds every stored line (a copy that learned its origin keeps an older one).
    const all = await sql.query('SELECT count(*) FROM clean_articles', LIMITS);
    const stored = (
      await Promise.all(
        (
          await readdir(cleanDir)
        ).flatMap(async (day) =>
          Promise.all(
            (
              await readdir(join(cleanDir, day))
            ).map(async (f) => (await readFile(join(cleanDir, day, f), 'utf8')).trimEnd().split('\n').length),
          ),
        ),
      )
    )
      .flat()
      .reduce((a, b) => a + b, 0);
    expect(all.rows[0][0]).toBe(stored);
  });

  it('cuts a result at maxRows and says so', async () => {
    const result = await sql.query('SELECT id FROM clean_articles', { maxRows: 2, timeoutMs: 60_000 });
    expect(result.rows).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });

  it('stops a query at its time limit (the timer is driven by the test)', async () => {
    const fastTimer = await DuckDbArchiveSql.open({
      cleanDir,
      startTimer: (_ms, onTimeout) => {
        const t = setInterval(onTimeout, 5);
        return () => clearInterval(t);
      },
    });
    try {
      await expect(
        fastTimer.query('SELECT sum(hash(range)) FROM range(10000000000000)', { maxRows: 1, timeoutMs: 5 }),
      ).rejects.toThrow(/SQL query stopped after 5 ms/);
    } finally {
      await fastTimer.close();
    }
  });

  it.each([
    [
      'a syntax error',
      'SELEC id FROM clean_latest',
      /^SQL error: Parser Error: syntax error at or near "SELEC"/,
    ],
    ['an unknown column', 'SELECT colour FROM clean_latest', /^SQL error: Binder Error: .*colour/],
    ['an unknown table', 'SELECT * FROM articles', /^SQL error: Catalog Error: .*articles/],
    ['empty SQL', '   ', /^SQL is required/],
    ['two statements', 'SELECT 1; SELECT 2', /exactly one SELECT statement, got 2/],
  ])('answers %s with a clear input error', async (_name, text, message) => {
    const error = await sql.query(text, LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['read_csv of /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')", /Permission Error/],
    ['read_text of /etc/passwd', "SELECT * FROM read_text('/etc/passwd')", /Permission Error/],
    ['a path out of the archive', "SELECT * FROM read_text('CLEAN/../../index/*')", /Permission Error/],
    ['the raw pages', "SELECT * FROM read_text('ARCHIVE/raw/*/*')", /Permission Error/],
    ['glob of /etc', "SELECT * FROM glob('/etc/*')", /Permission Error/],
    ['the network', "SELECT * FROM read_json('https://example.com/x.json')", /Permission Error/],
    ['COPY ... TO', "COPY (SELECT 1) TO 'DATA/out.csv'", /Permission Error|only SELECT/],
    ['COPY ... TO into the archive', "COPY (SELECT 1) TO 'CLEAN/out.csv'", /only SELECT/],
    ['ATTACH', "ATTACH 'DATA/other.duckdb'", /only SELECT.*ATTACH/],
    ['INSTALL', 'INSTALL httpfs', /only SELECT/],
    ['LOAD', 'LOAD httpfs', /only SELECT/],
    ['SET', 'SET enable_external_access = true', /only SELECT.*SET/],
    ['RESET', 'RESET allowed_directories', /only SELECT/],
    ['CREATE', 'CREATE TABLE t AS SELECT 1', /only SELECT.*CREATE/],
    ['CALL', 'CALL pragma_version()', /only SELECT.*CALL/],
  ])('refuses %s', async (_name, text, message) => {
    const filled = text
      .replace('CLEAN', cleanDir)
      .replace('ARCHIVE', join(dataDir, 'archive'))
      .replace('DATA', dataDir);
    const error = await sql.query(filled, LIMITS).catch((e: unknown) => e);
    expect(error, filled).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    // Nothing was written anywhere in the data directory, and the lock-down still holds.
    expect((await readdir(dataDir)).sort()).not.toContain('out.csv');
    expect(await readdir(cleanDir)).not.toContain('out.csv');
    const setting = await sql.query(
      "SELECT value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration') ORDER BY name",
      LIMITS,
    );
    expect(setting.rows).toEqual([['false'], ['true']]);
  });

  it('formats a result as a table, CSV, JSON and JSON Lines', async () => {
    const result = await sql.query(
      'SELECT host, count(*) AS articles, \'a,"b"\' AS quoted, NULL AS nothing FROM clean_latest GROUP BY host ORDER BY host',
      LIMITS,
    );
    expect(formatSqlResult(result, 'csv').split('\n').slice(0, 2)).toEqual([
      'host,articles,quoted,nothing',
      'dailyplanet.example,4,"a,""b""",',
    ]);
    expect(JSON.parse(formatSqlResult(result, 'json'))[0]).toEqual({
      host: 'dailyplanet.example',
      articles: 4,
      quoted: 'a,"b"',
      nothing: null,
    });
    expect(formatSqlResult(result, 'jsonl').trimEnd().split('\n')).toHaveLength(3);
    const table = formatSqlResult(result, 'table');
    expect(table).toContain('| host                | articles | quoted | nothing |');
    expect(table).toContain('| dailyplanet.example | 4        | a,"b"  | NULL    |');
    expect(table.trimEnd().endsWith('3 rows')).toBe(true);
  });

  it('an archive with no bundle yet answers with empty tables of the same columns', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sql-empty-'));
    const none = await DuckDbArchiveSql.open({ cleanDir: join(empty, 'archive', 'clean') });
    try {
      const result = await none.query('SELECT * FROM clean_latest', LIMITS);
      expect(result.rows).toEqual([]);
      expect(result.columns).toHaveLength(CLEAN_COPY_COLUMNS.length + 1);
    } finally {
      await none.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('the CLI prints a syntax error as one message with exit status 1, no stack trace', async () => {
    const run = promisify(execFile);
    const error = (await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'functions/cli/main.ts'), 'query', 'sql', 'SELEC 1', '--data-dir', dataDir],
      { cwd: ROOT, timeout: 60_000 },
    ).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/^error: SQL error: Parser Error: syntax error at or near "SELEC"/);
    expect(error.stderr).not.toMatch(/\n\s+at /);
  });
});
