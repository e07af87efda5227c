import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_ENTRIES, assertHoldsArchive } from '../../functions/cli/archive-dir';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { ConfigError } from '../../functions/errors';
import { silentLog } from '../../functions/pipeline/deps';

describe('assertHoldsArchive (regression: a mistyped --data-dir became a new, empty archive)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archive-dir-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing directory, naming it, and creates nothing', async () => {
    const missing = join(dir, 'dta');
    await expect(assertHoldsArchive(missing)).rejects.toThrow(
      new ConfigError(
        `data directory ${missing}: no such directory; check --data-dir (or DATA_DIR), or run ingest or demo first`,
      ),
    );
    await expect(assertHoldsArchive(missing)).rejects.toThrow(); // still missing: nothing was created
  });

  it('refuses a directory that holds other things but no archive', async () => {
    const other = join(dir, 'photos');
    await mkdir(other);
    await writeFile(join(other, 'cat.jpg'), 'x');
    await expect(assertHoldsArchive(other)).rejects.toThrow(
      /photos holds no archive \(none of archive, index, index\.sqlite/,
    );
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    await expect(assertHoldsArchive(file)).rejects.toThrow(/file\.txt: not a directory/);
  });

  it('accepts each entry a local store writes', async () => {
    for (const name of ARCHIVE_ENTRIES) {
      const d = join(dir, `with-${name}`);
      await mkdir(d);
      if (name.endsWith('.sqlite')) await writeFile(join(d, name), '');
      else await mkdir(join(d, name));
      await expect(assertHoldsArchive(d), name).resolves.toBeUndefined();
    }
  });

  it('accepts what opening the local store writes (so a real archive is never refused)', async () => {
    const d = join(dir, 'opened');
    const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: d }), { log: silentLog });
    await pipeline.close();
    await expect(assertHoldsArchive(d)).resolves.toBeUndefined();
  });
});
