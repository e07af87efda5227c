/**
 * Near-duplicate fingerprint for edited copies: a bottom-k MinHash sketch over word shingles of
 * an article's evidence paragraphs, plus a few index keys taken from the bottom of the sketch.
 *
 * Why bottom-k with asymmetric keys instead of banded LSH: writes are the cost driver. An
 * article STORES only its {@link INDEX_KEYS_PER_ARTICLE} smallest shingle hashes as keys (one
 * small DynamoDB item each) but QUERIES its {@link QUERY_KEYS_PER_ARTICLE} smallest (reads are
 * cheaper and carry no index growth). A stored article A is found by a later B whenever one of
 * A's bottom keys is a shingle of B that ranks within B's query window, which happens with
 * probability about 1 - (1 - c)^INDEX_KEYS where c is the share of A's shingles present in B:
 * 0.94 at c = 0.5, 0.99 at c = 0.7. Banded LSH with the same 4 stored items would need c^r per
 * band and catches far fewer moderately edited copies. Candidates are then verified with the
 * full sketch ({@link estimateOverlap}), so noisy keys cost a read, never a false link.
 *
 * Pure: no I/O.
 */
import { NORMALIZATION_VERSION, normalizeParagraph, paragraphWords } from './normalize-paragraph';

/** Bumped whenever shingling, hashing or encoding changes (keys of different versions never meet). */
export const FINGERPRINT_VERSION = 2;

/**
 * Words per shingle. Four-word shingles survive typographic noise (normalised away) and are
 * specific enough that unrelated stories share only a handful (stock phrases such as "did not
 * immediately respond to a request for comment" yield 7), while one changed word per sentence
 * still leaves most of a sentence's shingles intact (a 20-word sentence keeps 16 of 20 at worst).
 */
export const SHINGLE_WORDS = 4;

/**
 * Sketch size: the k smallest shingle hashes. k = 48 estimates containment with a standard error
 * of at most about 0.07 (sqrt(c(1-c)/k)), well inside the gap between copies (>= 0.5, heavy edits
 * mostly 0.7-0.9) and unrelated stories sharing paragraphs (< 0.4). Measured on bench:dedup
 * (10,000 articles): 48 finds 3 fewer edited-copy pairs of 5,536 than 64, 32 finds 21 fewer.
 * The sketch lives in the article record (144 bytes as binary), whose item is billed per started
 * KB on every write: a larger sketch would push typical records past 1 KB, one more write unit each.
 */
export const SKETCH_SIZE = 48;

/** Keys written per cluster-origin article (each is one index item: the write budget). */
export const INDEX_KEYS_PER_ARTICLE = 4;

/**
 * Keys queried per article. Larger than {@link INDEX_KEYS_PER_ARTICLE} so that a stored article
 * whose bottom shingles are also in the new article, but rank a few places lower there (the new
 * article gained paragraphs, which pushes ranks up by the size ratio), is still found; 8 covers a
 * copy up to about twice the stored article's size. Measured on bench:dedup (10,000 articles):
 * 8 finds the same edited copies as 16 at half the queries (each key is one Query request);
 * writing and querying all 64 values of a 64-value sketch found 0.8 points more heavy edits.
 */
export const QUERY_KEYS_PER_ARTICLE = 8;

/** A compact near-duplicate sketch of one article. */
export interface NearDuplicateSketch {
  /** Number of distinct shingles in the article (needed to turn Jaccard into containment). */
  shingleCount: number;
  /** Ascending smallest 52-bit shingle hashes (at most {@link SKETCH_SIZE}). */
  values: number[];
}

const TWO_POW_20 = 1_048_576;
/** Stored values keep the top 24 of 52 bits (see {@link encodeSketch}). */
const STORED_VALUE_DIVISOR = 2 ** 28;
const STORED_VALUE_BYTES = 3;

/** Final avalanche mix of a 32-bit value (so nearby inputs land far apart). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 52-bit hash of a string (two independent 32-bit multiplicative lanes, mixed). 52 bits so the
 * value is an exact JS number and sorts as one; ample for index keys across billions of shingles.
 */
export function hashShingle(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const hi = mix32(a ^ Math.imul(b, 0x27d4eb2d));
  const lo = mix32(b ^ text.length ^ 0x6a09e667);
  return hi * TWO_POW_20 + (lo >>> 12);
}

/**
 * Shingle hashes of one normalised paragraph. Shingles never span paragraphs, so reordering
 * paragraphs changes nothing and splitting/merging paragraphs loses only the few shingles at the
 * seam. A paragraph shorter than a shingle contributes itself as one shingle.
 */
function addParagraphShingles(normalizedText: string, into: Set<number>): void {
  const words = paragraphWords(normalizedText);
  if (words.length === 0) return;
  if (words.length < SHINGLE_WORDS) {
    into.add(hashShingle(words.join(' ')));
    return;
  }
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    into.add(hashShingle(words.slice(i, i + SHINGLE_WORDS).join(' ')));
  }
}

/**
 * Builds the sketch of an article from its paragraph texts (pass the evidence paragraphs after
 * host boilerplate removal, so boilerplate does not make unrelated stories of one host look alike).
 * @example
 * const sketch = nearDuplicateSketch(['First paragraph text ...', 'Second ...']);
 */
