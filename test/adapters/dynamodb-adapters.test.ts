/**
 * The DynamoDB adapters' contract suites on both servers. One file so one DynamoDB Local JVM
 * serves every suite (starting it costs more CPU than the tests on a 2-core machine).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbDedupIndex,
  PARAGRAPH_ARTICLE_IDS_CAP,
} from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { dedupIndexContract, hashes, ref } from './dedup-index.contract';
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

type Server = { client: DynamoDbLocal['client'] };

/** A fresh table per test keeps tests independent without restarting servers. */
async function freshTable(server: Server): Promise<string> {
  const tableName = `t-${process.pid}-${++tableCounter}`;
  await ensureTable(server.client, tableName);
  return tableName;
}

async function freshIndex(server: Server): Promise<DynamoDbDedupIndex> {
  return new DynamoDbDedupIndex({ tableName: await freshTable(server), client: server.client });
}

async function freshFrontier(server: Server, options: { queuedStaleAfterMs?: number } = {}): Promise<DynamoDbFrontier> {
  return new DynamoDbFrontier({ tableName: await freshTable(server), client: server.client, ...options });
}

const options = { articleIdsCap: PARAGRAPH_ARTICLE_IDS_CAP };
dedupIndexContract('DynamoDbDedupIndex on DynamoDB Local', () => freshIndex(dynamoDbLocal), options);
dedupIndexContract('DynamoDbDedupIndex on dynalite', () => freshIndex(dynaliteServer), options);

describe('table schema on the test servers', () => {
  // The contract suites above and below list through gsi1; this pins that they run against a
  // keys-only index, so listing must read the items from the table.
  it.each([
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ])('creates gsi1 with a keys-only projection on %s', async (_name, server) => {
    const tableName = await freshTable(server());
    const { Table } = await server().client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType])).toEqual([['gsi1', 'KEYS_ONLY']]);
  });
});

describe('DynamoDbDedupIndex cost', () => {
  // Issue 4 target: at most 1.5 write units per recorded paragraph on average.
  it.each([
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ])('spends one write unit per recorded paragraph up to the id cap on %s', async (name, server) => {
    const index = await freshIndex(server());
    const perArticle = 10;
    // Realistic refs: 32-hex article ids (articleIdFor) and long article URLs.
    const articleRef = (n: number) => {
      const id = n.toString(16).padStart(32, '0');
      const host = `www.publisher-${n % 4}.example`;
      return { ...ref(id, host), url: `https://${host}/2026/11/24/world/a-rather-long-article-slug-as-publishers-write-them-${id}` };
    };
    const before = index.stats();
    for (let n = 0; n < 4; n++) await index.recordParagraphs(articleRef(n), hashes(`cost${n}-`, perArticle), 1);
    // Syndicated copies repeat article 0's paragraphs until its items hold the full id set.
    for (let n = 100; n < 100 + PARAGRAPH_ARTICLE_IDS_CAP - 1; n++) {
      await index.recordParagraphs(articleRef(n), hashes('cost0-', perArticle), 1);
    }
    const after = index.stats();
    const paragraphs = (4 + PARAGRAPH_ARTICLE_IDS_CAP - 1) * perArticle;
    const writeUnitsPerParagraph = (after.writeUnits - before.writeUnits) / paragraphs;
    const requestsPerParagraph = (after.requests - before.requests) / paragraphs;
    console.log(
      `[${name}] write units/paragraph ${writeUnitsPerParagraph.toFixed(3)}, requests/paragraph ${requestsPerParagraph.toFixed(3)}`,
    );
    // Exactly one unit each: even a paragraph item holding the full id set stays under 1 KB.
    expect(writeUnitsPerParagraph).toBe(1);
    expect(requestsPerParagraph).toBe(1);
  });
});

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
