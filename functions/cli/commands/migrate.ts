import { join } from 'node:path';
import type { Command } from 'commander';
import { migrateDynaliteIndex } from '../../adapters/sqlite/dynalite-migration';
import { hasLegacyIndex, MIGRATED_LEGACY_DIR, SQLITE_INDEX_FILE } from '../../adapters/sqlite/legacy-index';
import type { Config } from '../../config';

/**
 * Migrates a data directory written by an earlier version (dynalite index under `index/`) to the
 * SQLite index; every command also does this on first open, this one does it explicitly and says
 * what it copied. Returns the lines it prints.
 */
export async function runMigrate(config: Config): Promise<string[]> {
  if (!hasLegacyIndex(config.dataDir)) {
    return [
      `nothing to migrate: ${config.dataDir} has no index of an earlier version (the index is ${join(config.dataDir, SQLITE_INDEX_FILE)})`,
    ];
  }
  const report = await migrateDynaliteIndex(config.dataDir, config.tableName);
  if (!report) return [`already migrated: the index is ${join(config.dataDir, SQLITE_INDEX_FILE)}`];
  return [
    `migrated ${join(config.dataDir, 'index')} to ${join(config.dataDir, SQLITE_INDEX_FILE)}:`,
    `  articles ${report.articles} (copy links ${report.copyLinks})`,
    `  paragraphs ${report.paragraphs} (article memberships ${report.paragraphMemberships})`,
    `  near-duplicate keys ${report.fingerprintKeys}, story origins ${report.storyOrigins}`,
    `  URLs ${report.urls}, source runs ${report.sourceRuns}`,
    `the old index is kept in ${join(config.dataDir, MIGRATED_LEGACY_DIR)} (delete it once you are happy)`,
  ];
}

/** Registers `migrate` on the program. */
export function registerMigrateCommand(
  program: Command,
  configFor: (opts: { dataDir?: string }) => Config,
): void {
  program
    .command('migrate')
    .description(
      'move a data directory of an earlier version (dynalite index) to the SQLite index; other commands do it on first open',
    )
    .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
    .action(async (opts) => {
      for (const line of await runMigrate(configFor(opts))) process.stdout.write(line + '\n');
    });
}
