import { existsSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ArticleRef } from '../../core/article';
import { StorageError } from '../../errors';
import type { UrlState } from '../../ports/frontier';
import { sleep } from '../concurrency';
import { DynamoDbDedupIndex } from '../dynamodb/dynamodb-dedup-index';
import {
  idSet,
  STORY_MERGED_INTO_ATTRIBUTE,
  toInfo,
  toStoryOrigin,
  type Item,
} from '../dynamodb/dedup-index-items';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb';
import {
  hasLegacyIndex,
  LEGACY_INDEX_DIR,
  MIGRATED_LEGACY_DIR,
  migrateCommandFor,
  SQLITE_INDEX_FILE,
} from './legacy-index';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteDedupIndex } from './sqlite-dedup-index';

/** `meta` key recording that the file was migrated from dynalite (and when). */
const MIGRATED_META_KEY = 'migrated_from_dynalite';
/** Articles read back from dynalite at once while migrating (its record and copy links per Query). */
const ARTICLE_READ_BATCH = 200;
/**
 * How long a process that finds another migrating the same directory waits for it: a migration
 * reads the LevelDB at a few thousand items per second, so this covers archives of ~10^5 articles.
 */
const WAIT_FOR_OTHER_MIGRATION_MS = 10 * 60 * 1000;
const WAIT_POLL_MS = 200;

/** What a migration copied. */
export interface MigrationReport {
  articles: number;
  copyLinks: number;
  paragraphs: number;
  paragraphMemberships: number;
  fingerprintKeys: number;
  urls: number;
  sourceRuns: number;
  storyOrigins: number;
}

/**
 * Copies a data directory's dynalite index (`<dataDir>/index/`, written by versions before the
 * SQLite store) into `<dataDir>/index.sqlite`, then renames the old directory to
 * `index.dynalite-migrated/` (kept, not deleted). Every item is carried over: article records with
 * their copy links in order, paragraph provenance (first sighting, exact article and per-host
 * counts, every membership), near-duplicate keys, the frontier's URL states and source runs.
 *
 * Crash-safe: the copy is written to a temporary file renamed into place when complete, and a
 * file already in place but with the old directory still present only needs the final rename.
 * Returns `undefined` when there was nothing to migrate.
 *
 * @example
 * const report = await migrateDynaliteIndex('.data', 'news-local');
 * if (report) console.log(`migrated ${report.articles} articles`);
 */
export async function migrateDynaliteIndex(
  dataDir: string,
  tableName: string,
): Promise<MigrationReport | undefined> {
  if (!hasLegacyIndex(dataDir)) return undefined;
  const target = join(dataDir, SQLITE_INDEX_FILE);
  if (existsSync(target) && wasMigrated(target)) {
    await moveLegacyAside(dataDir);
    return undefined;
  }
  if (existsSync(target)) {
    throw new StorageError(
      `${dataDir} holds both an old index (${LEGACY_INDEX_DIR}/) and a new one (${SQLITE_INDEX_FILE}) that was not migrated from it; ` +
        `move one of them away, then run ${migrateCommandFor(dataDir)}`,
      { retryable: false },
    );
  }
  const temp = `${target}.migrating-${process.pid}`;
  await removeSqliteFile(temp);
  let dynamo;
  try {
    dynamo = await startEmbeddedDynamoDb({ dataDir, tableName });
  } catch (error) {
    throw new StorageError(
      `cannot read the old index in ${join(dataDir, LEGACY_INDEX_DIR)} to migrate it (${(error as Error).message}); ` +
        `stop any older news-pipeline process using ${dataDir}, then run ${migrateCommandFor(dataDir)}`,
      { cause: error, retryable: true },
    );
  }
  const store = openSqliteDatabase(temp);
  let report: MigrationReport;
  try {
    report = await copyItems(
      DynamoDBDocumentClient.from(dynamo.client),
      tableName,
      new DynamoDbDedupIndex({ tableName, client: dynamo.client }),
      store,
    );
    store.write('recording the migration', () =>
      store.db
        .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
        .run(MIGRATED_META_KEY, new Date().toISOString()),
    );
    // One file again (no -wal beside it) before it is renamed into place.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    store.close();
    await dynamo.close();
    await removeSqliteFile(temp);
    throw error;
  }
  store.close();
  await dynamo.close();
  await rename(temp, target);
  await moveLegacyAside(dataDir);
  return report;
}

/**
 * Migrates when needed, tolerating another process doing the same at the same moment: the one
 * that cannot take dynalite's lock waits for the other's file to appear.
 */
export async function migrateIfNeeded(
  dataDir: string,
  tableName: string,
): Promise<MigrationReport | undefined> {
  try {
    return await migrateDynaliteIndex(dataDir, tableName);
  } catch (error) {
    const deadline = Date.now() + WAIT_FOR_OTHER_MIGRATION_MS;
    while (
      Date.now() < deadline &&
      hasLegacyIndex(dataDir) &&
      !existsSync(join(dataDir, SQLITE_INDEX_FILE))
    ) {
      if (!hasOtherMigration(dataDir)) throw error;
      await sleep(WAIT_POLL_MS);
    }
    if (existsSync(join(dataDir, SQLITE_INDEX_FILE))) return undefined;
    throw error;
  }
}

/** Whether another process is writing its migration file in `dataDir`. */
function hasOtherMigration(dataDir: string): boolean {
  return readdirSync(dataDir).some(
    (name) => name.startsWith(`${SQLITE_INDEX_FILE}.migrating-`) && !name.endsWith(`-${process.pid}`),
  );
}