export function nearDuplicateSketch(
  paragraphTexts: readonly string[],
  alreadyNormalized = false,
): NearDuplicateSketch {
  const shingles = new Set<number>();
  for (const text of paragraphTexts)
    addParagraphShingles(alreadyNormalized ? text : normalizeParagraph(text), shingles);
  const all = [...shingles].sort((x, y) => x - y);
  return { shingleCount: all.length, values: all.slice(0, SKETCH_SIZE) };
}

const KEY_PREFIX = `mh${FINGERPRINT_VERSION}n${NORMALIZATION_VERSION}:`;

function keyOf(value: number): string {
  return KEY_PREFIX + value.toString(16).padStart(13, '0');
}

/** Keys to store for an article (its smallest {@link INDEX_KEYS_PER_ARTICLE} shingle hashes). */
export function sketchIndexKeys(sketch: NearDuplicateSketch): string[] {
  return sketch.values.slice(0, INDEX_KEYS_PER_ARTICLE).map(keyOf);
}

/** Keys to look up for an article (its smallest {@link QUERY_KEYS_PER_ARTICLE} shingle hashes). */
export function sketchQueryKeys(sketch: NearDuplicateSketch): string[] {
  return sketch.values.slice(0, QUERY_KEYS_PER_ARTICLE).map(keyOf);
}

const ENCODING_PREFIX = `bk${FINGERPRINT_VERSION}n${NORMALIZATION_VERSION}`;

/**
 * Encodes a sketch for the article record: `bk2n1.<shingleCount>.<base64 of 24-bit big-endian
 * values>` (48 values = 192 characters). Only the top 24 bits of each value are kept: the values
 * compared lie below the sketch's bound (about k/n of the hash range), where two different
 * shingles share a 24-bit prefix with probability ~k/(n * 2^24) per pair of values, far too rare to
 * move an estimate.
 */
export function encodeSketch(sketch: NearDuplicateSketch): string {
  const bytes = Buffer.alloc(sketch.values.length * STORED_VALUE_BYTES);
  sketch.values.forEach((v, i) =>
    bytes.writeUIntBE(Math.floor(v / STORED_VALUE_DIVISOR), i * STORED_VALUE_BYTES, STORED_VALUE_BYTES),
  );
  return `${ENCODING_PREFIX}.${sketch.shingleCount}.${bytes.toString('base64')}`;
}

/** Compact form used for comparisons: the stored (top 24-bit) value of each sketch entry, ascending. */
export interface DecodedSketch {
  shingleCount: number;
  values: number[];
}

/**
 * Decodes a stored sketch; returns `undefined` for a different version or malformed text (such
 * an article is then compared by exact paragraph overlap only).
 */
export function decodeSketch(encoded: string | undefined): DecodedSketch | undefined {
  if (!encoded) return undefined;
  const parts = encoded.split('.');
  if (parts.length !== 3 || parts[0] !== ENCODING_PREFIX) return undefined;
  const shingleCount = Number(parts[1]);
  if (!Number.isInteger(shingleCount) || shingleCount < 0) return undefined;
  const bytes = Buffer.from(parts[2], 'base64');
  if (bytes.length % STORED_VALUE_BYTES !== 0) return undefined;
  const values: number[] = [];
  for (let i = 0; i < bytes.length; i += STORED_VALUE_BYTES)
    values.push(bytes.readUIntBE(i, STORED_VALUE_BYTES));
  return { shingleCount, values };
}

/** Reduces an in-memory sketch to the comparable (stored) form. */
export function toDecoded(sketch: NearDuplicateSketch): DecodedSketch {
  return {
    shingleCount: sketch.shingleCount,
    values: sketch.values.map((v) => Math.floor(v / STORED_VALUE_DIVISOR)),
  };
}

/** Similarity estimates between two articles. */
export interface OverlapEstimate {
  /** Estimated Jaccard similarity of the shingle sets. */
  jaccard: number;
  /** Estimated share of the smaller article's shingles found in the other (0..1). */
  containment: number;
  /**
   * Sketch values of the smaller article the estimate rests on. Below about a dozen the estimate
   * is too coarse to act on (a short article compared with a long one).
   */
  samples: number;
}

/**
 * Estimates similarity from two bottom-k sketches. Both sketches are complete below
 * tau = the smaller of their largest values (or unbounded for a sketch holding its whole set), so
 * within [0, tau] the shingle sets are known exactly and form a uniform random sample of each
 * set: the share of the smaller article's sampled shingles also present in the other estimates
 * containment, intersection over union estimates Jaccard similarity.
 */
export function estimateOverlap(a: DecodedSketch, b: DecodedSketch): OverlapEstimate {
  const tau = Math.min(sketchBound(a), sketchBound(b));
  const aIn = a.values.filter((v) => v <= tau);
  const bIn = new Set(b.values.filter((v) => v <= tau));
  let both = 0;
  for (const v of aIn) if (bIn.has(v)) both++;
  const union = aIn.length + bIn.size - both;
  const jaccard = union > 0 ? both / union : 0;
  const aIsSmaller = a.shingleCount <= b.shingleCount;
  const samples = aIsSmaller ? aIn.length : bIn.size;
  const containment = samples > 0 ? both / samples : 0;
  return { jaccard, containment, samples };
}

/** Largest value below which the sketch holds every value of its set. */
function sketchBound(sketch: DecodedSketch): number {
  if (sketch.values.length >= sketch.shingleCount) return Number.POSITIVE_INFINITY;
  return sketch.values.length > 0 ? sketch.values[sketch.values.length - 1] : Number.NEGATIVE_INFINITY;
}
