import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/errors';
import type { ArchiveStore } from '../../functions/ports/archive-store';

/** Creates a fresh, empty store for one test. */
export type ArchiveStoreFactory = () => Promise<ArchiveStore>;

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys;
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

/** The behaviour every {@link ArchiveStore} must show, run once per adapter. */
export function archiveStoreContract(name: string, makeStore: ArchiveStoreFactory): void {
  describe(`ArchiveStore contract: ${name}`, () => {
    let store: ArchiveStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('returns what was put, for strings and bytes', async () => {
      await store.put('clean/example.com/2026/11/24/a.json', '{"title":"Ünïcode ✓"}', 'application/json');
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await store.put('raw/example.com/2026/11/24/a.html.gz', bytes, 'application/gzip');
      expect(text(await store.get('clean/example.com/2026/11/24/a.json'))).toBe('{"title":"Ünïcode ✓"}');
      expect(await store.get('raw/example.com/2026/11/24/a.html.gz')).toEqual(bytes);
    });

    it('a storage-class hint changes nothing that is read back', async () => {
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) % 256);
      await store.put('raw/dt=2026-11-24/bundle-hinted.gz', bytes, 'application/gzip', {
        storageClass: 'archive',
      });
      await store.put('clean/dt=2026-11-24/bundle-hinted.jsonl', '{"a":1}\n', 'application/x-ndjson', {
        storageClass: 'standard',
      });
      expect(await store.get('raw/dt=2026-11-24/bundle-hinted.gz')).toEqual(bytes);
      expect(await store.getRange('raw/dt=2026-11-24/bundle-hinted.gz', 100, 50)).toEqual(
        bytes.slice(100, 150),
      );
      expect(text(await store.get('clean/dt=2026-11-24/bundle-hinted.jsonl'))).toBe('{"a":1}\n');
      expect(await collect(store.list('raw/dt=2026-11-24/'))).toEqual(['raw/dt=2026-11-24/bundle-hinted.gz']);
    });

    it('returns undefined for an absent key', async () => {
      expect(await store.get('clean/nowhere/x.json')).toBeUndefined();
    });

    it('reads a byte range of an object: inside, to the end, past the end', async () => {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      await store.put('raw/dt=2026-11-24/bundle-a.gz', bytes, 'application/gzip');
      expect(await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 10, 5)).toEqual(
        Uint8Array.from([10, 11, 12, 13, 14]),
      );
      // (Not a one-byte range at offset 0: s3rver reads `bytes=0-0` as the whole object.)
      expect(await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 0, 2)).toEqual(Uint8Array.from([0, 1]));
      expect(await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 250, 6)).toEqual(bytes.slice(250));
      // A range running past the end is cut at the end; one starting past it has no bytes.
      expect(await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 250, 100)).toEqual(bytes.slice(250));
      expect((await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 256, 10))?.byteLength).toBe(0);
      expect((await store.getRange('raw/dt=2026-11-24/bundle-a.gz', 1_000, 10))?.byteLength).toBe(0);
    });

    it('reads a range of a larger object without reading the rest', async () => {
      const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 7) % 251);
      await store.put('big/range.bin', bytes, 'application/octet-stream');
      expect(await store.getRange('big/range.bin', 2_500_000, 70_000)).toEqual(
        bytes.slice(2_500_000, 2_570_000),
      );
    });

    it('returns undefined for a range of an absent key, and refuses an empty or negative range', async () => {
      expect(await store.getRange('raw/nowhere.gz', 0, 10)).toBeUndefined();
      await store.put('r/x.bin', 'abc', 'application/octet-stream');
      await expect(store.getRange('r/x.bin', 0, 0)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(store.getRange('r/x.bin', -1, 2)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(store.getRange('r/x.bin', 0.5, 2)).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('overwrites an existing key', async () => {
      await store.put('a/b.txt', 'first version, longer', 'text/plain');
      await store.put('a/b.txt', 'second', 'text/plain');
      expect(text(await store.get('a/b.txt'))).toBe('second');
    });

    it('lists keys under a prefix in lexicographic order', async () => {
      for (const key of [
        'x/b/2.json',
        'x/a/1.json',
        'x/b/10.json',
        'x/ab.json',
        'y/1.json',
        'x-other/1.json',
      ]) {
        await store.put(key, key, 'application/json');
      }
      expect(await collect(store.list('x/'))).toEqual([
        'x/a/1.json',
        'x/ab.json',
        'x/b/10.json',
        'x/b/2.json',
      ]);
      // A prefix may end inside a path segment.
      expect(await collect(store.list('x/a'))).toEqual(['x/a/1.json', 'x/ab.json']);
      expect(await collect(store.list('nothing/'))).toEqual([]);
    });

    it('lists more keys than one listing page holds', async () => {
      // 250 keys span three pages of the S3 adapter under test (page size 100).
      const keys = Array.from({ length: 250 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, 'x', 'text/plain')));
      }
      expect(await collect(store.list('many/'))).toEqual(keys);
    });

    it('deletes a key, and deleting an absent key is not an error', async () => {
      await store.put('d/1.txt', 'one', 'text/plain');
      await store.delete('d/1.txt');
      expect(await store.get('d/1.txt')).toBeUndefined();
      expect(await collect(store.list('d/'))).toEqual([]);
      await expect(store.delete('d/never.txt')).resolves.toBeUndefined();
    });

    it('keeps concurrent writers of different keys apart', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.put(`c/${i}.txt`, `body ${i}`, 'text/plain')),
      );
      for (let i = 0; i < 20; i++) expect(text(await store.get(`c/${i}.txt`))).toBe(`body ${i}`);
    });
  });
}
