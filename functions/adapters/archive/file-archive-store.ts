import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidInputError, StorageError } from '../../errors';
import type { ArchivePutOptions, ArchiveStore } from '../../ports/archive-store';
import { checkByteRange } from './byte-range';

/** Temp files of in-progress writes: hidden, and never listed as keys. */
const TEMP_FILE_PATTERN = /^\..+\.tmp-[0-9a-f]{12}$/;
/**
 * Temp names: a random prefix per process and a counter, unique among live writers without
 * drawing random bytes for every write (which showed in bench:crawl's profile).
 */
const TEMP_PREFIX = randomBytes(3).toString('hex');
let tempCounter = 0;

/**
 * {@link ArchiveStore} on the local file system: key `a/b/c.json` is the file
 * `<rootDir>/a/b/c.json`, the same layout as in S3, so the archive can be browsed or synced to a
 * bucket as is. Writes go to a temp file in the target directory and are renamed into place, so a
 * crash never leaves a half-written object. Content types are not stored (file extensions carry
 * them), nor are storage-class hints (a disk has one class).
 *
 * @example
 * const archive = new FileArchiveStore('.data/archive');
 * await archive.put('clean/example.com/2026/11/24/abc.json', json, 'application/json');
 */
export class FileArchiveStore implements ArchiveStore {
  private readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async put(
    key: string,
    body: Uint8Array | string,
    _contentType: string,
    _options?: ArchivePutOptions,
  ): Promise<void> {
    const file = this.fileOf(key);
    const dir = dirname(file);
    const suffix = `${TEMP_PREFIX}${(tempCounter++ % 0x1000000).toString(16).padStart(6, '0')}`;
    const temp = join(dir, `.${file.slice(dir.length + 1)}.tmp-${suffix}`);
    try {
      // Most keys land in a directory that exists: create it only when the write says it is missing.
      await writeFile(temp, body).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(dir, { recursive: true });
        await writeFile(temp, body);
      });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new StorageError(`cannot write archive key ${key}`, { cause: error, retryable: false });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.fileOf(key);
    try {
      const buffer = await readFile(file);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new StorageError(`cannot read archive key ${key}`, { cause: error, retryable: false });
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    checkByteRange(key, offset, length);
    const file = this.fileOf(key);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new StorageError(`cannot read archive key ${key}`, { cause: error, retryable: false });
    }
    try {
      const buffer = Buffer.alloc(length);
      let filled = 0;
      // A read may return fewer bytes than asked before the end of the file: loop until the end.
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
    } catch (error) {
      throw new StorageError(`cannot read archive key ${key}`, { cause: error, retryable: false });
    } finally {
      await handle.close();
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Walk only the directory the prefix's complete path segments name, not the whole archive.
    const lastSlash = prefix.lastIndexOf('/');
    const baseDirKey = lastSlash >= 0 ? prefix.slice(0, lastSlash) : '';
    if (baseDirKey !== '') this.fileOf(baseDirKey);
    const keys: string[] = [];
    await this.collect(baseDirKey === '' ? this.rootDir : join(this.rootDir, baseDirKey), baseDirKey, keys);
    keys.sort();
    for (const key of keys) if (key.startsWith(prefix)) yield key;
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    try {
      await unlink(file);
    } catch (error) {
      if (isMissing(error)) return;
      throw new StorageError(`cannot delete archive key ${key}`, { cause: error, retryable: false });
    }
  }

  private async collect(dir: string, dirKey: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw new StorageError(`cannot list archive directory ${dir}`, { cause: error, retryable: false });
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) await this.collect(join(dir, entry.name), key, keys);
      else if (entry.isFile() && !TEMP_FILE_PATTERN.test(entry.name)) keys.push(key);
    }
  }

  /** Maps a key to its file, refusing keys that could escape the root directory. */
  private fileOf(key: string): string {
    const segments = key.split('/');
    const unsafe =
      key === '' ||
      key.startsWith('/') ||
      key.includes('\\') ||
      key.includes('\0') ||
      /^[a-zA-Z]:/.test(key) ||
      segments.some((s) => s === '' || s === '.' || s === '..');
    const file = resolve(this.rootDir, ...segments);
    if (unsafe || !file.startsWith(this.rootDir + sep)) {
      throw new InvalidInputError(`unsafe archive key: ${JSON.stringify(key)}`);
    }
    return file;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
