import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError, StorageError } from '../../errors';
import type { ArchiveLocation } from './archive-location';
import { formatArchiveLocation } from './archive-location';

/** Read size for local files: large enough that syscalls do not show in a profile. */
const FILE_CHUNK_BYTES = 256 * 1024;

/** Options of {@link ArchiveByteSource}. */
export interface ArchiveByteSourceOptions {
  /** S3 client for `s3://` locations (endpoint, region, credentials); defaults to `new S3Client({})`. */
  s3Client?: S3Client;
  /** fetch for http(s) locations (tests may inject one); defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * The bytes of archive files, streamed from an offset (a whole WARC is never held in memory) or read
 * as one range (a record a pointer names): local files, S3 objects (ranged GETs) and http(s) URLs
 * (Range requests; a server that ignores Range is read and discarded up to the offset).
 */
export class ArchiveByteSource {
  private s3Client?: S3Client;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ArchiveByteSourceOptions = {}) {
    this.s3Client = options.s3Client;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Streams the file from `offset` to its end. */
  async *stream(location: ArchiveLocation, offset = 0): AsyncIterable<Uint8Array> {
    if (location.kind === 'file') {
      const stream = createReadStream(location.path, { start: offset, highWaterMark: FILE_CHUNK_BYTES });
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        throw notReadable(location, error);
      }
      return;
    }
    if (location.kind === 's3') {
      const body = await this.s3Get(location, offset > 0 ? `bytes=${offset}-` : undefined);
      if (body) yield* body;
      return;
    }
    yield* this.httpStream(location.url, offset);
  }

  /** Reads `length` bytes from `offset` (fewer when the file ends first). */
  async range(location: ArchiveLocation, offset: number, length: number): Promise<Uint8Array> {
    if (location.kind === 'file') {
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(location.path, 'r');
      } catch (error) {
        throw notReadable(location, error);
      }
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const source =
      location.kind === 's3'
        ? await this.s3Get(location, `bytes=${offset}-${offset + length - 1}`)
        : this.httpStream(location.url, offset, length);
    for await (const chunk of source ?? []) {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total >= length) break;
    }
    return Buffer.concat(chunks).subarray(0, length);
  }

  private async s3Get(
    location: Extract<ArchiveLocation, { kind: 's3' }>,
    range: string | undefined,
  ): Promise<AsyncIterable<Uint8Array> | undefined> {
    this.s3Client ??= new S3Client({});
    try {
      const answer = await this.s3Client.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key, Range: range }),
      );
      return answer.Body as AsyncIterable<Uint8Array> | undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
        throw new InvalidInputError(`${formatArchiveLocation(location)}: no such object`, { cause: error });
      // A range starting at the object's end: nothing left to read.
      if ((error as { name?: string }).name === 'InvalidRange') return undefined;
      throw new StorageError(`${formatArchiveLocation(location)}: cannot read (${String(error)})`, {
        cause: error,
      });
    }
  }

  private async *httpStream(url: string, offset: number, length?: number): AsyncIterable<Uint8Array> {
    const end = length === undefined ? '' : String(offset + length - 1);
    const headers: Record<string, string> =
      offset > 0 || length !== undefined ? { range: `bytes=${offset}-${end}` } : {};
    let response: Response;
    try {
      response = await this.fetchImpl(url, { headers });
    } catch (error) {
      throw new StorageError(`${url}: cannot fetch (${String(error)})`, { cause: error });
    }
    if (response.status === 416) return;
    if (response.status !== 200 && response.status !== 206)
      throw new InvalidInputError(`${url}: HTTP ${response.status}`);
    if (!response.body) return;
    // 200 to a Range request: the server sent the whole file, so skip to the offset here.
    let skip = response.status === 200 ? offset : 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (skip >= chunk.byteLength) {
        skip -= chunk.byteLength;
        continue;
      }
      yield skip > 0 ? chunk.subarray(skip) : chunk;
      skip = 0;
    }
  }
}

function notReadable(location: ArchiveLocation, error: unknown): InvalidInputError {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
  return new InvalidInputError(`${formatArchiveLocation(location)}: cannot read (${what})`, { cause: error });
}
