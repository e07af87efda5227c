import type { SearchTerm } from './search-terms';
import { termText } from './search-terms';

/** Characters of text a search hit shows around its matches. */
export const SNIPPET_MAX_CHARS = 240;
/** Characters shown before the first match of the chosen window. */
const SNIPPET_LEAD_CHARS = 60;

/** A snippet of an article's text: plain text and where the matched words are in it. */
export interface Snippet {
  text: string;
  /** Matched words in `text`, in order: [start, end) offsets in UTF-16 code units. */
  highlights: Array<{ start: number; end: number }>;
}

/**
 * Text folded for matching (NFKD, marks removed, lower case: what the index's unicode61 tokenizer
 * with `remove_diacritics` compares) with, for each folded unit, the range it came from.
 */
function fold(text: string): { folded: string; start: number[]; end: number[] } {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    for (let k = 0; k < f.length; k++) {
      start.push(i);
      end.push(i + ch.length);
    }
    folded += f;
    i += ch.length;
  }
  return { folded, start, end };
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Every match of the terms in `text` as [start, end, term index] in original offsets. */
function findMatches(text: string, terms: readonly SearchTerm[]): Array<[number, number, number]> {
  const { folded, start, end } = fold(text);
  const matches: Array<[number, number, number]> = [];
  terms.forEach((term, index) => {
    const needles = term.unspaced ? [termText(term)] : term.tokens;
    for (const [n, raw] of needles.entries()) {
      const needle = fold(raw).folded;
      if (!needle) continue;
      const prefix = term.prefix && n === needles.length - 1;
      for (let at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + 1)) {
        const after = at + needle.length;
        if (!term.unspaced && isWordChar(folded[at - 1])) continue;
        let stop = after;
        if (!term.unspaced) {
          if (prefix) while (isWordChar(folded[stop])) stop++;
          else if (isWordChar(folded[after])) continue;
        }
        matches.push([start[at], end[stop - 1], index]);
      }
    }
  });
  return matches.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}

/**
 * The part of `text` that best shows why it matched: the window of about
 * {@link SNIPPET_MAX_CHARS} characters holding the most distinct terms (the earliest such),
 * cut at spaces, with `…` where text was left out, and the matched words' offsets in it. Text
 * without a match (the title matched) gives its beginning.
 *
 * @example
 * makeSnippet('The bridge reopened on Monday.', parseSearchText('reopen*'));
 * // { text: 'The bridge reopened on Monday.', highlights: [{ start: 11, end: 19 }] }
 */
export function makeSnippet(
  text: string,
  terms: readonly SearchTerm[],
  maxChars = SNIPPET_MAX_CHARS,
): Snippet {
  const matches = findMatches(text, terms);
  let from = 0;
  if (matches.length > 0) {
    let best = -1;
    for (const [s] of matches) {
      const windowStart = Math.max(0, s - SNIPPET_LEAD_CHARS);
      const distinct = new Set(
        matches.filter(([ms, me]) => ms >= windowStart && me <= windowStart + maxChars).map((m) => m[2]),
      ).size;
      if (distinct > best) {
        best = distinct;
        from = windowStart;
      }
    }
  }
  let to = Math.min(text.length, from + maxChars);
  // Cut at spaces so no word is shown in part (unless a single word is longer than the margin).
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space >= 0 && space < from + 20) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > from + 20) to = space;
  }
  const lead = from > 0 ? '… ' : '';
  const body = text.slice(from, to).replace(/\s+/g, ' ');
  // Offsets shift when whitespace runs are collapsed: map them through the same collapse.
  const shift = (offset: number) => text.slice(from, offset).replace(/\s+/g, ' ').length + lead.length;
  const highlights: Snippet['highlights'] = [];
  for (const [s, e] of matches) {
    if (s < from || e > to) continue;
    const range = { start: shift(s), end: shift(e) };
    const last = highlights[highlights.length - 1];
    if (last && range.start < last.end) continue;
    highlights.push(range);
  }
  return { text: `${lead}${body}${to < text.length ? ' …' : ''}`, highlights };
}
