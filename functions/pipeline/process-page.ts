import type {
  ArticleMetadata,
  ArticleRecord,
  CleanCopy,
  CopyLink,
  ObjectRange,
  RawPageRef,
  StoredCleanCopy,
} from '../core/article';
import { joinParagraphs } from '../core/article';
import { dayOf, renderingKey } from '../archive-format/keys';
import { contentHash } from '../core/content-hash';
import { decodeHtmlBytes } from '../core/extract/charset';
import { extractArticle } from '../core/extract/index';
import { renderMarkdown, renderText } from '../core/render';
import { articleIdFor, hostOf, resolveCanonical } from '../core/url/canonical-url';
import { describeError } from '../errors';
import type { CleanLine } from '../ports/clean-copy-sink';
import { cleanPointer, immediateCleanSink, readCleanCopy } from '../archive-format/clean-copies';
import { dedupArticle, dedupRecordFields } from './dedup-article';
import type { PipelineDeps } from './deps';
import { singlePageRawSink } from '../archive-format/raw-pages';

/** A page as fetched (or as read back from the raw archive). */
export interface FetchedPage {
  url: string;
  body: Uint8Array;
  contentType?: string;
  fetchedAt: string;
  /** Set when the raw page is already archived (reprocessing): it is not written again. */
  raw?: RawPageRef;
}

/** What processing one page did. */
export type ProcessOutcome =
  | {
      kind: 'stored';
      articleId: string;
      contentHash: string;
      host: string;
      version: number;
      paragraphs: number;
      repeatedParagraphsRemoved: number;
      boilerplateParagraphsRemoved: number;
      paragraphsFirstSeenElsewhere: number;
      copyOf?: CopyLink;
    }
  | { kind: 'unchanged'; articleId: string; contentHash: string }
  | { kind: 'skipped'; reason: string; detail: string };

/** Options of {@link processPage}. */
export interface ProcessPageOptions {
  /** Store even when the clean text is unchanged (reprocessing). */
  force?: boolean;
  /**
   * Refuses an extracted article before anything is read or stored (a backfill's language filter):
   * the page is skipped with the reason returned.
   */
  accept?: (metadata: ArticleMetadata) => { reason: string; detail: string } | undefined;
}

/**
 * Extracts, dedups and stores one fetched page. Shared by the crawler and by reprocessing.
 *
 * 1. Decode the charset and extract; pages that are not an article body are skipped with a reason.
 * 2. Resolve the canonical URL to the article id. Unchanged clean text stops here unless `force`
 *    (reprocessing after an extractor upgrade or newly learned boilerplate).
 * 3. Run dedup (recording paragraph sightings is idempotent, so a page that fails after it is
 *    simply processed again on redelivery).
 * 4. Archive the raw page through `deps.rawPages` (in the crawl Lambda it waits for the batch's
 *    other pages and shares one bundle object with them; a failed bundle fails this page), then
 *    the clean copy's line through `deps.cleanCopies` (likewise: one JSON Lines bundle per article
 *    day and batch; with it the rewritten lines of copies crawled before this origin) and its
 *    renderings, and only then the article record (and the copies' re-pointed records), so a
 *    record never points at a missing raw page or clean copy.
 */
