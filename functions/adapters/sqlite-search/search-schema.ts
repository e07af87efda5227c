/** Version of the search database's layout; a file of another version is rebuilt from the bundles. */
export const SEARCH_SCHEMA_VERSION = 1;

/**
 * The search database: one row per article (its current line), the word index over its title
 * and text, and what has been read of the clean bundles. It is derived data: deleting the file
 * rebuilds it from `archive/clean/` on the next search.
 * - `articles`: the fields a hit shows and filters on, and the text (snippets are cut from it).
 * - `articles_fts`: contentless FTS5 index (the text is in `articles`), unicode61 tokens with
 *   diacritics folded; unspaced scripts are indexed a character per token (see search-terms.ts).
 * - `bundles`: each bundle read (so each is read once); `days`: each day directory's mtime when
 *   it was last read completely (an unchanged directory has no new or deleted bundle).
 */
export const SEARCH_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  day TEXT NOT NULL,
  url TEXT NOT NULL,
  title TEXT,
  published_at TEXT,
  language TEXT,
  relation TEXT,
  copy_of_host TEXT,
  original INTEGER NOT NULL,
  version INTEGER NOT NULL,
  stored_at TEXT NOT NULL,
  bundle TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_host_day ON articles (host, day);
CREATE INDEX IF NOT EXISTS articles_day ON articles (day);
CREATE INDEX IF NOT EXISTS articles_bundle ON articles (bundle);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
  title, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS bundles (key TEXT PRIMARY KEY, day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bundles_day ON bundles (day);
CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, mtime_ms REAL NOT NULL);
`;
