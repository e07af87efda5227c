import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StorageError } from '../../errors';
import { chunk, sleep } from '../concurrency';
import type { RequestStats } from './request-stats';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';

/** BatchGetItem accepts at most 100 keys per request. */
export const BATCH_GET_MAX_KEYS = 100;
/** BatchWriteItem accepts at most 25 put/delete requests per call. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/**
 * Attempts for unprocessed batch items before giving up. Unprocessed items mean throttling;
 * with exponential backoff from {@link UNPROCESSED_BACKOFF_BASE_MS} eight attempts span ~6 s,
 * enough for on-demand capacity to adapt, short enough for a Lambda's budget.
 */
const UNPROCESSED_MAX_ATTEMPTS = 8;
const UNPROCESSED_BACKOFF_BASE_MS = 25;

type Key = Record<string, string>;
type Item = Record<string, unknown>;

function backoffMs(attempt: number): number {
  const ceiling = UNPROCESSED_BACKOFF_BASE_MS * 2 ** attempt;
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Reads items by key with BatchGetItem (chunks of 100, unprocessed keys retried with backoff).
 * Returns found items in no particular order.
 */
export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  tableName: string,
  keys: readonly Key[],
  options: { consistentRead?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (const keyChunk of chunk(keys, BATCH_GET_MAX_KEYS)) {
    let pending: Key[] = keyChunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_MAX_ATTEMPTS) {
        throw new StorageError(`BatchGetItem left ${pending.length} keys unprocessed`, { retryable: true });
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
      let response;
      try {
        response = await doc.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistentRead } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      } catch (error) {
        throw toStorageError('BatchGetItem', error);
      }
      stats.record('read', response.ConsumedCapacity);
      found.push(...(response.Responses?.[tableName] ?? []));
      pending = (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

/**
 * Puts items with BatchWriteItem (chunks of 25, unprocessed items retried with backoff). Only for
 * items whose plain overwrite is correct (no conditions are possible in a batch).
 */
export async function batchPutItems(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  tableName: string,
  items: readonly Item[],
): Promise<void> {
  for (const itemChunk of chunk(items, BATCH_WRITE_MAX_ITEMS)) {
    let pending = itemChunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_MAX_ATTEMPTS) {
        throw new StorageError(`BatchWriteItem left ${pending.length} items unprocessed`, {
          retryable: true,
        });
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
      let response;
      try {
        response = await doc.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending }, ReturnConsumedCapacity: 'TOTAL' }),
        );
      } catch (error) {
        throw toStorageError('BatchWriteItem', error);
      }
      stats.record('write', response.ConsumedCapacity);
      pending = (response.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}

/**
 * Puts an item unless one with its key exists (the existing one is left as it is). Returns whether
 * this call wrote it; a refused put is counted as billed, like every rejected conditional write.
 */
export async function putIfAbsent(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  tableName: string,
  item: Item,
): Promise<boolean> {
  try {
    const response = await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    stats.record('write', response.ConsumedCapacity);
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw toStorageError('PutItem', error);
    stats.recordRejectedWrite();
    return false;
  }
}
