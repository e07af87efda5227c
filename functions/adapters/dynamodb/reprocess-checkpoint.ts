import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StorageError } from '../../errors';
import type { ReprocessCheckpointStore } from '../../ports/reprocess-checkpoint-store';
import { TABLE_KEY, TTL_ATTRIBUTE } from './table-schema';

/** Checkpoints expire after this long, so abandoned runs leave nothing behind. */
const CHECKPOINT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Reprocess checkpoints as small items of the pipeline table (`REPROCESS#<run>` / `CHECKPOINT`),
 * expiring through the table's TTL attribute.
 */
export class DynamoDbReprocessCheckpoint implements ReprocessCheckpointStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly options: { tableName: string; client: DynamoDBClient; now?: () => Date }) {
    this.doc = DynamoDBDocumentClient.from(options.client);
  }

  private key(runKey: string) {
    return { [TABLE_KEY.partitionKey]: `REPROCESS#${runKey}`, [TABLE_KEY.sortKey]: 'CHECKPOINT' };
  }

  async load(runKey: string): Promise<string | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: this.key(runKey), ConsistentRead: true }),
      );
      return typeof Item?.lastKey === 'string' ? Item.lastKey : undefined;
    } catch (error) {
      throw new StorageError('cannot read reprocess checkpoint', { cause: error });
    }
  }

  async save(runKey: string, lastKey: string): Promise<void> {
    const nowMs = (this.options.now?.() ?? new Date()).getTime();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.key(runKey),
            lastKey,
            updatedAt: new Date(nowMs).toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + CHECKPOINT_TTL_SECONDS,
          },
        }),
      );
    } catch (error) {
      throw new StorageError('cannot write reprocess checkpoint', { cause: error });
    }
  }

  async clear(runKey: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.options.tableName, Key: this.key(runKey) }));
    } catch (error) {
      throw new StorageError('cannot delete reprocess checkpoint', { cause: error });
    }
  }
}
