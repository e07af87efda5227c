import { mkdirSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredCleanCopy } from '../../core/article';
import { ftsMatchExpression, segmentForIndex } from '../../core/search/search-terms';
import { makeSnippet } from '../../core/search/snippet';
import { StorageError } from '../../errors';
import type { ArchiveSearch, ArchiveSearchQuery, SearchHit } from '../../ports/archive-search';
import { SEARCH_SCHEMA_SQL, SEARCH_SCHEMA_VERSION } from './search-schema';

/** Weight of a title match against a text match in the bm25 rank: a title names the story. */
export const TITLE_WEIGHT = 4;
/**
 * How long a process waits for another one's write (catching up the same bundles) before it
 * answers from what is already indexed. Writes are per day directory, so a turn comes quickly.
 */
export const SEARCH_BUSY_TIMEOUT_MS = 10_000;
/**
 * A day directory changed this recently may still be getting a bundle within the same mtime tick:
 * its mtime is not recorded, so it is listed again on the next search.
 */
const DIRECTORY_SETTLE_MS = 2_000;

/** Options of {@link SqliteArchiveSearch.open}. */
export interface SqliteArchiveSearchOptions {
  /** The search database file (created when missing), e.g. `<data dir>/search.sqlite`. */
  file: string;
  /** The clean bundles it indexes: `<data dir>/archive/clean`. */
  cleanDir: string;
  /** Clock for the settle margin; tests pin it. */
  nowMs?: () => number;
}

interface ArticleRow {
  rowid: number;
  id: string;
  host: string;
  day: string;
  url: string;
  title: string | null;
  published_at: string | null;
  language: string | null;
  relation: string | null;
  copy_of_host: string | null;
  text: string;
  rank: number;
}

/**
 * {@link ArchiveSearch} on SQLite FTS5 (better-sqlite3, WAL mode) over the local clean bundles.
 * It stays consistent with what is stored by catching up before each answer: day directories
 * whose mtime changed are listed, new bundles are read (each line replaces the article's row
 * when its `version`, then `storedAt`, is newer), and rows of deleted bundles are removed (a
 * reprocess deletes a bundle only once nothing points at it). Several processes (`serve`, a CLI
 * search) share the file: readers never wait, and catch-up writes serialise on SQLite's lock.
 *
 * @example
 * const search = await SqliteArchiveSearch.open({ file: '.data/search.sqlite', cleanDir: '.data/archive/clean' });
 * const { hits } = await search.search({ terms: parseSearchText('bridge'), originalsOnly: false, limit: 10, offset: 0 });
 */
export class SqliteArchiveSearch implements ArchiveSearch {
  private constructor(
    private readonly db: Database.Database,
    private readonly cleanDir: string,
    private readonly nowMs: () => number,
  ) {}

