import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's billed size of one attribute value, following the rules in the DynamoDB developer
 * guide ("Item sizes and formats"): strings and binaries by their bytes, numbers about one byte
 * per two significant digits plus one, one byte for booleans and nulls, and 3 bytes of overhead
 * plus one per element for lists and maps.
 */
function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
  if (value.BS) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L) return 3 + value.L.reduce((n, v) => n + 1 + valueBytes(v), 0);
  if (value.M)
    return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + valueBytes(v), 0);
  return 0;
}

/** Size of an item as DynamoDB bills writes: attribute names plus values. */
export function itemSizeBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

/** Storage adds this much per item (and per index entry) to the item's own size (DynamoDB pricing page). */
export const STORAGE_OVERHEAD_BYTES_PER_ITEM = 100;
