import type { ArticleRecord, ArticleRef, CopyLink } from '../../core/article';
import type { ParagraphInfo, ParagraphSighting } from '../../ports/dedup-index';
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
export const membershipKey = (hash: string, articleId: string) => ({ pk: `PARA#${hash}`, sk: `M#${articleId}` });
const ARTICLE_PK_PREFIX = 'ART#';
export const articleKey = (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: ARTICLE_SK });
/** The article id of an `ART#<id>` partition key. */
export const articleIdOfKey = (pk: string) => pk.slice(ARTICLE_PK_PREFIX.length);
export const copyKey = (originId: string, copyId: string) => ({ pk: `${ARTICLE_PK_PREFIX}${originId}`, sk: `${COPY_SK_PREFIX}${copyId}` });
export const fingerprintPk = (key: string) => `FP#${key}`;
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

/*
 * Article items. The record is written on every store of an article and DynamoDB bills writes per
 * started KB, so the item is kept compact (bench:dedup articles went from ~1.3 KB to ~0.6 KB):
 * - attribute names are short (names count toward the size);
 * - id, host and day are not stored again: they are in the keys (`ART#<id>`, gsi1
 *   `HOST#<host>` / `<day>#<id>`), which the item needs anyway;
 * - canonicalUrl is left out when it equals url, clusterId is a number when it names the article
 *   itself (1) or its origin (2);
 * - 128-bit hex hashes (paragraphHashes, contentHash, copyOf's id) are stored as binary (16 bytes
 *   instead of 33), the MinHash sketch's base64 part as binary, stats and copy links as lists,
 *   times of the form `toISOString()` gives as epoch milliseconds;
 * - URLs and archive keys repeat the id, host and day (a copy link's URL its host): those are
 *   stored as one-character placeholders (see {@link packText}).
 * Every mapping is exact: a value not of the compact shape (e.g. a hash that is not 32 lower-case
 * hex digits) is stored as it is, and fields this table does not name are stored under their own
 * name, so a field added to ArticleRecord later is kept.
 */

/** Stored attribute name per record field (none may clash with a key or the TTL attribute). */
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
const KEY_FIELDS = new Set(['id', 'host', 'day', 'copies']);
/** Attribute names of the two record fields setCopyOf updates in place. */
export const COPY_OF_ATTRIBUTE = FIELD_ATTRIBUTES.copyOf;
export const CLUSTER_ID_ATTRIBUTE = FIELD_ATTRIBUTES.clusterId;
/** Attribute names of the clean-copy pointer setCleanCopy moves. */
export const CLEAN_POINTER_ATTRIBUTES = { key: FIELD_ATTRIBUTES.cleanKey, offset: FIELD_ATTRIBUTES.cleanOffset, length: FIELD_ATTRIBUTES.cleanLength } as const;

/** A clean key as the article item stores it (packed with the article's id / host / day). */
export function storedCleanKey(record: Pick<ArticleRecord, 'id' | 'host' | 'day'>, cleanKey: string): string | [string] {
  return encodePacked(cleanKey, record);
}
const FIELD_OF_ATTRIBUTE = new Map<string, string>(Object.entries(FIELD_ATTRIBUTES).map(([field, name]) => [name, field]));
const ITEM_KEY_ATTRIBUTES = new Set(['pk', 'sk', GSI1.partitionKey, GSI1.sortKey]);

/** URL and key fields stored with id / host / day placeholders (see {@link packText}). */
const PACKED_FIELDS = ['url', 'canonicalUrl', 'image', 'cleanKey', 'rawKey'] as const;
/** Times stored as epoch milliseconds when that gives back the same text. */
const TIME_FIELDS = ['fetchedAt', 'publishedAt', 'modifiedAt'] as const;

/** clusterId stored as a number: the article's own id / its copyOf's article id. */
const CLUSTER_SELF = 1;
const CLUSTER_ORIGIN = 2;
const HEX128 = /^[0-9a-f]{32}$/;
const HEX128_BYTES = 16;
/** `<prefix>.<count>.` then base64: the sketch encoding of `core/dedup/near-duplicate.ts`. */
const SKETCH_SHAPE = /^([^.]*\.\d+\.)([A-Za-z0-9+/]*={0,2})$/;

/** Partition and gsi1 keys of an article item. */
export function articleItemKeys(record: Pick<ArticleRecord, 'id' | 'host' | 'day'>): Item {
  return { ...articleKey(record.id), [GSI1.partitionKey]: hostGsiPk(record.host), [GSI1.sortKey]: `${record.day}#${record.id}` };
}

