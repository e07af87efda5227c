import { createHash } from 'node:crypto';
import { normalizeParagraph, paragraphWords } from './normalize-paragraph';

/**
 * Hex characters kept from the SHA-256 digest: 32 hex = 128 bits. At a billion paragraphs the
 * chance of any accidental collision is about 1e-21, and the key is half the size of a full
 * digest (DynamoDB bills item size).
 */
export const PARAGRAPH_HASH_HEX_LENGTH = 32;

/**
 * Paragraphs with fewer words than this are not evidence of syndication. Datelines, photo
 * credits, "Read more", "Advertisement", bylines and sign-offs ("Reporting by Jane Doe") are
 * 1-7 words and recur across unrelated stories and hosts; counting them would join unrelated
 * articles and would cost a DynamoDB write each for no information. Eight words is about the
 * shortest sentence that carries a specific fact ("Three people were killed in Kyiv on Monday").
 */
export const MIN_EVIDENCE_WORDS = 8;

/**
 * ...and fewer characters than this (after normalisation) are not evidence either: guards
 * against many-short-token lines (lists of tags, "A | B | C | D | E | F | G | H") passing the word
 * count.
 */
export const MIN_EVIDENCE_CHARS = 40;

/**
 * Hash of a paragraph's normalised text: SHA-256, truncated to 128 bits, lower-case hex.
 * @example
 * paragraphHash('He said “no.”') === paragraphHash('he said "no."') // => true
 */
export function paragraphHash(text: string): string {
  return hashNormalized(normalizeParagraph(text));
}

/** Same as {@link paragraphHash} for text that is already normalised (saves a second pass). */
export function hashNormalized(normalizedText: string): string {
  return createHash('sha256')
    .update(normalizedText, 'utf8')
    .digest('hex')
    .slice(0, PARAGRAPH_HASH_HEX_LENGTH);
}

/**
 * Whether a paragraph is long enough to be evidence of syndication (and so is hashed, recorded
 * and counted). See {@link MIN_EVIDENCE_WORDS} and {@link MIN_EVIDENCE_CHARS}.
 * @example
 * isEvidenceParagraph('Advertisement') // => false
 */
export function isEvidenceParagraph(text: string): boolean {
  return isEvidenceNormalized(normalizeParagraph(text));
}

/** Same as {@link isEvidenceParagraph} for already normalised text. */
export function isEvidenceNormalized(normalizedText: string): boolean {
  return (
    normalizedText.length >= MIN_EVIDENCE_CHARS && paragraphWords(normalizedText).length >= MIN_EVIDENCE_WORDS
  );
}
