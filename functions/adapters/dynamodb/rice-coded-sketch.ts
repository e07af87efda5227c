/*
 * The MinHash sketch section of a packed article item (see `article-item-packing.ts`): a sketch
 * of the `<prefix>.<count>.<base64>` shape as its shingle count and its ascending 24-bit values
 * Rice-coded, ~100 bytes instead of 144. Also the byte and bit streams the packed attribute's
 * binary sections are written and read with. What this writes is part of the stored format.
 */

/** The sketch prefix stored implicitly (any other prefix is kept in the minhash slot). */
export const DEFAULT_SKETCH_PREFIX = 'bk2n1';
/** `<prefix>.<count>.` then base64 of 3-byte big-endian values: `core/dedup/near-duplicate.ts`. */
const SKETCH_SHAPE = /^([^.]*)\.(0|[1-9]\d{0,14})\.([A-Za-z0-9+/]*={0,2})$/;
const SKETCH_VALUE_BYTES = 3;
const SKETCH_VALUE_BITS = 24;

export interface ParsedSketch {
  prefix: string;
  shingleCount: number;
  values: number[];
}

/** The sketch's parts when it has the shape whose values can be Rice-coded and given back exactly. */
export function parseSketch(minhash: string): ParsedSketch | undefined {
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

/** The `<prefix>.<count>.<base64>` text of a sketch {@link parseSketch} took apart. */
export function formatSketch(prefix: string, shingleCount: number, values: readonly number[]): string {
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
export function encodeSketchValues(values: readonly number[], out: ByteWriter): void {
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

/** Reads what {@link encodeSketchValues} wrote. Throws for values out of range or truncated input. */
export function decodeSketchValues(reader: ByteReader): number[] {
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
export class ByteWriter {
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

/** Reads what a {@link ByteWriter} wrote; throws when the input ends early. */
export class ByteReader {
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
