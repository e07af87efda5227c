import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { StorageError } from '../../errors';
import {
  type Json,
  type PackTokens,
  type SlotContext,
  baseMsOf,
  CANONICAL_SLOT,
  decodeFetchedAt,
  FETCHED_AT_SLOT,
  HEX128,
  HEX128_BYTES,
  isString,
  MINHASH_SLOT,
  SLOTS,
} from './packed-json-slots';
import {
  ByteReader,
  ByteWriter,
  DEFAULT_SKETCH_PREFIX,
  decodeSketchValues,
  encodeSketchValues,
  formatSketch,
  parseSketch,
} from './rice-coded-sketch';

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
 *
 * The slots are in `packed-json-slots.ts`, the sketch's Rice coding and the byte streams in
 * `rice-coded-sketch.ts`.
 */

/** First byte of a packed attribute. */
export const PACKED_FORMAT = 1;

const FLAG_CONTENT_HASH = 1;
const FLAG_PARAGRAPH_HASHES = 2;
const FLAG_SKETCH = 4;
const FLAG_BROTLI = 8;
const KNOWN_FLAGS = FLAG_CONTENT_HASH | FLAG_PARAGRAPH_HASHES | FLAG_SKETCH | FLAG_BROTLI;

/**
 * Brotli at its best ratio: ~1 ms per article item of CPU, worth ~15% smaller output than quality 9
 * on these short texts. A 64 KB window covers any item (DynamoDB items stop at 400 KB, and the
 * packed text is a few KB at most); a smaller window than the default needs less memory.
 */
const BROTLI_QUALITY = 11;
const BROTLI_WINDOW_BITS = 16;

/**
 * Packs `fields` (record fields other than those in keys or updated in place) into the binary
 * attribute value described above.
 */
export function packFields(fields: Record<string, unknown>, tokens: PackTokens): Uint8Array {
  const context: SlotContext = {
    tokens,
    baseMs: baseMsOf(fields.fetchedAt),
    copyOfId: undefined,
    url: fields.url,
  };
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
  if (sketchPrefix !== undefined && sketchPrefix !== DEFAULT_SKETCH_PREFIX)
    slots[MINHASH_SLOT] = sketchPrefix;
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
    fields.minhash = formatSketch(
      typeof prefix === 'string' ? prefix : DEFAULT_SKETCH_PREFIX,
      binary.sketch.shingleCount,
      binary.sketch.values,
    );
  }
  const extras = array.length > SLOTS.length ? (array[SLOTS.length] as Record<string, unknown>) : {};
  // fetchedAt first: the other times and the raw key are stored relative to it.
  const fetchedSlot = array[FETCHED_AT_SLOT];
  const fetchedAt =
    fetchedSlot === null || fetchedSlot === undefined ? extras.fetchedAt : decodeFetchedAt(fetchedSlot);
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
  for (const [i, slot] of SLOTS.entries())
    if (array[i] !== null && array[i] !== undefined) slots[slot.field] = array[i];
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
    throw new StorageError(
      `article ${id}: packed fields of an unknown format (${bytes.subarray(0, 2).toString('hex')})`,
    );
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
    if (flags & FLAG_SKETCH)
      binary.sketch = { shingleCount: reader.varint(), values: decodeSketchValues(reader) };
    binary.sketchBytes = reader.position() - start;
    const rest = reader.rest();
    binary.jsonBytes = rest.length;
    const array = JSON.parse(
      (flags & FLAG_BROTLI ? brotliDecompressSync(rest) : rest).toString('utf8'),
    ) as Json[];
    if (!Array.isArray(array)) throw new Error('not a JSON array');
    return { flags, binary, array };
  } catch (error) {
    throw new StorageError(`article ${id}: packed fields cannot be read`, { cause: error });
  }
}
