import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { StorageError } from '../../errors';

/*
 * The packed part of an article item: one binary attribute holding every record field that is
 * neither in the item's keys nor changed in place by an update (see `dedup-index-items.ts`).
 * DynamoDB bills a write per started KB of the whole item, and most of a record is text read
 * only as a whole (title, description, URLs, metadata), so it is stored compressed.
 *
 * Layout (the format is what stored items hold: change it only under a new format byte):
 *   byte 0   format, {@link PACKED_FORMAT}
 *   byte 1   flags: which binary sections follow, and whether the JSON part is compressed
 *   [16]     contentHash, when it is 32 lower-case hex digits
 *   varint n, 16 n bytes: paragraphHashes, when every one is 32 lower-case hex digits
 *   sketch   minhash of the `<prefix>.<count>.<base64>` shape: shingle count, value count, Rice
 *            parameter, then the deltas of its ascending 24-bit values Rice-coded (see
 *            {@link encodeSketchValues}); ~100 bytes instead of 144
 *   rest     JSON array, one slot per field in {@link SLOTS} order (null when absent, trailing
 *            nulls dropped), then an object of the fields no slot takes (fields added to the
 *            record later, values of an unexpected type); brotli-compressed when that is smaller
 *
 * Slots store values in shapes that compress well, each exactly reversible (checked when
 * encoding; a value that would not come back the same is stored in the extras object as it is):
 * the record's id, host and day inside URLs as placeholders, times relative to fetchedAt, a raw
 * bundle key as its time and id. Values go through JSON, as they do in the clean copy's line.
 */

/** First byte of a packed attribute. */
export const PACKED_FORMAT = 1;

const FLAG_CONTENT_HASH = 1;
const FLAG_PARAGRAPH_HASHES = 2;
const FLAG_SKETCH = 4;
const FLAG_BROTLI = 8;
const KNOWN_FLAGS = FLAG_CONTENT_HASH | FLAG_PARAGRAPH_HASHES | FLAG_SKETCH | FLAG_BROTLI;

const HEX128 = /^[0-9a-f]{32}$/;
const HEX128_BYTES = 16;

/**
 * Brotli at its best ratio: ~1 ms per article item of CPU, worth ~15% smaller output than quality 9
 * on these short texts. A 64 KB window covers any item (DynamoDB items stop at 400 KB, and the
 * packed text is a few KB at most); a smaller window than the default needs less memory.
 */
const BROTLI_QUALITY = 11;
const BROTLI_WINDOW_BITS = 16;

/** The values of the record that URLs and keys repeat. */
export interface PackTokens {
  id: string;
  host: string;
  day: string;
}

/*
 * Placeholders inside the JSON part: private-use characters, which JSON leaves as they are (the
 * control characters the top-level attributes use would cost six bytes each as JSON escapes).
 */
const PLACEHOLDERS = [
  ['id', '\ue000'],
  ['host', '\ue001'],
  ['day', '\ue002'],
] as const;
const PLACEHOLDER_CHARACTER = /[\ue000-\ue002]/;

function packUrl(text: string, tokens: PackTokens): string | [string] {
  if (PLACEHOLDER_CHARACTER.test(text)) return [text];
  let packed = text;
  for (const [name, mark] of PLACEHOLDERS) {
    const value = tokens[name];
    if (value && !PLACEHOLDER_CHARACTER.test(value)) packed = packed.split(value).join(mark);
  }
  return packed;
}

