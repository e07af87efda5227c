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
import type { CopyLink } from '../../functions/core/article';
import { dedupIndexContract, hashes, ref } from './dedup-index.contract';
import { hex32, leanRecord, realisticRecord } from './dynamodb/realistic-article';
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

describe('DynamoDbDedupIndex article storage', () => {
  const link = (n: number): CopyLink => ({
    articleId: hex32(`copy-${n}`),
    url: `https://www.copy${n}.example/2026/11/24/story-${n}`,
    host: `copy${n}.example`,
    overlap: 0.9,
    method: 'exact',
  });
  const delta = (index: DynamoDbDedupIndex, before: { requests: number; writeUnits: number; readUnits: number }) => {
    const after = index.stats();
    return { requests: after.requests - before.requests, writeUnits: after.writeUnits - before.writeUnits, readUnits: after.readUnits - before.readUnits };
  };

  // DynamoDB Local reports gsi1 writes in ConsumedCapacity, so this pins the whole bill.
  it('stores a typical new article in one item unit plus one keys-only index unit, a re-store in one', async () => {
    const index = await freshIndex(dynamoDbLocal);
    await index.putArticle(leanRecord(0)); // writes the host entry
    const record = leanRecord(1);
    let before = index.stats();
    await index.putArticle(record);
    expect(delta(index, before)).toEqual({ requests: 1, writeUnits: 2, readUnits: 0 });
    before = index.stats();
    await index.putArticle({ ...record, version: 2 });
    expect(delta(index, before)).toEqual({ requests: 1, writeUnits: 1, readUnits: 0 });
    // A record with full metadata and 20 paragraphs: two units for the item (it was three, plus three for its index copy).
    before = index.stats();
    await index.putArticle({ ...realisticRecord(2), host: record.host });
    expect(delta(index, before).writeUnits).toBe(3);
    expect(await index.getArticle(record.id)).toEqual({ ...record, version: 2 });
  });

  it.each([
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ])('writes each copy link once, as its own small item, on %s', async (_name, server) => {
    const tableName = await freshTable(server());
    const writer = new DynamoDbDedupIndex({ tableName, client: server().client });
    const record = leanRecord(3);
    await writer.putArticle({ ...record, copies: [link(1)] });
    // Another worker (its own instance) adds a link: one existence read, one small put.
    const other = new DynamoDbDedupIndex({ tableName, client: server().client });
    let before = other.stats();
    await other.addCopy(record.id, link(2));
    expect(delta(other, before)).toMatchObject({ requests: 2, writeUnits: 1 });
    // Adding the same link again from that instance costs nothing; from a third it is a refused put.
    before = other.stats();
    await other.addCopy(record.id, { ...link(2), overlap: 0.1 });
    expect(delta(other, before).requests).toBe(0);
    await new DynamoDbDedupIndex({ tableName, client: server().client }).addCopy(record.id, { ...link(2), overlap: 0.2 });
    // Re-storing the record as read back rewrites no copy item: only the article item is written.
    const reader = new DynamoDbDedupIndex({ tableName, client: server().client });
    const previous = (await reader.getArticle(record.id))!;
    expect(previous.copies).toEqual([link(1), link(2)]);
    before = reader.stats();
    await reader.putArticle({ ...previous, version: 2, copies: [...previous.copies, link(3)] });
    // One batch (article item and, new to this instance, the host entry), one put for the new link.
    expect(delta(reader, before).requests).toBe(2);
    expect((await reader.getArticle(record.id))!.copies).toEqual([link(1), link(2), link(3)]);
  });

  it.each([
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ])('keeps every link when workers add copies while another stores new versions, on %s', async (_name, server) => {
    const tableName = await freshTable(server());
    const worker = () => new DynamoDbDedupIndex({ tableName, client: server().client });
    const record = leanRecord(4);
    await worker().putArticle(record);
    const versions = worker();
    const previous = (await versions.getArticle(record.id))!;
    const links = Array.from({ length: 12 }, (_, i) => link(10 + i));
    await Promise.all([
      ...links.map((l) => worker().addCopy(record.id, l)),
      ...[2, 3, 4].map((version) => versions.putArticle({ ...previous, version, copies: previous.copies })),
    ]);
    const stored = (await worker().getArticle(record.id))!;
    expect(stored.copies.map((c) => c.articleId).sort()).toEqual(links.map((l) => l.articleId).sort());
    expect(stored.version).toBeGreaterThanOrEqual(2);
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
