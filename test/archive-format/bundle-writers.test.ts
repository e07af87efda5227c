import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileArchiveStore } from '../../functions/adapters/archive/file-archive-store';
import { S3ArchiveStore } from '../../functions/adapters/archive/s3-archive-store';
import type { RawPageRef } from '../../functions/core/article';
import { StorageError } from '../../functions/errors';
import { CleanBundleWriter, immediateCleanSink } from '../../functions/archive-format/clean-copies';
import { RawBundleWriter, singlePageRawSink } from '../../functions/archive-format/raw-pages';
import type { ArchivePutOptions, ArchiveStore } from '../../functions/ports/archive-store';
import { startS3Server, type S3Server } from '../helpers/s3-server';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A file archive that counts PUTs (and records their options) and can be told to fail them. */
class TestArchive extends FileArchiveStore {
  puts: string[] = [];
  putOptions: (ArchivePutOptions | undefined)[] = [];
  failPuts = false;
  override async put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    options?: ArchivePutOptions,
  ): Promise<void> {
    this.puts.push(key);
    this.putOptions.push(options);
    if (this.failPuts) throw new StorageError(`injected PUT failure for ${key}`, { retryable: true });
    await super.put(key, body, contentType, options);
  }
}

async function rawKeys(archive: ArchiveStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of archive.list('raw/')) keys.push(key);
  return keys;
}

