import type { ArticleRecord } from '../core/article';
import {
  bundleWrittenAtMs,
  CLEAN_PREFIX,
  cleanDayOfKey,
  cleanDayPrefix,
  isUnbundledCleanKey,
} from '../archive-format/keys';
import { readRawPage } from '../archive-format/raw-pages';
import { describeError, InvalidInputError } from '../errors';
import type { ArchiveStore } from '../ports/archive-store';
import type { DedupIndex } from '../ports/dedup-index';
import type { ReprocessCheckpointStore } from '../ports/reprocess-checkpoint-store';
import { CleanBundleWriter } from '../archive-format/clean-copies';
import type { PipelineDeps } from './deps';
import { processPage } from './process-page';

/**
 * Reprocessing: re-runs extraction and dedup over the raw pages already archived (after an
 * extractor upgrade or newly learned boilerplate), without fetching anything.
 *
 * Articles are enumerated from the index, day by day (the article day: the clean-bundle
 * partition), host by host, by id: `dt=<day>/host=<host>/<id>` names one article, and those names
 * are visited in lexicographic order, which makes "the last one done" a complete checkpoint. The
 * index and not the archive, because the archive can no longer be listed by article: clean
 * bundles hold many articles, and hold older lines too (a changed re-crawl, a copy's rewrite);
 * reading every bundle to find the current lines would cost a GET per bundle and still need the
 * record for each. Each record says where its current raw page sits (`rawKey` and the member's
 * range), read with one ranged GET; older fetches of an article stay in their bundles and are never
 * visited, so reprocessing never rolls an article back to an earlier version.
 *
 * Articles are reprocessed a few at a time so that their new clean lines share a bundle as in
 * the crawler ({@link REPROCESS_ARTICLES_PER_BUNDLE}). When a day is done, clean objects of that
 * day that no record points at any more (bundles whose every line is superseded, copies written
 * before bundling) are deleted, unless younger than {@link CLEAN_GC_MARGIN_MS}.
 */

/**
 * Articles reprocessed together, whose clean lines share one bundle (one PUT). Large enough to make
 * PUTs a small share (1/25 per article), small enough that a slice stops near its time limit
 * without losing much work and a chunk's raw pages stay a few MB of memory.
 */
export const REPROCESS_ARTICLES_PER_BUNDLE = 25;

/**
 * A clean object nothing points at is deleted only when written longer ago than this. A bundle is
 * stored before the records pointing at it (crawl, reprocess, a copy's re-pointing), all within
 * one Lambda invocation: 15 minutes at most (the crawl Lambda has 150 s). An hour leaves room for
 * clock skew and retries, so a bundle whose records are being written is never deleted.
 */
export const CLEAN_GC_MARGIN_MS = 60 * 60 * 1000;

/** Which articles to reprocess: by article day (the clean-copy partition) and host. */
export interface ReprocessFilter {
  host?: string;
  /** First article day, inclusive (YYYY-MM-DD): the day of publication, or of fetching when unknown. */
  from?: string;
  /** Last article day, inclusive (YYYY-MM-DD). */
  to?: string;
}

/** What reprocessing one article (article key `dt=<day>/host=<host>/<id>`) did. */
export type ReprocessKeyOutcome =
  | { kind: 'stored'; articleId: string; textChanged: boolean }
  | { kind: 'superseded' | 'orphan' | 'missing'; detail: string }
  | { kind: 'now-skipped'; articleId: string; detail: string }
  | { kind: 'failed'; detail: string };

