import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../../errors';
import type { BackfillCheckpoint, BackfillCheckpointStore } from '../../ports/backfill-checkpoints';

/**
 * {@link BackfillCheckpointStore} as one small JSON file per archive location in a directory
 * (`<dataDir>/backfill/`), replaced by write-then-rename so a kill at any moment leaves the old
 * checkpoint or the new one, never half of one.
 *
 * @example
 * const checkpoints = new FileBackfillCheckpoints('.data/backfill');
 * await checkpoints.get('/data/news.warc.gz'); // undefined before the first run
 */
export class FileBackfillCheckpoints implements BackfillCheckpointStore {
  private dirReady = false;

  constructor(private readonly dir: string) {}

  async get(location: string): Promise<BackfillCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(location), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageError(`cannot read the checkpoint of ${location}`, { cause: error });
    }
    const checkpoint = JSON.parse(text) as BackfillCheckpoint;
    return checkpoint.location === location ? checkpoint : undefined;
  }

  async put(checkpoint: BackfillCheckpoint): Promise<void> {
    if (!this.dirReady) {
      await mkdir(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const file = this.fileOf(checkpoint.location);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(checkpoint)}\n`);
    await rename(temp, file);
  }

  private fileOf(location: string): string {
    return join(this.dir, `${createHash('sha256').update(location).digest('hex').slice(0, 32)}.json`);
  }
}
