/**
 * Blob storage for raw pages and clean copies. Keys use the S3 layout documented in
 * `functions/core/archive-keys.ts`; the local adapter mirrors them as files.
 */
export interface ArchiveStore {
  /** Writes (or overwrites) one object. */
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** Reads one object, or `undefined` when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Lists keys under a prefix in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes one object; absent keys are not an error. */
  delete(key: string): Promise<void>;
}
