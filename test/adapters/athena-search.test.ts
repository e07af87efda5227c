import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaArchiveSearch } from '../../functions/adapters/athena/athena-archive-search';
import { athenaSearchSql } from '../../functions/adapters/athena/athena-search-sql';
import { DuckDbArchiveSql } from '../../functions/adapters/duckdb/duckdb-archive-sql';
import { SqliteArchiveSearch } from '../../functions/adapters/sqlite-search/sqlite-archive-search';
import { runDemo } from '../../functions/cli/commands/demo';
import { loadConfig } from '../../functions/config';
import { parseSearchText } from '../../functions/core/search/search-terms';
import { searchArticles, type SearchInput } from '../../functions/query/search';

/**
 * The AWS search adapter's SQL, run on DuckDB over the demo archive's `clean_latest` (the same
 * view text as the stack's; the SQL uses only functions Trino and DuckDB share), compared with
 * the local FTS5 search. No Athena here: the runner is the seam.
 */
describe('AthenaArchiveSearch (its SQL run on DuckDB over the demo archive)', () => {
  let dataDir: string;
  let duck: DuckDbArchiveSql;
  let athena: AthenaArchiveSearch;
  let local: SqliteArchiveSearch;
  const sqlSeen: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'athena-search-'));
    await runDemo(loadConfig({ DATA_DIR: dataDir }), { concurrency: 1, verbose: false, progressBar: false });
    const cleanDir = join(dataDir, 'archive', 'clean');
    duck = await DuckDbArchiveSql.open({ cleanDir });
    local = await SqliteArchiveSearch.open({ file: join(dataDir, 'search.sqlite'), cleanDir });
    athena = new AthenaArchiveSearch({
      database: 'main',
      run: async (sql) => {
        sqlSeen.push(sql);
        const result = await duck.query(sql, { maxRows: 1000, timeoutMs: 30_000 });
        return result.rows.map((row) =>
          Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] === null ? null : String(row[i])])),
        );
      },
      hasHost: (host) => local.hasHost(host),
      now: () => new Date('2026-11-30T12:00:00Z'),
    });
  });
  afterAll(async () => {
    await duck?.close();
    await local?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each<[string, SearchInput]>([
    ['two words', { q: 'harbour bridge' }],
    ['one host', { q: 'bridge', host: 'wirewatch.example' }],
    ['originals only', { q: 'harbour bridge', originalsOnly: true }],
    ['a day range', { q: 'fares', from: '2026-11-24', to: '2026-11-24' }],
    ['Spanish', { q: 'mercado nocturno' }],
    ['German', { q: 'Fernwärmepreise' }],
  ])('finds the same articles as the local search: %s', async (_name, input) => {
    const remote = await searchArticles(athena, { limit: 100, ...input });
    const here = await searchArticles(local, { limit: 100, ...input });
    expect(here.items.length).toBeGreaterThan(0);
    expect(remote.items.map((h) => h.id).sort()).toEqual(here.items.map((h) => h.id).sort());
    // Snippets are cut by the same function from the same text.
    const snippets = (page: typeof here) => Object.fromEntries(page.items.map((h) => [h.id, h.snippet]));
    expect(snippets(remote)).toEqual(snippets(here));
  });

  it('ranks title matches first, pages with the same cursor as locally, and bounds the scan to 30 days by default', async () => {
    const first = await searchArticles(athena, { q: 'bridge', limit: 1 });
    expect(first.items[0].title).toMatch(/bridge/i);
    expect(first.cursor).toBeDefined();
    const second = await searchArticles(athena, { q: 'bridge', limit: 1, cursor: first.cursor });
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect(sqlSeen.at(-1)).toMatch(/dt BETWEEN '2026-11-01' AND '2026-11-30'/);
    expect(sqlSeen.at(-1)).toMatch(/OFFSET 1 LIMIT 2$/);
  });

  it('quotes what the user typed as SQL string literals', () => {
    const sql = athenaSearchSql('db', {
      terms: parseSearchText("o'brien"),
      host: "x'; DROP TABLE t; --",
      fromDay: '2026-11-01',
      toDay: '2026-11-30',
      originalsOnly: false,
      limit: 20,
      offset: 0,
    });
    expect(sql).toContain("host = 'x''; DROP TABLE t; --'");
    expect(sql).toContain("'o brien'");
    expect(sql.split("'").length % 2).toBe(1);
  });
});
