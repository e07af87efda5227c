import type { ArticleRecord, ArticleRef, CopyLink, StoryOrigin } from '../../core/article';
import type { ParagraphInfo, ParagraphSighting } from '../../ports/dedup-index';
import { packFields, unpackFields } from './article-item-packing';
import { HEX128, HEX128_BYTES, STATS_FIELDS } from './packed-json-slots';
import { placeholderCodec, type PlaceholderTokens } from './placeholder-text';
import { GSI1 } from './table-schema';

/*
 * The dedup index's item layout on the single table: keys, and the mapping between stored items
 * and the port's types. Shared by the index and its paragraph recorder.
 */

/** A stored item as the document client returns it. */
export type Item = Record<string, unknown>;

export const PARAGRAPH_SK = 'P';
export const ARTICLE_SK = 'A';
/** Sort-key prefix of a copy-link item in its origin's `ART#<id>` partition. */
export const COPY_SK_PREFIX = 'C#';
export const HOSTS_PK = 'HOSTS';
/** Prefix of the per-host page counter attributes of a paragraph item. */
export const HOST_COUNT_PREFIX = 'h_';

export const paragraphKey = (hash: string) => ({ pk: `PARA#${hash}`, sk: PARAGRAPH_SK });
export const membershipKey = (hash: string, articleId: string) => ({
  pk: `PARA#${hash}`,
  sk: `M#${articleId}`,
});
const ARTICLE_PK_PREFIX = 'ART#';
export const articleKey = (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: ARTICLE_SK });
/** The article id of an `ART#<id>` partition key. */
export const articleIdOfKey = (pk: string) => pk.slice(ARTICLE_PK_PREFIX.length);
export const copyKey = (originId: string, copyId: string) => ({
  pk: `${ARTICLE_PK_PREFIX}${originId}`,
  sk: `${COPY_SK_PREFIX}${copyId}`,
});
export const fingerprintPk = (key: string) => `FP#${key}`;
export const STORY_SK = 'S';
/** A story cluster's origin item (one per cluster that has more than one member), or its redirect once merged. */
export const storyKey = (clusterId: string) => ({ pk: `STORY#${clusterId}`, sk: STORY_SK });
/** Short attribute names of a story item: origin id, URL, host and rank. */
export const STORY_ATTRIBUTES = { articleId: 'o', url: 'u', host: 'h', rank: 'r' } as const;
/** Attribute of a story item merged into another cluster: that cluster's id (no origin attributes then). */
export const STORY_MERGED_INTO_ATTRIBUTE = 'i';

/** The story origin held by a story item. */
export function toStoryOrigin(item: Item): StoryOrigin {
  return {
    articleId: String(item[STORY_ATTRIBUTES.articleId]),
    url: String(item[STORY_ATTRIBUTES.url]),
    host: String(item[STORY_ATTRIBUTES.host]),
    rank: String(item[STORY_ATTRIBUTES.rank]),
  };
}

/** The cluster id of a `STORY#<id>` partition key. */
export const clusterIdOfStoryKey = (pk: string) => pk.slice('STORY#'.length);
const HOST_GSI_PREFIX = 'HOST#';
export const hostGsiPk = (host: string) => `${HOST_GSI_PREFIX}${host}`;

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
    if (name.startsWith(HOST_COUNT_PREFIX))
      hostPageCounts[name.slice(HOST_COUNT_PREFIX.length)] = Number(value);
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

/*
 * Article items. The record is written on every store of an article and DynamoDB bills writes per
 * started KB (and an in-place update at the item's full size), so the item is kept compact:
 * - id, host and day are not stored again: they are in the keys (`ART#<id>`, gsi1
 *   `HOST#<host>` / `<day>#<id>`), which the item needs anyway;
 * - the clean-copy pointer stays in attributes of its own (`ck`, `cko`, `ckl`): setCleanCopy
 *   moves it with an update whose condition compares them;
 * - everything else is one binary attribute, `z` ({@link PACKED_ATTRIBUTE}, see
 *   `article-item-packing.ts`): hashes and the MinHash sketch as binary, the rest as JSON in
 *   compact shapes, brotli-compressed;
 * - copyOf is packed too, with `co` = true beside it ({@link PACKED_COPY_OF}) for setCopyOf's
 *   condition (set it once); a copyOf that setCopyOf writes later is a `co` link, and its
 *   clusterId a `cl`, which win over the packed ones.
 * A real page's item went from ~1.4 KB to ~0.95 KB: most take one write unit instead of two
 * (`scripts/measure-article-item.ts`, docs/dedup.md).
 * Every mapping is exact: fields this layout does not name are packed under their own name, so a
 * field added to ArticleRecord later is kept.
 *
 * Items written before the packed attribute (short attribute names per field, "v1", and the
 * first layout with long names and a `copyMap`) are still read: deployed tables hold them.
 * Their v1 encodings of copyOf and the clean key are the ones used now.
 */