/** The compact article item (without copies: those are items of their own, see {@link copyItem}). */
export function toArticleItem(record: ArticleRecord): Item {
  const item: Item = articleItemKeys(record);
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined || KEY_FIELDS.has(field)) continue;
    const name = (FIELD_ATTRIBUTES as Record<string, string>)[field] ?? field;
    item[name] = value;
  }
  if (record.canonicalUrl === record.url) delete item[FIELD_ATTRIBUTES.canonicalUrl];
  item[FIELD_ATTRIBUTES.paragraphHashes] = encodeHashList(record.paragraphHashes);
  item[FIELD_ATTRIBUTES.contentHash] = encodeHash(record.contentHash);
  item[FIELD_ATTRIBUTES.stats] = encodeStats(record.stats);
  if (record.copyOf) item[FIELD_ATTRIBUTES.copyOf] = encodeCopyLink(record.copyOf);
  if (record.minhash !== undefined) item[FIELD_ATTRIBUTES.minhash] = encodeSketch(record.minhash);
  for (const field of PACKED_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && item[FIELD_ATTRIBUTES[field]] !== undefined) item[FIELD_ATTRIBUTES[field]] = encodePacked(value, record);
  }
  for (const field of TIME_FIELDS) {
    const value = record[field];
    if (value !== undefined) item[FIELD_ATTRIBUTES[field]] = encodeTime(value);
  }
  if (record.clusterId !== undefined) {
    if (record.clusterId === record.id) item[FIELD_ATTRIBUTES.clusterId] = CLUSTER_SELF;
    else if (record.clusterId === record.copyOf?.articleId) item[FIELD_ATTRIBUTES.clusterId] = CLUSTER_ORIGIN;
  }
  return item;
}

/** A copy link as its own small item in the origin's partition; `seq` orders copies by when added. */
export function copyItem(originId: string, copy: CopyLink, seq: number): Item {
  const link = encodeCopyLink(copy);
  if (!Array.isArray(link)) return { ...copyKey(originId, copy.articleId), c: link, q: seq };
  const [, url, host, overlap, method] = link;
  return { ...copyKey(originId, copy.articleId), c: [url, host, overlap, method], q: seq };
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
  const id = articleIdOfKey(String(item.pk));
  const gsiSk = String(item[GSI1.sortKey]);
  const record: Record<string, unknown> = {
    id,
    host: String(item[GSI1.partitionKey]).slice(HOST_GSI_PREFIX.length),
    day: gsiSk.slice(0, gsiSk.length - id.length - 1),
  };
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
  for (const field of PACKED_FIELDS) if (record[field] !== undefined) record[field] = decodePacked(record[field], parts);
  for (const field of TIME_FIELDS) if (record[field] !== undefined) record[field] = decodeTime(record[field]);
  record.canonicalUrl ??= record.url;
  if (record.clusterId === CLUSTER_SELF) record.clusterId = id;
  else if (record.clusterId === CLUSTER_ORIGIN) record.clusterId = (record.copyOf as CopyLink | undefined)?.articleId;
  record.copies = ordered;
  return record as unknown as ArticleRecord;
}

function fromLegacyItem(item: Item, copies: CopyLink[]): ArticleRecord {
  const { pk: _pk, sk: _sk, [GSI1.partitionKey]: _gpk, [GSI1.sortKey]: _gsk, copyMap, ...rest } = item;
  const legacy = Object.values((copyMap ?? {}) as Record<string, CopyLink & { seq: number }>)
    .sort((a, b) => a.seq - b.seq || a.articleId.localeCompare(b.articleId))
    .map(({ seq: _seq, ...copy }) => copy);
  // Links written before the change come first; a later copy item for the same copy is a repeat.
  const seen = new Set(legacy.map((copy) => copy.articleId));
  return { ...(rest as unknown as Omit<ArticleRecord, 'copies'>), copies: [...legacy, ...copies.filter((c) => !seen.has(c.articleId))] };
}

type StoredCopyLink = [articleId: string | Uint8Array, url: string, host: string, overlap: number, method: CopyLink['method']];

/**
 * A copy link as stored in an article item's copyOf and (without its id) in a copy item: a list,
 * so no attribute names to pay for, with the URL's host as a placeholder. A URL that already
 * holds a placeholder character is stored as the plain map.
 */
export function encodeCopyLink(link: CopyLink): StoredCopyLink | CopyLink {
  const url = packText(link.url, { host: link.host });
  if (url === undefined) return { ...link };
  return [encodeHash(link.articleId), url, link.host, link.overlap, link.method];
}

function decodeCopyLink(value: unknown): CopyLink {
  if (!Array.isArray(value)) return value as CopyLink;
  const [articleId, url, host, overlap, method] = value as StoredCopyLink;
  return { articleId: decodeHash(articleId), url: unpackText(url, { host }), host, overlap: Number(overlap), method };
}

