import { InvalidInputError } from '../../errors';

/**
 * Checks a ranged read's arguments the same way in every archive adapter: a byte offset from 0
 * and a length of at least one byte (an empty range has no HTTP Range header to express it).
 */
export function checkByteRange(key: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 1) {
    throw new InvalidInputError(`invalid byte range of ${key}: offset ${offset}, length ${length}`);
  }
}
