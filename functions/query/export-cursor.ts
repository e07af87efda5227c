import { InvalidInputError } from '../errors';

/** Where an export resumes: the host, the index page it was reading and how many of its records were sent. */
export interface ExportPosition {
  host: string;
  /** Cursor of the index page being read (absent: the host's first page). */
  pageCursor?: string;
  /** Records of that page already sent. */
  skip: number;
}

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeExportCursor(position: ExportPosition): string {
  return Buffer.from(
    JSON.stringify({ h: position.host, c: position.pageCursor, s: position.skip }),
    'utf8',
  ).toString('base64url');
}

/** Decodes a cursor made by {@link encodeExportCursor}; anything else is an InvalidInputError. */
export function decodeExportCursor(cursor: string): ExportPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidInputError('invalid export cursor', { cause: error });
  }
  const v = value as { h?: unknown; c?: unknown; s?: unknown } | null;
  const valid =
    typeof v === 'object' &&
    v !== null &&
    typeof v.h === 'string' &&
    v.h.length > 0 &&
    (v.c === undefined || typeof v.c === 'string') &&
    typeof v.s === 'number' &&
    Number.isInteger(v.s) &&
    v.s >= 0;
  if (!valid) throw new InvalidInputError('invalid export cursor');
  return { host: v.h as string, pageCursor: v.c as string | undefined, skip: v.s as number };
}
