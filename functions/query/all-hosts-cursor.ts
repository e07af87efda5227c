import { InvalidInputError } from '../errors';

/**
 * Where a listing across every host stopped: the day and host being read, and the index's cursor
 * within that host's day (absent: from its first article). Opaque to clients (base64url JSON).
 */
export interface AllHostsPosition {
  day: string;
  host: string;
  hostCursor?: string;
}

/** Encodes a position of {@link AllHostsPosition} as a page cursor. */
export function encodeAllHostsCursor(position: AllHostsPosition): string {
  return Buffer.from(
    JSON.stringify({
      d: position.day,
      h: position.host,
      ...(position.hostCursor ? { c: position.hostCursor } : {}),
    }),
    'utf8',
  ).toString('base64url');
}

/** Decodes a cursor of {@link encodeAllHostsCursor}, or InvalidInputError. */
export function decodeAllHostsCursor(cursor: string): AllHostsPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      typeof value.d === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value.d) &&
      typeof value.h === 'string' &&
      (value.c === undefined || typeof value.c === 'string')
    )
      return { day: value.d, host: value.h, ...(value.c ? { hostCursor: value.c } : {}) };
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid page cursor');
}