function unpackUrl(value: Json, tokens: PackTokens): string {
  if (Array.isArray(value)) return String(value[0]);
  let text = String(value);
  for (const [name, mark] of PLACEHOLDERS) {
    const token = tokens[name];
    if (token && !PLACEHOLDER_CHARACTER.test(token)) text = text.split(mark).join(token);
  }
  return text;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What slots encode against: the tokens, the fetch time the other times are relative to, and copyOf's id. */
interface SlotContext {
  tokens: PackTokens;
  baseMs: number;
  copyOfId: string | undefined;
  /** The record's url (canonicalUrl is stored as 0 when the same). */
  url: unknown;
}

interface Slot {
  field: string;
  /** The stored shape, or undefined when the value does not fit the slot (it goes to the extras). */
  encode(value: unknown, context: SlotContext): Json | undefined;
  decode(stored: Json, context: SlotContext): unknown;
}

const isString = (value: unknown): value is string => typeof value === 'string';

const textSlot = (field: string): Slot => ({
  field,
  encode: (value) => (isString(value) ? value : undefined),
  decode: (stored) => stored,
});

const numberSlot = (field: string): Slot => ({
  field,
  encode: (value) => (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0) ? value : undefined),
  decode: (stored) => stored,
});

const urlSlot = (field: string): Slot => ({
  field,
  encode: (value, { tokens }) => (isString(value) ? packUrl(value, tokens) : undefined),
  decode: (stored, { tokens }) => unpackUrl(stored, tokens),
});

const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** fetchedAt: epoch milliseconds when `toISOString()` gives the text back, else the text. */
const fetchedAtSlot: Slot = {
  field: 'fetchedAt',
  encode: (value) => {
    if (!isString(value)) return undefined;
    if (!ISO_MILLIS.test(value)) return value;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && new Date(ms).toISOString() === value ? ms : value;
  },
  decode: (stored) => decodeFetchedAt(stored),
};

const decodeFetchedAt = (stored: Json) => (typeof stored === 'number' ? new Date(stored).toISOString() : stored);

/** The time other times are stored relative to: fetchedAt, or the epoch when it is not a time. */
function baseMsOf(fetchedAt: unknown): number {
  const ms = isString(fetchedAt) ? Date.parse(fetchedAt) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

const WALL_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\D[\s\S]*)?$/;
const RELATIVE_TIME = /^(-?\d+)(\D[\s\S]*)$/;

/**
 * publishedAt / modifiedAt: the wall-clock part as seconds from fetchedAt (a number, or a string
 * of those seconds then the rest: fraction, offset), so `2026-11-24T09:30:00+01:00` fetched at
 * 10:15:31 becomes `"-1531+01:00"`. Text that would not come back the same is a one-element list.
 */
const relativeTimeSlot = (field: string): Slot => ({
  field,
  encode: (value, context) => {
    if (!isString(value)) return undefined;
    const match = WALL_TIME.exec(value);
    if (match) {
      const wallMs = Date.parse(`${match[1]}Z`);
      if (Number.isFinite(wallMs)) {
        const seconds = Math.round(wallMs / 1000) - Math.floor(context.baseMs / 1000);
        const stored = match[2] === undefined ? seconds : `${seconds}${match[2]}`;
        if (decodesTo(stored, context, value)) return stored;
      }
    }
    return [value];
  },
  decode: (stored, context) => decodeRelativeTime(stored, context),
});

function decodesTo(stored: Json, context: SlotContext, value: string): boolean {
  try {
    return decodeRelativeTime(stored, context) === value;
  } catch {
    return false; // out of the range of Date
  }
}

function decodeRelativeTime(stored: Json, context: SlotContext): string {
  if (Array.isArray(stored)) return String(stored[0]);
  const base = Math.floor(context.baseMs / 1000);
  if (typeof stored === 'number') return wallText(base + stored);
  const match = RELATIVE_TIME.exec(String(stored));
  if (!match) return String(stored);
  return wallText(base + Number(match[1])) + match[2];
}

const wallText = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19);

/** `raw/dt=<day>/bundle-<stamp>-<id>.gz`, the raw bundle key of `core/archive-keys.ts` (stored items keep this shape). */
const RAW_BUNDLE_KEY = /^raw\/dt=\d{4}-\d\d-\d\d\/bundle-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z-([0-9a-f]+)\.gz$/;

