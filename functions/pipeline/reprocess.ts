import { gunzipSync } from 'node:zlib';
import type { ArticleRecord, RawPageRef } from '../core/article';
import { cleanKey as cleanKeyOf } from '../core/archive-keys';
import { describeError, InvalidInputError } from '../errors';
import type { ArchiveStore } from '../ports/archive-store';
import type { PipelineDeps } from './deps';
import { processPage } from './process-page';

/**
 * Reprocessing: re-runs extraction and dedup over the raw pages already archived (after an
 * extractor upgrade or newly learned boilerplate), without fetching anything.
 *
 * Articles are enumerated through their clean copies, `clean/dt=<article day>/host=<host>/<id>.json`
 * (raw bundles hold pages of many hosts and articles under keys that name neither, so they cannot
 * be listed by host or article). Each article's record says where its current raw page sits
 * (`rawKey` and the member's range), which is read with one ranged GET; older fetches of an
 * article stay in their bundles and are never visited, so reprocessing never rolls an article
 * back to an earlier version. Keys are visited in lexicographic order, which makes "the last key
 * done" a complete checkpoint.
 */

/** Which articles to reprocess: by article day (the clean-copy partition) and host. */
export interface ReprocessFilter {
  host?: string;
  /** First article day, inclusive (YYYY-MM-DD): the day of publication, or of fetching when unknown. */
  from?: string;
  /** Last article day, inclusive (YYYY-MM-DD). */
  to?: string;
}

/** Where a run records the last key it finished, so a killed run continues after it. */
export interface ReprocessCheckpointStore {
  load(runKey: string): Promise<string | undefined>;
  save(runKey: string, lastKey: string): Promise<void>;
  /** Called when a run completes: the next run starts from the beginning. */
  clear(runKey: string): Promise<void>;
}

/** What reprocessing one article (clean-copy key) did. */
export type ReprocessKeyOutcome =
  | { kind: 'stored'; articleId: string; textChanged: boolean }
  | { kind: 'superseded' | 'orphan' | 'missing'; detail: string }
  | { kind: 'now-skipped'; articleId: string; detail: string }
  | { kind: 'failed'; detail: string };

/** Totals of a run. */
export interface ReprocessSummary {
  /** Clean-copy keys matching the filter (after the checkpoint when resuming). */
  keys: number;
  stored: number;
  /**
   * Stored articles whose clean text differs from before: the extractor changed its mind, or dedup
   * now knows a paragraph as the host's boilerplate.
   */
  textChanged: number;
  /** Clean copies their article's record no longer points at (left behind when it moved day). */
  superseded: number;
  /** Clean copies without an article record, or whose raw page is missing. */
  orphan: number;
  /** Pages the extractor no longer accepts as articles; their old records and copies are kept. */
  nowSkipped: number;
  failed: Array<{ key: string; detail: string }>;
  /** Set when the run continued after a checkpoint. */
  resumedAfter?: string;
  /** False when the run was stopped (signal) before the last key. */
  complete: boolean;
}

/** Checkpoint after this many keys: a killed run redoes at most this many (idempotent) pages. */
export const CHECKPOINT_EVERY_KEYS = 20;
/** A day range longer than this is almost certainly a typo (ten years of daily partitions). */
const MAX_DAYS = 3_660;

const CLEAN_KEY_PATTERN = /^clean\/dt=(\d{4}-\d{2}-\d{2})\/host=([^/]+)\/([0-9a-f]{32})\.json$/;

/** Parts of a clean-copy key, or undefined for keys not in the clean layout. */
export function parseCleanKey(key: string): { day: string; hostSegment: string; articleId: string } | undefined {
  const m = CLEAN_KEY_PATTERN.exec(key);
  return m ? { day: m[1], hostSegment: m[2], articleId: m[3] } : undefined;
}

/** The host as it appears in clean keys (the archive layout's own escaping). */
function hostSegmentOf(host: string): string {
  return /\/host=([^/]+)\//.exec(cleanKeyOf('2000-01-01', host, 'x'))![1];
}

