import type { ArticleRecord, CleanCopy, CopyLink, RawPageRef, StoredCleanCopy } from '../core/article';
import { joinParagraphs } from '../core/article';
import { cleanKey, dayOf, renderingKey } from '../core/archive-keys';
import { contentHash } from '../core/content-hash';
import { decodeHtmlBytes } from '../core/extract/charset';
import { extractArticle } from '../core/extract/index';
import { renderMarkdown, renderText } from '../core/render';
import { articleIdFor, hostOf, resolveCanonical } from '../core/url/canonical-url';
import { dedupArticle } from './dedup-article';
import type { PipelineDeps } from './deps';
import { singlePageRawSink } from './raw-bundle-writer';

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
 *    write the clean copy and its renderings, and only then the article record, so a record never
 *    points at a missing raw page or clean copy.
 */
export async function processPage(deps: PipelineDeps, page: FetchedPage, options: { force?: boolean } = {}): Promise<ProcessOutcome> {
  const { html } = decodeHtmlBytes(page.body, page.contentType);
  const extraction = extractArticle(html, { url: page.url });
  if (extraction.pageKind !== 'article' || extraction.paragraphs.length === 0) {
    const kind = extraction.paragraphs.length === 0 && extraction.pageKind === 'article' ? 'empty' : extraction.pageKind;
    const detail = `not stored: the page is ${kind === 'empty' ? 'empty (no article text)' : `a ${kind}, not an article body`}`;
    return { kind: 'skipped', reason: `page-${kind}`, detail };
  }

  const canonicalUrl = resolveCanonical(page.url, extraction.metadata.canonicalUrl);
  const articleId = articleIdFor(canonicalUrl);
  const hash = contentHash(joinParagraphs(extraction.paragraphs));
  const previous = await deps.index.getArticle(articleId);
  if (previous && previous.contentHash === hash && !options.force) return { kind: 'unchanged', articleId, contentHash: hash };

  const articleHost = hostOf(canonicalUrl);
  const meta = extraction.metadata;
  const dedup = await dedupArticle(deps.index, {
    ref: { articleId, url: canonicalUrl, host: articleHost, seenAt: previous?.fetchedAt ?? page.fetchedAt },
    publishedAt: meta.publishedAt,
    paragraphs: extraction.paragraphs,
    metadata: meta,
    previous,
  });
  const day = dayOf(meta.publishedAt ?? page.fetchedAt);
  // Written after extraction and dedup, just before the clean copy: the bundle waits for the
  // batch's slowest page, and by now this page's own work is done.
  const raw = page.raw ?? (await (deps.rawPages ?? singlePageRawSink(deps.archive, deps.now)).write(page.body));
  const sameText = previous?.contentHash === hash;
  const record: ArticleRecord = {
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
    paragraphHashes: dedup.paragraphHashes,
    cleanKey: cleanKey(day, articleHost, articleId),
    rawKey: raw.key,
    rawOffset: raw.offset,
    rawLength: raw.length,
    ...(page.contentType ? { rawContentType: page.contentType } : {}),
    stats: {
      repeatedParagraphsRemoved: extraction.repeatedParagraphsRemoved,
      boilerplateParagraphsRemoved: dedup.stats.boilerplateParagraphsRemoved,
      paragraphsFirstSeenElsewhere: dedup.stats.paragraphsFirstSeenElsewhere,
    },
    copyOf: dedup.copyOf,
    copies: mergeCopies(previous?.copies ?? [], dedup.copies),
    clusterId: dedup.clusterId,
    ...(dedup.minhash ? { minhash: dedup.minhash } : {}),
  };
  await writeCleanCopy(deps, record, dedup.paragraphs, previous);
  await deps.index.putArticle(record);
  await linkRelatedArticles(deps, record);
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

/**
 * Writes the clean JSON copy (one line, for Athena) and its Markdown and text renderings. The
 * stored copy leaves out `copies` (see {@link StoredCleanCopy}): it is written once per version.
 */
async function writeCleanCopy(deps: PipelineDeps, record: ArticleRecord, paragraphs: CleanCopy['paragraphs'], previous?: ArticleRecord) {
  const copy: CleanCopy = { ...record, paragraphs, text: joinParagraphs(paragraphs) };
  const { copies: _copies, ...stored } = copy;
  await deps.archive.put(record.cleanKey, JSON.stringify(stored satisfies StoredCleanCopy) + '\n', 'application/json');
  if (deps.writeRenderings) {
    await deps.archive.put(renderingKey(record.day, record.host, record.id, 'md'), renderMarkdown(copy), 'text/markdown; charset=utf-8');
    await deps.archive.put(renderingKey(record.day, record.host, record.id, 'txt'), renderText(copy), 'text/plain; charset=utf-8');
  }
  // A new version may land in another day partition (publication date corrected): drop the old copy.
  if (previous && previous.cleanKey !== record.cleanKey) {
    await deps.archive.delete(previous.cleanKey);
    if (deps.writeRenderings) {
      await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'md'));
      await deps.archive.delete(renderingKey(previous.day, previous.host, previous.id, 'txt'));
    }
  }
}

