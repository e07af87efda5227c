import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArchiveStore } from '../../../functions/adapters/archive/file-archive-store';
import { S3_STORAGE_CLASS, S3ArchiveStore } from '../../../functions/adapters/archive/s3-archive-store';
import { InvalidInputError } from '../../../functions/errors';
import { startS3Server, type S3Server } from '../../helpers/s3-server';
import { archiveStoreContract } from '../archive-store.contract';

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'archive-'));
  tempDirs.push(dir);
  return dir;
}

archiveStoreContract('FileArchiveStore', async () => new FileArchiveStore(await freshDir()));

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server('contract-archive');
});
afterAll(async () => {
  await s3?.stop();
});

archiveStoreContract('S3ArchiveStore on s3rver', async () => {
  // Empty the bucket so each test starts clean.
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  for (const object of listed.Contents ?? []) {
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: object.Key }));
  }
  let more = listed.IsTruncated;
  while (more) {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    for (const object of page.Contents ?? []) {
      await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: object.Key }));
    }
    more = page.IsTruncated;
  }
  return new S3ArchiveStore({ bucket: s3.bucket, client: s3.client, listPageSize: 100 });
});

describe('S3ArchiveStore specifics', () => {
  it('stores the content type with the object', async () => {
    const store = new S3ArchiveStore({ bucket: s3.bucket, client: s3.client });
    await store.put('typed/a.json', '{}', 'application/json');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'typed/a.json' }));
    expect(head.ContentType).toBe('application/json');
  });

  it("stores an 'archive' hint as INTELLIGENT_TIERING, and anything else in the default class", async () => {
    const store = new S3ArchiveStore({ bucket: s3.bucket, client: s3.client });
    const storageClassOf = async (key: string) =>
      (await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).StorageClass;
    await store.put('classes/archive.gz', 'a', 'application/gzip', { storageClass: 'archive' });
    await store.put('classes/standard.jsonl', 's', 'application/x-ndjson', { storageClass: 'standard' });
    await store.put('classes/none.json', 'n', 'application/json');
    expect(await storageClassOf('classes/archive.gz')).toBe('INTELLIGENT_TIERING');
    // S3 sends no x-amz-storage-class header for STANDARD objects; nor does s3rver when none was set.
    expect(await storageClassOf('classes/standard.jsonl')).toBeUndefined();
    expect(await storageClassOf('classes/none.json')).toBeUndefined();
    // Overwriting without the hint puts the new version back in the default class.
    await store.put('classes/archive.gz', 'b', 'application/gzip');
    expect(await storageClassOf('classes/archive.gz')).toBeUndefined();
  });

  it('maps every storage-class hint to a class S3 accepts', () => {
    // Not Archive Access / Deep Archive: those need hours of restore before a read (see S3_STORAGE_CLASS).
    expect(S3_STORAGE_CLASS).toEqual({ standard: undefined, archive: 'INTELLIGENT_TIERING' });
  });
});

describe('FileArchiveStore specifics', () => {
  it('maps keys to browsable files in the S3 layout', async () => {
    const root = await freshDir();
    const store = new FileArchiveStore(root);
    await store.put('clean/example.com/2026/11/24/abc.json', '{"a":1}', 'application/json');
    expect(await readFile(join(root, 'clean/example.com/2026/11/24/abc.json'), 'utf8')).toBe('{"a":1}');
  });

  it.each([
    '../escape.txt',
    'a/../../escape.txt',
    'a/../b.txt',
    '/etc/passwd',
    './a.txt',
    'a//b.txt',
    'a\\..\\b.txt',
    'C:/windows.txt',
    '',
    'nul\0byte',
  ])('refuses the unsafe key %j', async (key) => {
    const store = new FileArchiveStore(await freshDir());
    await expect(store.put(key, 'x', 'text/plain')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses a list prefix that climbs out of the root', async () => {
    const store = new FileArchiveStore(await freshDir());
    const iterate = async () => {
      for await (const _key of store.list('../')) void _key;
    };
    await expect(iterate()).rejects.toBeInstanceOf(InvalidInputError);
  });

  // S3 lists in UTF-8 byte order across "directories"; s3rver walks its directories instead, so
  // this ordering case is checked here rather than in the shared contract.
  it('lists in byte order across directory boundaries, like S3', async () => {
    const store = new FileArchiveStore(await freshDir());
    for (const key of ['x/a/1.json', 'x-other/1.json', 'x.json', 'x/b.json'])
      await store.put(key, key, 'text/plain');
    const keys: string[] = [];
    for await (const key of store.list('x')) keys.push(key);
    expect(keys).toEqual(['x-other/1.json', 'x.json', 'x/a/1.json', 'x/b.json']);
  });

  it('leaves no temp file behind and never lists one', async () => {
    const root = await freshDir();
    const store = new FileArchiveStore(root);
    await store.put('t/a.txt', 'complete', 'text/plain');
    expect(await readdir(join(root, 't'))).toEqual(['a.txt']);
    // A temp file left by a crashed writer is not an object.
    await writeFile(join(root, 't', '.b.txt.tmp-0123456789ab'), 'half');
    const keys: string[] = [];
    for await (const key of store.list('t/')) keys.push(key);
    expect(keys).toEqual(['t/a.txt']);
  });

  it('replaces a file atomically: concurrent readers see the old or the new body, never a mix', async () => {
    const root = await freshDir();
    const store = new FileArchiveStore(root);
    const bodyA = 'A'.repeat(2_000_000);
    const bodyB = 'B'.repeat(2_000_000);
    await store.put('big.txt', bodyA, 'text/plain');
    const reads: Promise<Uint8Array | undefined>[] = [];
    const write = store.put('big.txt', bodyB, 'text/plain');
    for (let i = 0; i < 10; i++) reads.push(store.get('big.txt'));
    await write;
    for (const bytes of await Promise.all(reads)) {
      const body = new TextDecoder().decode(bytes);
      expect(body === bodyA || body === bodyB).toBe(true);
    }
  });

  it('lists nothing under a prefix naming a file rather than a directory', async () => {
    const root = await freshDir();
    await mkdir(join(root, 'f'), { recursive: true });
    await writeFile(join(root, 'f', 'file'), 'x');
    const store = new FileArchiveStore(root);
    const keys: string[] = [];
    for await (const key of store.list('f/file/')) keys.push(key);
    expect(keys).toEqual([]);
  });
});
