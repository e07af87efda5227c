/**
 * Leading-words fingerprint: finds and verifies excerpts, pages whose text is the beginning of a
 * longer page's text (an aggregator's "first two or three paragraphs, then Read the full story
 * at ..."), even when the excerpt runs several paragraphs together into one block or cuts its last
 * paragraph at a word boundary with "…". Paragraph hashes miss both (a merged or cut paragraph
 * hashes differently) and the MinHash sketch misses them too (a short excerpt's shingles are a
 * small, unsampled part of the full story's).
 *
 * The evidence paragraphs' words (normalised, punctuation dropped, paragraph breaks ignored) are
 * hashed at every {@link LEAD_CHECKPOINT_WORDS} words up to {@link LEAD_MAX_WORDS}: `A` is the
 * start of `B` when every checkpoint of `A` equals `B`'s at the same word count, which leaves at
 * most one checkpoint's worth of `A`'s last words unverified. One index key per article (the hash
 * of its first {@link LEAD_KEY_WORDS} words) finds the candidates.
 *
 * Pure: no I/O.
 *
 * @example
 * const full = leadFingerprint(fullStoryParagraphs);
 * const excerpt = leadFingerprint([firstTwoParagraphsRunTogether + ' …']);
 * comparePrefix(excerpt, full); // => { prefixWords: 48, shorterWords: 52, ... }
 */
import { createHash } from 'node:crypto';
import { NORMALIZATION_VERSION, paragraphWords } from './normalize-paragraph';

/**
 * Words between two checkpoints. 16 words is about a sentence: an excerpt cut mid-sentence leaves
 * at most that much unverified, and a different story that merely opens with the same quotation
 * diverges within a checkpoint of the quotation's end.
 */
export const LEAD_CHECKPOINT_WORDS = 16;

/**
 * Words covered by checkpoints (20 checkpoints, 40 bytes of hash in the record). Excerpts are
 * two to four paragraphs (60-250 words); a longer page that shares 320 leading words with another
 * is a copy by any measure.
 */
export const LEAD_MAX_WORDS = 320;

/** Words of the lookup key: the first checkpoint. */
export const LEAD_KEY_WORDS = LEAD_CHECKPOINT_WORDS;

/**
 * Words the shorter page must have for a prefix link: two checkpoints (about two sentences). A
 * page of one sentence shares its opening with too many others (stock openings, short briefs).
 */
export const PREFIX_MIN_WORDS = 2 * LEAD_CHECKPOINT_WORDS;

/**
 * An opening shared by two pages followed by other text on the shorter one still makes it an
 * excerpt when at least this many checkpoints (48 words, about three sentences) match and they
 * cover {@link PREFIX_TAIL_MIN_SHARE} of the shorter page: two different stories do not open with
 * the same three sentences, and an excerpt's tail (a "read the full story" line, an aggregator's
 * own furniture) is shorter than the excerpt.
 */
export const PREFIX_TAIL_MIN_CHECKPOINTS = 3;
export const PREFIX_TAIL_MIN_SHARE = 0.5;

/** Lead fingerprint format version (folded with the normalisation version into stored values and keys). */
export const LEAD_VERSION = 1;

/** Trailing ellipsis of a cut paragraph ("…" is "..." after NFKC), optionally bracketed. */
const TRAILING_ELLIPSIS = /(?:\[\s*\.{3}\s*\]|\(\s*\.{3}\s*\)|\.{3})\s*$/;

/** A decoded lead fingerprint. */
export interface LeadFingerprint {
  /** Evidence words of the page (not capped). */
  words: number;
  /** 16-bit hash of the first `(i + 1) * LEAD_CHECKPOINT_WORDS` words, for each full checkpoint. */
  checkpoints: number[];
  /** Index key of the first {@link LEAD_KEY_WORDS} words (absent when the page is shorter). */
  key?: string;
}

/**
 * The fingerprint of a page's evidence paragraphs (already normalised, in page order). When the
 * text ends with an ellipsis its last word is dropped (it may be cut), so a cut excerpt is an exact
 * word prefix of the full text.
 */