function decodeCopyItem(item: Item): CopyLink {
  const articleId = String(item.sk).slice(COPY_SK_PREFIX.length);
  if (!Array.isArray(item.c)) return { ...(item.c as CopyLink), articleId };
  const [url, host, overlap, method] = item.c as [string, string, number, CopyLink['method']];
  return decodeCopyLink([articleId, url, host, overlap, method]);
}

function encodeHash(hash: string): string | Uint8Array {
  return HEX128.test(hash) ? Buffer.from(hash, 'hex') : hash;
}

function decodeHash(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
}

function encodeHashList(hashes: readonly string[]): string[] | Uint8Array {
  if (hashes.length === 0 || !hashes.every((hash) => HEX128.test(hash))) return [...hashes];
  return Buffer.from(hashes.join(''), 'hex');
}

function decodeHashList(value: unknown): string[] {
  if (!(value instanceof Uint8Array)) return Array.isArray(value) ? value.map(String) : [];
  const hex = Buffer.from(value).toString('hex');
  const hashes: string[] = [];
  for (let i = 0; i < hex.length; i += HEX128_BYTES * 2) hashes.push(hex.slice(i, i + HEX128_BYTES * 2));
  return hashes;
}

type Stats = ArticleRecord['stats'];
const STATS_FIELDS = ['repeatedParagraphsRemoved', 'boilerplateParagraphsRemoved', 'paragraphsFirstSeenElsewhere'] as const;

function encodeStats(stats: Stats): number[] | Stats {
  const exact = Object.keys(stats).length === STATS_FIELDS.length && STATS_FIELDS.every((field) => typeof stats[field] === 'number');
  return exact ? STATS_FIELDS.map((field) => stats[field]) : stats;
}

function decodeStats(value: unknown): Stats {
  if (!Array.isArray(value)) return value as Stats;
  return Object.fromEntries(STATS_FIELDS.map((field, i) => [field, Number(value[i])])) as unknown as Stats;
}

function encodeSketch(minhash: string): string | [string, Uint8Array] {
  const match = SKETCH_SHAPE.exec(minhash);
  if (!match) return minhash;
  const bytes = Buffer.from(match[2], 'base64');
  // Only when base64 gives back the same text (canonical padding), so decoding is exact.
  return bytes.toString('base64') === match[2] ? [match[1], bytes] : minhash;
}

function decodeSketch(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const [prefix, bytes] = value as [string, Uint8Array];
  return prefix + Buffer.from(bytes).toString('base64');
}


/**
 * Placeholders for values a text repeats from elsewhere in the item. Packing is exactly
 * reversible because no placeholder character occurs in the text or in a value (a text holding
 * one is not packed; a value holding one is not replaced), so restoring each placeholder, in any
 * order, gives back the text.
 */
const PLACEHOLDERS = [
  ['id', '\u0001'],
  ['host', '\u0002'],
  ['day', '\u0003'],
] as const;
const PLACEHOLDER_CHARACTER = /[\u0001-\u0003]/;
type PackTokens = Partial<Record<(typeof PLACEHOLDERS)[number][0], string>>;

const usable = (value: string | undefined): value is string => !!value && !PLACEHOLDER_CHARACTER.test(value);

/** `text` with each token value replaced by its placeholder, or undefined when it holds one already. */
export function packText(text: string, tokens: PackTokens): string | undefined {
  if (PLACEHOLDER_CHARACTER.test(text)) return undefined;
  let packed = text;
  for (const [name, mark] of PLACEHOLDERS) {
    const value = tokens[name];
    if (usable(value)) packed = packed.split(value).join(mark);
  }
  return packed;
}

/** Undoes {@link packText} given the same tokens. */
export function unpackText(packed: string, tokens: PackTokens): string {
  let text = packed;
  for (const [name, mark] of PLACEHOLDERS) {
    const value = tokens[name];
    if (usable(value)) text = text.split(mark).join(value);
  }
  return text;
}

/** A packed string, or (when the text holds a placeholder character itself) a one-element list with the text. */
function encodePacked(text: string, tokens: PackTokens): string | [string] {
  return packText(text, tokens) ?? [text];
}

function decodePacked(value: unknown, tokens: PackTokens): string {
  return Array.isArray(value) ? String(value[0]) : unpackText(String(value), tokens);
}

const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function encodeTime(iso: string): string | number {
  if (!ISO_MILLIS.test(iso)) return iso;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

function decodeTime(value: unknown): string {
  return typeof value === 'number' ? new Date(value).toISOString() : String(value);
}
