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
