import { readFile } from 'node:fs/promises';
import { parseSources, type Source } from '../core/sources';
import { ConfigError } from '../errors';

/** Reads and validates a sources file; every problem names the file, the entry and the field. */
export async function loadSourcesFile(path: string): Promise<Source[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the sources file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  return parseSources(text, path);
}