/** The attribute holding the packed fields. */
export const PACKED_ATTRIBUTE = 'z';
/** `co` of an item whose copyOf is packed: present for setCopyOf's `attribute_not_exists`, one byte. */
const PACKED_COPY_OF = true;

/** Stored attribute name per record field in the v1 layout (none may clash with a key or the TTL attribute). */
const FIELD_ATTRIBUTES = {
  url: 'u',
  canonicalUrl: 'cu',
  fetchedAt: 'fa',
  title: 't',
  authors: 'au',
  publishedAt: 'pa',
  modifiedAt: 'ma',
  language: 'lg',
  siteName: 'sn',
  section: 'sc',
  description: 'ds',
  image: 'im',
  pageKind: 'kd',
  contentHash: 'ch',
  version: 'v',
  paragraphCount: 'pn',
  paragraphHashes: 'ph',
  cleanKey: 'ck',
  cleanOffset: 'cko',
  cleanLength: 'ckl',
  rawKey: 'rk',
  stats: 'st',
  copyOf: 'co',
  clusterId: 'cl',
  minhash: 'mh',
} as const satisfies Partial<Record<keyof ArticleRecord, string>>;
/** Record fields that live in the keys or in items of their own, not in article attributes. */
const KEY_FIELDS = new Set<string>(['id', 'host', 'day', 'copies'] satisfies (keyof ArticleRecord)[]);
/** Record fields kept as attributes of their own (the clean pointer, updated in place), not packed. */
const IN_PLACE_FIELDS = new Set<string>([
  'cleanKey',
  'cleanOffset',
  'cleanLength',
] satisfies (keyof ArticleRecord)[]);
/** Attribute names of the two record fields setCopyOf updates in place. */
export const COPY_OF_ATTRIBUTE = FIELD_ATTRIBUTES.copyOf;
export const CLUSTER_ID_ATTRIBUTE = FIELD_ATTRIBUTES.clusterId;
/** Attribute names of the clean-copy pointer setCleanCopy moves. */
export const CLEAN_POINTER_ATTRIBUTES = {
  key: FIELD_ATTRIBUTES.cleanKey,
  offset: FIELD_ATTRIBUTES.cleanOffset,
  length: FIELD_ATTRIBUTES.cleanLength,
} as const;

/** A clean key as the article item stores it (packed with the article's id / host / day; the same in every layout). */
export function storedCleanKey(
  record: Pick<ArticleRecord, 'id' | 'host' | 'day'>,
  cleanKey: string,
): string | [string] {
  return encodePacked(cleanKey, record);
}
const FIELD_OF_ATTRIBUTE = new Map<string, string>(
  Object.entries(FIELD_ATTRIBUTES).map(([field, name]) => [name, field]),
);
const ITEM_KEY_ATTRIBUTES = new Set(['pk', 'sk', GSI1.partitionKey, GSI1.sortKey]);

/** URL and key fields the v1 layout stores with id / host / day placeholders (see {@link TEXT_PLACEHOLDERS}). */
const PACKED_FIELDS = [
  'url',
  'canonicalUrl',
  'image',
  'cleanKey',
  'rawKey',
] as const satisfies readonly (keyof ArticleRecord)[];
/** Times the v1 layout stores as epoch milliseconds when that gives back the same text. */
const TIME_FIELDS = [
  'fetchedAt',
  'publishedAt',
  'modifiedAt',
] as const satisfies readonly (keyof ArticleRecord)[];

/** clusterId stored as a number in the v1 layout: the article's own id / its copyOf's article id. */
const CLUSTER_SELF = 1;
const CLUSTER_ORIGIN = 2;

/** Partition and gsi1 keys of an article item. */
export function articleItemKeys(record: Pick<ArticleRecord, 'id' | 'host' | 'day'>): Item {
  return {
    ...articleKey(record.id),
    [GSI1.partitionKey]: hostGsiPk(record.host),
    [GSI1.sortKey]: `${record.day}#${record.id}`,
  };
}

