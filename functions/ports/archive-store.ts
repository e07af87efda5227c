/**
 * How an object will be read, so the store can pick a cheaper place for rarely read data:
 * - `standard`: read often or soon (clean copies behind queries, renderings, config). The default.
 * - `archive`: written once and read rarely, but still in milliseconds when it is (raw pages,
 *   re-read only by reprocessing). Stores without such a class treat it as `standard`.
 */
export type ArchiveStorageClass = 'standard' | 'archive';

/** Options of {@link ArchiveStore.put}. */
export interface ArchivePutOptions {
  /** See {@link ArchiveStorageClass}; absent = `standard`. A hint: it never changes what is read back. */
  storageClass?: ArchiveStorageClass;
}

/**
 * Blob storage for raw pages and clean copies. Keys use the S3 layout documented in
 * `functions/archive-format/keys.ts`; the local adapter mirrors them as files.
 */
export interface ArchiveStore {
  /** Writes (or overwrites) one object; `options.storageClass` says how it will be read. */
  put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    options?: ArchivePutOptions,
  ): Promise<void>;
  /** Reads one object, or `undefined` when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Reads `length` bytes of one object from byte `offset` (one ranged GET on S3), or `undefined`
   * when the object is absent. A range running past the object's end returns the bytes up to the
   * end (none when `offset` is at or past it), so a caller that needs the whole range checks the
   * length. Raw pages are bundled several to an object and read this way.
   */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  /** Lists keys under a prefix in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes one object; absent keys are not an error. */
  delete(key: string): Promise<void>;
}
