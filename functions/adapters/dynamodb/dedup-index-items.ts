import type { ArticleRecord, ArticleRef, CopyLink } from '../../core/article';
import type { ParagraphInfo, ParagraphSighting } from '../../ports/dedup-index';

/*
 * The dedup index's item layout on the single table: keys, and the mapping between stored items
 * and the port's types. Shared by the index and its paragraph recorder.
 */

/** A stored item as the document client returns it. */
export type Item = Record<string, unknown>;

export const PARAGRAPH_SK = 'P';
export const ARTICLE_SK = 'A';
export const HOSTS_PK = 'HOSTS';
/** Prefix of the per-host page counter attributes of a paragraph item. */
export const HOST_COUNT_PREFIX = 'h_';

export const paragraphKey = (hash: string) => ({ pk: `PARA#${hash}`, sk: PARAGRAPH_SK });
export const membershipKey = (hash: string, articleId: string) => ({ pk: `PARA#${hash}`, sk: `M#${articleId}` });
const ARTICLE_PK_PREFIX = 'ART#';
export const articleKey = (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: ARTICLE_SK });
/** The article id of an `ART#<id>` partition key. */
export const articleIdOfKey = (pk: string) => pk.slice(ARTICLE_PK_PREFIX.length);
export const fingerprintPk = (key: string) => `FP#${key}`;
export const hostGsiPk = (host: string) => `HOST#${host}`;

export function refItem(ref: ArticleRef): ArticleRef {
  return { articleId: ref.articleId, url: ref.url, host: ref.host, seenAt: ref.seenAt };
}

export function idSet(item: Item): Set<string> {
  const ids = item.articleIds;
  return ids instanceof Set ? (ids as Set<string>) : new Set(Array.isArray(ids) ? (ids as string[]) : []);
}

export function toInfo(hash: string, item: Item): ParagraphInfo {
  const hostPageCounts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(HOST_COUNT_PREFIX)) hostPageCounts[name.slice(HOST_COUNT_PREFIX.length)] = Number(value);
  }
  return {
    hash,
    normVersion: Number(item.normVersion),
    firstSeen: refItem(item.firstSeen as ArticleRef),
    articleCount: Number(item.articleCount),
    articleIds: [...idSet(item)].sort(),
    hostPageCounts,
  };
}

export function toSighting(hash: string, item: Item, articleId: string): ParagraphSighting {
  const info = toInfo(hash, item);
  return { ...info, isFirstSeen: info.firstSeen.articleId === articleId };
}

export function toArticle(item: Item): ArticleRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, copyMap, ...rest } = item;
  const copies = Object.values((copyMap ?? {}) as Record<string, CopyLink & { seq: number }>)
    .sort((a, b) => a.seq - b.seq || a.articleId.localeCompare(b.articleId))
    .map(({ seq: _seq, ...copy }) => copy);
  return { ...(rest as unknown as Omit<ArticleRecord, 'copies'>), copies };
}
