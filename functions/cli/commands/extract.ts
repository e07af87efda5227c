import type { Command } from 'commander';
/**
 * `cli extract --manifest FILE`: extract every page listed in a manifest, one JSON line each.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { joinParagraphs } from '../../core/article';
import { decodeHtmlBytes } from '../../core/extract/charset';
import { extractArticle } from '../../core/extract/index';
import { ConfigError, describeFailure } from '../../errors';

/** One output line of the extract command. */
export interface ExtractOutputLine {
  id: string;
  url: string;
  title: string | null;
  authors: string[];
  publishedAt: string | null;
  language: string | null;
  paragraphs: Array<{ kind: string; text: string }>;
  text: string;
}

/** Page id: the file name without `.html` / `.html.gz` (or `.htm`, `.gz`). */
export function pageIdOf(path: string): string {
  return basename(path).replace(/\.html?\.gz$|\.html?$|\.gz$/i, '');
}

/** Reads one page file: gunzips `.gz` files (or gzip magic) and decodes the charset. */
async function readPage(path: string): Promise<string> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return decodeHtmlBytes(bytes).html;
}

/**
 * Extracts every page of a manifest (`PATH<TAB>URL` per line; PATH relative to the working
 * directory or absolute; blank lines and `#` comments skipped) and yields one JSON line per page
 * in input order. Missing title/publishedAt/language are null so every line has the same keys. A page that fails yields `{"id","error"}` and the others go on.
 *
 * @example
 * for await (const line of extractManifest('pages.tsv')) process.stdout.write(`${line}\n`);
 */
export async function* extractManifest(manifestPath: string): AsyncGenerator<string> {
  let handle: FileHandle;
  try {
    handle = await open(manifestPath, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('EISDIR'), { code: 'EISDIR', path: manifestPath });
    }
  } catch (error) {
    throw new ConfigError(`manifest ${describeFailure(error)}`, { cause: error });
  }
  const lines = createInterface({
    input: handle.createReadStream({ encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  for await (const rawLine of lines) {
    const line = rawLine.replace(/^\ufeff/, '');
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const path = (tab >= 0 ? line.slice(0, tab) : line).trim();
    const url = tab >= 0 ? line.slice(tab + 1).trim() : '';
    const id = pageIdOf(path);
    try {
      const html = await readPage(resolve(path));
      const result = extractArticle(html, url ? { url } : {});
      const paragraphs = result.paragraphs.map((p) => ({ kind: p.kind, text: p.text }));
      const out: ExtractOutputLine = {
        id,
        url,
        title: result.metadata.title ?? null,
        authors: result.metadata.authors,
        publishedAt: result.metadata.publishedAt ?? null,
        language: result.metadata.language ?? null,
        paragraphs,
        text: joinParagraphs(paragraphs),
      };
      yield JSON.stringify(out);
    } catch (error) {
      yield JSON.stringify({ id, error: describeFailure(error) });
    }
  }
}

/** Registers `extract` on the program. */
export function registerExtractCommand(program: Command): void {
  program
    .command('extract')
    .description(
      'extract article text from saved pages: one JSON object per manifest line (PATH<TAB>URL) on stdout',
    )
    .requiredOption('--manifest <file>', 'manifest file: PATH<TAB>URL per line, PATH is .html or .html.gz')
    .action(async (opts) => {
      for await (const line of extractManifest(opts.manifest)) {
        if (!process.stdout.write(`${line}\n`))
          await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    });
}