/** Totals of a run. */
export interface ReprocessSummary {
  /** Articles (article keys) matching the filter (after the checkpoint when resuming). */
  keys: number;
  stored: number;
  /**
   * Stored articles whose clean text differs from before: the extractor changed its mind, or dedup
   * now knows a paragraph as the host's boilerplate.
   */
  textChanged: number;
  /** Articles listed under a day their record no longer has (it moved day during the run). */
  superseded: number;
  /** Articles whose record is gone, or whose raw page is missing. */
  orphan: number;
  /** Pages the extractor no longer accepts as articles; their old records and copies are kept. */
  nowSkipped: number;
  failed: Array<{ key: string; detail: string }>;
  /** Clean objects deleted after their day was done: no record pointed at them any more. */
  cleanObjectsDeleted: number;
  /** Set when the run continued after a checkpoint. */
  resumedAfter?: string;
  /** False when the run was stopped (signal) before the last key. */
  complete: boolean;
}

/** Checkpoint after this many keys: a killed run redoes at most this many (idempotent) pages. */
export const CHECKPOINT_EVERY_KEYS = 20;
/** A day range longer than this is almost certainly a typo (ten years of daily partitions). */
const MAX_DAYS = 3_660;

const ARTICLE_KEY_PATTERN = /^dt=(\d{4}-\d{2}-\d{2})\/host=([^/]+)\/([0-9a-f]{32})$/;

/** The article key of one article: day, host and id in the order articles are visited. */
export function articleKey(day: string, host: string, articleId: string): string {
  return `dt=${day}/host=${host}/${articleId}`;
}

/** Parts of an article key, or undefined for anything else. */
export function parseArticleKey(key: string): { day: string; host: string; articleId: string } | undefined {
  const m = ARTICLE_KEY_PATTERN.exec(key);
  return m ? { day: m[1], host: m[2], articleId: m[3] } : undefined;
}

/** A stable name of the filter: checkpoints of different filters do not mix. */
export function reprocessRunKey(filter: ReprocessFilter): string {
  return `host=${filter.host ?? '*'};from=${filter.from ?? ''};to=${filter.to ?? ''}`;
}
/** Validates a filter; returns the days of a closed range (for per-day listing) or undefined. */
export function filterDays(filter: ReprocessFilter): string[] | undefined {
  for (const [name, value] of [
    ['from', filter.from],
    ['to', filter.to],
  ] as const) {
    if (
      value !== undefined &&
      (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    ) {
      throw new InvalidInputError(`${name} must be a day as YYYY-MM-DD, got "${value}"`);
    }
  }
  if (filter.host !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(filter.host))
    throw new InvalidInputError(`host must be a host name, got "${filter.host}"`);
  if (filter.from === undefined || filter.to === undefined) return undefined;
  if (filter.from > filter.to)
    throw new InvalidInputError(`from (${filter.from}) is after to (${filter.to})`);
  const days: string[] = [];
  for (let t = Date.parse(`${filter.from}T00:00:00Z`); ; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > filter.to) break;
    days.push(day);
    if (days.length > MAX_DAYS) throw new InvalidInputError(`day range longer than ${MAX_DAYS} days`);
  }
  return days;
}

/** Records read per index page while listing a day's articles (the adapter's largest page). */
const LIST_PAGE_SIZE = 1000;

/** Ids of one host's articles of one day, from the index. */
async function articlesOfDay(index: DedupIndex, host: string, day: string): Promise<ArticleRecord[]> {
  const records: ArticleRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await index.listArticles({ host, fromDay: day, toDay: day, limit: LIST_PAGE_SIZE, cursor });
    records.push(...page.items.filter((r) => r.day === day));
    cursor = page.cursor;
  } while (cursor);
  return records;
}

/**
 * Days that have clean objects, from the archive listing (the index has no list of days): used
 * when the filter gives no closed day range.
 */
async function archiveDays(archive: ArchiveStore, filter: ReprocessFilter): Promise<string[]> {
  const days = new Set<string>();
  for await (const key of archive.list(CLEAN_PREFIX)) {
    const day = cleanDayOfKey(key);
    if (day && (!filter.from || day >= filter.from) && (!filter.to || day <= filter.to)) days.add(day);
  }
  return [...days].sort();
}

