import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { InvalidInputError } from '../../errors';
import type { ArchiveSql, SqlLimits, SqlResult } from '../../ports/archive-sql';
import { ATHENA_COMPATIBLE_MACROS, cleanCopyViewsSql } from './clean-copy-views';

/** Memory DuckDB may use for one query: a laptop's archive query should not swap the machine. */
export const DUCKDB_MEMORY_LIMIT = '1GB';
/** Threads DuckDB may use: leaves cores to a running `serve` or `ingest`. */
export const DUCKDB_THREADS = 2;

/** Options of {@link DuckDbArchiveSql.open}. */
export interface DuckDbArchiveSqlOptions {
  /** Directory holding `dt=YYYY-MM-DD/*.jsonl` clean bundles (`<data dir>/archive/clean`). */
  cleanDir: string;
  /**
   * Starts the timer that stops a running query; returns a function that cancels it. Tests pass
   * one that fires at once instead of waiting. Default: `setTimeout`.
   */
  startTimer?: (ms: number, onTimeout: () => void) => () => void;
}

/**
 * {@link ArchiveSql} on an in-memory DuckDB over the local clean-copy JSON Lines, locked down so
 * that a query reaches nothing but the archive:
 * 1. the views `clean_articles` and `clean_latest` (the Athena catalog's names and columns) and a
 *    few Athena-compatible macros are defined;
 * 2. file access is then limited to the clean directory (`enable_external_access = false` with
 *    `allowed_directories`), extensions are never installed or loaded, and the configuration is
 *    locked, so no later statement can undo it;
 * 3. each query must be exactly one SELECT (COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE, ...
 *    are refused before they run), is interrupted after `timeoutMs`, and returns at most
 *    `maxRows` rows.
 *
 * @example
 * const sql = await DuckDbArchiveSql.open({ cleanDir: '.data/archive/clean' });
 * const result = await sql.query('SELECT host, count(*) AS n FROM clean_latest GROUP BY host', { maxRows: 100, timeoutMs: 30_000 });
 * await sql.close();
 */
export class DuckDbArchiveSql implements ArchiveSql {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly startTimer: NonNullable<DuckDbArchiveSqlOptions['startTimer']>,
  ) {}

  static async open(options: DuckDbArchiveSqlOptions): Promise<DuckDbArchiveSql> {
    const cleanDir = resolve(options.cleanDir);
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: DUCKDB_MEMORY_LIMIT,
      threads: String(DUCKDB_THREADS),
    });
    const connection = await instance.connect();
    try {
      for (const sql of [
        ...cleanCopyViewsSql(cleanDir, await hasBundles(cleanDir)),
        ...ATHENA_COMPATIBLE_MACROS,
      ])
        await connection.run(sql);
      const allowed = `${cleanDir.replace(/'/g, "''")}/`;
      await connection.run(`SET allowed_directories = ['${allowed}']`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET allow_community_extensions = false');
      await connection.run('SET lock_configuration = true');
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    const startTimer =
      options.startTimer ??
      ((ms: number, onTimeout: () => void) => {
        const timer = setTimeout(onTimeout, ms);
        return () => clearTimeout(timer);
      });
    return new DuckDbArchiveSql(instance, connection, startTimer);
  }

  async query(sql: string, limits: SqlLimits): Promise<SqlResult> {
    if (!sql?.trim())
      throw new InvalidInputError('SQL is required, e.g. "SELECT count(*) FROM clean_latest"');
    let timedOut = false;
    const cancel = this.startTimer(limits.timeoutMs, () => {
      timedOut = true;
      this.connection.interrupt();
    });
    try {
      const statements = await this.connection.extractStatements(sql);
      if (statements.count !== 1)
        throw new InvalidInputError(`SQL must be exactly one SELECT statement, got ${statements.count}`);
      const prepared = await statements.prepare(0);
      if (prepared.statementType !== StatementType.SELECT)
        throw new InvalidInputError(
          `only SELECT queries are allowed (the archive is read-only), got ${StatementType[prepared.statementType]}`,
        );
      const reader = await prepared.streamAndReadUntil(limits.maxRows + 1);
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const rows = reader.getRowsJS().map((row) => row.map(toJsonValue));
      const truncated = rows.length > limits.maxRows;
      return {
        columns: names.map((name, i) => ({ name, type: types[i] })),
        rows: truncated ? rows.slice(0, limits.maxRows) : rows,
        truncated,
      };
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      if (timedOut)
        throw new InvalidInputError(`SQL query stopped after ${limits.timeoutMs} ms (the time limit)`, {
          cause: error,
        });
      // DuckDB's messages name the problem and point at it ("Parser Error: syntax error at or
      // near ..." with the line): the user's SQL is the input, so they are input errors.
      throw new InvalidInputError(
        `SQL error: ${(error as Error).message.replace(/^Failed to extract statements: /, '')}`,
        { cause: error },
      );
    } finally {
      cancel();
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Whether any day directory holds a bundle (DuckDB refuses a glob that matches no file). */
async function hasBundles(cleanDir: string): Promise<boolean> {
  let days: string[];
  try {
    days = (await readdir(cleanDir)).filter((d) => d.startsWith('dt='));
  } catch {
    return false;
  }
  for (const day of days) {
    const files = await readdir(join(cleanDir, day)).catch(() => [] as string[]);
    if (files.some((f) => f.endsWith('.jsonl'))) return true;
  }
  return false;
}

/** DuckDB's JS values as JSON: BIGINT as a number when exact, timestamps as ISO 8601, nested values recursively. */
function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    if ('entries' in value && Array.isArray((value as { entries: unknown }).entries))
      return Object.fromEntries(
        (value as { entries: Array<{ key: unknown; value: unknown }> }).entries.map((e) => [
          String(e.key),
          toJsonValue(e.value),
        ]),
      );
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
