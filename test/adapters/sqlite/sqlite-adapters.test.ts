/** The SQLite adapters under the same contract suites as the DynamoDB ones, on real files. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from '../../../functions/adapters/sqlite/sqlite-database';
import {
  SQLITE_PARAGRAPH_ARTICLE_IDS_CAP,
  SqliteDedupIndex,
} from '../../../functions/adapters/sqlite/sqlite-dedup-index';
import { processStartToken, SqliteFrontier } from '../../../functions/adapters/sqlite/sqlite-frontier';
import { StorageError } from '../../../functions/errors';
import { article, dedupIndexContract } from '../dedup-index.contract';
import { frontierContract } from '../frontier.contract';

const root = mkdtempSync(join(tmpdir(), 'sqlite-adapters-'));
const open: SqliteDatabase[] = [];
let counter = 0;
afterAll(() => {
  for (const store of open) store.close();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh index file per test. */
function freshStore(): SqliteDatabase {
  const store = openSqliteDatabase(join(root, `index-${++counter}.sqlite`));
  open.push(store);
  return store;
}

dedupIndexContract('SqliteDedupIndex', async () => new SqliteDedupIndex(freshStore()), {
  articleIdsCap: SQLITE_PARAGRAPH_ARTICLE_IDS_CAP,
});
frontierContract('SqliteFrontier', async () => new SqliteFrontier(freshStore()), { listsQueued: true });

describe('SQLite store specifics', () => {
  it('opens the file in WAL mode and keeps data across reopening', async () => {
    const file = join(root, 'reopen.sqlite');
    const first = openSqliteDatabase(file);
    await new SqliteDedupIndex(first).putArticle(article('kept'));
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    first.close();
    const second = openSqliteDatabase(file);
    open.push(second);
    expect((await new SqliteDedupIndex(second).getArticle('kept'))?.title).toBe('Story kept');
  });

  it('a writer waiting on another connection’s write lock gets a clear StorageError after its busy timeout', () => {
    const file = join(root, 'busy.sqlite');
    const holder = openSqliteDatabase(file);
    const waiter = openSqliteDatabase(file, { busyTimeoutMs: 50 });
    open.push(holder, waiter);
    holder.db.prepare('BEGIN IMMEDIATE').run();
    try {
      // Reads go on while the lock is held (WAL).
      expect(
        waiter.read('reading', () => waiter.db.prepare('SELECT count(*) AS n FROM articles').get()),
      ).toEqual({ n: 0 });
      let caught: unknown;
      try {
        waiter.write('storing an article', () =>
          waiter.db.prepare("INSERT INTO meta (key, value) VALUES ('x', 'y')").run(),
        );
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StorageError);
      expect((caught as Error).message).toMatch(
        /storing an article: another process held the local index's write lock for more than 50 ms/,
      );
    } finally {
      holder.db.prepare('ROLLBACK').run();
    }
  });

  it('a writer that finds another process writing says it waits, then writes once the lock is free', async () => {
    const file = join(root, 'wait.sqlite');
    openSqliteDatabase(file).close();
    // Another process takes the write lock and holds it well past the notice threshold below.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
         db.prepare('BEGIN IMMEDIATE').run();
         process.stdout.write('locked\\n');
         setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, 1500);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const notices: string[] = [];
    const waiter = openSqliteDatabase(file, { waitNoticeAfterMs: 50, onWait: (m) => notices.push(m) });
    open.push(waiter);
    await new SqliteDedupIndex(waiter).putArticle(article('after-wait'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^waiting for another process writing to .*wait\.sqlite \(storing an article; up to 30 s\)$/,
    );
    expect((await new SqliteDedupIndex(waiter).getArticle('after-wait'))?.id).toBe('after-wait');
    await new Promise((resolve) => holder.once('exit', resolve));
  });

  it('leaves a live process’s queued URLs to it, and recovers them once its id belongs to another process', async () => {
    const store = freshStore();
    // "Another process": the parent's id, registered with its real start time.
    const other = new SqliteFrontier(store, { pid: process.ppid });
    const nowIso = '2026-11-24T10:00:00.000Z';
    await other.claim({
      urlKey: 'https://a.example/1',
      url: 'https://a.example/1',
      host: 'a.example',
      sourceId: 's',
      nowIso,
    });
    const self = new SqliteFrontier(store);
    expect(await self.listPending({ nowIso })).toEqual([]);
    // The id reused by a process started at another time: the registered one is gone.
    store.db.prepare("UPDATE processes SET start_token = 'another-start' WHERE pid = ?").run(process.ppid);
    expect((await self.listPending({ nowIso })).map((s) => s.urlKey)).toEqual(['https://a.example/1']);
    expect(processStartToken(process.pid)).toMatch(/^\d+$/);
  });
});
