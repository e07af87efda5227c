import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReprocessCheckpointStore } from '../../ports/reprocess-checkpoint-store';

/** Name of the checkpoint file in the data directory. */
export const CHECKPOINT_FILE = 'reprocess-checkpoint.json';

/**
 * Checkpoints of unfinished reprocess runs as one small JSON file in the data directory, written
 * to a temp file and renamed so a kill mid-write leaves the previous checkpoint intact.
 */
export class FileReprocessCheckpoint implements ReprocessCheckpointStore {
  constructor(private readonly file: string) {}

  private async read(): Promise<Record<string, { lastKey: string; updatedAt: string }>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<
        string,
        { lastKey: string; updatedAt: string }
      >;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  private async write(all: Record<string, unknown>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`);
    await rename(temp, this.file);
  }

  async load(runKey: string): Promise<string | undefined> {
    return (await this.read())[runKey]?.lastKey;
  }

  async save(runKey: string, lastKey: string): Promise<void> {
    const all = await this.read();
    all[runKey] = { lastKey, updatedAt: new Date().toISOString() };
    await this.write(all);
  }

  async clear(runKey: string): Promise<void> {
    const all = await this.read();
    if (!(runKey in all)) return;
    delete all[runKey];
    await this.write(all);
  }
}
