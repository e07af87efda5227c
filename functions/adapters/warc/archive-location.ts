import { isAbsolute, resolve } from 'node:path';
import { InvalidInputError } from '../../errors';

/** Where one archive file is: a local path, an S3 object or an http(s) URL. */
export type ArchiveLocation =
  | { kind: 'file'; path: string }
  | { kind: 's3'; bucket: string; key: string }
  | { kind: 'http'; url: string };

/**
 * Reads a location as a user or a manifest writes it: `s3://bucket/key`, `http(s)://...`, or a file
 * path (made absolute, so a pointer stored with an article still names the file from another
 * working directory).
 *
 * @example
 * parseArchiveLocation('s3://commoncrawl/crawl-data/CC-NEWS/2026/11/x.warc.gz');
 * // { kind: 's3', bucket: 'commoncrawl', key: 'crawl-data/CC-NEWS/2026/11/x.warc.gz' }
 */
export function parseArchiveLocation(text: string): ArchiveLocation {
  const value = text.trim();
  if (value.startsWith('s3://')) {
    const rest = value.slice('s3://'.length);
    const slash = rest.indexOf('/');
    if (slash < 1 || slash === rest.length - 1)
      throw new InvalidInputError(`${value}: an S3 location is s3://bucket/key`);
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  if (/^https?:\/\//i.test(value)) {
    try {
      return { kind: 'http', url: new URL(value).href };
    } catch {
      throw new InvalidInputError(`${value}: not a valid URL`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    throw new InvalidInputError(`${value}: archive locations are file paths, s3:// or http(s):// URLs`);
  if (value === '') throw new InvalidInputError('an empty archive location');
  return { kind: 'file', path: isAbsolute(value) ? value : resolve(value) };
}

/** The canonical text of a location (what pointers and checkpoints store). */
export function formatArchiveLocation(location: ArchiveLocation): string {
  if (location.kind === 's3') return `s3://${location.bucket}/${location.key}`;
  if (location.kind === 'http') return location.url;
  return location.path;
}
