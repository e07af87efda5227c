/**
 * A paragraph's first appearance follows publication, not crawl order: among the articles known
 * to carry it, the earliest published (a page without a publication time counts from when we first
 * saw it). The first-crawled sighting, which the index decides atomically, stays a separate fact.
 *
 * Pure: no I/O.
 */
import type { ArticleRecord, ArticleRef } from '../article';

/** An article known to carry some paragraphs. */
export interface Carrier {
  ref: ArticleRef;
  publishedAt?: string;
  /** Evidence paragraph hashes it carries. */
  paragraphHashes: readonly string[];
}

/**
 * The carrier an index record stands for: its ref (sighting = fetch time) and its evidence hashes.
 *
 * @example
 * firstAppearance(hash, records.map(carrierOf));
 */
export function carrierOf(record: ArticleRecord): Carrier {
  return {
    ref: {
      articleId: record.id,
      url: record.url,
      host: record.host,
      seenAt: record.fetchedAt,
      ...(record.publishedAt ? { publishedAt: record.publishedAt } : {}),
    },
    publishedAt: record.publishedAt,
    paragraphHashes: record.paragraphHashes,
  };
}

/**
 * The earliest-published carrier of `hash` among `carriers` (ties: earlier sighting, then smaller
 * id), as a ref with its publication time; undefined when none carries it.
 *
 * @example
 * firstAppearance(hash, [aggregatorCopy, original])?.articleId === original.ref.articleId;
 */
export function firstAppearance(hash: string, carriers: readonly Carrier[]): ArticleRef | undefined {
  let best: { carrier: Carrier; key: [number, number, string] } | undefined;
  for (const carrier of carriers) {
    if (!carrier.paragraphHashes.includes(hash)) continue;
    const seen = Date.parse(carrier.ref.seenAt);
    const seenMs = Number.isFinite(seen) ? seen : Number.MAX_SAFE_INTEGER;
    const published = carrier.publishedAt ? Date.parse(carrier.publishedAt) : NaN;
    const key: [number, number, string] = [
      Number.isFinite(published) ? published : seenMs,
      seenMs,
      carrier.ref.articleId,
    ];
    if (!best || compareKeys(key, best.key) < 0) best = { carrier, key };
  }
  if (!best) return undefined;
  const { ref, publishedAt } = best.carrier;
  return {
    articleId: ref.articleId,
    url: ref.url,
    host: ref.host,
    seenAt: ref.seenAt,
    ...(publishedAt ? { publishedAt } : {}),
  };
}

function compareKeys(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