function rawBundleKeyAt(writtenAtMs: number, bundleId: string): string {
  const stamp = new Date(writtenAtMs).toISOString();
  return `raw/dt=${stamp.slice(0, 10)}/bundle-${stamp.replace(/[:.]/g, '-')}-${bundleId}.gz`;
}

/** rawKey: a raw bundle key as [milliseconds from fetchedAt, bundle id]; another key as a URL. */
const rawKeySlot: Slot = {
  field: 'rawKey',
  encode: (value, context) => {
    if (!isString(value)) return undefined;
    const match = RAW_BUNDLE_KEY.exec(value);
    if (match) {
      const writtenAtMs = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
      if (Number.isFinite(writtenAtMs) && rawBundleKeyAt(writtenAtMs, match[6]) === value) return [writtenAtMs - context.baseMs, match[6]];
    }
    return packUrl(value, context.tokens);
  },
  decode: (stored, context) => {
    if (Array.isArray(stored) && stored.length === 2) return rawBundleKeyAt(context.baseMs + Number(stored[0]), String(stored[1]));
    return unpackUrl(stored, context.tokens);
  },
};

/**
 * Content-Type headers most pages come with, stored as their index (~7 bytes less than the
 * compressed text). Stored items refer to these by position: only append.
 */
const COMMON_CONTENT_TYPES: readonly string[] = [
  'text/html; charset=utf-8',
  'text/html; charset=UTF-8',
  'text/html',
  'text/html;charset=UTF-8',
  'text/html;charset=utf-8',
];

const COPY_LINK_FIELDS = ['articleId', 'url', 'host', 'overlap', 'method'] as const;
const COPY_METHODS: readonly string[] = ['exact', 'near-duplicate'];

const STATS_FIELDS = ['repeatedParagraphsRemoved', 'boilerplateParagraphsRemoved', 'paragraphsFirstSeenElsewhere'] as const;

