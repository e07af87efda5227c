import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { StorageError } from '../../errors';
import { sleep } from '../concurrency';
import { createTableInput } from '../dynamodb/table-schema';
// Index entries and items in one LevelDB batch, so a killed process cannot leave them disagreeing.
import './dynalite-atomic-writes';

/** How long to wait for the table to become ACTIVE (dynalite with createTableMs 0: immediate). */
const TABLE_ACTIVE_TIMEOUT_MS = 10_000;
const TABLE_POLL_INTERVAL_MS = 20;
/** Region and credentials the local client signs with; dynalite checks neither. */
const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A running embedded DynamoDB-compatible store. */
export interface EmbeddedDynamoDb {
  /** Client configured for the embedded endpoint (do not destroy it yourself; call close). */
  client: DynamoDBClient;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Stops the server, flushes the store to disk and destroys the client. */
  close(): Promise<void>;
}

/**
 * Starts dynalite in-process on 127.0.0.1 (random port), persisted under `<dataDir>/index`, and
 * creates the table when absent. Local mode needs no Java, Docker or AWS account.
 * Limits of dynalite: no TransactWriteItems; table names need 3+ characters.
 *
 * @example
 * const store = await startEmbeddedDynamoDb({ dataDir: '.data', tableName: 'news-local' });
 * const index = new DynamoDbDedupIndex({ tableName: 'news-local', client: store.client });
 * // ...
 * await store.close();
 */
export async function startEmbeddedDynamoDb(options: {
  dataDir: string;
  tableName: string;
}): Promise<EmbeddedDynamoDb> {
  const storePath = join(options.dataDir, 'index');
  await mkdir(storePath, { recursive: true });
  const server = dynalite({ path: storePath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    client.destroy();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  try {
    await ensureTable(client, options.tableName);
  } catch (error) {
    await close();
    throw error;
  }
  return { client, endpoint, close };
}

/**
 * Creates the table from `createTableInput` unless it exists, then waits until it is ACTIVE.
 * Works against dynalite and DynamoDB Local alike.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw new StorageError(`cannot create table ${tableName}`, { cause: error, retryable: false });
    }
  }
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
        (gsi) => gsi.IndexStatus === 'ACTIVE',
      );
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new StorageError(`table ${tableName} did not become ACTIVE`);
    await sleep(TABLE_POLL_INTERVAL_MS);
  }
}
