/**
 * The compact memory of which entries of one feed or sitemap discovery already handed to the
 * frontier, so a re-read document offers only its new or changed entries to `claim` (a claim of a
 * known URL is a rejected conditional write, still billed one write unit).
 *
 * An entry is identified by a short hash of its canonical URL and the `lastmod` the document gave
 * it: a changed `lastmod` is a different entry, and is claimed again.
 */
import { createHash } from 'node:crypto';

/**
 * Hash bytes kept per entry. 6 bytes (48 bits) are exactly 8 base64 characters (no padding). A new
 * entry is wrongly taken for a seen one with probability (set size) / 2^48: below 4e-11 for a full
 * set of {@link MAX_SEEN_ENTRIES}, i.e. one lost URL in tens of billions of new entries.
 */
const TOKEN_BYTES = 6;
/** Characters of one token: base64url of {@link TOKEN_BYTES}. */
export const SEEN_TOKEN_LENGTH = (TOKEN_BYTES / 3) * 4;
/**
 * Most entries remembered per document. Google News sitemaps hold at most 1,000 URLs and feeds far
 * fewer; 10,000 covers them tenfold while the stored set (8 characters each, 80 KB) stays a fifth of
 * DynamoDB's 400 KB item limit, costs at most 80 write units when the document is committed and
 * 10 read units when it is read. Entries of a larger document beyond the cap are not remembered and
 * are offered to `claim` on every full read, as before this memory existed: never skipped.
 */
export const MAX_SEEN_ENTRIES = 10_000;
/**
 * Format tag in front of the tokens: a set written under another hashing scheme is ignored (every
 * entry is claimed once more) instead of being misread.
 */
const FORMAT_PREFIX = 's1:';
const TOKEN_ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * The token of one document entry: the first 48 bits of SHA-256 over `urlKey + '\n' + lastmod`,
 * base64url (8 characters).
 *
 * @example
 * seenEntryToken('https://example.com/a', '2026-11-24T10:00:00.000Z') // → 8 characters, e.g. 'q3Xn0b_A'
 */
export function seenEntryToken(urlKey: string, lastmod: string | undefined): string {
  return createHash('sha256')
    .update(`${urlKey}\n${lastmod ?? ''}`, 'utf8')
    .digest()
    .subarray(0, TOKEN_BYTES)
    .toString('base64url');
}

/**
 * Encodes tokens for storage: the first {@link MAX_SEEN_ENTRIES} distinct ones in the order given
 * (callers pass the newest entries first, so a document over the cap keeps its newest entries
 * remembered), sorted so equal sets encode equally. Returns `undefined` for no tokens (nothing to
 * store).
 */
export function encodeSeenEntries(tokens: Iterable<string>, cap = MAX_SEEN_ENTRIES): string | undefined {
  const kept = new Set<string>();
  for (const token of tokens) {
    if (kept.size >= cap) break;
    if (token.length !== SEEN_TOKEN_LENGTH) throw new RangeError(`not a seen-entry token: "${token}"`);
    kept.add(token);
  }
  return kept.size ? FORMAT_PREFIX + [...kept].sort().join('') : undefined;
}

/**
 * Decodes a stored set. Anything that is not a well-formed set of this format (absent on records
 * written before this memory existed, another format, damaged) gives `undefined`: the caller then
 * treats every entry as new, which costs writes but never skips work.
 */
export function decodeSeenEntries(encoded: unknown): ReadonlySet<string> | undefined {
  if (typeof encoded !== 'string' || !encoded.startsWith(FORMAT_PREFIX)) return undefined;
  const body = encoded.slice(FORMAT_PREFIX.length);
  if (body.length % SEEN_TOKEN_LENGTH !== 0 || !TOKEN_ALPHABET.test(body)) return undefined;
  const tokens = new Set<string>();
  for (let i = 0; i < body.length; i += SEEN_TOKEN_LENGTH) tokens.add(body.slice(i, i + SEEN_TOKEN_LENGTH));
  return tokens;
}
