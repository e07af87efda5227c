/**
 * Search words as the full-text engines use them: parsed once from what the user typed, then
 * turned into an SQLite FTS5 MATCH expression (local) or substring tests (Athena), and into the
 * terms a snippet highlights. Pure string logic.
 */

/** Longest search text accepted: a few words, not a document. */
export const MAX_SEARCH_TEXT_CHARS = 500;
/** Terms per search at most: each is one more index lookup (or one more scan predicate on Athena). */
export const MAX_SEARCH_TERMS = 12;

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) and
 * Korean, whose words carry attached particles. A tokenizer that splits on spaces would make a
 * whole sentence one token there, so each character (with its combining marks) is indexed as a
 * token of its own and a word is searched as the phrase of its characters.
 */
const UNSPACED_CHAR =
  /(?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]\p{M}*)/gu;
const UNSPACED_TEST = new RegExp(UNSPACED_CHAR.source, 'u');
/** What unicode61 keeps as token characters: letters, numbers, marks, private use. */
const TOKEN_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/**
 * Greek letters with accents or diaeresis. The tokenizer's `remove_diacritics` folds Latin
 * letters only, and a Greek reader types words without their tonos as often as with it.
 */
const ACCENTED_GREEK = /\p{Script=Greek}\p{M}*/gu;

/**
 * Text as the word index stores it: characters of unspaced scripts separated by spaces, so the
 * unicode61 tokenizer makes each one a token; Greek accents removed. Everything else is left as
 * it is (the tokenizer folds case and Latin diacritics). Queries go through the same function.
 *
 * @example
 * segmentForIndex('東京で地震 in Tokyo'); // ' 東  京  で  地  震  in Tokyo'
 */
export function segmentForIndex(text: string): string {
  return text
    .replace(UNSPACED_CHAR, (c) => ` ${c} `)
    .replace(ACCENTED_GREEK, (c) => c.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC'));
}

/** One search term: a word (or the start of one, `prefix`), or a phrase of consecutive tokens. */
export interface SearchTerm {
  /** Tokens in order, lower case as typed (the engines fold case and diacritics themselves). */
  tokens: string[];
  /** `word*`: matches words starting with the (last) token. */
  prefix: boolean;
  /** Tokens of unspaced scripts: matched as a substring of the text, not as whole words. */
  unspaced: boolean;
}

/**
 * Parses what the user typed: words are ANDed; `"a quoted phrase"` matches those words in a row;
 * `word*` matches words that start with `word`; punctuation separates words (as the index does).
 * Returns no terms for text without a letter or digit.
 *
 * @example
 * parseSearchText('bridge "harbour street" reopen*');
 * // [{ tokens: ['bridge'] ... }, { tokens: ['harbour', 'street'] ... }, { tokens: ['reopen'], prefix: true ... }]
 */
export function parseSearchText(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const parts = text.match(/"[^"]*"?|[^\s"]+/g) ?? [];
  for (const part of parts) {
    const quoted = part.startsWith('"');
    const body = quoted ? part.replace(/^"|"$/g, '') : part;
    const prefix = !quoted && body.endsWith('*');
    const chunks = quoted ? [body] : body.split(/(?<=\*)/);
    for (const chunk of chunks) {
      const words = segmentForIndex(chunk.toLowerCase()).match(TOKEN_RUN) ?? [];
      if (words.length === 0) continue;
      const unspaced = words.some((w) => UNSPACED_TEST.test(w));
      if (quoted || unspaced || words.length > 1) {
        terms.push({ tokens: words, prefix: prefix && !unspaced && chunk.endsWith('*'), unspaced });
      } else {
        terms.push({ tokens: words, prefix: chunk.endsWith('*'), unspaced: false });
      }
    }
  }
  return terms;
}

/**
 * The FTS5 MATCH expression of parsed terms: each term a quoted string (a phrase when it has
 * several tokens), `*` for a prefix, all ANDed. Quoting every token means nothing the user types
 * is read as FTS5 syntax (`NEAR`, `-`, `:` or an unbalanced quote cannot cause a syntax error).
 *
 * @example
 * ftsMatchExpression(parseSearchText('bridge reopen*')); // '"bridge" AND "reopen"*'
 */
export function ftsMatchExpression(terms: readonly SearchTerm[]): string {
  return terms.map((t) => `"${t.tokens.join(' ').replace(/"/g, '""')}"${t.prefix ? '*' : ''}`).join(' AND ');
}

/**
 * A term as the text to look for in a document: unspaced-script tokens joined without spaces
 * (they were one word), others with one space (a phrase).
 */
export function termText(term: SearchTerm): string {
  return term.tokens.join(term.unspaced ? '' : ' ');
}
