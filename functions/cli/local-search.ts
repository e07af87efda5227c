import { join } from 'node:path';
import { SqliteArchiveSearch } from '../adapters/sqlite-search/sqlite-archive-search';
import type { Config } from '../config';

/** The local clean-copy bundles (`<data dir>/archive/clean`): what `query sql` and search read. */
export function localCleanDir(config: Config): string {
  return join(config.dataDir, 'archive', 'clean');
}

/** The local full-text index (`<data dir>/search.sqlite`): derived data, rebuilt when deleted. */
export function localSearchFile(config: Config): string {
  return join(config.dataDir, 'search.sqlite');
}

/** Opens the local full-text search over the data directory's clean bundles. */
export function openLocalSearch(config: Config): Promise<SqliteArchiveSearch> {
  return SqliteArchiveSearch.open({ file: localSearchFile(config), cleanDir: localCleanDir(config) });
}
