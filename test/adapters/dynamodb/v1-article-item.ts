/**
 * The article item as it was written before fields were packed into one attribute (the "v1"
 * layout: one short-named attribute per field, hashes as binary, URLs with control-character
 * placeholders). Frozen here so tests (and `scripts/measure-article-item.ts`) can write items in
 * that layout: deployed tables hold them, and the adapter must keep reading and updating them.
 * Do not change: it is what those items look like.
 */
import type { ArticleRecord, CopyLink } from '../../../functions/core/article';

type Item = Record<string, unknown>;

const FIELD_ATTRIBUTES: Record<string, string> = {
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
};
const KEY_FIELDS = new Set(['id', 'host', 'day', 'copies']);
const PACKED_FIELDS = ['url', 'canonicalUrl', 'image', 'cleanKey', 'rawKey'] as const;
const TIME_FIELDS = ['fetchedAt', 'publishedAt', 'modifiedAt'] as const;
const HEX128 = /^[0-9a-f]{32}$/;
const SKETCH_SHAPE = /^([^.]*\.\d+\.)([A-Za-z0-9+/]*={0,2})$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const STATS_FIELDS = [
  'repeatedParagraphsRemoved',
  'boilerplateParagraphsRemoved',
  'paragraphsFirstSeenElsewhere',
] as const;
const PLACEHOLDERS = [
  ['id', '\u0001'],
  ['host', '\u0002'],
  ['day', '\u0003'],
] as const;
const PLACEHOLDER_CHARACTER = /[\u0001-\u0003]/;
type Tokens = Partial<Record<'id' | 'host' | 'day', string>>;

function packText(text: string, tokens: Tokens): string | undefined {
  if (PLACEHOLDER_CHARACTER.test(text)) return undefined;
  let packed = text;
  for (const [name, mark] of PLACEHOLDERS) {
    const value = tokens[name];
    if (value && !PLACEHOLDER_CHARACTER.test(value)) packed = packed.split(value).join(mark);
  }
  return packed;
}

const encodePacked = (text: string, tokens: Tokens): string | [string] => packText(text, tokens) ?? [text];
const encodeHash = (hash: string): string | Uint8Array =>
  HEX128.test(hash) ? Buffer.from(hash, 'hex') : hash;

function encodeCopyLink(link: CopyLink): unknown {
  const url = packText(link.url, { host: link.host });
  if (url === undefined) return { ...link };
  return [encodeHash(link.articleId), url, link.host, link.overlap, link.method];
}

function encodeTime(iso: string): string | number {
  if (!ISO_MILLIS.test(iso)) return iso;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

function encodeSketch(minhash: string): string | [string, Uint8Array] {
  const match = SKETCH_SHAPE.exec(minhash);
  if (!match) return minhash;
  const bytes = Buffer.from(match[2], 'base64');
  return bytes.toString('base64') === match[2] ? [match[1], bytes] : minhash;
}

/** The record as a v1 article item (keys included, copies left out). */
export function toV1ArticleItem(record: ArticleRecord): Item {
  const item: Item = {
    pk: `ART#${record.id}`,
    sk: 'A',
    gsi1pk: `HOST#${record.host}`,
    gsi1sk: `${record.day}#${record.id}`,
  };
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined || KEY_FIELDS.has(field)) continue;
    item[FIELD_ATTRIBUTES[field] ?? field] = value;
  }
  if (record.canonicalUrl === record.url) delete item.cu;
  const hashes = record.paragraphHashes;
  item.ph =
    hashes.length === 0 || !hashes.every((hash) => HEX128.test(hash))
      ? [...hashes]
      : Buffer.from(hashes.join(''), 'hex');
  item.ch = encodeHash(record.contentHash);
  const stats = record.stats;
  const exactStats =
    Object.keys(stats).length === STATS_FIELDS.length &&
    STATS_FIELDS.every((field) => typeof stats[field] === 'number');
  item.st = exactStats ? STATS_FIELDS.map((field) => stats[field]) : stats;
  if (record.copyOf) item.co = encodeCopyLink(record.copyOf);
  if (record.minhash !== undefined) item.mh = encodeSketch(record.minhash);
  for (const field of PACKED_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && item[FIELD_ATTRIBUTES[field]] !== undefined)
      item[FIELD_ATTRIBUTES[field]] = encodePacked(value, record);
  }
  for (const field of TIME_FIELDS) {
    const value = record[field];
    if (value !== undefined) item[FIELD_ATTRIBUTES[field]] = encodeTime(value);
  }
  if (record.clusterId !== undefined) {
    if (record.clusterId === record.id) item.cl = 1;
    else if (record.clusterId === record.copyOf?.articleId) item.cl = 2;
  }
  return item;
}
