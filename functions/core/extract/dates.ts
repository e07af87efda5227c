/**
 * Date normalisation: every date we output is ISO 8601 with an explicit offset.
 */

/** Dates outside this range are parsing accidents (epoch zero, placeholder years). */
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

const pad = (n: number): string => String(n).padStart(2, '0');

function offsetOf(zone: string | undefined): string {
  if (!zone || /^(?:z|utc|gmt)$/i.test(zone)) return '+00:00';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return '+00:00';
  return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
}

/**
 * Normalises a date string to `YYYY-MM-DDTHH:MM:SS±HH:MM`. The page's own offset is kept;
 * a date without time or zone is taken as midnight UTC. Returns undefined for anything that is
 * not a plausible date.
 *
 * @example
 * normalizeDate('2019-11-19T13:05:00.000Z') // '2019-11-19T13:05:00+00:00'
 * normalizeDate('2019-11-19 13:05:00+0100') // '2019-11-19T13:05:00+01:00'
 */
export function normalizeDate(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!text || text.length > 64) return undefined;
  const m = ISO_LIKE.exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (
      year < MIN_YEAR ||
      year > MAX_YEAR ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > 31 ||
      hour > 24 ||
      minute > 59 ||
      second > 60
    )
      return undefined;
    return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offsetOf(m[7])}`;
  }
  if (/^\d{10}(?:\d{3})?$/.test(text)) return fromEpoch(Number(text));
  // RFC 2822 and other forms Date understands; they carry a zone or are read as UTC.
  if (!/\d{4}/.test(text) || !/[a-z]/i.test(text)) return undefined;
  const ms = Date.parse(/(?:[+-]\d{4}|gmt|utc|z|[ecmp][sd]t)\s*$/i.test(text) ? text : `${text} UTC`);
  if (!Number.isFinite(ms)) return undefined;
  return fromEpoch(ms);
}

function fromEpoch(value: number): string | undefined {
  const ms = value < 1e11 ? value * 1000 : value;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(year) || year < MIN_YEAR || year > MAX_YEAR) return undefined;
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

/** Month names and abbreviations in the languages of the web, to month number. */
const MONTHS: Record<string, number> = {};
(
  [
    [
      'january jan janv januar janvier enero gennaio janeiro januari januar stycznia styczeń leden ocak ianuarie январь января jänner',
      1,
    ],
    [
      'february feb févr fevr febr februar février fevrier febrero febbraio fevereiro februari lutego luty únor şubat februarie февраль февраля feber',
      2,
    ],
    ['march mar märz maerz mars marzo março maart marca marzec březen mart martie март марта', 3],
    ['april apr avr avril abril aprile kwietnia kwiecień duben nisan aprilie апрель апреля', 4],
    ['may mai mayo maggio maio mei maja maj květen mayıs май мая', 5],
    ['june jun juni juin junio giugno junho czerwca czerwiec červen haziran iunie июнь июня', 6],
    ['july jul juil juli juillet julio luglio julho lipca lipiec červenec temmuz iulie июль июля', 7],
    [
      'august aug août aout agosto augustus sierpnia sierpień srpen ağustos augusti august авгус август августа',
      8,
    ],
    [
      'september sep sept septembre septiembre settembre setembro września wrzesień září eylül septembrie сентябрь сентября',
      9,
    ],
    [
      'october oct oktober octobre octubre ottobre outubro oktober października październik říjen ekim octombrie октябрь октября',
      10,
    ],
    ['november nov novembre noviembre novembro listopada listopad kasım noiembrie ноябрь ноября', 11],
    [
      'december dec déc dez dezember décembre decembre diciembre dicembre dezembro grudnia grudzień prosinec aralık decembrie декабрь декабря',
      12,
    ],
  ] as const
).forEach(([names, month]) => {
  for (const name of names.split(' ')) MONTHS[name] = month;
});

/** Whether a word is a month name or abbreviation ("June", "Juni", "sept."). */
export function isMonthName(word: string): boolean {
  return MONTHS[word.toLowerCase().replace(/[.,]$/, '')] !== undefined;
}

/** Time-zone abbreviations printed after visible times, to their offset. */
const ZONES: Record<string, string> = {
  utc: '+00:00',
  gmt: '+00:00',
  wet: '+00:00',
  bst: '+01:00',
  west: '+01:00',
  cet: '+01:00',
  mez: '+01:00',
  cest: '+02:00',
  mesz: '+02:00',
  eet: '+02:00',
  eest: '+03:00',
  msk: '+03:00',
  ist: '+05:30',
  jst: '+09:00',
  kst: '+09:00',
  est: '-05:00',
  edt: '-04:00',
  cst: '-06:00',
  cdt: '-05:00',
  mst: '-07:00',
  mdt: '-06:00',
  pst: '-08:00',
  pdt: '-07:00',
  aest: '+10:00',
  aedt: '+11:00',
};

const MONTH_WORD = '(\\p{L}{3,}\\.?)';
/** 13 June 2024, 13. Juni 2024, 13 de junio de 2024 */
const DAY_MONTH_YEAR = new RegExp(`(\\d{1,2})\\.?\\s+(?:de\\s+)?${MONTH_WORD},?\\s+(?:de\\s+)?(\\d{4})`, 'u');
/** June 13, 2024 */
const MONTH_DAY_YEAR = new RegExp(`${MONTH_WORD}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, 'u');
/** 28.04.2023, 28/04/2023, 28-04-2023 (day first) */
const NUMERIC_DMY = /(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)/;
/** 2026.01.29, 2026/01/29, 2026-01-29, 2026년 1월 29일, 2026年1月29日 */
const NUMERIC_YMD = /(?<!\d)(\d{4})\s*[./\-년年]\s*(\d{1,2})\s*[./\-월月]\s*(\d{1,2})(?!\d)/u;
/** 9:30 p.m., 21:30, 21.30 Uhr, 9h30, kl. 09:00 */
const TIME =
  /(?<![\d.])(\d{1,2})(?:[:h]|\.(?=\d{2}\s*(?:uhr|h)\b))(\d{2})(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?(?:\s*(?:uhr|h))?(?:\s*\(?([A-Za-z]{3,4})\)?(?![\p{L}]))?/iu;

/**
 * Parses a date written for people ("June 13, 2024, 9:30 p.m.", "28.04.2023", "13. Juni 2024
 * um 07:39 Uhr", "2026.01.29 18:40"). The zone is taken from an abbreviation after the time
 * (CET, EDT...) or an explicit offset; without one the time is taken as UTC, the same convention
 * as {@link normalizeDate} for zone-less values. Numeric dates are read day first, except
 * year-first forms.
 *
 * @example
 * parseTextDate('By Ann Lee · June 13, 2024, 9:30 p.m. EDT') // '2024-06-14T01:30:00+00:00'
 * parseTextDate('28.04.2023') // '2023-04-28T00:00:00+00:00'
 */
export function parseTextDate(text: string): string | undefined {
  if (!text || text.length > 200 || !/\d{4}/.test(text)) return undefined;
  const lower = text.toLowerCase();
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let rest = lower;
  let m = NUMERIC_YMD.exec(lower);
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!m) {
    m = DAY_MONTH_YEAR.exec(lower);
    const mon = m ? MONTHS[m[2].replace(/\.$/, '')] : undefined;
    if (m && mon) [day, month, year] = [Number(m[1]), mon, Number(m[3])];
    else m = null;
  }
  if (!m) {
    m = MONTH_DAY_YEAR.exec(lower);
    const mon = m ? MONTHS[m[1].replace(/\.$/, '')] : undefined;
    if (m && mon) [month, day, year] = [mon, Number(m[2]), Number(m[3])];
    else m = null;
  }
  if (!m) {
    m = NUMERIC_DMY.exec(lower);
    if (m) {
      let [d, mo] = [Number(m[1]), Number(m[2])];
      // "04/28/2023" can only be month first.
      if (mo > 12 && d <= 12) [d, mo] = [mo, d];
      [day, month, year] = [d, mo, Number(m[3])];
    }
  }
  if (!m || year === undefined || month === undefined || day === undefined) return undefined;
  rest = lower.slice(0, m.index) + ' ' + lower.slice(m.index + m[0].length);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let offset = '+00:00';
  const t = TIME.exec(rest);
  if (t) {
    hour = Number(t[1]);
    minute = Number(t[2]);
    second = Number(t[3] ?? 0);
    const meridiem = t[4]?.replace(/[\s.]/g, '');
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    const zone = t[5] ? ZONES[t[5].toLowerCase()] : undefined;
    if (zone) offset = zone;
    const explicit = /(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\b/.exec(rest.slice(t.index + t[0].length));
    if (!zone && explicit) offset = `${explicit[1]}${pad(Number(explicit[2]))}:${explicit[3] ?? '00'}`;
  }
  const iso = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`;
  const normalized = normalizeDate(iso);
  if (!normalized) return undefined;
  // Day 31 of a 30-day month and the like are not dates.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1) return undefined;
  return offset === '+00:00' ? normalized : utcOf(normalized);
}

/** Same instant, written in UTC (visible times with a zone abbreviation are stored that way). */
function utcOf(iso: string): string {
  return fromEpoch(Date.parse(iso)) ?? iso;
}
