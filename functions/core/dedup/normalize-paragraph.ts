/**
 * Paragraph normalisation for hashing. Two paragraphs that differ only in typography (curly vs
 * straight quotes, en vs em dash, non-breaking spaces, letter case, zero-width characters,
 * compatibility forms such as ligatures or full-width letters) must hash the same; paragraphs
 * that differ in words or numbers must not ("3 killed" and "5 killed" are different news).
 *
 * Changing anything here changes every hash: bump {@link NORMALIZATION_VERSION} so stored hashes
 * can be told apart and the archive can be reprocessed.
 */

/**
 * Version of the rules below. Stored with every paragraph record (`normVersion`) and folded into
 * near-duplicate keys, so hashes made by different rule sets are never compared as equal.
 */
export const NORMALIZATION_VERSION = 1;

/**
 * Characters with no visible width that CMSs and copy-paste leave in text: zero-width space,
 * non-joiner, joiner, word joiner, byte-order mark and the soft hyphen (an invisible hyphenation
 * hint). They change bytes but never what a reader sees.
 */
const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g;

/** Single quotes, apostrophes, primes and the grave/acute accents used as quotes -> `'`. */
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u0060\u00B4\u02BC\u02BB\u2039\u203A]/g;

/** Double quotes, guillemets and double primes -> `"` (languages pick different quote styles). */
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u00AB\u00BB\u301D\u301E\u301F\uFF02]/g;

/**
 * Hyphen and dash family (hyphen, non-breaking hyphen, figure dash, en/em dash, horizontal bar,
 * minus sign, small/full-width hyphen-minus) -> `-`. Publishers swap `--`, `–` and `—` freely.
 */
const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;

/** Runs of dashes (an em dash typed as `--`) collapse to one so `--` and `—` agree. */
const DASH_RUNS = /-{2,}/g;

/**
 * Any whitespace run (NFKC already turns no-break and other fixed-width spaces into U+0020, but
 * tabs, newlines and the line/paragraph separators remain) -> one space.
 */
const WHITESPACE_RUNS = /\s+/gu;

/**
 * Normalises a paragraph for hashing and shingling.
 *
 * Steps, in order:
 * 1. Unicode NFKC: compatibility forms fold (ligature `ﬁ` -> `fi`, full-width `Ａ` -> `A`,
 *    `…` -> `...`, no-break space -> space) and composed/decomposed accents agree.
 * 2. Case fold with `toLowerCase()` after NFKC. This is the locale-independent default mapping;
 *    it is not full Unicode case folding (German `ß` stays `ß`, `ẞ` becomes `ß`), which is enough
 *    for the "same text, different capitalisation" case seen in syndicated copies (headline-case
 *    or all-caps ledes) and stable across Node versions.
 * 3. Invisible characters removed; quotes, apostrophes and dashes unified.
 * 4. Whitespace collapsed to single spaces and trimmed.
 *
 * Digits are kept as they are.
 *
 * @example
 * normalizeParagraph('  “Three” — killed\u00A0in\u200B  Kyiv ') // => '"three" - killed in kyiv'
 */
export function normalizeParagraph(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(DASH_RUNS, '-')
    .replace(WHITESPACE_RUNS, ' ')
    .trim();
}

/** Word characters of a normalised paragraph: letters, marks and digits of any script. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Splits normalised text into words (letters/digits runs; punctuation dropped).
 * @example
 * paragraphWords("it's 3 o'clock") // => ['it', 's', '3', 'o', 'clock']
 */
export function paragraphWords(normalizedText: string): string[] {
  return normalizedText.match(WORD) ?? [];
}
