import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../../errors';
import { applySchema, hasCurrentSchema } from './schema';

/**
 * How long a writer waits for another process's write transaction before giving up. Writers hold
 * the lock for one article's writes (milliseconds); 30 s covers a burst of several ingest
 * processes and a checkpoint, and still ends a wait on a stuck process with a clear error.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;
/**
 * How long a writer waits for the write lock silently before saying it is waiting: longer than
 * any one article's transaction (so a busy neighbour's ordinary writes go unremarked), short
 * enough that a user sees why a command pauses.
 */
export const WAIT_NOTICE_AFTER_MS = 1_000;
/** At most one wait notice per process per this long (a long wait is reported once, not per write). */
const WAIT_NOTICE_EVERY_MS = 10_000;
/**
 * Pages of the write-ahead log before a writer copies it back into the database (and syncs it:
 * with `synchronous = NORMAL` the checkpoint is the only fsync). An article's paragraph writes
 * touch dozens of pages (random hash keys), so SQLite's default of 1000 pages checkpointed every
 * few dozen articles; 16384 pages (64 MB of log at most) makes it rare.
 */
const WAL_AUTOCHECKPOINT_PAGES = 16_384;
/** Page cache per connection, in KiB (negative `cache_size` is KiB): the hot paragraph pages fit. */
const CACHE_SIZE_KIB = 64 * 1024;

/** Options of {@link openSqliteDatabase}. */
export interface SqliteDatabaseOptions {
  /** Open without writing (no schema creation): for readers of an archive that exists. */
  readonly?: boolean;
  /** See {@link DEFAULT_BUSY_TIMEOUT_MS}. */
  busyTimeoutMs?: number;
  /**
   * Told (at most every few seconds) when a write has waited {@link WAIT_NOTICE_AFTER_MS} for
   * another process's write lock and goes on waiting. Default: nothing.
   */
  onWait?: (message: string) => void;
  /** See {@link WAIT_NOTICE_AFTER_MS}. */
  waitNoticeAfterMs?: number;
}

/** One open connection to the local index file, shared by the store's adapters. */
export interface SqliteDatabase {
  db: Database.Database;
  file: string;
  busyTimeoutMs: number;
  /**
   * Runs `fn` in a write transaction that takes the write lock at its start (`BEGIN IMMEDIATE`),
   * so two processes' read-then-write steps never interleave: the second waits (up to the busy
   * timeout) instead of failing half-way. Synchronous, so no other call of this process runs
   * inside it either.
   */
  write<T>(what: string, fn: () => T): T;
  /** Runs `fn` (reads only) and turns SQLite errors into {@link StorageError}s naming `what`. */
  read<T>(what: string, fn: () => T): T;
  close(): void;
}

/**
 * Opens (creating when absent) the SQLite file of the local index in WAL mode: readers never block
 * on a writer and a writer never blocks readers; writers of several processes serialise on the
 * write lock, each waiting up to `busyTimeoutMs`.
 *
 * @example
 * const store = openSqliteDatabase('.data/index.sqlite');
 * const index = new SqliteDedupIndex(store);
 * // ...
 * store.close();
 */
export function openSqliteDatabase(file: string, options: SqliteDatabaseOptions = {}): SqliteDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const noticeAfterMs = Math.min(options.waitNoticeAfterMs ?? WAIT_NOTICE_AFTER_MS, busyTimeoutMs);
  let lastNoticeMs = Number.NEGATIVE_INFINITY;
  let db: Database.Database;
  try {
    if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      timeout: noticeAfterMs,
    });
  } catch (error) {
    throw new StorageError(`cannot open the local index ${file}: ${(error as Error).message}`, {
      cause: error,
      retryable: false,
    });
  }
  try {
    if (!options.readonly) {
      // WAL: readers see the last commit while a writer appends; NORMAL sync is durable across
      // process crashes (a power cut may lose the last commits, never corrupt the file).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    }
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
  } catch (error) {
    db.close();
    throw wrap(`opening ${file}`, error, busyTimeoutMs);
  }
  const store: SqliteDatabase = {
    db,
    file,
    busyTimeoutMs,
    write(what, fn) {
      let began = false;
      const run = db.transaction(() => {
        began = true;
        return fn();
      });
      try {
        return run.immediate();
      } catch (error) {
        // Only a BEGIN that found the lock taken is retried (nothing of `fn` ran).
        if (began || !isBusy(error) || noticeAfterMs >= busyTimeoutMs) throw wrap(what, error, busyTimeoutMs);
      }
      const nowMs = Date.now();
      if (options.onWait && nowMs - lastNoticeMs >= WAIT_NOTICE_EVERY_MS) {
        lastNoticeMs = nowMs;
        options.onWait(
          `waiting for another process writing to ${file} (${what}; up to ${Math.round(busyTimeoutMs / 1000)} s)`,
        );
      }
      db.pragma(`busy_timeout = ${busyTimeoutMs - noticeAfterMs}`);
      try {
        return run.immediate();
      } catch (error) {
        throw wrap(what, error, busyTimeoutMs);
      } finally {
        db.pragma(`busy_timeout = ${noticeAfterMs}`);
      }
    },
    read(what, fn) {
      try {
        return fn();
      } catch (error) {
        throw wrap(what, error, busyTimeoutMs);
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
  // Only a new (or older) file takes the write lock here: opening beside a busy writer does not wait.
  try {
    if (!options.readonly && !hasCurrentSchema(db))
      store.write(`creating the tables of ${file}`, () => applySchema(db));
  } catch (error) {
    db.close();
    throw error;
  }
  return store;
}

function isBusy(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'))
  );
}

/** SQLite errors as {@link StorageError}s; our own errors pass through unchanged. */
function wrap(what: string, error: unknown, busyTimeoutMs: number): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (isBusy(error)) {
    return new StorageError(
      `${what}: another process held the local index's write lock for more than ${busyTimeoutMs} ms; try again when it has finished`,
      { cause: error, retryable: true },
    );
  }
  return new StorageError(`${what}: ${error.message} (${error.code})`, { cause: error, retryable: false });
}