function wasMigrated(file: string): boolean {
  const store = openSqliteDatabase(file);
  try {
    return store.db.prepare('SELECT 1 FROM meta WHERE key = ?').get(MIGRATED_META_KEY) !== undefined;
  } finally {
    store.close();
  }
}

async function moveLegacyAside(dataDir: string): Promise<void> {
  const aside = join(dataDir, MIGRATED_LEGACY_DIR);
  await rm(aside, { recursive: true, force: true });
  await rename(join(dataDir, LEGACY_INDEX_DIR), aside);
}

async function removeSqliteFile(file: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })));
}

/** Scans the whole dynalite table once, writing each kind of item into the SQLite file. */
async function copyItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  source: DynamoDbDedupIndex,
  store: ReturnType<typeof openSqliteDatabase>,
): Promise<MigrationReport> {
  const report: MigrationReport = {
    articles: 0,
    copyLinks: 0,
    paragraphs: 0,
    paragraphMemberships: 0,
    fingerprintKeys: 0,
    urls: 0,
    sourceRuns: 0,
    storyOrigins: 0,
  };
  const db = store.db;
  const insertParagraph = db.prepare(
    'INSERT OR REPLACE INTO paragraphs (hash, norm_version, first_seen, article_count) VALUES (?, ?, ?, ?)',
  );
  const insertMember = db.prepare(
    'INSERT OR IGNORE INTO paragraph_articles (hash, article_id) VALUES (?, ?)',
  );
  const insertHost = db.prepare(
    'INSERT OR REPLACE INTO paragraph_hosts (hash, host, pages) VALUES (?, ?, ?)',
  );
  const insertKey = db.prepare('INSERT OR IGNORE INTO fingerprint_keys (key, article_id) VALUES (?, ?)');
  const insertUrl = db.prepare(
    'INSERT OR REPLACE INTO urls (url_key, status, updated_at, failed_order, owner, state) VALUES (?, ?, ?, ?, NULL, ?)',
  );
  const insertRun = db.prepare('INSERT OR REPLACE INTO source_runs (source_id, run) VALUES (?, ?)');
  const insertStory = db.prepare(
    'INSERT OR REPLACE INTO story_origins (cluster_id, rank, origin, merged_into) VALUES (?, ?, ?, ?)',
  );
  const articleIds: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    store.write('migrating index items', () => {
      for (const item of (page.Items ?? []) as Item[]) {
        const pk = String(item.pk);
        const sk = String(item.sk);
        if (pk.startsWith('ART#')) {
          if (sk === 'A') articleIds.push(pk.slice('ART#'.length));
        } else if (pk.startsWith('PARA#')) {
          const hash = pk.slice('PARA#'.length);
          if (sk === 'P') {
            const info = toInfo(hash, item);
            insertParagraph.run(
              hash,
              info.normVersion,
              JSON.stringify(refOf(info.firstSeen)),
              info.articleCount,
            );
            report.paragraphs++;
            // The first sighting's article first, so the first member ids read back start with it.
            const ids = [...idSet(item)].sort(
              (a, b) => Number(b === info.firstSeen.articleId) - Number(a === info.firstSeen.articleId),
            );
            for (const id of ids) report.paragraphMemberships += insertMember.run(hash, id).changes;
            for (const [host, pages] of Object.entries(info.hostPageCounts))
              insertHost.run(hash, host, pages);
          } else if (sk.startsWith('M#')) {
            report.paragraphMemberships += insertMember.run(hash, sk.slice('M#'.length)).changes;
          }
        } else if (pk.startsWith('FP#')) {
          insertKey.run(pk.slice('FP#'.length), sk);
          report.fingerprintKeys++;
        } else if (pk.startsWith('URL#') && sk === 'U') {
          const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...rest } = item;
          const state = rest as unknown as UrlState;
          const failedOrder = state.status === 'failed' ? `${state.nextRetryAt ?? ''}#${state.urlKey}` : null;
          insertUrl.run(state.urlKey, state.status, state.updatedAt, failedOrder, JSON.stringify(state));
          report.urls++;
        } else if (pk.startsWith('STORY#') && sk === 'S') {
          const into = item[STORY_MERGED_INTO_ATTRIBUTE];
          if (typeof into === 'string') {
            insertStory.run(pk.slice('STORY#'.length), null, null, into);
          } else {
            const { clusterId: _held, ...origin } = toStoryOrigin(item);
            insertStory.run(pk.slice('STORY#'.length), origin.rank, JSON.stringify(origin), null);
          }
          report.storyOrigins++;
        } else if (pk.startsWith('SOURCE#') && sk === 'RUN') {
          const { pk: _pk, sk: _sk, ...run } = item;
          insertRun.run(String(run.sourceId), JSON.stringify(run));
          report.sourceRuns++;
        }
      }
    });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const target = new SqliteDedupIndex(store);
  for (let i = 0; i < articleIds.length; i += ARTICLE_READ_BATCH) {
    for (const record of await source.getArticles(articleIds.slice(i, i + ARTICLE_READ_BATCH))) {
      await target.putArticle(record);
      report.articles++;
      report.copyLinks += record.copies.length;
    }
  }
  return report;
}

function refOf(ref: ArticleRef): ArticleRef {
  return { articleId: ref.articleId, url: ref.url, host: ref.host, seenAt: ref.seenAt };
}