/** The days a run visits: the filter's closed range, else the days the archive has clean objects for. */
function runDays(archive: ArchiveStore, filter: ReprocessFilter): Promise<string[]> | string[] {
  return filterDays(filter) ?? archiveDays(archive, filter);
}

/**
 * Article keys (`dt=<day>/host=<host>/<id>`, one per article) matching the filter, in
 * lexicographic order, after `startAfter`: day by day, host by host, from the index.
 */
export async function* listArticleKeys(
  deps: Pick<PipelineDeps, 'archive' | 'index'>,
  filter: ReprocessFilter,
  startAfter?: string,
): AsyncGenerator<string> {
  const days = await runDays(deps.archive, filter);
  // Sorted as they appear in keys ("a.b/" after "a.b.c/"), so key order is visiting order.
  const hosts =
    filter.host !== undefined
      ? [filter.host.toLowerCase()]
      : (await deps.index.listHosts()).sort((a, b) => (`${a}/` < `${b}/` ? -1 : 1));
  for (const day of days) {
    if (startAfter && `dt=${day}/\uffff` <= startAfter) continue;
    for (const host of hosts) {
      const prefix = `dt=${day}/host=${host}/`;
      if (startAfter && `${prefix}\uffff` <= startAfter) continue;
      const ids = (await articlesOfDay(deps.index, host, day)).map((r) => r.id).sort();
      for (const id of ids) {
        const key = prefix + id;
        if (startAfter && key <= startAfter) continue;
        yield key;
      }
    }
  }
}

/**
 * Re-extracts and re-dedups the article of one article key from its archived raw page, storing its
 * clean line through `deps.cleanCopies` (a bundle of one when absent). Idempotent: paragraph
 * sightings are recorded once per article, first-seen is kept, and the same text keeps its
 * version, so running it twice stores the same line (a newer `storedAt` in a newer bundle).
 */
export async function reprocessArticleKey(deps: PipelineDeps, key: string): Promise<ReprocessKeyOutcome> {
  const parts = parseArticleKey(key);
  if (!parts) return { kind: 'orphan', detail: `not an article key: ${key}` };
  try {
    const record = await deps.index.getArticle(parts.articleId);
    if (!record) return { kind: 'orphan', detail: `no article ${parts.articleId} for ${key}` };
    if (record.day !== parts.day)
      return { kind: 'superseded', detail: `article ${record.id} now belongs to day ${record.day}` };
    const page = await readRawPage(deps.archive, record, deps.archiveRecords);
    if (!page)
      return {
        kind: 'missing',
        detail: `raw page of article ${record.id} is gone (${record.rawKey ?? 'never archived'})`,
      };
    const outcome = await processPage(
      deps,
      {
        url: record.url,
        body: page.body,
        contentType: record.rawContentType,
        fetchedAt: record.fetchedAt,
        raw: page.raw,
      },
      { force: true },
    );
    if (outcome.kind === 'skipped')
      return { kind: 'now-skipped', articleId: record.id, detail: outcome.detail };
    // Dedup can change the clean text without the extraction changing (newly learned boilerplate).
    const after = await deps.index.getArticle(outcome.articleId);
    const textChanged =
      outcome.contentHash !== record.contentHash ||
      after?.paragraphHashes.join() !== record.paragraphHashes.join();
    return { kind: 'stored', articleId: outcome.articleId, textChanged };
  } catch (error) {
    return { kind: 'failed', detail: describeError(error) };
  }
}

/**
 * Reprocesses a run of article keys together: their clean lines share one bundle per article day
 * (as a crawl batch's do). Outcomes in key order; a failure stays with its key.
 */
export async function reprocessKeys(
  deps: PipelineDeps,
  keys: readonly string[],
): Promise<ReprocessKeyOutcome[]> {
  const writer = new CleanBundleWriter({ archive: deps.archive, participants: keys.length, now: deps.now });
  return Promise.all(
    keys.map(async (key) => {
      const cleanCopies = writer.participant();
      try {
        return await reprocessArticleKey({ ...deps, cleanCopies }, key);
      } finally {
        cleanCopies.done();
      }
    }),
  );
}

