import {
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { toStorageError } from './dynamodb-errors';
import type { RequestStats } from './request-stats';

type Item = Record<string, unknown>;

/**
 * Runs a Query or a Scan through its pages (each page's read units counted) until it ends or
 * `maxItems` items are read; a Query asks each page for no more than it still needs.
 */
export async function readAllPages(
  doc: DynamoDBDocumentClient,
  stats: RequestStats,
  request: { query: QueryCommandInput } | { scan: ScanCommandInput },
  maxItems = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  const operation = 'query' in request ? 'Query' : 'Scan';
  let startKey: Record<string, unknown> | undefined;
  do {
    const limit = Number.isFinite(maxItems) ? maxItems - items.length : undefined;
    let response;
    try {
      response =
        'query' in request
          ? await doc.send(
              new QueryCommand({
                ...request.query,
                ExclusiveStartKey: startKey,
                Limit: limit,
                ReturnConsumedCapacity: 'TOTAL',
              }),
            )
          : await doc.send(
              new ScanCommand({
                ...request.scan,
                ExclusiveStartKey: startKey,
                ReturnConsumedCapacity: 'TOTAL',
              }),
            );
    } catch (error) {
      throw toStorageError(operation, error);
    }
    stats.record('read', response.ConsumedCapacity);
    items.push(...(response.Items ?? []));
    startKey = response.LastEvaluatedKey;
  } while (startKey && items.length < maxItems);
  return items;
}
