/**
 * Blob storage for raw pages and clean copies. Keys use the S3 layout documented in
 * `functions/core/archive-keys.ts`; the local adapter mirrors them as files.
 */
export interface ArchiveStore {
  /** Writes (or overwrites) one object. */
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
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