export async function processPage(
  deps: PipelineDeps,
  page: FetchedPage,
  options: ProcessPageOptions = {},
): Promise<ProcessOutcome> {
  const { html } = decodeHtmlBytes(page.body, page.contentType);
  const extraction = extractArticle(html, { url: page.url });
  if (extraction.pageKind !== 'article' || extraction.paragraphs.length === 0) {
    const kind =
      extraction.paragraphs.length === 0 && extraction.pageKind === 'article' ? 'empty' : extraction.pageKind;
    const detail = `not stored: the page is ${kind === 'empty' ? 'empty (no article text)' : `a ${kind}, not an article body`}`;
    return { kind: 'skipped', reason: `page-${kind}`, detail };
  }
  const rejected = options.accept?.(extraction.metadata);
  if (rejected) return { kind: 'skipped', ...rejected };

  const canonicalUrl = resolveCanonical(page.url, extraction.metadata.canonicalUrl);
  const articleId = articleIdFor(canonicalUrl);
  const hash = contentHash(joinParagraphs(extraction.paragraphs));
  const previous = await deps.index.getArticle(articleId);
  if (previous && previous.contentHash === hash && !options.force)
    return { kind: 'unchanged', articleId, contentHash: hash };

  const articleHost = hostOf(canonicalUrl);
  const meta = extraction.metadata;
  const dedup = await dedupArticle(
    { index: deps.index, sleep: deps.sleep },
    {
      ref: { articleId, url: canonicalUrl, host: articleHost, seenAt: previous?.fetchedAt ?? page.fetchedAt },
      publishedAt: meta.publishedAt,
      paragraphs: extraction.paragraphs,
      metadata: meta,
      previous,
    },
  );
  const day = dayOf(meta.publishedAt ?? page.fetchedAt);
  // Written after extraction and dedup, just before the clean copy: the bundle waits for the
  // batch's slowest page, and by now this page's own work is done.
  const raw =
    page.raw ?? (await (deps.rawPages ?? singlePageRawSink(deps.archive, deps.now)).write(page.body));
  const sameText = previous?.contentHash === hash;
  const fields: RecordFields = {
    id: articleId,
    url: page.url,
    canonicalUrl,
    host: articleHost,
    fetchedAt: page.fetchedAt,
    day,
    title: meta.title,
    authors: meta.authors,
    publishedAt: meta.publishedAt,
    modifiedAt: meta.modifiedAt,
    language: meta.language,
    siteName: meta.siteName,
    section: meta.section,
    description: meta.description,
    image: meta.image,
    pageKind: extraction.pageKind,
    contentHash: hash,
    // Reprocessing the same text is not a new version of the article.
    version: sameText ? previous!.version : (previous?.version ?? 0) + 1,
    paragraphCount: dedup.paragraphs.length,
    rawKey: raw.key,
    rawOffset: raw.offset,
    rawLength: raw.length,
    ...(page.contentType ? { rawContentType: page.contentType } : {}),
    stats: {
      repeatedParagraphsRemoved: extraction.repeatedParagraphsRemoved,
      boilerplateParagraphsRemoved: dedup.stats.boilerplateParagraphsRemoved,
      paragraphsFirstSeenElsewhere: dedup.stats.paragraphsFirstSeenElsewhere,
    },
    ...dedupRecordFields(dedup),
    copies: mergeCopies(previous?.copies ?? [], dedup.copies),
  };
  const storedAt = deps.now().toISOString();
  const rewrites = await copyLineRewrites(deps, fields, storedAt);
  const copy: CleanCopy = {
    ...fields,
    cleanKey: '',
    paragraphs: dedup.paragraphs,
    text: joinParagraphs(dedup.paragraphs),
  };
  const sink = deps.cleanCopies ?? immediateCleanSink(deps.archive, deps.now);
  const ranges = await sink.write([
    { day, copy: storedLineOf(copy, storedAt) },
    ...rewrites.map((r) => r.line),
  ]);
  const record: ArticleRecord = { ...fields, ...cleanPointer(ranges[0]) };
  if (deps.writeRenderings) {
    await deps.archive.put(
      renderingKey(day, articleHost, articleId, 'md'),
      renderMarkdown(copy),
      'text/markdown; charset=utf-8',
    );
    await deps.archive.put(
      renderingKey(day, articleHost, articleId, 'txt'),
      renderText(copy),
      'text/plain; charset=utf-8',
    );
  }
  // Copies first: until this record is stored, a rerun processes this page again and redoes its
  // copies' lines; once it is stored, nothing would, so a copy's newer line must already be its.
  for (const [i, rewrite] of rewrites.entries())
    await repointCleanCopy(deps, rewrite.current, ranges[i + 1], storedAt);
  await deps.index.putArticle(record);
  if (previous) await dropSupersededObjects(deps, previous, record);
  return {
    kind: 'stored',
    articleId,
    contentHash: hash,
    host: articleHost,
    version: record.version,
    paragraphs: record.paragraphCount,
    ...record.stats,
    copyOf: record.copyOf,
  };
}

