import type { ArticleRecord, StoredCleanCopy } from '../../functions/core/article';
import type { ArchiveStore } from '../../functions/ports/archive-store';

/** One line of a clean bundle and where it sits. */
export interface StoredLine {
  key: string;
  offset: number;
  length: number;
  copy: StoredCleanCopy;
}

/** Every line of every clean object in the archive (bundles and single-article objects). */
export async function readCleanLines(archive: ArchiveStore): Promise<StoredLine[]> {
  const lines: StoredLine[] = [];
  for await (const key of archive.list('clean/')) {
    const bytes = Buffer.from((await archive.get(key))!);
    let offset = 0;
    while (offset < bytes.byteLength) {
      const end = bytes.indexOf(0x0a, offset);
      const stop = end < 0 ? bytes.byteLength : end + 1;
      lines.push({
        key,
        offset,
        length: stop - offset,
        copy: JSON.parse(bytes.subarray(offset, stop).toString('utf8')) as StoredCleanCopy,
      });
      offset = stop;
    }
  }
  return lines;
}

/**
 * The current line of each article as the Athena view `clean_latest` picks it: highest version,
 * then latest storedAt (lines without one last).
 */
export function newestLines(lines: readonly StoredLine[]): Map<string, StoredLine> {
  const newest = new Map<string, StoredLine>();
  for (const line of lines) {
    const best = newest.get(line.copy.id);
    if (!best || compareLines(line.copy, best.copy) > 0) newest.set(line.copy.id, line);
  }
  return newest;
}

function compareLines(a: StoredCleanCopy, b: StoredCleanCopy): number {
  if (a.version !== b.version) return a.version - b.version;
  return (a.storedAt ?? '').localeCompare(b.storedAt ?? '');
}

/** Whether the record points at exactly this line. */
export function pointsAt(record: ArticleRecord, line: StoredLine): boolean {
  return (
    record.cleanKey === line.key &&
    (record.cleanOffset ?? 0) === line.offset &&
    (record.cleanLength ?? line.length) === line.length
  );
}