/** A stable name of the filter: checkpoints of different filters do not mix. */
export function reprocessRunKey(filter: ReprocessFilter): string {
  return `host=${filter.host ?? '*'};from=${filter.from ?? ''};to=${filter.to ?? ''}`;
}

/** Validates a filter; returns the days of a closed range (for per-day listing) or undefined. */
export function filterDays(filter: ReprocessFilter): string[] | undefined {
  for (const [name, value] of [['from', filter.from], ['to', filter.to]] as const) {
    if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new InvalidInputError(`${name} must be a day as YYYY-MM-DD, got "${value}"`);
    }
  }
  if (filter.host !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(filter.host)) throw new InvalidInputError(`host must be a host name, got "${filter.host}"`);
  if (filter.from === undefined || filter.to === undefined) return undefined;
  if (filter.from > filter.to) throw new InvalidInputError(`from (${filter.from}) is after to (${filter.to})`);
  const days: string[] = [];
  for (let t = Date.parse(`${filter.from}T00:00:00Z`); ; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > filter.to) break;
    days.push(day);
    if (days.length > MAX_DAYS) throw new InvalidInputError(`day range longer than ${MAX_DAYS} days`);
  }
  return days;
}

/**
 * Clean-copy keys (one per article) matching the filter, in lexicographic order, after
 * `startAfter`. A closed day range is listed one day prefix (and host prefix) at a time, so only
 * matching keys are listed.
 */
export async function* listArticleKeys(archive: ArchiveStore, filter: ReprocessFilter, startAfter?: string): AsyncGenerator<string> {
  const days = filterDays(filter);
  const host = filter.host === undefined ? undefined : hostSegmentOf(filter.host);
  const prefixes = days ? days.map((d) => `clean/dt=${d}/${host ? `host=${host}/` : ''}`) : ['clean/'];
  for (const prefix of prefixes) {
    // Skip whole day prefixes that end before the checkpoint.
    if (startAfter && `${prefix}\uffff` <= startAfter) continue;
    for await (const key of archive.list(prefix)) {
      if (startAfter && key <= startAfter) continue;
      const parts = parseCleanKey(key);
      if (!parts) continue;
      if (host && parts.hostSegment !== host) continue;
      if (filter.from && parts.day < filter.from) continue;
      if (filter.to && parts.day > filter.to) continue;
      yield key;
    }
  }
}

/**
 * Reads an article's current raw page: the member range of its bundle, or the whole object for
 * records written before bundling (no range). Undefined when the object or range is not there.
 */
export async function readRawPage(archive: ArchiveStore, record: ArticleRecord): Promise<{ body: Uint8Array; raw: RawPageRef } | undefined> {
  if (!record.rawKey) return undefined;
  if (record.rawOffset !== undefined && record.rawLength !== undefined) {
    const gz = await archive.getRange(record.rawKey, record.rawOffset, record.rawLength);
    if (!gz || gz.byteLength !== record.rawLength) return undefined;
    return { body: gunzipSync(gz), raw: { key: record.rawKey, offset: record.rawOffset, length: record.rawLength } };
  }
  const gz = await archive.get(record.rawKey);
  if (!gz) return undefined;
  return { body: gunzipSync(gz), raw: { key: record.rawKey, offset: 0, length: gz.byteLength } };
}

/**
 * Re-extracts and re-dedups the article of one clean-copy key from its archived raw page.
 * Idempotent: paragraph sightings are recorded once per article, first-seen is kept, and the same
 * text keeps its version, so running it twice writes the same bytes.
 */