/** A record before its clean copy is stored: everything but the pointer to that copy. */
type RecordFields = Omit<ArticleRecord, 'cleanKey' | 'cleanOffset' | 'cleanLength'>;

/**
 * The line stored for a clean copy: no `copies` (see {@link StoredCleanCopy}: the stored line is
 * written once per version), no pointer to itself, and the time it is written (newest wins).
 */
function storedLineOf(copy: CleanCopy, storedAt: string): StoredCleanCopy {
  const { copies: _copies, cleanKey: _key, cleanOffset: _offset, cleanLength: _length, ...stored } = copy;
  return { ...stored, storedAt };
}

/**
 * Removes what the new version made obsolete, once the record no longer points at it: a clean
 * copy written before bundling (one object per article; superseded lines inside bundles are left
 * to `reprocess`, which deletes bundles nothing points at) and renderings of another day or host.
 */
async function dropSupersededObjects(
  deps: PipelineDeps,
  previous: ArticleRecord,
  record: ArticleRecord,
): Promise<void> {
  if (previous.cleanOffset === undefined && previous.cleanKey !== record.cleanKey)
    await deps.archive.delete(previous.cleanKey);
  if (deps.writeRenderings && (previous.day !== record.day || previous.host !== record.host)) {
    await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'md'));
    await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'txt'));
  }
}

/** A copy's rewritten line and the record it replaces the line of. */
interface CopyLineRewrite {
  current: ArticleRecord;
  line: CleanLine;
}

/**
 * Keeps the other side of each syndication link in step when this article is an origin crawled
 * after some of its copies: each such copy learns its `copyOf` in the index, and gets a new clean
 * line with it, so Athena (which reads only clean copies) tells the copy from the origin whatever
 * order the crawlers saw them in. The new lines go into this page's clean-bundle write (no PUT of
 * their own); each copy's record is re-pointed at its new line after this article's record is
 * stored. How often depends on crawl order: in feed order 0-1 rewrites per 60 synthetic articles,
 * with a shuffled order about half of the copies (test/handlers/crawl-bundles.test.ts prints both).
 *
 * A copy arriving after its origin costs nothing here: dedup already added it to the origin's
 * `copies` in the index, which is where the query API reads that list; the origin's clean copy
 * does not list its copies and is not rewritten. A copy whose stored line already says what its
 * record says is not rewritten: a GET costs a twelfth of a PUT line's share, and an origin's
 * re-crawl visits copies that are already up to date.
 */
