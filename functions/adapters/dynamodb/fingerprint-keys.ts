import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../concurrency';
import { batchPutItems } from './batch-operations';
import { fingerprintPk } from './dedup-index-items';
import { readAllPages } from './paged-reads';
import type { RequestStats } from './request-stats';

/*
 * The dedup index's near-duplicate candidate keys: one small `FP#<key>` / `<articleId>` item per
 * stored key, so the articles sharing a key are one Query away.
 */

/**
 * Fingerprint-key queries in flight per findByFingerprintKeys call: an article queries 8 keys, so
 * all go out at once, well inside the SDK's socket pool (50).
 */
export const FINGERPRINT_QUERY_CONCURRENCY = 8;
/**
 * Candidates read per fingerprint key. A key shared by more articles than this is not
 * discriminative (a boilerplate band), and reading it all would make one article cost
 * unbounded reads.
 */
export const MAX_CANDIDATES_PER_FINGERPRINT_KEY = 200;

/** Stores an article's candidate keys (idempotent: plain puts of key-only items). */
export async function putFingerprintKeys(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  tableName: string,
  articleId: string,
  keys: readonly string[],
): Promise<void> {
  const items = [...new Set(keys)].map((key) => ({ pk: fingerprintPk(key), sk: articleId }));
  await batchPutItems(doc, stats, tableName, items);
}

/** Article ids sharing at least one of `keys`, without `articleId`, sorted. */
export async function findByFingerprintKeys(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  tableName: string,
  articleId: string,
  keys: readonly string[],
): Promise<string[]> {
  const perKey = await mapWithConcurrency([...new Set(keys)], FINGERPRINT_QUERY_CONCURRENCY, (key) =>
    readAllPages(
      doc,
      stats,
      {
        query: {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': fingerprintPk(key) },
          ProjectionExpression: 'sk',
        },
      },
      MAX_CANDIDATES_PER_FINGERPRINT_KEY,
    ),
  );
  const ids = new Set<string>();
  for (const items of perKey) for (const item of items) ids.add(String(item.sk));
  ids.delete(articleId);
  return [...ids].sort();
}
