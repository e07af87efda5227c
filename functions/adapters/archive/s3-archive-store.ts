import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { StorageError } from '../../errors';
import type { ArchivePutOptions, ArchiveStorageClass, ArchiveStore } from '../../ports/archive-store';
import { checkByteRange } from './byte-range';

/**
 * S3 storage class per {@link ArchiveStorageClass}; `undefined` sends no header (the bucket's
 * default, STANDARD).
 *
 * `archive` is INTELLIGENT_TIERING written directly by the PUT: S3 then moves an object not read
 * for 30 days to its Infrequent Access tier and after 90 days to Archive Instant Access (priced
 * like Glacier Instant Retrieval), all still readable in milliseconds, with no retrieval fee and
 * no lifecycle transition request to pay (a lifecycle rule into Glacier IR bills both). Objects
 * under 128 KB are not monitored and stay in the frequent tier at Standard price with no
 * monitoring fee, so small bundles lose nothing. See docs/deploy.md (Archive bucket) for sources.
 * The bucket's optional Archive Access / Deep Archive Access tiers are NOT enabled by the stack:
 * those need a restore taking hours before a GET, which would break reprocessing.
 */
export const S3_STORAGE_CLASS: Record<ArchiveStorageClass, StorageClass | undefined> = {
  standard: undefined,
  archive: 'INTELLIGENT_TIERING',
};

/** Options of {@link S3ArchiveStore}. */
export interface S3ArchiveStoreOptions {
  bucket: string;
  /** Injected client (endpoint, region, path style); defaults to `new S3Client({})`. */
  client?: S3Client;
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1000). */
  listPageSize?: number;
}

/**
 * {@link ArchiveStore} on one S3 bucket. Keys are used as given (the layout of
 * `functions/archive-format/keys.ts`); encryption is the bucket's default (set by the stack); the
 * storage class follows the put's hint ({@link S3_STORAGE_CLASS}).
 *
 * @example
 * const archive = new S3ArchiveStore({ bucket: process.env.ARCHIVE_BUCKET! });
 * await archive.put('raw/dt=2026-11-24/bundle-2026-11-24T10-00-00-000Z-0123456789ab.gz', gzipped, 'application/gzip', { storageClass: 'archive' });
 */
export class S3ArchiveStore implements ArchiveStore {
  private readonly bucket: string;
  private readonly client: S3Client;
  private readonly listPageSize?: number;

  constructor(options: S3ArchiveStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
    this.listPageSize = options.listPageSize;
  }

  async put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    options?: ArchivePutOptions,
  ): Promise<void> {
    const storageClass = S3_STORAGE_CLASS[options?.storageClass ?? 'standard'];
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          StorageClass: storageClass,
        }),
      );
    } catch (error) {
      throw toStorageError('PutObject', key, error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw toStorageError('GetObject', key, error);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    checkByteRange(key, offset, length);
    try {
      const range = `bytes=${offset}-${offset + length - 1}`;
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }),
      );
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      // 416: the range starts at or past the object's end, which the port reads as no bytes.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416)
        return new Uint8Array();
      throw toStorageError('GetObject', key, error);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    let continuationToken: string | undefined;
    do {
      let response;
      try {
        response = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: continuationToken,
            MaxKeys: this.listPageSize,
          }),
        );
      } catch (error) {
        throw toStorageError('ListObjectsV2', prefix, error);
      }
      for (const object of response.Contents ?? []) if (object.Key !== undefined) yield object.Key;
      continuationToken = response.IsTruncated ? response.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw toStorageError('DeleteObject', key, error);
    }
  }
}

function toStorageError(operation: string, key: string, error: unknown): StorageError {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // 4xx other than throttling means the request itself is wrong: retrying cannot help.
  const retryable = status === undefined || status >= 500 || status === 429;
  const name = error instanceof Error ? error.name : 'Error';
  return new StorageError(`S3 ${operation} ${key} failed: ${name}`, { cause: error, retryable });
}
