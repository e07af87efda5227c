import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { formatArchiveLocation, parseArchiveLocation } from '../adapters/warc/archive-location';
import { ArchiveByteSource } from '../adapters/warc/byte-source';
import { InvalidInputError } from '../errors';

const WARC_NAME = /\.warc(?:\.gz)?$/i;

/** Options of {@link expandWarcInputs}. */
export interface WarcInputOptions {
  /**
   * Prefix for relative lines of a list file (CC-NEWS's `warc.paths.gz` lists bucket keys): e.g.
   * `s3://commoncrawl/` or `https://data.commoncrawl.org/`. Default: the list file's directory.
   */
  base?: string;
  bytes?: ArchiveByteSource;
}

/**
 * Turns `ingest --warc` arguments into archive locations, in order: a WARC file (`.warc`,
 * `.warc.gz`) or `s3://` / http(s) URL of one as is; a directory as the WARC files under it
 * (recursively, sorted); any other file as a list of locations, one a line (gzipped or not; blank
 * lines and `#` comments ignored), like CC-NEWS's `warc.paths.gz`.
 *
 * @example
 * await expandWarcInputs(['warc.paths.gz'], { base: 's3://commoncrawl/' });
 * // ['s3://commoncrawl/crawl-data/CC-NEWS/2026/11/CC-NEWS-20261101000000-00000.warc.gz', ...]
 */
export async function expandWarcInputs(
  inputs: readonly string[],
  options: WarcInputOptions = {},
): Promise<string[]> {
  const bytes = options.bytes ?? new ArchiveByteSource();
  const out: string[] = [];
  for (const input of inputs) {
    const location = parseArchiveLocation(input);
    if (location.kind !== 'file') {
      if (WARC_NAME.test(new URL(formatArchiveLocation(location).replace(/^s3:/, 'http:')).pathname))
        out.push(formatArchiveLocation(location));
      else out.push(...(await readList(bytes, formatArchiveLocation(location), options.base)));
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(location.path);
    } catch {
      throw new InvalidInputError(`--warc ${input}: no such file or directory`);
    }
    if (info.isDirectory()) {
      const found = await warcFilesUnder(location.path);
      if (found.length === 0)
        throw new InvalidInputError(`--warc ${input}: no .warc or .warc.gz files in the directory`);
      out.push(...found);
    } else if (WARC_NAME.test(location.path)) out.push(location.path);
    else out.push(...(await readList(bytes, location.path, options.base)));
  }
  return out;
}

async function warcFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && WARC_NAME.test(e.name))
    .map((e) => join(e.parentPath ?? dir, e.name))
    .sort();
}

async function readList(
  bytes: ArchiveByteSource,
  listLocation: string,
  base: string | undefined,
): Promise<string[]> {
  const location = parseArchiveLocation(listLocation);
  const chunks = Readable.from(bytes.stream(location));
  const gzipped = listLocation.toLowerCase().endsWith('.gz');
  const text = gzipped ? chunks.pipe(createGunzip()) : chunks;
  const prefix =
    base ??
    (location.kind === 'file'
      ? `${dirname(location.path)}/`
      : formatArchiveLocation(location).replace(/[^/]*$/, ''));
  const out: string[] = [];
  try {
    for await (const raw of createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY })) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const absolute = /^(?:s3|https?):\/\//i.test(line) || line.startsWith('/');
      out.push(formatArchiveLocation(parseArchiveLocation(absolute ? line : joinBase(prefix, line))));
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(`${listLocation}: ${error.message}`);
    throw new InvalidInputError(`${listLocation}: cannot read the list of WARC files (${String(error)})`, {
      cause: error,
    });
  }
  if (out.length === 0) throw new InvalidInputError(`${listLocation}: the list names no WARC file`);
  return out;
}

function joinBase(base: string, line: string): string {
  return base.endsWith('/') ? base + line.replace(/^\/+/, '') : `${base}/${line.replace(/^\/+/, '')}`;
}
