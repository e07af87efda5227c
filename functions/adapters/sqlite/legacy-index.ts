import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The index file of the local store, in the data directory. */
export const SQLITE_INDEX_FILE = 'index.sqlite';
/** Where earlier versions kept the index (dynalite's LevelDB). */
export const LEGACY_INDEX_DIR = 'index';
/** Where the migrated LevelDB is kept afterwards (nothing is deleted; remove it by hand once happy). */
export const MIGRATED_LEGACY_DIR = 'index.dynalite-migrated';

/**
 * Whether `dataDir` holds an index of an earlier version that has not been migrated yet. Kept apart
 * from the migration itself so opening a current data directory loads no AWS SDK or dynalite.
 *
 * @example
 * if (hasLegacyIndex('.data')) console.log(`run ${migrateCommandFor('.data')}`);
 */
export function hasLegacyIndex(dataDir: string): boolean {
  return existsSync(join(dataDir, LEGACY_INDEX_DIR, 'CURRENT'));
}

/** The command that migrates a data directory by hand (named in errors). */
export function migrateCommandFor(dataDir: string): string {
  return `npm run cli -- migrate --data-dir ${dataDir}`;
}
