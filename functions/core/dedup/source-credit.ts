/**
 * Source credits in article text: wire datelines ("KYIV (Reuters) -") and credit lines
 * ("Source: The Herald", "This article first appeared on Example News"). Used only to break ties
 * when choosing the likely origin of a syndicated story. Pure: no I/O.
 */

/** Paragraphs at each end of the article searched for credit lines (they sit at top or bottom). */
export const CREDIT_SEARCH_PARAGRAPHS = 3;

/** Longest credited name we accept; longer matches are sentences, not names. */
const MAX_CREDIT_NAME_CHARS = 60;

/**
 * Dateline: an upper-case place (optionally with a region), then the agency in parentheses, then
 * a dash or colon: "KYIV (Reuters) -", "WASHINGTON, D.C. (AP) —".
 */
const DATELINE = /^[A-Z][A-Z .,'’-]{1,50}\(([^()]{2,60})\)\s*[-–—:]/u;

/** Credit lines naming where the text came from. */
const CREDIT_LINE =
  /^(?:source|sources|via|courtesy of|originally published (?:by|on|in|at)|(?:this|the) (?:article|story|report) (?:was )?(?:first |originally )?(?:appeared|published|reprinted) (?:on|in|by|at|with permission (?:from|of)))\s*:?\s*(.+?)\.?$/iu;

/**
 * Names the article credits as its source, lower-cased, in the order found.
 * @example
 * creditedSources(['KYIV (Reuters) - Three people ...', '...']) // => ['reuters']
 */
export function creditedSources(paragraphTexts: readonly string[]): string[] {
  const found: string[] = [];
  const n = paragraphTexts.length;
  const indexes = new Set<number>();
  for (let i = 0; i < Math.min(CREDIT_SEARCH_PARAGRAPHS, n); i++) {
    indexes.add(i);
    indexes.add(n - 1 - i);
  }
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const text = paragraphTexts[i].trim();
    const dateline = i === 0 ? DATELINE.exec(text) : null;
    if (dateline) found.push(dateline[1]);
    const credit = CREDIT_LINE.exec(text);
    if (credit) found.push(credit[1]);
  }
  return [
    ...new Set(found.map(simplifyName).filter((s) => s.length > 1 && s.length <= MAX_CREDIT_NAME_CHARS)),
  ];
}

/** Lower-case letters and digits only ("The Herald-Sun" -> "theheraldsun"). */
export function simplifyName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Host labels that say nothing about the publisher. */
const GENERIC_HOST_LABELS = new Set([
  'www',
  'm',
  'amp',
  'news',
  'com',
  'org',
  'net',
  'co',
  'uk',
  'au',
  'de',
  'fr',
  'in',
  'edition',
]);

/**
 * Whether a credited name (from {@link creditedSources}) designates a publisher with this host
 * and site name. "reuters" matches host www.reuters.com; "theherald" matches site name "The Herald".
 */
export function creditMatches(credit: string, host: string, siteName?: string): boolean {
  if (!credit) return false;
  if (siteName) {
    const site = simplifyName(siteName);
    if (site && (site === credit || stripThe(site) === stripThe(credit))) return true;
  }
  const labels = host
    .toLowerCase()
    .split('.')
    .filter((l) => l && !GENERIC_HOST_LABELS.has(l));
  return labels.some((label) => simplifyName(label) === credit || simplifyName(label) === stripThe(credit));
}

function stripThe(name: string): string {
  return name.startsWith('the') && name.length > 5 ? name.slice(3) : name;
}
