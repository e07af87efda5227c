import type { ReprocessCheckpointStore } from '../../ports/reprocess-checkpoint-store';

/**
 * {@link ReprocessCheckpointStore} in a map: for tests and one-off runs that need no resumption
 * after the process ends.
 * @example
 * const checkpoint = new MemoryReprocessCheckpoint();
 * await checkpoint.save('run', 'dt=2026-11-24/host=a.example/0123...');
 */
export class MemoryReprocessCheckpoint implements ReprocessCheckpointStore {
  /** The saved checkpoints by run key (tests inspect it). */
  readonly saved = new Map<string, string>();

  async load(runKey: string): Promise<string | undefined> {
    return this.saved.get(runKey);
  }

  async save(runKey: string, lastKey: string): Promise<void> {
    this.saved.set(runKey, lastKey);
  }

  async clear(runKey: string): Promise<void> {
    this.saved.delete(runKey);
  }
}
