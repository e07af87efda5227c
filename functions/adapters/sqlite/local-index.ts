import { join } from 'node:path';
import { hasLegacyIndex, SQLITE_INDEX_FILE } from './legacy-index';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';
import { SqliteDedupIndex } from './sqlite-dedup-index';
import { SqliteFrontier } from './sqlite-frontier';
import { SqliteHostRateLimiter } from './sqlite-host-rate-limiter';

/** The local index's adapters on one open SQLite file. */
export interface LocalIndex {
  store: SqliteDatabase;
  index: SqliteDedupIndex;
  frontier: SqliteFrontier;
  rateLimiter: SqliteHostRateLimiter;
  /** Releases this process's crawl queue and closes the file. Idempotent. */
  close(): void;
}

/** Options of {@link openLocalIndex}. */
export interface OpenLocalIndexOptions {
  /** Table name of an earlier version's dynalite index (to migrate it). */
  tableName: string;
  /** Where the migration's report goes (the pipeline's log fits). */
  log?: { info(message: string, fields?: Record<string, unknown>): void };
  busyTimeoutMs?: number;
  /** Told when a write waits for another process's write lock (see `SqliteDatabaseOptions.onWait`). */
  onWait?: (message: string) => void;
}

/**
 * Opens `<dataDir>/index.sqlite`, first migrating an earlier version's dynalite index under
 * `<dataDir>/index/` when there is one (once; see `migrateDynaliteIndex`).
 *
 * @example
 * const local = await openLocalIndex('.data', { tableName: 'news-local' });
 * await local.index.listHosts();
 * local.close();
 */
export async function openLocalIndex(dataDir: string, options: OpenLocalIndexOptions): Promise<LocalIndex> {
  // The migration (AWS SDK, dynalite) is loaded only for a data directory that needs it.
  const report = hasLegacyIndex(dataDir)
    ? await (await import('./dynalite-migration')).migrateIfNeeded(dataDir, options.tableName)
    : undefined;
  if (report) {
    options.log?.info('migrated the index of an earlier version to SQLite', { dataDir, ...report });
  }
  const store = openSqliteDatabase(join(dataDir, SQLITE_INDEX_FILE), {
    busyTimeoutMs: options.busyTimeoutMs,
    onWait: options.onWait,
  });
  const frontier = new SqliteFrontier(store);
  let closed = false;
  return {
    store,
    index: new SqliteDedupIndex(store),
    frontier,
    rateLimiter: new SqliteHostRateLimiter(store),
    close: () => {
      if (closed) return;
      closed = true;
      frontier.release();
      store.close();
    },
  };
}
