/**
 * The one DynamoDB table's key schema, shared by the CDK stack, the embedded (dynalite) store and
 * the test setup so they cannot drift apart.
 *
 * Single-table design: `pk`/`sk` string keys; `gsi1` (gsi1pk/gsi1sk) serves "articles by host and
 * day" and the frontier's PENDING / FAILED lists; `expiresAt` (epoch seconds) is the TTL attribute
 * for short-lived items (locks, rate state).
 *
 * gsi1 projects keys only: every write of an item that has gsi1 keys is also written to the index
 * and billed per started KB of the projected item, so projecting ALL paid each article write twice
 * at the full item size. Readers query the index for keys and fetch the items from the table
 * (BatchGetItem or a partition Query), and reads cost a fraction of writes. Changing the projection
 * of a deployed table means creating a new index (see docs/deploy.md).
 */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Projection types CreateTable accepts (typed wide so code comparing against another one compiles). */
export type ProjectionTypeName = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
export const GSI1 = {
  indexName: 'gsi1',
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
  projectionType: 'KEYS_ONLY' as ProjectionTypeName,
} as const;
export const TTL_ATTRIBUTE = 'expiresAt';

/** CreateTable input for local stores and tests (on-demand billing, like the stack). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEY.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEY.sortKey, AttributeType: 'S' as const },
      { AttributeName: GSI1.partitionKey, AttributeType: 'S' as const },
      { AttributeName: GSI1.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.indexName,
        KeySchema: [
          { AttributeName: GSI1.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: GSI1.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: GSI1.projectionType },
      },
    ],
  };
}