const SLOTS: readonly Slot[] = [
  // Texts first and URLs together: later ones often repeat words and paths of earlier ones.
  textSlot('title'),
  textSlot('description'),
  textSlot('siteName'),
  textSlot('section'),
  {
    field: 'authors',
    encode: (value) => (Array.isArray(value) && value.every(isString) ? value : undefined),
    decode: (stored) => stored,
  },
  urlSlot('url'),
  {
    field: 'canonicalUrl',
    // 0: the same as url (most pages).
    encode: (value, context) => (isString(value) ? (value === context.url ? 0 : packUrl(value, context.tokens)) : undefined),
    decode: (stored, context) => (stored === 0 ? context.url : unpackUrl(stored, context.tokens)),
  },
  urlSlot('image'),
  textSlot('language'),
  {
    field: 'pageKind',
    encode: (value) => (value === 'article' ? 0 : isString(value) ? value : undefined),
    decode: (stored) => (stored === 0 ? 'article' : stored),
  },
  fetchedAtSlot,
  relativeTimeSlot('publishedAt'),
  relativeTimeSlot('modifiedAt'),
  rawKeySlot,
  numberSlot('rawOffset'),
  numberSlot('rawLength'),
  {
    field: 'rawContentType',
    encode: (value) => {
      const common = COMMON_CONTENT_TYPES.indexOf(value as string);
      return common >= 0 ? common : isString(value) ? value : undefined;
    },
    decode: (stored) => (typeof stored === 'number' ? COMMON_CONTENT_TYPES[stored] : stored),
  },
  numberSlot('version'),
  numberSlot('paragraphCount'),
  {
    field: 'stats',
    encode: (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const stats = value as Record<string, unknown>;
      const exact = Object.keys(stats).length === STATS_FIELDS.length && STATS_FIELDS.every((f) => typeof stats[f] === 'number' && Number.isFinite(stats[f]));
      return exact ? STATS_FIELDS.map((f) => stats[f] as number) : undefined;
    },
    decode: (stored) => Object.fromEntries(STATS_FIELDS.map((f, i) => [f, (stored as number[])[i]])),
  },
  {
    field: 'copyOf',
    // [articleId, url with the link's host as a placeholder, host, overlap, 0 exact | 1 near-duplicate]
    encode: (value, context) => {
      const link = value as Record<string, unknown>;
      const exact =
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(link).length === COPY_LINK_FIELDS.length &&
        isString(link.articleId) && isString(link.url) && isString(link.host) && typeof link.overlap === 'number' &&
        Number.isFinite(link.overlap) && !Object.is(link.overlap, -0) && COPY_METHODS.includes(link.method as string);
      if (!exact) return undefined;
      context.copyOfId = link.articleId as string;
      const tokens = { id: '', host: link.host as string, day: '' };
      return [link.articleId as string, packUrl(link.url as string, tokens), link.host as string, link.overlap as number, COPY_METHODS.indexOf(link.method as string)];
    },
    decode: (stored, context) => {
      const [articleId, url, host, overlap, method] = stored as [string, Json, string, number, number];
      context.copyOfId = articleId;
      return { articleId, url: unpackUrl(url, { id: '', host, day: '' }), host, overlap, method: COPY_METHODS[method] };
    },
  },
  {
    field: 'clusterId',
    // 0: the article itself, 1: its copyOf's article (the usual two; copyOf's slot comes first).
    encode: (value, context) => (value === context.tokens.id ? 0 : value !== undefined && value === context.copyOfId ? 1 : isString(value) ? value : undefined),
    decode: (stored, context) => (stored === 0 ? context.tokens.id : stored === 1 ? context.copyOfId : stored),
  },
  // Set only when the binary section cannot hold them (not hex, not the sketch shape).
  textSlot('contentHash'),
  {
    field: 'paragraphHashes',
    encode: (value) => (Array.isArray(value) && value.every(isString) ? value : undefined),
    decode: (stored) => stored,
  },
  textSlot('minhash'),
];
const SLOT_INDEX = new Map(SLOTS.map((slot, i) => [slot.field, i]));
const MINHASH_SLOT = SLOT_INDEX.get('minhash')!;
const CANONICAL_SLOT = SLOT_INDEX.get('canonicalUrl')!;
const FETCHED_AT_SLOT = SLOT_INDEX.get('fetchedAt')!;

/** The sketch prefix stored implicitly (any other prefix is kept in the minhash slot). */
const DEFAULT_SKETCH_PREFIX = 'bk2n1';
/** `<prefix>.<count>.` then base64 of 3-byte big-endian values: `core/dedup/near-duplicate.ts`. */
const SKETCH_SHAPE = /^([^.]*)\.(0|[1-9]\d{0,14})\.([A-Za-z0-9+/]*={0,2})$/;
const SKETCH_VALUE_BYTES = 3;
const SKETCH_VALUE_BITS = 24;

/**
 * Packs `fields` (record fields other than those in keys or updated in place) into the binary
 * attribute value described above.
 */