/**
 * Keeps the other side of each syndication link in step when this article is an origin crawled
 * after some of its copies: each such copy learns its `copyOf` in the index, and its stored clean
 * copy is rewritten with it, so Athena (which reads only clean copies) tells the copy from the
 * origin whatever order the crawlers saw them in. How often depends on crawl order: in feed order
 * 0-1 rewrites per 60 synthetic articles, with a shuffled order about half of the copies
 * (test/handlers/crawl-bundles.test.ts prints both).
 *
 * A copy arriving after its origin costs nothing here: dedup already added it to the origin's
 * `copies` in the index, which is where the query API reads that list; the origin's clean copy
 * does not list its copies and is not rewritten.
 */
async function linkRelatedArticles(deps: PipelineDeps, record: ArticleRecord): Promise<void> {
  for (const link of record.copies) {
    let copy = await deps.index.getArticle(link.articleId);
    if (!copy) continue;
    if (!copy.copyOf) {
      const copyOf: CopyLink = { articleId: record.id, url: record.canonicalUrl, host: record.host, overlap: link.overlap, method: link.method };
      const clusterId = record.clusterId ?? record.id;
      if (deps.index.setCopyOf) await deps.index.setCopyOf(copy.id, copyOf, clusterId);
      else await deps.index.putArticle({ ...copy, copyOf, clusterId });
      // Read back: a concurrent worker may have set a different origin first (setCopyOf keeps it).
      copy = await deps.index.getArticle(link.articleId);
      if (!copy) continue;
    }
    await refreshStoredLinks(deps, copy);
  }
}

/**
 * Rewrites a stored clean copy whose `copyOf`/`clusterId` differ from the record's (paragraphs are
 * unchanged). Reads first and writes only on a difference: a GET costs a twelfth of a PUT, and an
 * origin's re-crawl visits copies that are already up to date.
 */
async function refreshStoredLinks(deps: PipelineDeps, record: ArticleRecord): Promise<void> {
  const bytes = await deps.archive.get(record.cleanKey);
  if (!bytes) return;
  const stored = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredCleanCopy & { copies?: unknown };
  if (sameLink(stored.copyOf, record.copyOf) && stored.clusterId === record.clusterId && stored.copies === undefined) return;
  const { copyOf: _copyOf, clusterId: _clusterId, copies: _copies, ...rest } = stored;
  const refreshed: StoredCleanCopy = { ...rest, ...(record.copyOf ? { copyOf: record.copyOf } : {}), ...(record.clusterId ? { clusterId: record.clusterId } : {}) };
  await deps.archive.put(record.cleanKey, JSON.stringify(refreshed) + '\n', 'application/json');
}

/** Field by field: an index round trip need not keep the key order JSON.stringify would compare. */
function sameLink(a: CopyLink | undefined, b: CopyLink | undefined): boolean {
  if (!a || !b) return a === b;
  return a.articleId === b.articleId && a.url === b.url && a.host === b.host && a.overlap === b.overlap && a.method === b.method;
}

function mergeCopies(existing: CopyLink[], found: CopyLink[]): CopyLink[] {
  const byId = new Map(existing.map((c) => [c.articleId, c]));
  for (const c of found) byId.set(c.articleId, c);
  return [...byId.values()];
}