async function copyLineRewrites(
  deps: PipelineDeps,
  origin: RecordFields,
  storedAt: string,
): Promise<CopyLineRewrite[]> {
  const rewrites: CopyLineRewrite[] = [];
  for (const link of origin.copies) {
    let copy = await deps.index.getArticle(link.articleId);
    if (!copy) continue;
    if (!copy.copyOf) {
      const copyOf: CopyLink = {
        articleId: origin.id,
        url: origin.canonicalUrl,
        host: origin.host,
        overlap: link.overlap,
        method: link.method,
        ...(link.relation ? { relation: link.relation } : {}),
      };
      const clusterId = origin.clusterId ?? origin.id;
      if (deps.index.setCopyOf) await deps.index.setCopyOf(copy.id, copyOf, clusterId);
      else await deps.index.putArticle({ ...copy, copyOf, clusterId });
      // Read back: a concurrent worker may have set a different origin first (setCopyOf keeps it).
      copy = await deps.index.getArticle(link.articleId);
      if (!copy) continue;
    }
    // One writer per copy's line: the origin its record names (the first to claim it). Another
    // member of the cluster stored at the same time would write the same line again. If that
    // origin fails before its own record is stored, its page is processed again and redoes it.
    if (copy.copyOf && copy.copyOf.articleId !== origin.id) continue;
    let stored: (StoredCleanCopy & { copies?: unknown; cleanKey?: unknown }) | undefined;
    try {
      stored = await readCleanCopy(deps.archive, copy);
    } catch (error) {
      // The copy's own re-crawl or reprocess repairs it; it must not fail its origin's page.
      deps.log.warn("cannot read a copy's clean line", { articleId: copy.id, error: describeError(error) });
      continue;
    }
    if (!stored) continue;
    // The line says what Athena users filter on: the story's origin and this copy's relation to it.
    const originId = origin.originId ?? origin.id;
    const relation =
      copy.copyOf?.relation ?? (copy.relation && copy.relation !== 'original' ? copy.relation : 'exact');
    if (
      sameLink(stored.copyOf, copy.copyOf) &&
      stored.clusterId === copy.clusterId &&
      stored.originId === originId &&
      stored.relation === relation &&
      stored.copies === undefined
    )
      continue;
    const {
      copyOf: _copyOf,
      clusterId: _clusterId,
      copies: _copies,
      cleanKey: _cleanKey,
      storedAt: _storedAt,
      ...rest
    } = stored;
    const line: StoredCleanCopy = {
      ...rest,
      ...(copy.copyOf ? { copyOf: copy.copyOf } : {}),
      ...(copy.clusterId ? { clusterId: copy.clusterId } : {}),
      originId,
      relation,
      storedAt,
    };
    rewrites.push({ current: copy, line: { day: copy.day, copy: line } });
  }
  return rewrites;
}

/**
 * Rewrites of one copy that race (two of its cluster's articles stored at once) each try to
 * re-point it; a few rounds settle them, since each round either moves the record or finds a line
 * at least as new.
 */
const REPOINT_MAX_ROUNDS = 4;

/**
 * Points a copy's record at its rewritten line `next` (stored at `nextStoredAt`), unless the record
 * was re-stored meanwhile with another version (that one wins) or already points at a line at
 * least as new: another origin's rewrite of the same copy may have moved it first, and the newest
 * line is the one Athena's `clean_latest` view shows, so the record must end there too. A copy
 * written before bundling then has its old object removed.
 */
export async function repointCleanCopy(
  deps: PipelineDeps,
  current: ArticleRecord,
  next: ObjectRange,
  nextStoredAt: string,
): Promise<void> {
  let from = current;
  for (let round = 0; round < REPOINT_MAX_ROUNDS; round++) {
    if (await deps.index.setCleanCopy(from, next)) {
      if (current.cleanOffset === undefined && current.cleanKey !== next.key)
        await deps.archive.delete(current.cleanKey);
      return;
    }
    const now = await deps.index.getArticle(current.id);
    if (!now || now.version !== current.version) return;
    const pointed = await readCleanCopy(deps.archive, now);
    if (!pointed || (pointed.storedAt ?? '') >= nextStoredAt) return;
    from = now;
  }
}

/** Field by field: an index round trip need not keep the key order JSON.stringify would compare. */
function sameLink(a: CopyLink | undefined, b: CopyLink | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.articleId === b.articleId &&
    a.url === b.url &&
    a.host === b.host &&
    a.overlap === b.overlap &&
    a.method === b.method
  );
}

function mergeCopies(existing: CopyLink[], found: CopyLink[]): CopyLink[] {
  const byId = new Map(existing.map((c) => [c.articleId, c]));
  for (const c of found) byId.set(c.articleId, c);
  return [...byId.values()];
}
