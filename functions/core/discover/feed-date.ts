/**
 * Dates as feeds and sitemaps write them: RFC 822/2822 (`Tue, 24 Nov 2026 10:00:00 GMT`, RSS)
 * and ISO 8601 / RFC 3339 / W3C datetime (`2026-11-24T10:00:00+01:00`, Atom, JSON Feed,
 * sitemaps). Parsed by hand rather than with `Date.parse`, whose handling of non-ISO strings is
 * implementation-defined and silently uses the machine's local time zone.
 */

/** Earliest and latest plausible years: feeds carry `0001-01-01` and `9999-12-31` sentinels. */
const MIN_PLAUSIBLE_YEAR = 1900;
const MAX_PLAUSIBLE_YEAR = 2200;

/** Two-digit years below this are 20xx, others 19xx (RFC 2822 section 4.3). */
const TWO_DIGIT_YEAR_PIVOT = 50;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Named zones seen in RSS dates, as minutes east of UTC (RFC 822 ones plus common extras). */
const ZONE_OFFSETS_MIN: Readonly<Record<string, number>> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const RFC822_DATE =
  /^(?:[a-z]+,?\s+)?(\d{1,2})[\s-]+([a-z]+)\.?[\s-]+(\d{2}|\d{4})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([a-z]+|[+-]\d{2}:?\d{2})?(?:\s*\(.*\))?$/i;

/**
 * Parses a feed or sitemap date; returns ISO 8601 in UTC (`2026-11-24T09:00:00.000Z`) or
 * `undefined` when the text is not a recognisable, valid, plausible date. A date without a time
 * zone is taken as UTC (sitemaps often omit it; there is nothing better to assume).
 *
 * @example parseFeedDate('Tue, 24 Nov 2026 10:00:00 +0100') // → '2026-11-24T09:00:00.000Z'
 */
export function parseFeedDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return undefined;
  return parseIso(trimmed) ?? parseRfc822(trimmed);
}

function parseIso(text: string): string | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), fraction, zoneOffsetMin(m[8]));
}

function parseRfc822(text: string): string | undefined {
  const m = RFC822_DATE.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2].toLowerCase().slice(0, 3)];
  if (month === undefined) return undefined;
  let year = +m[3];
  if (m[3].length === 2) year += year < TWO_DIGIT_YEAR_PIVOT ? 2000 : 1900;
  return build(year, month, +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0, zoneOffsetMin(m[7]));
}

/** Minutes east of UTC for `Z`, `+01:00`, `+0100`, `+01` or a named zone; `undefined` if unknown. */
function zoneOffsetMin(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = +numeric[2] * 60 + +(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  return ZONE_OFFSETS_MIN[zone.toLowerCase()];
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMin: number | undefined,
): string | undefined {
  if (offsetMin === undefined) return undefined;
  if (year < MIN_PLAUSIBLE_YEAR || year > MAX_PLAUSIBLE_YEAR) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  // Reject 31 February and friends, which Date.UTC silently rolls over into March.
  if (new Date(local).getUTCDate() !== day && hour !== 24) return undefined;
  return new Date(local - offsetMin * 60_000).toISOString();
}