/** The compact article item (without copies: those are items of their own, see {@link copyItem}). */
export function toArticleItem(record: ArticleRecord): Item {
  const item: Item = articleItemKeys(record);
  const packed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined || KEY_FIELDS.has(field) || IN_PLACE_FIELDS.has(field)) continue;
    packed[field] = value;
  }
  item[PACKED_ATTRIBUTE] = packFields(packed, record);
  if (record.copyOf !== undefined) item[FIELD_ATTRIBUTES.copyOf] = PACKED_COPY_OF;
  if (record.cleanKey !== undefined) {
    item[FIELD_ATTRIBUTES.cleanKey] =
      typeof record.cleanKey === 'string' ? encodePacked(record.cleanKey, record) : record.cleanKey;
  }
  if (record.cleanOffset !== undefined) item[FIELD_ATTRIBUTES.cleanOffset] = record.cleanOffset;
  if (record.cleanLength !== undefined) item[FIELD_ATTRIBUTES.cleanLength] = record.cleanLength;
  return item;
}

/** A copy link as its own small item in the origin's partition; `seq` orders copies by when added. */
export function copyItem(originId: string, copy: CopyLink, seq: number): Item {
  const link = encodeCopyLink(copy);
  if (!Array.isArray(link)) return { ...copyKey(originId, copy.articleId), c: link, q: seq };
  const [, ...rest] = link;
  return { ...copyKey(originId, copy.articleId), c: rest, q: seq };
}

/**
 * The record from its article item and the copy items of its partition (any order). Also reads
 * the layout before compaction (long attribute names, copies in a `copyMap`), so an embedded
 * store written by an earlier version still opens.
 */
export function toArticle(item: Item, copyItems: readonly Item[] = []): ArticleRecord {
  const ordered = copyItems
    .map((copy) => ({ seq: Number(copy.q), link: decodeCopyItem(copy) }))
    .sort((a, b) => a.seq - b.seq || a.link.articleId.localeCompare(b.link.articleId))
    .map((entry) => entry.link);
  if ('paragraphHashes' in item) return fromLegacyItem(item, ordered);
  if (item[PACKED_ATTRIBUTE] instanceof Uint8Array) return fromPackedItem(item, ordered);
  const record: Record<string, unknown> = keyFieldsOf(item);
  const id = record.id as string;
  for (const [name, value] of Object.entries(item)) {
    if (ITEM_KEY_ATTRIBUTES.has(name)) continue;
    record[FIELD_OF_ATTRIBUTE.get(name) ?? name] = value;
  }
  record.paragraphHashes = decodeHashList(record.paragraphHashes);
  record.contentHash = decodeHash(record.contentHash);
  record.stats = decodeStats(record.stats);
  if (record.copyOf !== undefined) record.copyOf = decodeCopyLink(record.copyOf);
  if (record.minhash !== undefined) record.minhash = decodeSketch(record.minhash);
  const parts = { id, host: record.host as string, day: record.day as string };
  for (const field of PACKED_FIELDS)
    if (record[field] !== undefined) record[field] = decodePacked(record[field], parts);
  for (const field of TIME_FIELDS) if (record[field] !== undefined) record[field] = decodeTime(record[field]);
  record.canonicalUrl ??= record.url;
  if (record.clusterId === CLUSTER_SELF) record.clusterId = id;
  else if (record.clusterId === CLUSTER_ORIGIN)
    record.clusterId = (record.copyOf as CopyLink | undefined)?.articleId;
  record.copies = ordered;
  return record as unknown as ArticleRecord;
}

/** id, host and day from an article item's keys. */
function keyFieldsOf(item: Item): { id: string; host: string; day: string } {
  const id = articleIdOfKey(String(item.pk));
  const gsiSk = String(item[GSI1.sortKey]);
  return {
    id,
    host: String(item[GSI1.partitionKey]).slice(HOST_GSI_PREFIX.length),
    day: gsiSk.slice(0, gsiSk.length - id.length - 1),
  };
}

/** An item with packed fields: those, overridden by the attributes updated in place. */
function fromPackedItem(item: Item, copies: CopyLink[]): ArticleRecord {
  const keys = keyFieldsOf(item);
  const record: Record<string, unknown> = {
    ...keys,
    ...unpackFields(item[PACKED_ATTRIBUTE] as Uint8Array, keys),
  };
  const copyOf = item[FIELD_ATTRIBUTES.copyOf];
  if (copyOf !== undefined && copyOf !== PACKED_COPY_OF) record.copyOf = decodeCopyLink(copyOf);
  for (const [name, value] of Object.entries(item)) {
    if (ITEM_KEY_ATTRIBUTES.has(name) || name === PACKED_ATTRIBUTE || name === FIELD_ATTRIBUTES.copyOf)
      continue;
    const field = FIELD_OF_ATTRIBUTE.get(name) ?? name;
    if (field === 'cleanKey') record.cleanKey = decodePacked(value, keys);
    else if (field === 'clusterId') {
      // setCopyOf writes the id itself; 1 and 2 are the v1 shorthands, kept readable.
      const origin = (record.copyOf as CopyLink | undefined)?.articleId;
      record.clusterId = value === CLUSTER_SELF ? keys.id : value === CLUSTER_ORIGIN ? origin : value;
    } else record[field] = value;
  }
  record.copies = copies;
  return record as unknown as ArticleRecord;
}

