import { gzipSync } from 'node:zlib';
import type { ArticleRecord, CleanCopy, CopyLink } from '../core/article';
import { joinParagraphs } from '../core/article';
import { cleanKey, dayOf, rawKey, renderingKey } from '../core/archive-keys';
import { contentHash } from '../core/content-hash';
import { decodeHtmlBytes } from '../core/extract/charset';
import { extractArticle } from '../core/extract/index';
import { renderMarkdown, renderText } from '../core/render';
import { articleIdFor, hostOf, resolveCanonical } from '../core/url/canonical-url';
import { dedupArticle } from './dedup-article';
import type { PipelineDeps } from './deps';

/** A page as fetched (or as read back from the raw archive). */
export interface FetchedPage {
  url: string;
  body: Uint8Array;
  contentType?: string;
  fetchedAt: string;
  /** Set when the raw page is already archived (reprocessing): it is not written again. */
  rawKey?: string;
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
 * 3. Archive the raw page (gzip), run dedup, write the clean copy and its renderings, and only then
 *    the article record, so a record never points at a missing copy.
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
  const raw = page.rawKey ?? rawKey(articleHost, page.fetchedAt, articleId);
  if (!page.rawKey) await deps.archive.put(raw, gzipSync(page.body), 'application/gzip');

  const meta = extraction.metadata;
  const dedup = await dedupArticle(deps.index, {
    ref: { articleId, url: canonicalUrl, host: articleHost, seenAt: previous?.fetchedAt ?? page.fetchedAt },
    publishedAt: meta.publishedAt,
    paragraphs: extraction.paragraphs,
    metadata: meta,
    previous,
  });
  const day = dayOf(meta.publishedAt ?? page.fetchedAt);
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
    rawKey: raw,
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

/** Writes the clean JSON copy (one line, for Athena) and its Markdown and text renderings. */
async function writeCleanCopy(deps: PipelineDeps, record: ArticleRecord, paragraphs: CleanCopy['paragraphs'], previous?: ArticleRecord) {
  const copy: CleanCopy = { ...record, paragraphs, text: joinParagraphs(paragraphs) };
  await deps.archive.put(record.cleanKey, JSON.stringify(copy) + '\n', 'application/json');
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
 * Keeps the other side of each syndication link in step: the origin's clean copy lists this copy,
 * and a copy crawled before its origin learns its `copyOf`, so the story reads the same from
 * either article whatever order the crawlers saw them in.
 */
async function linkRelatedArticles(deps: PipelineDeps, record: ArticleRecord): Promise<void> {
  if (record.copyOf) {
    const origin = await deps.index.getArticle(record.copyOf.articleId);
    if (origin) await refreshCleanCopy(deps, origin);
  }
  for (const link of record.copies) {
    const copy = await deps.index.getArticle(link.articleId);
    if (!copy) continue;
    if (copy.copyOf) {
      await refreshCleanCopy(deps, copy);
      continue;
    }
    const copyOf: CopyLink = { articleId: record.id, url: record.canonicalUrl, host: record.host, overlap: link.overlap, method: link.method };
    const clusterId = record.clusterId ?? record.id;
    if (deps.index.setCopyOf) await deps.index.setCopyOf(copy.id, copyOf, clusterId);
    else await deps.index.putArticle({ ...copy, copyOf, clusterId });
    // Read back: a concurrent worker may have set a different origin first (setCopyOf keeps it).
    const updated = await deps.index.getArticle(link.articleId);
    if (updated) await refreshCleanCopy(deps, updated);
  }
}

/** Rewrites a stored clean copy with the record's current links (paragraphs are unchanged). */
async function refreshCleanCopy(deps: PipelineDeps, record: ArticleRecord): Promise<void> {
  const bytes = await deps.archive.get(record.cleanKey);
  if (!bytes) return;
  const copy = JSON.parse(Buffer.from(bytes).toString('utf8')) as CleanCopy;
  const refreshed: CleanCopy = { ...copy, copies: record.copies, copyOf: record.copyOf, clusterId: record.clusterId };
  await deps.archive.put(record.cleanKey, JSON.stringify(refreshed) + '\n', 'application/json');
}

function mergeCopies(existing: CopyLink[], found: CopyLink[]): CopyLink[] {
  const byId = new Map(existing.map((c) => [c.articleId, c]));
  for (const c of found) byId.set(c.articleId, c);
  return [...byId.values()];
}
