/**
 * Which archived records go through the page-processing step, and why the others do not. Pure:
 * the reader hands over what it parsed, this decides.
 */

/** Filters of a backfill run (all optional; an absent filter lets everything through). */
export interface BackfillFilters {
  /**
   * Publisher hosts: a record's host must be one of these or a subdomain of one (`www.` is ignored
   * on both sides).
   */
  hosts?: readonly string[];
  /** Primary language subtags (`en`, `de`): the extracted article's language must be one of them. */
  languages?: readonly string[];
  /** Capture time (`WARC-Date`) at or after this instant (ISO 8601; a date alone is its midnight UTC). */
  from?: string;
  /** Capture time before the end of this day (a date) or at or before this instant. */
  to?: string;
}

/** The parts of a record the decision reads. */
export interface RecordFacts {
  type: string;
  targetUri?: string;
  date?: string;
  http?: { status: number; headers: Record<string, string>; body: Uint8Array };
}

/** What to do with one record. */
export type RecordDecision =
  | { kind: 'process'; url: string; fetchedAt: string; contentType?: string }
  | { kind: 'skip'; reason: string; detail: string }
  /** Not a page at all (warcinfo, request, metadata...): counted, not reported as skipped. */
  | { kind: 'other' };

const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\b/i;
/** How far into an untyped body to look for markup that says HTML. */
const SNIFF_BYTES = 512;
const HTML_START = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b/i;

/**
 * Decides whether a record is a page to process: a `response` with an HTTP 200 and an HTML body,
 * whose URL and capture time pass the filters. `revisit` records (a capture identical to an
 * earlier one, without a body), other statuses and other media types are skipped with a reason.
 *
 * @example
 * decideRecord({ type: 'revisit', targetUri: 'https://a.example/x' }, {}); // { kind: 'skip', reason: 'revisit', ... }
 */
export function decideRecord(record: RecordFacts, filters: BackfillFilters): RecordDecision {
  if (record.type === 'revisit')
    return {
      kind: 'skip',
      reason: 'revisit',
      detail: 'revisit record: no body (same as an earlier capture)',
    };
  if (record.type !== 'response') return { kind: 'other' };
  const url = record.targetUri?.trim();
  let parsed: URL | undefined;
  try {
    parsed = url ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!url || !parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    return { kind: 'skip', reason: 'no-url', detail: `no http(s) WARC-Target-URI (${url ?? 'none'})` };
  if (!record.http)
    return { kind: 'skip', reason: 'not-http', detail: 'the record does not hold an HTTP response' };
  if (record.http.status !== 200)
    return {
      kind: 'skip',
      reason: `status-${record.http.status}`,
      detail: `HTTP ${record.http.status}, not 200`,
    };
  const contentType = record.http.headers['content-type'];
  if (contentType ? !HTML_TYPE.test(contentType) : !looksLikeHtml(record.http.body))
    return { kind: 'skip', reason: 'not-html', detail: `not HTML (${contentType ?? 'no Content-Type'})` };
  if (filters.hosts && !hostMatches(parsed.hostname, filters.hosts))
    return {
      kind: 'skip',
      reason: 'host-filtered',
      detail: `${parsed.hostname} is not a selected publisher`,
    };
  const captured = record.date ? Date.parse(record.date) : Number.NaN;
  if (!Number.isFinite(captured))
    return { kind: 'skip', reason: 'no-date', detail: `no valid WARC-Date (${record.date ?? 'none'})` };
  if (!inDateRange(captured, filters))
    return {
      kind: 'skip',
      reason: 'date-filtered',
      detail: `captured ${record.date}, outside the date range`,
    };
  return { kind: 'process', url, fetchedAt: new Date(captured).toISOString(), contentType };
}

/** Whether the extracted language passes the language filter (undefined: no language filter). */
export function languageRejection(
  language: string | undefined,
  filters: BackfillFilters,
): { reason: string; detail: string } | undefined {
  if (!filters.languages?.length) return undefined;
  const primary = language?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary && filters.languages.some((l) => l.trim().toLowerCase() === primary)) return undefined;
  return {
    reason: 'language-filtered',
    detail: `language ${language ?? 'unknown'} is not one of ${filters.languages.join(', ')}`,
  };
}

/** Host equality or subdomain, ignoring a leading `www.` and letter case. */
export function hostMatches(host: string, selected: readonly string[]): boolean {
  const h = stripWww(host.toLowerCase());
  return selected.some((s) => {
    const wanted = stripWww(s.trim().toLowerCase());
    return wanted !== '' && (h === wanted || h.endsWith(`.${wanted}`));
  });
}

function stripWww(host: string): string {
  return host.startsWith('www.') && host.slice(4).includes('.') ? host.slice(4) : host;
}

function inDateRange(capturedMs: number, filters: BackfillFilters): boolean {
  if (filters.from !== undefined && capturedMs < boundMs(filters.from, 'start')) return false;
  if (filters.to !== undefined && capturedMs > boundMs(filters.to, 'end')) return false;
  return true;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A filter bound in ms; a date alone covers its whole UTC day. Throws on text that is not a date,
 * which {@link checkBackfillFilters} reports before a run starts.
 */
function boundMs(text: string, side: 'start' | 'end'): number {
  const ms = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${text}`);
  return DATE_ONLY.test(text) && side === 'end' ? ms + 86_400_000 - 1 : ms;
}

/** Problems with the filters, each naming the option and the value (empty when fine). */
export function checkBackfillFilters(filters: BackfillFilters): string[] {
  const problems: string[] = [];
  for (const [name, value] of [
    ['from', filters.from],
    ['to', filters.to],
  ] as const) {
    if (
      value !== undefined &&
      !Number.isFinite(Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value))
    )
      problems.push(`--${name} ${JSON.stringify(value)} is not a date (use YYYY-MM-DD or an ISO 8601 time)`);
  }
  if (
    problems.length === 0 &&
    filters.from &&
    filters.to &&
    boundMs(filters.from, 'start') > boundMs(filters.to, 'end')
  )
    problems.push(`--from ${filters.from} is after --to ${filters.to}`);
  for (const host of filters.hosts ?? [])
    if (!/^[a-z0-9.-]+$/i.test(host.trim())) problems.push(`host ${JSON.stringify(host)} is not a host name`);
  return problems;
}

function looksLikeHtml(body: Uint8Array): boolean {
  const start = new TextDecoder('latin1').decode(body.subarray(0, SNIFF_BYTES));
  return HTML_START.test(start);
}