export function packFields(fields: Record<string, unknown>, tokens: PackTokens): Uint8Array {
  const context: SlotContext = { tokens, baseMs: baseMsOf(fields.fetchedAt), copyOfId: undefined, url: fields.url };
  const binary = new ByteWriter();
  let flags = 0;
  const rest: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) rest[field] = value;

  const contentHash = rest.contentHash;
  if (isString(contentHash) && HEX128.test(contentHash)) {
    flags |= FLAG_CONTENT_HASH;
    binary.bytes(Buffer.from(contentHash, 'hex'));
    delete rest.contentHash;
  }
  const hashes = rest.paragraphHashes;
  if (Array.isArray(hashes) && hashes.every((hash) => isString(hash) && HEX128.test(hash))) {
    flags |= FLAG_PARAGRAPH_HASHES;
    binary.varint(hashes.length);
    binary.bytes(Buffer.from(hashes.join(''), 'hex'));
    delete rest.paragraphHashes;
  }
  let sketchPrefix: string | undefined;
  const sketch = isString(rest.minhash) ? parseSketch(rest.minhash) : undefined;
  if (sketch) {
    flags |= FLAG_SKETCH;
    binary.varint(sketch.shingleCount);
    encodeSketchValues(sketch.values, binary);
    sketchPrefix = sketch.prefix;
    delete rest.minhash;
  }

  const slots: Json[] = SLOTS.map(() => null);
  for (const [i, slot] of SLOTS.entries()) {
    if (!(slot.field in rest)) continue;
    const stored = slot.encode(rest[slot.field], context);
    if (stored === undefined) continue;
    slots[i] = stored;
    delete rest[slot.field];
  }
  // With a compact sketch, the minhash slot holds its prefix (when not the usual one).
  if (sketchPrefix !== undefined && sketchPrefix !== DEFAULT_SKETCH_PREFIX) slots[MINHASH_SLOT] = sketchPrefix;
  const extras = rest as { [key: string]: Json };
  const array: Json[] = Object.keys(extras).length > 0 ? [...slots, extras] : slots;
  while (array.length > 0 && array[array.length - 1] === null) array.pop();

  const json = Buffer.from(JSON.stringify(array), 'utf8');
  const compressed = brotliCompressSync(json, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlibConstants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  const useBrotli = compressed.length < json.length;
  if (useBrotli) flags |= FLAG_BROTLI;
  return Buffer.concat([Buffer.from([PACKED_FORMAT, flags]), binary.result(), useBrotli ? compressed : json]);
}

/**
 * The fields {@link packFields} packed. Throws StorageError for a value it cannot read.
 */
export function unpackFields(packed: Uint8Array, tokens: PackTokens): Record<string, unknown> {
  const { binary, array } = readPacked(packed, tokens.id);
  const fields: Record<string, unknown> = {};
  if (binary.contentHash) fields.contentHash = binary.contentHash.toString('hex');
  if (binary.paragraphHashes) {
    const hex = binary.paragraphHashes.toString('hex');
    const hashes: string[] = [];
    for (let i = 0; i < hex.length; i += HEX128_BYTES * 2) hashes.push(hex.slice(i, i + HEX128_BYTES * 2));
    fields.paragraphHashes = hashes;
  }
  if (binary.sketch) {
    const prefix = array[MINHASH_SLOT];
    array[MINHASH_SLOT] = null;
    fields.minhash = formatSketch(typeof prefix === 'string' ? prefix : DEFAULT_SKETCH_PREFIX, binary.sketch.shingleCount, binary.sketch.values);
  }
  const extras = array.length > SLOTS.length ? (array[SLOTS.length] as Record<string, unknown>) : {};
  // fetchedAt first: the other times and the raw key are stored relative to it.
  const fetchedSlot = array[FETCHED_AT_SLOT];
  const fetchedAt = fetchedSlot === null || fetchedSlot === undefined ? extras.fetchedAt : decodeFetchedAt(fetchedSlot);
  const context: SlotContext = { tokens, baseMs: baseMsOf(fetchedAt), copyOfId: undefined, url: undefined };
  try {
    for (const [i, slot] of SLOTS.entries()) {
      const stored = array[i];
      if (stored === null || stored === undefined) continue;
      // url's slot comes before canonicalUrl's.
      if (i === CANONICAL_SLOT) context.url = fields.url;
      fields[slot.field] = slot.decode(stored, context);
    }
  } catch (error) {
    throw new StorageError(`article ${tokens.id}: packed fields cannot be read`, { cause: error });
  }
  return { ...fields, ...extras };
}

/** Byte counts of a packed value's parts and its JSON slots as stored (measurements and tests). */
export interface PackedParts {
  bytes: { header: number; contentHash: number; paragraphHashes: number; sketch: number; json: number };
  compressed: boolean;
  /** The JSON part: slot values as stored, by field name, and the extras object. */
  slots: Record<string, unknown>;
  extras: Record<string, unknown>;
}