/**
 * Deletes the clean objects of one article day that no current record points at: bundles whose
 * lines are all superseded (a newer version, a copy's rewritten line, a reprocess), and copies
 * stored before bundling whose article moved to a bundle. Bundles younger than `marginMs` are
 * kept whatever the index says (their records may still be on the way). Records of every host are
 * read, since a bundle holds several hosts' lines. Returns the keys deleted.
 */
export async function deleteUnreferencedCleanObjects(
  deps: Pick<PipelineDeps, 'archive' | 'index' | 'now'>,
  day: string,
  marginMs: number = CLEAN_GC_MARGIN_MS,
): Promise<string[]> {
  const oldestKeptMs = deps.now().getTime() - marginMs;
  // Listed first: a bundle older than the margin gains no new pointer later (pointers only ever
  // move to lines just written), so reading the records afterwards cannot miss one.
  const candidates: string[] = [];
  for await (const key of deps.archive.list(cleanDayPrefix(day))) {
    const writtenAtMs = bundleWrittenAtMs(key);
    // A key without a stamp is a copy stored before bundling: nothing writes those any more.
    if (writtenAtMs === undefined ? isUnbundledCleanKey(key) : writtenAtMs < oldestKeptMs)
      candidates.push(key);
  }
  if (candidates.length === 0) return [];
  const referenced = new Set<string>();
  for (const host of await deps.index.listHosts())
    for (const record of await articlesOfDay(deps.index, host, day)) referenced.add(record.cleanKey);
  const unreferenced = candidates.filter((key) => !referenced.has(key));
  for (const key of unreferenced) await deps.archive.delete(key);
  return unreferenced;
}

/** Options of {@link runReprocess}. */
export interface ReprocessOptions {
  filter: ReprocessFilter;
  checkpoint: ReprocessCheckpointStore;
  /** Ignore (and overwrite) a checkpoint left by an earlier, unfinished run of the same filter. */
  restart?: boolean;
  /** Stops after the articles in progress (e.g. on Ctrl-C); the checkpoint is saved. */
  signal?: AbortSignal;
  /** Articles reprocessed together, sharing clean bundles; default {@link REPROCESS_ARTICLES_PER_BUNDLE}. */
  articlesPerBundle?: number;
  /** Default {@link CLEAN_GC_MARGIN_MS}. */
  cleanGcMarginMs?: number;
  progress?: {
    /** Called once with the number of keys to visit. */
    start?(total: number, resumedAfter?: string): void;
    keyDone?(key: string, outcome: ReprocessKeyOutcome): void;
  };
}

/**
 * Reprocesses every article matching the filter in key order, {@link REPROCESS_ARTICLES_PER_BUNDLE}
 * at a time (within one day), checkpointing the last key done every {@link CHECKPOINT_EVERY_KEYS}
 * keys; resumes after the checkpoint of an unfinished run of the same filter unless `restart`.
 * When complete, it deletes each day's clean objects nothing points at any more
 * ({@link deleteUnreferencedCleanObjects}): after a run without a host filter, a day keeps only
 * current lines (except lines of articles the run could not store again: now skipped, raw page
 * missing, failed). With a host filter, bundles that also hold other hosts' current lines stay.
 *
 * @example
 * const summary = await runReprocess(deps, { filter: { host: 'example.com' }, checkpoint });
 */
export async function runReprocess(deps: PipelineDeps, options: ReprocessOptions): Promise<ReprocessSummary> {
  const runKey = reprocessRunKey(options.filter);
  filterDays(options.filter);
  const startAfter = options.restart ? undefined : await options.checkpoint.load(runKey);
  const { summary } = await reprocessPass(deps, {
    ...options,
    runKey,
    startAfter,
    shouldStop: () => options.signal?.aborted === true,
  });
  return summary;
}