export function leadFingerprint(normalizedParagraphs: readonly string[]): LeadFingerprint {
  const words: string[] = [];
  for (const [i, text] of normalizedParagraphs.entries()) {
    const last = i === normalizedParagraphs.length - 1;
    const cut = last && TRAILING_ELLIPSIS.test(text);
    const ws = paragraphWords(cut ? text.replace(TRAILING_ELLIPSIS, '') : text);
    words.push(...(cut ? ws.slice(0, -1) : ws));
  }
  const checkpoints: number[] = [];
  const hash = createHash('sha256');
  let key: string | undefined;
  for (
    let end = LEAD_CHECKPOINT_WORDS;
    end <= Math.min(words.length, LEAD_MAX_WORDS);
    end += LEAD_CHECKPOINT_WORDS
  ) {
    hash.update(`${words.slice(end - LEAD_CHECKPOINT_WORDS, end).join(' ')} `);
    const digest = hash.copy().digest();
    checkpoints.push(digest.readUInt16BE(0));
    if (end === LEAD_KEY_WORDS)
      key = `ld${LEAD_VERSION}n${NORMALIZATION_VERSION}:${digest.subarray(2, 9).toString('hex')}`;
  }
  return { words: words.length, checkpoints, ...(key ? { key } : {}) };
}

/** `ld1n1.<words>.<base64 of the 16-bit checkpoints>`, the value of `ArticleRecord.lead`. */
export function encodeLead(lead: LeadFingerprint): string {
  const bytes = Buffer.alloc(lead.checkpoints.length * 2);
  lead.checkpoints.forEach((value, i) => bytes.writeUInt16BE(value, i * 2));
  return `ld${LEAD_VERSION}n${NORMALIZATION_VERSION}.${lead.words}.${bytes.toString('base64')}`;
}

/** Decodes {@link encodeLead}'s value; undefined for another version or a malformed value. */
export function decodeLead(encoded: string | undefined): Omit<LeadFingerprint, 'key'> | undefined {
  if (!encoded) return undefined;
  const [version, words, data] = encoded.split('.');
  if (version !== `ld${LEAD_VERSION}n${NORMALIZATION_VERSION}` || data === undefined || !/^\d+$/.test(words))
    return undefined;
  const bytes = Buffer.from(data, 'base64');
  const checkpoints: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) checkpoints.push(bytes.readUInt16BE(i));
  return { words: Number(words), checkpoints };
}

/** How two pages' openings compare. */
export interface PrefixComparison {
  /** Leading words verified identical (a multiple of the checkpoint size). */
  prefixWords: number;
  /** Words of the shorter page. */
  shorterWords: number;
  /** Whether the shorter page is, as far as checkpoints tell, the start of the longer one. */
  isPrefix: boolean;
}

/**
 * Compares two fingerprints: the shorter page is the start of the longer when it has at least
 * {@link PREFIX_MIN_WORDS} words and all its checkpoints match (at most one checkpoint's worth of
 * its last words is unverified).
 */
export function comparePrefix(
  a: Omit<LeadFingerprint, 'key'>,
  b: Omit<LeadFingerprint, 'key'>,
): PrefixComparison {
  const [shorter, longer] = a.words <= b.words ? [a, b] : [b, a];
  let matched = 0;
  while (
    matched < shorter.checkpoints.length &&
    matched < longer.checkpoints.length &&
    shorter.checkpoints[matched] === longer.checkpoints[matched]
  )
    matched++;
  const prefixWords = matched * LEAD_CHECKPOINT_WORDS;
  const whole = matched === shorter.checkpoints.length;
  // A tail after the excerpt ("Read the full story at …", the aggregator's own lines not yet known
  // as its boilerplate, a comments stub) breaks the checkpoints after the shared opening: enough
  // verified leading words, and most of the shorter page, still make it the longer one's start.
  const openingWithTail =
    matched >= PREFIX_TAIL_MIN_CHECKPOINTS && prefixWords >= PREFIX_TAIL_MIN_SHARE * shorter.words;
  const isPrefix = shorter.words >= PREFIX_MIN_WORDS && matched > 0 && (whole || openingWithTail);
  return { prefixWords, shorterWords: shorter.words, isPrefix };
}