export async function reprocessArticleKey(deps: PipelineDeps, key: string): Promise<ReprocessKeyOutcome> {
  const parts = parseCleanKey(key);
  if (!parts) return { kind: 'orphan', detail: `not a clean copy key: ${key}` };
  try {
    const record = await deps.index.getArticle(parts.articleId);
    if (!record) return { kind: 'orphan', detail: `no article ${parts.articleId} for ${key}` };
    if (record.cleanKey !== key) return { kind: 'superseded', detail: `article ${record.id} now lives at ${record.cleanKey}` };
    const page = await readRawPage(deps.archive, record);
    if (!page) return { kind: 'missing', detail: `raw page of article ${record.id} is gone (${record.rawKey ?? 'never archived'})` };
    const outcome = await processPage(
      deps,
      { url: record.url, body: page.body, contentType: record.rawContentType, fetchedAt: record.fetchedAt, raw: page.raw },
      { force: true },
    );
    if (outcome.kind === 'skipped') return { kind: 'now-skipped', articleId: record.id, detail: outcome.detail };
    // Dedup can change the clean text without the extraction changing (newly learned boilerplate).
    const after = await deps.index.getArticle(outcome.articleId);
    const textChanged = outcome.contentHash !== record.contentHash || after?.paragraphHashes.join() !== record.paragraphHashes.join();
    return { kind: 'stored', articleId: outcome.articleId, textChanged };
  } catch (error) {
    return { kind: 'failed', detail: describeError(error) };
  }
}

/** Options of {@link runReprocess}. */
export interface ReprocessOptions {
  filter: ReprocessFilter;
  checkpoint: ReprocessCheckpointStore;
  /** Ignore (and overwrite) a checkpoint left by an earlier, unfinished run of the same filter. */
  restart?: boolean;
  /** Stops after the key in progress (e.g. on Ctrl-C); the checkpoint is saved. */
  signal?: AbortSignal;
  progress?: {
    /** Called once with the number of keys to visit. */
    start?(total: number, resumedAfter?: string): void;
    keyDone?(key: string, outcome: ReprocessKeyOutcome): void;
  };
}

/**
 * Reprocesses every article matching the filter, one at a time in key order, checkpointing the
 * last key done every {@link CHECKPOINT_EVERY_KEYS} keys; resumes after the checkpoint of an
 * unfinished run of the same filter unless `restart`.
 *
 * @example
 * const summary = await runReprocess(deps, { filter: { host: 'example.com' }, checkpoint });
 */
export async function runReprocess(deps: PipelineDeps, options: ReprocessOptions): Promise<ReprocessSummary> {
  const runKey = reprocessRunKey(options.filter);
  filterDays(options.filter);
  const resumedAfter = options.restart ? undefined : await options.checkpoint.load(runKey);
  let total = 0;
  for await (const _key of listArticleKeys(deps.archive, options.filter, resumedAfter)) total += 1;
  options.progress?.start?.(total, resumedAfter);

  const summary: ReprocessSummary = { keys: total, stored: 0, textChanged: 0, superseded: 0, orphan: 0, nowSkipped: 0, failed: [], complete: false, ...(resumedAfter ? { resumedAfter } : {}) };
  let sinceCheckpoint = 0;
  let lastKey: string | undefined;
  for await (const key of listArticleKeys(deps.archive, options.filter, resumedAfter)) {
    if (options.signal?.aborted) break;
    const outcome = await reprocessArticleKey(deps, key);
    tally(summary, key, outcome);
    options.progress?.keyDone?.(key, outcome);
    lastKey = key;
    if (++sinceCheckpoint >= CHECKPOINT_EVERY_KEYS) {
      await options.checkpoint.save(runKey, key);
      sinceCheckpoint = 0;
    }
  }
  summary.complete = !options.signal?.aborted;
  if (summary.complete) await options.checkpoint.clear(runKey);
  else if (lastKey) await options.checkpoint.save(runKey, lastKey);
  return summary;
}

/** Adds one key's outcome to the totals. */
export function tally(summary: ReprocessSummary, key: string, outcome: ReprocessKeyOutcome): void {
  if (outcome.kind === 'stored') {
    summary.stored += 1;
    if (outcome.textChanged) summary.textChanged += 1;
  } else if (outcome.kind === 'superseded') summary.superseded += 1;
  else if (outcome.kind === 'orphan' || outcome.kind === 'missing') summary.orphan += 1;
  else if (outcome.kind === 'now-skipped') summary.nowSkipped += 1;
  else summary.failed.push({ key, detail: outcome.detail });
}
