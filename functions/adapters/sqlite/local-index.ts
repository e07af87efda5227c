import { join } from 'node:path';
import type { PipelineLog } from '../../pipeline/deps';
import { migrateIfNeeded, SQLITE_INDEX_FILE } from './dynalite-migration';
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
  log?: PipelineLog;
  busyTimeoutMs?: number;
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
  const report = await migrateIfNeeded(dataDir, options.tableName);
  if (report) {
    options.log?.info('migrated the index of an earlier version to SQLite', { dataDir, ...report });
  }
  const store = openSqliteDatabase(join(dataDir, SQLITE_INDEX_FILE), { busyTimeoutMs: options.busyTimeoutMs });
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
