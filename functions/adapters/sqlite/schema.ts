import type Database from 'better-sqlite3';
import { StorageError } from '../../errors';

/**
 * Version of the tables below, kept in `meta`. A file written by a newer version is refused
 * rather than misread; an older one is upgraded here when a later version adds a table.
 */
export const SCHEMA_VERSION = 1;

/**
 * The local index, one file (`<data-dir>/index.sqlite`). Records are JSON text (`record`, `state`,
 * `link`, `first_seen`) beside the columns that are searched or sorted on, so a new field of the
 * article model needs no schema change; `json_extract` reads them from the `sqlite3` shell.
 *
 * - `paragraphs`: one row per paragraph hash: first sighting, normalisation version, article count.
 * - `paragraph_articles`: one row per (paragraph, article), the proof that makes recording
 *   idempotent; its rowid order is the order articles were first seen with the paragraph.
 * - `paragraph_hosts`: distinct pages per (paragraph, host): a host's boilerplate evidence.
 * - `fingerprint_keys`: near-duplicate candidate keys (LSH bands) per article.
 * - `articles`: the article record without its copy links; by host and day, and by day.
 * - `copy_links`: other publishers' copies of an article, first link per copy wins.
 * - `story_origins`: a story cluster's current origin and its rank (smaller ranks win), or, once
 *   the cluster was merged into another, that cluster's id (`merged_into`, always a smaller id).
 * - `urls`: the frontier, one row per canonical URL, with the process that queued it (`owner`).
 * - `source_runs`: a source's last discovery run.
 * - `host_slots`: the next free request slot per host, shared by every crawling process.
 * - `processes`: the processes that have the index open for crawling (their queued URLs are theirs),
 *   with the operating system's start time of each (`start_token`), so a reused process id is not
 *   taken for the process that died.
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraphs (
  hash TEXT PRIMARY KEY,
  norm_version INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  article_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraph_articles (
  hash TEXT NOT NULL,
  article_id TEXT NOT NULL,
  UNIQUE (hash, article_id)
);
CREATE TABLE IF NOT EXISTS paragraph_hosts (
  hash TEXT NOT NULL,
  host TEXT NOT NULL,
  pages INTEGER NOT NULL,
  PRIMARY KEY (hash, host)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fingerprint_keys (
  key TEXT NOT NULL,
  article_id TEXT NOT NULL,
  PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  day TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_host_day ON articles (host, day, id);
CREATE INDEX IF NOT EXISTS articles_by_day ON articles (day, id);
CREATE TABLE IF NOT EXISTS copy_links (
  origin_id TEXT NOT NULL,
  copy_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  link TEXT NOT NULL,
  PRIMARY KEY (origin_id, copy_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_origins (
  cluster_id TEXT PRIMARY KEY,
  rank TEXT,
  origin TEXT,
  merged_into TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS urls (
  url_key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  failed_order TEXT,
  owner TEXT,
  state TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS urls_failed ON urls (failed_order) WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS urls_queued ON urls (updated_at, url_key) WHERE status = 'queued';
CREATE TABLE IF NOT EXISTS source_runs (source_id TEXT PRIMARY KEY, run TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS host_slots (host TEXT PRIMARY KEY, next_slot_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS processes (
  owner TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  start_token TEXT,
  started_at TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Whether the file already has this version's tables (a read: no write lock needed). */
export function hasCurrentSchema(db: Database.Database): boolean {
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    return row !== undefined && Number(row.value) === SCHEMA_VERSION;
  } catch {
    return false;
  }
}

/** Creates the tables when absent and checks the file's version (inside a write transaction). */
export function applySchema(db: Database.Database): void {
  db.exec(TABLES);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  if (!row) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    return;
  }
  if (Number(row.value) > SCHEMA_VERSION) {
    throw new StorageError(
      `the local index was written by a newer version (schema ${row.value}, this one knows ${SCHEMA_VERSION}): upgrade news-pipeline`,
      { retryable: false },
    );
  }
}