  static async open(options: SqliteArchiveSearchOptions): Promise<SqliteArchiveSearch> {
    let db: Database.Database;
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      db = new Database(options.file);
      db.pragma(`busy_timeout = ${SEARCH_BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SEARCH_SCHEMA_SQL);
      const version = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as
        | string
        | undefined;
      if (version === undefined)
        db.prepare("INSERT OR IGNORE INTO meta VALUES ('schema', ?)").run(String(SEARCH_SCHEMA_VERSION));
      else if (Number(version) !== SEARCH_SCHEMA_VERSION)
        throw new StorageError(
          `search index ${options.file} has layout ${version}, this version needs ${SEARCH_SCHEMA_VERSION}: delete the file and it is rebuilt from the archive`,
          { retryable: false },
        );
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw new StorageError(`cannot open the search index ${options.file}: ${(error as Error).message}`, {
        cause: error,
        retryable: false,
      });
    }
    return new SqliteArchiveSearch(db, options.cleanDir, options.nowMs ?? Date.now);
  }

  /**
   * Reads every bundle written since the last call into the index and drops rows of deleted
   * bundles. Returns how many lines were read. Called by {@link search}; `serve` also calls it at
   * start so that the first search finds the index warm.
   */
  async catchUp(): Promise<{ linesRead: number }> {
    let linesRead = 0;
    let dayDirs: string[];
    try {
      dayDirs = (await readdir(this.cleanDir)).filter((d) => /^dt=\d{4}-\d{2}-\d{2}$/.test(d)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { linesRead };
      throw new StorageError(`cannot list ${this.cleanDir}`, { cause: error, retryable: true });
    }
    const knownMtime = this.db.prepare('SELECT mtime_ms FROM days WHERE day = ?').pluck();
    for (const dayDir of dayDirs) {
      const dir = join(this.cleanDir, dayDir);
      const before = await stat(dir).catch(() => undefined);
      if (!before || knownMtime.get(dayDir) === before.mtimeMs) continue;
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl'));
      const keys = files.map((f) => `${dayDir}/${f}`);
      const known = new Set(
        this.db.prepare('SELECT key FROM bundles WHERE day = ?').pluck().all(dayDir) as string[],
      );
      const added: Array<{ key: string; lines: string[] }> = [];
      for (const key of keys) {
        if (known.has(key)) continue;
        const text = await readFile(join(this.cleanDir, key), 'utf8').catch(() => undefined);
        // Gone between listing and reading (a reprocess deleted it): nothing to index.
        if (text === undefined) continue;
        added.push({ key, lines: text.split('\n').filter((l) => l.trim()) });
      }
      const present = new Set(keys);
      const gone = [...known].filter((k) => !present.has(k));
      const settled = this.nowMs() - before.mtimeMs > DIRECTORY_SETTLE_MS;
      this.writeDay(dayDir, added, gone, settled ? before.mtimeMs : undefined);
      linesRead += added.reduce((n, b) => n + b.lines.length, 0);
    }
    return { linesRead };
  }

  /** One day's changes in one write transaction (IMMEDIATE: two processes take turns). */
  private writeDay(
    day: string,
    added: Array<{ key: string; lines: string[] }>,
    gone: string[],
    mtimeMs: number | undefined,
  ): void {
    const current = this.db.prepare('SELECT rowid, version, stored_at FROM articles WHERE id = ?');
    const insert = this.db.prepare(
      `INSERT INTO articles (id, host, day, url, title, published_at, language, relation, copy_of_host, original, version, stored_at, bundle, text)
       VALUES (@id, @host, @day, @url, @title, @publishedAt, @language, @relation, @copyOfHost, @original, @version, @storedAt, @bundle, @text)`,
    );
    const remove = this.db.prepare('DELETE FROM articles WHERE rowid = ?');
    const insertFts = this.db.prepare('INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)');
    const removeFts = this.db.prepare('DELETE FROM articles_fts WHERE rowid = ?');
    const markBundle = this.db.prepare('INSERT OR IGNORE INTO bundles (key, day) VALUES (?, ?)');
    const write = this.db.transaction(() => {
      for (const { key, lines } of added) {
        for (const line of lines) {
          let copy: StoredCleanCopy;
          try {
            copy = JSON.parse(line) as StoredCleanCopy;
          } catch {
            continue; // a foreign or damaged line; the SQL table skips it too
          }
          if (typeof copy?.id !== 'string' || typeof copy.host !== 'string') continue;
          const storedAt = copy.storedAt ?? copy.fetchedAt ?? '';
          const existing = current.get(copy.id) as
            | { rowid: number; version: number; stored_at: string }
            | undefined;
          if (
            existing &&
            (existing.version > copy.version ||
              (existing.version === copy.version && existing.stored_at >= storedAt))
          )
            continue;
          if (existing) {
            removeFts.run(existing.rowid);
            remove.run(existing.rowid);
          }
          const text = copy.text ?? '';
          const { lastInsertRowid } = insert.run({
            id: copy.id,
            host: copy.host,
            day: copy.day,
            url: copy.url,
            title: copy.title ?? null,
            publishedAt: copy.publishedAt ?? null,
            language: copy.language ?? null,
            relation: copy.relation ?? null,
            copyOfHost: copy.copyOf?.host ?? null,
            original: copy.copyOf || (copy.relation && copy.relation !== 'original') ? 0 : 1,
            version: copy.version,
            storedAt,
            bundle: key,
            text,
          });
          insertFts.run(lastInsertRowid, segmentForIndex(copy.title ?? ''), segmentForIndex(text));
        }
        markBundle.run(key, day);
      }
      for (const key of gone) {
        for (const rowid of this.db.prepare('SELECT rowid FROM articles WHERE bundle = ?').pluck().all(key)) {
          removeFts.run(rowid);
          remove.run(rowid);
        }
        this.db.prepare('DELETE FROM bundles WHERE key = ?').run(key);
      }
      if (mtimeMs !== undefined)
        this.db.prepare('INSERT OR REPLACE INTO days (day, mtime_ms) VALUES (?, ?)').run(day, mtimeMs);
    });
    write.immediate();
  }

  async search(query: ArchiveSearchQuery): Promise<{ hits: SearchHit[]; more: boolean }> {
    await this.catchUpOrAnswerStale();
    const where = ['articles_fts MATCH @match'];
    if (query.host !== undefined) where.push('a.host = @host');
    if (query.fromDay !== undefined) where.push('a.day >= @fromDay');
    if (query.toDay !== undefined) where.push('a.day <= @toDay');
    if (query.originalsOnly) where.push('a.original = 1');
    const rows = this.db
      .prepare(
        `SELECT a.rowid, a.id, a.host, a.day, a.url, a.title, a.published_at, a.language, a.relation, a.copy_of_host, a.text,
                bm25(articles_fts, ${TITLE_WEIGHT}, 1.0) AS rank
         FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
         WHERE ${where.join(' AND ')}
         ORDER BY rank, a.day DESC, a.id
         LIMIT @limit OFFSET @offset`,
      )
      .all({
        match: ftsMatchExpression(query.terms),
        host: query.host,
        fromDay: query.fromDay,
        toDay: query.toDay,
        limit: query.limit + 1,
        offset: query.offset,
      }) as ArticleRow[];
    const more = rows.length > query.limit;
    return {
      more,
      hits: rows.slice(0, query.limit).map((r) => ({
        id: r.id,
        host: r.host,
        day: r.day,
        url: r.url,
        ...(r.title !== null ? { title: r.title } : {}),
        ...(r.published_at !== null ? { publishedAt: r.published_at } : {}),
        ...(r.language !== null ? { language: r.language } : {}),
        ...(r.relation !== null ? { relation: r.relation as SearchHit['relation'] } : {}),
        ...(r.copy_of_host !== null ? { copyOfHost: r.copy_of_host } : {}),
        // bm25() is lower for better matches; a hit's score reads the other way round.
        score: Math.round(-r.rank * 1e6) / 1e6,
        snippet: makeSnippet(r.text, query.terms),
      })),
    };
  }

  async hasHost(host: string): Promise<boolean> {
    await this.catchUpOrAnswerStale();
    return this.db.prepare('SELECT 1 FROM articles WHERE host = ? LIMIT 1').get(host) !== undefined;
  }

  /**
   * Catches up; when another process holds the write lock past the busy timeout (a long first
   * catch-up of a large archive), answers from what is indexed rather than failing.
   */
  private async catchUpOrAnswerStale(): Promise<void> {
    try {
      await this.catchUp();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
