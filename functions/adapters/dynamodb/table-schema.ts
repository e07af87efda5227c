/**
 * The one DynamoDB table's key schema, shared by the CDK stack, the embedded (dynalite) store and
 * the test setup so they cannot drift apart.
 *
 * Single-table design: `pk`/`sk` string keys; `gsi1` (gsi1pk/gsi1sk) serves "articles by host and
 * day"; `expiresAt` (epoch seconds) is the TTL attribute for short-lived items (locks, rate state).
 */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const GSI1 = { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
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
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
