import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFrontier } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { frontierContract } from './frontier.contract';

let dynamoDbLocal: DynamoDbLocal;
let dynaliteServer: DynaliteServer;
let tableCounter = 0;

beforeAll(async () => {
  [dynamoDbLocal, dynaliteServer] = await Promise.all([startDynamoDbLocal(), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([dynamoDbLocal?.stop(), dynaliteServer?.stop()]);
});

async function freshFrontier(
  server: { client: DynamoDbLocal['client'] },
  options: { queuedStaleAfterMs?: number } = {},
): Promise<DynamoDbFrontier> {
  const tableName = `frontier-${process.pid}-${++tableCounter}`;
  await ensureTable(server.client, tableName);
  return new DynamoDbFrontier({ tableName, client: server.client, ...options });
}

frontierContract('DynamoDbFrontier on DynamoDB Local', () => freshFrontier(dynamoDbLocal));
frontierContract('DynamoDbFrontier on dynalite', () => freshFrontier(dynaliteServer));

describe('DynamoDbFrontier specifics', () => {
  it('re-claims a URL stuck in queued after the stale window (lost crawl message)', async () => {
    const frontier = await freshFrontier(dynaliteServer, { queuedStaleAfterMs: 60_000 });
    const input = { urlKey: 'k', url: 'https://a.example/k', host: 'a.example', sourceId: 's' };
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:00.000Z' })).toBeDefined();
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:59.000Z' })).toBeUndefined();
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:01:00.000Z' })).toMatchObject({ status: 'queued' });
  });

  it('claims with one write request', async () => {
    const frontier = await freshFrontier(dynaliteServer);
    await frontier.claim({ urlKey: 'one', url: 'https://a.example/1', host: 'a.example', sourceId: 's', nowIso: '2026-11-24T10:00:00.000Z' });
    expect(frontier.stats()).toMatchObject({ requests: 1, writeUnits: 1 });
  });
});
