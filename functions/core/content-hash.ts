import { createHash } from 'node:crypto';

/** SHA-256 (hex, 128 bits) of an article's clean text: equal hashes mean an unchanged version. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}