/** Describes a value {@link packFields} made. */
export function inspectPacked(packed: Uint8Array): PackedParts {
  const { binary, array, flags } = readPacked(packed, '?');
  const slots: Record<string, unknown> = {};
  for (const [i, slot] of SLOTS.entries()) if (array[i] !== null && array[i] !== undefined) slots[slot.field] = array[i];
  return {
    bytes: {
      header: 2,
      contentHash: binary.contentHash?.length ?? 0,
      paragraphHashes: binary.paragraphHashesBytes,
      sketch: binary.sketchBytes,
      json: binary.jsonBytes,
    },
    compressed: (flags & FLAG_BROTLI) !== 0,
    slots,
    extras: array.length > SLOTS.length ? (array[SLOTS.length] as Record<string, unknown>) : {},
  };
}

interface PackedSections {
  flags: number;
  binary: {
    contentHash?: Buffer;
    paragraphHashes?: Buffer;
    paragraphHashesBytes: number;
    sketch?: { shingleCount: number; values: number[] };
    sketchBytes: number;
    jsonBytes: number;
  };
  array: Json[];
}

function readPacked(packed: Uint8Array, id: string): PackedSections {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (bytes.length < 2 || bytes[0] !== PACKED_FORMAT || (bytes[1] & ~KNOWN_FLAGS) !== 0) {
    throw new StorageError(`article ${id}: packed fields of an unknown format (${bytes.subarray(0, 2).toString('hex')})`);
  }
  const flags = bytes[1];
  try {
    const reader = new ByteReader(bytes, 2);
    const binary: PackedSections['binary'] = { paragraphHashesBytes: 0, sketchBytes: 0, jsonBytes: 0 };
    if (flags & FLAG_CONTENT_HASH) binary.contentHash = reader.bytes(HEX128_BYTES);
    let start = reader.position();
    if (flags & FLAG_PARAGRAPH_HASHES) binary.paragraphHashes = reader.bytes(reader.varint() * HEX128_BYTES);
    binary.paragraphHashesBytes = reader.position() - start;
    start = reader.position();
    if (flags & FLAG_SKETCH) binary.sketch = { shingleCount: reader.varint(), values: decodeSketchValues(reader) };
    binary.sketchBytes = reader.position() - start;
    const rest = reader.rest();
    binary.jsonBytes = rest.length;
    const array = JSON.parse((flags & FLAG_BROTLI ? brotliDecompressSync(rest) : rest).toString('utf8')) as Json[];
    if (!Array.isArray(array)) throw new Error('not a JSON array');
    return { flags, binary, array };
  } catch (error) {
    throw new StorageError(`article ${id}: packed fields cannot be read`, { cause: error });
  }
}

interface ParsedSketch {
  prefix: string;
  shingleCount: number;
  values: number[];
}

/** The sketch's parts when it has the shape whose values can be Rice-coded and given back exactly. */
function parseSketch(minhash: string): ParsedSketch | undefined {
  const match = SKETCH_SHAPE.exec(minhash);
  if (!match) return undefined;
  const bytes = Buffer.from(match[3], 'base64');
  if (bytes.toString('base64') !== match[3] || bytes.length % SKETCH_VALUE_BYTES !== 0) return undefined;
  const shingleCount = Number(match[2]);
  if (!Number.isSafeInteger(shingleCount)) return undefined;
  const values: number[] = [];
  for (let i = 0; i < bytes.length; i += SKETCH_VALUE_BYTES) {
    const value = bytes.readUIntBE(i, SKETCH_VALUE_BYTES);
    // Ascending values only: the deltas must not be negative.
    if (values.length > 0 && value < values[values.length - 1]) return undefined;
    values.push(value);
  }
  return { prefix: match[1], shingleCount, values };
}