/** Options of {@link reprocessPass}. */
export interface ReprocessPassOptions
  extends Pick<
    ReprocessOptions,
    'filter' | 'checkpoint' | 'articlesPerBundle' | 'cleanGcMarginMs' | 'progress'
  > {
  /** The checkpoint's name for this pass. */
  runKey: string;
  /** Visit only keys after this one (a checkpoint or a continuation); it becomes `resumedAfter`. */
  startAfter?: string;
  /** Asked before each chunk; `true` stops the pass there (the checkpoint is saved). */
  shouldStop: () => boolean;
}

/** What {@link reprocessPass} did. */
export interface ReprocessPassResult {
  summary: ReprocessSummary;
  /** The last key done, else `startAfter`: where a continuation starts. */
  lastKey?: string;
}

/**
 * The reprocess loop, shared by the local run ({@link runReprocess}) and the Lambda's slices: lists
 * the filter's keys after `startAfter`, reprocesses them a chunk at a time (a chunk stays within one
 * day and holds at most `articlesPerBundle` keys), checkpoints every {@link CHECKPOINT_EVERY_KEYS}
 * keys, and stops before a chunk when `shouldStop()` says so (saving the checkpoint). A pass that
 * visits every key deletes the run's days' unreferenced clean objects and clears the checkpoint.
 *
 * @example
 * const { summary, lastKey } = await reprocessPass(deps, {
 *   filter: { from: day, to: day }, runKey, checkpoint, shouldStop: () => outOfTime(),
 * });
 */
export async function reprocessPass(
  deps: PipelineDeps,
  options: ReprocessPassOptions,
): Promise<ReprocessPassResult> {
  const { runKey, startAfter } = options;
  const perBundle = options.articlesPerBundle ?? REPROCESS_ARTICLES_PER_BUNDLE;
  const keys: string[] = [];
  for await (const key of listArticleKeys(deps, options.filter, startAfter)) keys.push(key);
  options.progress?.start?.(keys.length, startAfter);

  const summary: ReprocessSummary = {
    keys: keys.length,
    stored: 0,
    textChanged: 0,
    superseded: 0,
    orphan: 0,
    nowSkipped: 0,
    failed: [],
    cleanObjectsDeleted: 0,
    complete: false,
    ...(startAfter ? { resumedAfter: startAfter } : {}),
  };
  let sinceCheckpoint = 0;
  let lastKey: string | undefined;
  let i = 0;
  while (i < keys.length && !options.shouldStop()) {
    const day = parseArticleKey(keys[i])!.day;
    let end = i + 1;
    while (end < keys.length && end - i < perBundle && parseArticleKey(keys[end])!.day === day) end += 1;
    const chunk = keys.slice(i, end);
    const outcomes = await reprocessKeys(deps, chunk);
    chunk.forEach((key, j) => {
      tally(summary, key, outcomes[j]);
      options.progress?.keyDone?.(key, outcomes[j]);
    });
    lastKey = chunk.at(-1);
    sinceCheckpoint += chunk.length;
    if (sinceCheckpoint >= CHECKPOINT_EVERY_KEYS) {
      await options.checkpoint.save(runKey, lastKey!);
      sinceCheckpoint = 0;
    }
    i = end;
  }
  summary.complete = i === keys.length;
  if (summary.complete) {
    // Every day of the run is rewritten (also days with no current article left, only stale objects).
    for (const day of await runDays(deps.archive, options.filter)) {
      summary.cleanObjectsDeleted += (
        await deleteUnreferencedCleanObjects(deps, day, options.cleanGcMarginMs)
      ).length;
    }
    await options.checkpoint.clear(runKey);
  } else if (lastKey) await options.checkpoint.save(runKey, lastKey);
  return { summary, lastKey: lastKey ?? startAfter };
}

/** Articles a summary accounts for: visited keys, whatever their outcome. */
export function keysVisited(summary: ReprocessSummary): number {
  return summary.stored + summary.superseded + summary.orphan + summary.nowSkipped + summary.failed.length;
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
