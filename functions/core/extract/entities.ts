/**
 * HTML entity decoding for metadata strings. Attribute values and text are decoded by the
 * parser, but publishers also ship entities inside JSON-LD strings and double-encode meta tags
 * (`zerst&amp;ouml;ren`), so titles and names are decoded once more here.
 */

/** Latin-1 entity names, in code point order from U+00A0. */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(
    ' ',
  );

/** Other named entities seen in titles and bylines. */
const OTHER: Record<string, number> = {
  amp: 0x26,
  lt: 0x3c,
  gt: 0x3e,
  quot: 0x22,
  apos: 0x27,
  OElig: 0x152,
  oelig: 0x153,
  Scaron: 0x160,
  scaron: 0x161,
  Yuml: 0x178,
  Zcaron: 0x17d,
  zcaron: 0x17e,
  fnof: 0x192,
  circ: 0x2c6,
  tilde: 0x2dc,
  ensp: 0x2002,
  emsp: 0x2003,
  thinsp: 0x2009,
  zwnj: 0x200c,
  zwj: 0x200d,
  lrm: 0x200e,
  rlm: 0x200f,
  ndash: 0x2013,
  mdash: 0x2014,
  lsquo: 0x2018,
  rsquo: 0x2019,
  sbquo: 0x201a,
  ldquo: 0x201c,
  rdquo: 0x201d,
  bdquo: 0x201e,
  dagger: 0x2020,
  Dagger: 0x2021,
  bull: 0x2022,
  hellip: 0x2026,
  permil: 0x2030,
  prime: 0x2032,
  Prime: 0x2033,
  lsaquo: 0x2039,
  rsaquo: 0x203a,
  euro: 0x20ac,
  trade: 0x2122,
  larr: 0x2190,
  rarr: 0x2192,
};

const NAMED = new Map<string, number>(Object.entries(OTHER));
LATIN1_NAMES.forEach((name, i) => NAMED.set(name, 0xa0 + i));

function fromCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,7}));?/g;

/**
 * Decodes numeric and named HTML entities; `&amp;ouml;` (double-encoded) becomes `ö`. Unknown
 * names are left as they are.
 *
 * @example
 * decodeEntities('zerst&ouml;ren &amp; bauen') // 'zerstören & bauen'
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = text;
  // Two rounds undo one level of double encoding, never more (a title about "&amp;" stays sane).
  for (let round = 0; round < 2 && out.includes('&'); round++) {
    out = out.replace(ENTITY, (whole, dec: string, hex: string, name: string) => {
      if (dec) return fromCodePoint(Number(dec)) ?? '';
      if (hex) return fromCodePoint(Number.parseInt(hex, 16)) ?? '';
      const code = NAMED.get(name);
      // Named entities need their semicolon except the legacy few browsers accept without it.
      if (code === undefined || (!whole.endsWith(';') && !['amp', 'lt', 'gt', 'quot', 'nbsp'].includes(name)))
        return whole;
      return String.fromCodePoint(code);
    });
  }
  return out;
}