function formatSketch(prefix: string, shingleCount: number, values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * SKETCH_VALUE_BYTES);
  values.forEach((value, i) => bytes.writeUIntBE(value, i * SKETCH_VALUE_BYTES, SKETCH_VALUE_BYTES));
  return `${prefix}.${shingleCount}.${bytes.toString('base64')}`;
}

/**
 * Ascending 24-bit values as varint count, Rice parameter k, then each delta from the previous
 * value (the first from 0) as its quotient by 2^k in unary (ones ended by a zero) and its k low
 * bits, padded to a byte. A bottom-k sketch's values are spread evenly over a range, so the
 * deltas are alike and k near log2 of their mean costs ~k + 2 bits each instead of 24.
 */
function encodeSketchValues(values: readonly number[], out: ByteWriter): void {
  const deltas = values.map((value, i) => value - (i === 0 ? 0 : values[i - 1]));
  let bestK = 0;
  let bestBits = Number.POSITIVE_INFINITY;
  for (let k = 0; k < SKETCH_VALUE_BITS; k++) {
    const bits = deltas.reduce((n, delta) => n + Math.floor(delta / 2 ** k) + 1 + k, 0);
    if (bits < bestBits) [bestK, bestBits] = [k, bits];
  }
  out.varint(values.length);
  out.varint(bestK);
  const bits = new BitWriter();
  for (const delta of deltas) {
    for (let q = Math.floor(delta / 2 ** bestK); q > 0; q--) bits.bit(1);
    bits.bit(0);
    for (let b = bestK - 1; b >= 0; b--) bits.bit(Math.floor(delta / 2 ** b) % 2);
  }
  out.bytes(bits.result());
}

function decodeSketchValues(reader: ByteReader): number[] {
  const count = reader.varint();
  const k = reader.varint();
  if (k >= SKETCH_VALUE_BITS) throw new Error(`Rice parameter ${k} out of range`);
  const bits = new BitReader(reader);
  const values: number[] = [];
  let value = 0;
  for (let i = 0; i < count; i++) {
    let quotient = 0;
    while (bits.bit() === 1) quotient++;
    let low = 0;
    for (let b = 0; b < k; b++) low = low * 2 + bits.bit();
    value += quotient * 2 ** k + low;
    if (value >= 2 ** SKETCH_VALUE_BITS) throw new Error('sketch value out of range');
    values.push(value);
  }
  return values;
}

/** Appends bytes and unsigned LEB128 varints. */
class ByteWriter {
  private readonly parts: Buffer[] = [];

  bytes(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }

  varint(value: number): void {
    const out: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      out.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    out.push(rest);
    this.parts.push(Buffer.from(out));
  }

  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class ByteReader {
  constructor(
    private readonly buffer: Buffer,
    private offset: number,
  ) {}

  byte(): number {
    if (this.offset >= this.buffer.length) throw new Error('truncated');
    return this.buffer[this.offset++];
  }

  bytes(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw new Error('truncated');
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      if (scale > 2 ** 42) throw new Error('varint too long');
    }
  }

  position(): number {
    return this.offset;
  }

  rest(): Buffer {
    const bytes = this.buffer.subarray(this.offset);
    this.offset = this.buffer.length;
    return bytes;
  }
}

class BitWriter {
  private readonly bytes: number[] = [];
  private used = 8;

  bit(value: number): void {
    if (this.used === 8) {
      this.bytes.push(0);
      this.used = 0;
    }
    if (value) this.bytes[this.bytes.length - 1] |= 0x80 >> this.used;
    this.used++;
  }

  result(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** Reads bits from a ByteReader, a byte at a time (the rest of the last byte is padding). */
class BitReader {
  private current = 0;
  private left = 0;

  constructor(private readonly reader: ByteReader) {}

  bit(): number {
    if (this.left === 0) {
      this.current = this.reader.byte();
      this.left = 8;
    }
    this.left--;
    return (this.current >> this.left) & 1;
  }
}

