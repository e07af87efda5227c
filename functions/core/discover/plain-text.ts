/**
 * Turns a feed title into plain text. Titles arrive as HTML more often than the formats allow
 * (Atom `type="html"`, RSS titles with escaped markup, double-escaped entities, and RSS 0.91
 * feeds using the HTML entities their DTD declared), and we show and match them as text.
 */

/** Named HTML entities that feeds actually use and that are not letters with diacritics. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  bull: '•',
  middot: '·',
  deg: '°',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  times: '×',
  divide: '÷',
  iexcl: '¡',
  iquest: '¿',
  szlig: 'ß',
  aelig: 'æ',
  AElig: 'Æ',
  oelig: 'œ',
  OElig: 'Œ',
  oslash: 'ø',
  Oslash: 'Ø',
  eth: 'ð',
  ETH: 'Ð',
  thorn: 'þ',
  THORN: 'Þ',
  shy: '',
};

/** Entity suffixes that mean "base letter + combining mark" (`&eacute;` = e + U+0301). */
const COMBINING_MARKS: Readonly<Record<string, string>> = {
  acute: '\u0301',
  grave: '\u0300',
  circ: '\u0302',
  uml: '\u0308',
  tilde: '\u0303',
  cedil: '\u0327',
  ring: '\u030A',
  caron: '\u030C',
};

/** Decodes numeric and common named HTML entities; unknown ones are left as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X'
          ? Number.parseInt(body.slice(2), 16)
          : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) return named;
    const accented = /^([A-Za-z])(acute|grave|circ|uml|tilde|cedil|ring|caron)$/.exec(body);
    if (accented) return `${accented[1]}${COMBINING_MARKS[accented[2]]}`.normalize('NFC');
    return whole;
  });
}

/**
 * Plain text of a possibly-HTML title: tags removed, entities decoded (twice, for the
 * double-escaped `&amp;#8217;` that CMS feeds emit), whitespace collapsed; `undefined` if empty.
 */
export function toPlainText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Raw XML titles may hold CDATA sections; their content is text (often with HTML markup).
  let plain = text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  plain = decodeHtmlEntities(plain);
  if (/<[A-Za-z/!]/.test(plain)) plain = plain.replace(/<!--[\s\S]*?-->|<\/?[A-Za-z][^>]*>/g, ' ');
  plain = decodeHtmlEntities(plain).replace(/\s+/g, ' ').trim();
  return plain === '' ? undefined : plain;
}