function fromLegacyItem(item: Item, copies: CopyLink[]): ArticleRecord {
  const { pk: _pk, sk: _sk, [GSI1.partitionKey]: _gpk, [GSI1.sortKey]: _gsk, copyMap, ...rest } = item;
  const legacy = Object.values((copyMap ?? {}) as Record<string, CopyLink & { seq: number }>)
    .sort((a, b) => a.seq - b.seq || a.articleId.localeCompare(b.articleId))
    .map(({ seq: _seq, ...copy }) => copy);
  // Links written before the change come first; a later copy item for the same copy is a repeat.
  const seen = new Set(legacy.map((copy) => copy.articleId));
  return {
    ...(rest as unknown as Omit<ArticleRecord, 'copies'>),
    copies: [...legacy, ...copies.filter((c) => !seen.has(c.articleId))],
  };
}

type StoredCopyLink =
  | [articleId: string | Uint8Array, url: string, host: string, overlap: number, method: CopyLink['method']]
  | [
      articleId: string | Uint8Array,
      url: string,
      host: string,
      overlap: number,
      method: CopyLink['method'],
      relation: CopyLink['relation'],
    ];

/**
 * A copy link as stored in an article item's copyOf and (without its id) in a copy item: a list,
 * so no attribute names to pay for, with the URL's host as a placeholder. A URL that already
 * holds a placeholder character is stored as the plain map.
 */
export function encodeCopyLink(link: CopyLink): StoredCopyLink | CopyLink {
  const url = TEXT_PLACEHOLDERS.pack(link.url, { host: link.host });
  if (url === undefined) return { ...link };
  const base = [encodeHash(link.articleId), url, link.host, link.overlap, link.method] as const;
  return link.relation === undefined ? [...base] : [...base, link.relation];
}

function decodeCopyLink(value: unknown): CopyLink {
  if (!Array.isArray(value)) return value as CopyLink;
  const [articleId, url, host, overlap, method, relation] = value as [
    ...StoredCopyLink,
    CopyLink['relation']?,
  ];
  const link: CopyLink = {
    articleId: decodeHash(articleId),
    url: TEXT_PLACEHOLDERS.unpack(url, { host }),
    host,
    overlap: Number(overlap),
    method,
  };
  if (relation !== undefined) link.relation = relation;
  return link;
}

function decodeCopyItem(item: Item): CopyLink {
  const articleId = String(item.sk).slice(COPY_SK_PREFIX.length);
  if (!Array.isArray(item.c)) return { ...(item.c as CopyLink), articleId };
  return decodeCopyLink([articleId, ...(item.c as unknown[])]);
}

function encodeHash(hash: string): string | Uint8Array {
  return HEX128.test(hash) ? Buffer.from(hash, 'hex') : hash;
}

function decodeHash(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
}

function decodeHashList(value: unknown): string[] {
  if (!(value instanceof Uint8Array)) return Array.isArray(value) ? value.map(String) : [];
  const hex = Buffer.from(value).toString('hex');
  const hashes: string[] = [];
  for (let i = 0; i < hex.length; i += HEX128_BYTES * 2) hashes.push(hex.slice(i, i + HEX128_BYTES * 2));
  return hashes;
}

type Stats = ArticleRecord['stats'];

function decodeStats(value: unknown): Stats {
  if (!Array.isArray(value)) return value as Stats;
  return Object.fromEntries(STATS_FIELDS.map((field, i) => [field, Number(value[i])])) as unknown as Stats;
}

function decodeSketch(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const [prefix, bytes] = value as [string, Uint8Array];
  return prefix + Buffer.from(bytes).toString('base64');
}

/** Placeholders of the v1 layout's top-level text attributes (control characters, stored as they are). */
const TEXT_PLACEHOLDERS = placeholderCodec({ id: '\u0001', host: '\u0002', day: '\u0003' });

/** A packed string, or (when the text holds a placeholder character itself) a one-element list with the text. */
function encodePacked(text: string, tokens: PlaceholderTokens): string | [string] {
  return TEXT_PLACEHOLDERS.pack(text, tokens) ?? [text];
}

function decodePacked(value: unknown, tokens: PlaceholderTokens): string {
  return Array.isArray(value) ? String(value[0]) : TEXT_PLACEHOLDERS.unpack(String(value), tokens);
}

function decodeTime(value: unknown): string {
  return typeof value === 'number' ? new Date(value).toISOString() : String(value);
}
