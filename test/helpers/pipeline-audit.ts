import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ArticleRecord } from '../../functions/core/article';
import type { DedupIndex } from '../../functions/ports/dedup-index';

/**
 * Read-side checks of a local data directory after pipeline runs (fault suite, kill/rerun):
 * snapshots of the archive files and the article records, and a full article listing.
 */

/** Every archive file (relative path → SHA-1 of its bytes), temp files included. */
export async function snapshotFiles(rootDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out.set(
          relative(rootDir, path),
          createHash('sha1')
            .update(await readFile(path))
            .digest('hex'),
        );
    }
  };
  await walk(rootDir);
  return out;
}

/** Every article record of the index, by id (through the by-host listing). */
export async function allArticles(index: DedupIndex): Promise<Map<string, ArticleRecord>> {
  const out = new Map<string, ArticleRecord>();
  for (const host of await index.listHosts()) {
    let cursor: string | undefined;
    do {
      const page = await index.listArticles({ host, limit: 1000, cursor });
      for (const record of page.items) out.set(record.id, record);
      cursor = page.cursor;
    } while (cursor);
  }
  return out;
}

/** Entries of `before` that are missing or different in `after` (what must never happen to stored data). */
export function changedEntries<T>(
  before: Map<string, T>,
  after: Map<string, T>,
  same: (a: T, b: T) => boolean = (a, b) => a === b,
): string[] {
  const changed: string[] = [];
  for (const [key, value] of before) {
    const now = after.get(key);
    if (now === undefined || !same(value, now)) changed.push(key);
  }
  return changed;
}
