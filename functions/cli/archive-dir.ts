import { readdir } from 'node:fs/promises';
import { ConfigError } from '../errors';

/**
 * What the local stores write into a data directory: `archive/` (clean copies and raw pages, the
 * file archive), `index/` (the embedded dynalite index) and `index.sqlite` (the SQLite index).
 * A directory holding none of them has never been ingested into.
 */
export const ARCHIVE_ENTRIES = ['archive', 'index', 'index.sqlite'] as const;

/**
 * Refuses a data directory that holds no archive, before anything opens it (opening creates the
 * stores, so a mistyped `--data-dir` would otherwise become a new, empty archive).
 * @example
 * await assertHoldsArchive('.data'); // resolves when .data/archive, .data/index or .data/index.sqlite exists
 * @throws ConfigError naming the directory and what is missing.
 */
export async function assertHoldsArchive(dataDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : code;
    throw new ConfigError(
      `data directory ${dataDir}: ${what}; check --data-dir (or DATA_DIR), or run ingest or demo first`,
      { cause: error },
    );
  }
  if (!ARCHIVE_ENTRIES.some((name) => entries.includes(name))) {
    throw new ConfigError(
      `data directory ${dataDir} holds no archive (none of ${ARCHIVE_ENTRIES.join(', ')} in it); check --data-dir (or DATA_DIR), or run ingest or demo first`,
    );
  }
}