const page = (i: number) =>
  new TextEncoder().encode(`<html><body><p>page number ${i} ${'x'.repeat(i * 37)}</p></body></html>`);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('RawBundleWriter (group commit of a batch of raw pages)', () => {
  let archive: TestArchive;
  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raw-bundle-'));
    dirs.push(dir);
    archive = new TestArchive(dir);
  });

  it('stores the pages of all participants as ONE object of gzip members; each range gunzips to its page, the whole to all pages', async () => {
    const writer = new RawBundleWriter({
      archive,
      participants: 10,
      now: () => new Date('2026-11-24T10:00:00.000Z'),
    });
    const sinks = Array.from({ length: 10 }, () => writer.participant());
    const refs = await Promise.all(sinks.map((sink, i) => sink.write(page(i))));
    expect(archive.puts).toHaveLength(1);
    expect(await rawKeys(archive)).toEqual([refs[0].key]);
    expect(refs[0].key).toMatch(/^raw\/dt=2026-11-24\/bundle-2026-11-24T10-00-00-000Z-[0-9a-f]{12}\.gz$/);
    for (const [i, ref] of refs.entries()) {
      expect(ref.key).toBe(refs[0].key);
      expect(text(gunzipSync((await archive.getRange(ref.key, ref.offset, ref.length))!))).toBe(
        text(page(i)),
      );
    }
    // Members are back to back in write order and cover the object exactly, so `zcat` reads all.
    let end = 0;
    for (const ref of refs) {
      expect(ref.offset).toBe(end);
      end += ref.length;
    }
    const whole = (await archive.get(refs[0].key))!;
    expect(whole.byteLength).toBe(end);
    expect(text(gunzipSync(whole))).toBe(refs.map((_, i) => text(page(i))).join(''));
  });

  it('waits for every participant: those that write nothing say done, and the bundle leaves when the last one settles', async () => {
    const writer = new RawBundleWriter({ archive, participants: 4 });
    const [a, b, c, d] = Array.from({ length: 4 }, () => writer.participant());
    let stored: RawPageRef | undefined;
    const written = a.write(page(1)).then((ref) => (stored = ref));
    // Saying done twice, or after writing, counts once.
    a.done();
    b.done();
    b.done();
    const alsoWritten = c.write(page(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stored).toBeUndefined();
    expect(archive.puts).toEqual([]);
    d.done();
    const [first, second] = await Promise.all([written, alsoWritten]);
    expect(archive.puts).toHaveLength(1);
    expect(first.key).toBe(second.key);
    expect(text(gunzipSync((await archive.getRange(second.key, second.offset, second.length))!))).toBe(
      text(page(2)),
    );
  });

  it('stores nothing when no participant writes', async () => {
    const writer = new RawBundleWriter({ archive, participants: 3 });
    for (let i = 0; i < 3; i++) writer.participant().done();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(archive.puts).toEqual([]);
  });

  it('a participant that never settles holds the bundle only for the linger time; a page written later starts another bundle', async () => {
    const writer = new RawBundleWriter({ archive, participants: 3, lingerMs: 100 });
    const [a, b, straggler] = Array.from({ length: 3 }, () => writer.participant());
    const started = Date.now();
    const [refA, refB] = await Promise.all([a.write(page(1)), b.write(page(2))]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(refA.key).toBe(refB.key);
    const late = await straggler.write(page(3));
    expect(late.key).not.toBe(refA.key);
    expect(archive.puts).toHaveLength(2);
    expect(text(gunzipSync((await archive.getRange(late.key, late.offset, late.length))!))).toBe(
      text(page(3)),
    );
  });

  it('a failed bundle PUT fails every page in that bundle, and no object is left', async () => {
    archive.failPuts = true;
    const writer = new RawBundleWriter({ archive, participants: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => writer.participant().write(page(i))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StorageError);
    expect(archive.puts).toHaveLength(1);
    expect(await rawKeys(archive)).toEqual([]);
  });

  it('refuses more participants than the batch has', () => {
    const writer = new RawBundleWriter({ archive, participants: 1 });
    writer.participant();
    expect(() => writer.participant()).toThrow(RangeError);
  });

  it('the single-page sink stores each page at once as a bundle of one', async () => {
    const sink = singlePageRawSink(archive, () => new Date('2026-11-24T10:00:00.000Z'));
    const one = await sink.write(page(1));
    const two = await sink.write(page(2));
    expect(one.key).not.toBe(two.key);
    expect(one.offset).toBe(0);
    expect(text(gunzipSync((await archive.get(one.key))!))).toBe(text(page(1)));
    expect((await archive.get(two.key))!.byteLength).toBe(two.length);
  });
});

describe('storage class of bundles', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server('raw-bundle-class');
  });
  afterAll(async () => {
    await s3?.stop();
  });
  const storageClassOf = async (key: string) =>
    (await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).StorageClass;

  it("raw bundles are PUT with the 'archive' hint, clean bundles without one", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raw-bundle-'));
    dirs.push(dir);
    const archive = new TestArchive(dir);
    const raw = new RawBundleWriter({ archive, participants: 2 });
    await Promise.all([raw.participant().write(page(1)), raw.participant().write(page(2))]);
    await singlePageRawSink(archive).write(page(3));
    expect(archive.putOptions).toEqual([{ storageClass: 'archive' }, { storageClass: 'archive' }]);
    archive.putOptions = [];
    const line = { day: '2026-11-24', copy: { id: 'a' } as never };
    await new CleanBundleWriter({ archive, participants: 1 }).participant().write([line]);
    await immediateCleanSink(archive).write([line]);
    expect(archive.putOptions).toEqual([undefined, undefined]);
  });

  it('on S3, a batch bundle and a bundle of one are stored INTELLIGENT_TIERING and read back by range; clean bundles stay STANDARD', async () => {
    const archive = new S3ArchiveStore({ bucket: s3.bucket, client: s3.client });
    const raw = new RawBundleWriter({ archive, participants: 3 });
    const refs = await Promise.all([1, 2, 3].map((i) => raw.participant().write(page(i))));
    const single = await singlePageRawSink(archive).write(page(4));
    expect(await storageClassOf(refs[0].key)).toBe('INTELLIGENT_TIERING');
    expect(await storageClassOf(single.key)).toBe('INTELLIGENT_TIERING');
    expect(text(gunzipSync((await archive.getRange(refs[2].key, refs[2].offset, refs[2].length))!))).toBe(
      text(page(3)),
    );
    const [clean] = await immediateCleanSink(archive).write([
      { day: '2026-11-24', copy: { id: 'a' } as never },
    ]);
    // S3 (and s3rver) report no storage class for STANDARD objects.
    expect(await storageClassOf(clean.key)).toBeUndefined();
  });
});
