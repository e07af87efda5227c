/**
 * Whitespace and character normalisation shared by the extraction steps.
 */

/**
 * Runs of whitespace (incl. NBSP and zero-width) that are not already a single plain space.
 * Leaving lone spaces unmatched makes the replace several times faster on ordinary text.
 */
const WHITESPACE_RUN =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: zero-width characters are matched one by one on purpose; collapsing them is the point
  / [\s\u200b\u200c\u200d\ufeff]+|[\t\n\r\f\v\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff][\s\u200b\u200c\u200d\ufeff]*/g;

/** Collapses runs of whitespace to one space and trims the ends. */
export function normalizeSpace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim();
}

/** Any character outside ASCII: only such text can change under NFKC. */
const NON_ASCII = /[^\x00-\x7f]/;

/** Form used to compare paragraphs for repeats: NFKC, case folded, whitespace collapsed. */
export function comparableText(text: string): string {
  // NFKC is the expensive part and a no-op on ASCII, which most paragraphs are.
  const folded = NON_ASCII.test(text) ? text.normalize('NFKC') : text;
  return normalizeSpace(folded.toLowerCase());
}

/** Number of clause separators (Latin, CJK and Arabic commas): a cheap sign of real prose. */
export function countCommas(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0xff0c || c === 0x3001 || c === 0x060c || c === 0x3002) count++;
  }
  return count;
}

/** True when the text ends like a sentence (Latin, CJK, Arabic, Devanagari punctuation or a closing quote). */
export function endsLikeSentence(text: string): boolean {
  return /[.!?。！？…:;"'”’»)\u0964\u06d4]$/.test(text);
}

/**
 * Length of the text measured in "Latin-equivalent" characters: CJK ideographs and kana carry a
 * word each, so they count triple; otherwise Chinese and Japanese paragraphs look three times
 * shorter than they are against length thresholds tuned on alphabetic scripts.
 */
export function weightedLength(text: string): number {
  let extra = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af))
      extra += 2;
  }
  return text.length + extra;
}
