/**
 * The DynamoDB adapters' contract suites on both servers. One file so one DynamoDB Local JVM
 * serves every suite (starting it costs more CPU than the tests on a 2-core machine).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbDedupIndex,
  PARAGRAPH_ARTICLE_IDS_CAP,
} from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier, type QueuedListing } from '../../functions/adapters/dynamodb/dynamodb-frontier';
import { GSI1 } from '../../functions/adapters/dynamodb/table-schema';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import type { ArticleRecord, CopyLink } from '../../functions/core/article';
import { dedupIndexContract, hashes, ref } from './dedup-index.contract';
import { hex32, leanRecord, realisticRecord } from './dynamodb/realistic-article';
import { toV1ArticleItem } from './dynamodb/v1-article-item';
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

async function freshFrontier(
  server: Server,
  options: { queuedStaleAfterMs?: number; queuedListing?: QueuedListing } = {},
): Promise<DynamoDbFrontier> {
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
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType])).toEqual([
      ['gsi1', 'KEYS_ONLY'],
    ]);
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
      return {
        ...ref(id, host),
        url: `https://${host}/2026/11/24/world/a-rather-long-article-slug-as-publishers-write-them-${id}`,
      };
    };
    const before = index.stats();
    for (let n = 0; n < 4; n++)
      await index.recordParagraphs(articleRef(n), hashes(`cost${n}-`, perArticle), 1);
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
  const delta = (
    index: DynamoDbDedupIndex,
    before: { requests: number; writeUnits: number; readUnits: number },
  ) => {
    const after = index.stats();
    return {
      requests: after.requests - before.requests,
      writeUnits: after.writeUnits - before.writeUnits,
      readUnits: after.readUnits - before.readUnits,
    };
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
    await new DynamoDbDedupIndex({ tableName, client: server().client }).addCopy(record.id, {
      ...link(2),
      overlap: 0.2,
    });
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
  ])(
    'keeps every link when workers add copies while another stores new versions, on %s',
    async (_name, server) => {
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
    },
  );
});

describe('DynamoDbDedupIndex article item layouts', () => {
  const servers = [
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ] as const;
  const origin: CopyLink = {
    articleId: hex32('origin'),
    url: 'https://www.wire.example/2026/11/24/o',
    host: 'wire.example',
    overlap: 11 / 12,
    method: 'exact',
  };

  async function rawItem(server: Server, tableName: string, id: string) {
    const doc = DynamoDBDocumentClient.from(server.client);
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: `ART#${id}`, sk: 'A' } }),
    );
    return Item;
  }

  // Deployed tables hold items written before fields were packed: read, updated in place and rewritten.
  it.each(servers)(
    'reads and updates an item of the v1 layout, and a re-store packs it, on %s',
    async (_name, server) => {
      const tableName = await freshTable(server());
      const index = new DynamoDbDedupIndex({ tableName, client: server().client });
      const doc = DynamoDBDocumentClient.from(server().client, {
        marshallOptions: { removeUndefinedValues: true },
      });
      const {
        copyOf: _o,
        clusterId: _c,
        ...early
      } = { ...realisticRecord(21), rawOffset: 40, rawLength: 5_000, rawContentType: 'text/html' };
      const record: ArticleRecord = { ...early, clusterId: early.id, cleanOffset: 0, cleanLength: 300 };
      await doc.send(new PutCommand({ TableName: tableName, Item: toV1ArticleItem(record) }));
      expect(await index.getArticle(record.id)).toEqual(record);
      // setCopyOf sets it once; setCleanCopy's condition matches the v1 clean key.
      await index.setCopyOf!(record.id, origin, origin.articleId);
      await index.setCopyOf!(record.id, { ...origin, articleId: 'someone-else' }, 'other');
      const next = {
        key: `clean/dt=${record.day}/bundle-2026-11-24T11-00-00-000Z-bbbbbbbbbbbb.jsonl`,
        offset: 900,
        length: 950,
      };
      expect(await index.setCleanCopy!(record, next)).toBe(true);
      const updated = {
        ...record,
        copyOf: origin,
        clusterId: origin.articleId,
        cleanKey: next.key,
        cleanOffset: 900,
        cleanLength: 950,
      };
      expect(await index.getArticle(record.id)).toEqual(updated);
      expect(await rawItem(server(), tableName, record.id)).not.toHaveProperty('z');
      // Stored again (a new version): the packed layout, the same record.
      await index.putArticle({ ...updated, version: 2 });
      expect(await rawItem(server(), tableName, record.id)).toHaveProperty('z');
      expect(await index.getArticle(record.id)).toEqual({ ...updated, version: 2 });
      // And the packed item's pointer moves as before.
      const later = { ...next, offset: 0, length: 10 };
      expect(await index.setCleanCopy!(updated, later)).toBe(true);
      expect((await index.getArticle(record.id))!.cleanOffset).toBe(0);
    },
  );

  it.each(servers)(
    'never lets setCopyOf replace a copyOf stored packed, and keeps long unicode fields exactly, on %s',
    async (_name, server) => {
      const index = await freshIndex(server());
      const copy = { ...realisticRecord(22), copyOf: origin, clusterId: origin.articleId };
      await index.putArticle(copy);
      await index.setCopyOf!(copy.id, { ...origin, articleId: 'someone-else' }, 'other');
      expect(await index.getArticle(copy.id)).toEqual(copy);
      const unicode: ArticleRecord = {
        ...leanRecord(23),
        title: 'Überraschung in Zürich: 中文 العربية 😀 \ue001 \u0002',
        description: 'Ελληνικά και русский текст. '.repeat(300),
        authors: ['Zoë Ångström'],
        image: 'https://img.example/\u0001/ü.jpg',
      };
      await index.putArticle(unicode);
      expect(await index.getArticle(unicode.id)).toEqual(unicode);
    },
  );
});

// AWS runs 'none' on DynamoDB, local runs 'scan' on dynalite; each adapter is checked both ways.
frontierContract(
  'DynamoDbFrontier on DynamoDB Local',
  () => freshFrontier(dynamoDbLocal, { queuedListing: 'none' }),
  { listsQueued: false },
);
frontierContract(
  'DynamoDbFrontier on DynamoDB Local',
  () => freshFrontier(dynamoDbLocal, { queuedListing: 'scan' }),
  { listsQueued: true },
);
frontierContract(
  'DynamoDbFrontier on dynalite',
  () => freshFrontier(dynaliteServer, { queuedListing: 'scan' }),
  { listsQueued: true },
);
frontierContract(
  'DynamoDbFrontier on dynalite',
  () => freshFrontier(dynaliteServer, { queuedListing: 'none' }),
  { listsQueued: false },
);

describe('DynamoDbFrontier specifics', () => {
  const input = {
    urlKey: 'https://a.example/k',
    url: 'https://a.example/k?ref=rss',
    host: 'a.example',
    sourceId: 's',
  };

  it('re-claims a URL stuck in queued after the stale window (lost crawl message)', async () => {
    const frontier = await freshFrontier(dynaliteServer, { queuedStaleAfterMs: 60_000 });
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:00.000Z' })).toBeDefined();
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:59.000Z' })).toBeUndefined();
    expect(await frontier.tryClaim({ ...input, nowIso: '2026-11-24T10:00:59.000Z' })).toEqual({
      refusedStatus: 'queued',
    });
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:01:00.000Z' })).toMatchObject({
      status: 'queued',
    });
  });

  it('tells a refusal from the rejected write on DynamoDB Local, and reads the item back on dynalite (which ignores ALL_OLD)', async () => {
    for (const [server, extraRequests] of [
      [dynamoDbLocal, 0],
      [dynaliteServer, 1],
    ] as const) {
      const frontier = await freshFrontier(server);
      await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:00.000Z' });
      const before = frontier.stats();
      expect(await frontier.tryClaim({ ...input, nowIso: '2026-11-24T10:30:00.000Z' })).toEqual({
        refusedStatus: 'queued',
      });
      expect(frontier.stats().requests - before.requests).toBe(1 + extraRequests);
      expect(frontier.stats().writeUnits - before.writeUnits).toBe(1);
      // The plain claim never reads back.
      const mid = frontier.stats();
      expect(await frontier.claim({ ...input, nowIso: '2026-11-24T10:30:00.000Z' })).toBeUndefined();
      expect(frontier.stats().requests - mid.requests).toBe(1);
    }
  });

  it('claims with one write request', async () => {
    const frontier = await freshFrontier(dynaliteServer);
    await frontier.claim({
      urlKey: 'one',
      url: 'https://a.example/1',
      host: 'a.example',
      sourceId: 's',
      nowIso: '2026-11-24T10:00:00.000Z',
    });
    expect(frontier.stats()).toMatchObject({ requests: 1, writeUnits: 1 });
  });

  // DynamoDB Local bills index writes like DynamoDB (dynalite reports the table's share only).
  it('costs 2 write units on DynamoDB Local for a claim and its crawl outcome: no index entry while queued', async () => {
    const frontier = await freshFrontier(dynamoDbLocal, { queuedListing: 'none' });
    const claimed = (await frontier.claim({
      ...input,
      lastmod: '2026-11-24T09:00:00.000Z',
      nowIso: '2026-11-24T10:00:00.000Z',
    }))!;
    expect(frontier.stats()).toMatchObject({ requests: 1, writeUnits: 1 });
    await frontier.update({
      ...claimed,
      status: 'done',
      reason: 'stored',
      httpStatus: 200,
      etag: '"0123456789abcdef"',
      lastModified: 'Tue, 24 Nov 2026 09:00:00 GMT',
      articleId: 'a'.repeat(32),
      contentHash: 'c'.repeat(32),
      updatedAt: '2026-11-24T10:00:05.000Z',
    });
    expect(frontier.stats()).toMatchObject({ requests: 2, writeUnits: 2 });
  });

  it('pays for the failed index only on failures (DynamoDB Local): fail, re-claim when due, succeed', async () => {
    const frontier = await freshFrontier(dynamoDbLocal, { queuedListing: 'none' });
    const claimed = (await frontier.claim({ ...input, nowIso: '2026-11-24T10:00:00.000Z' }))!;
    await frontier.update({
      ...claimed,
      status: 'failed',
      reason: 'http-503',
      attempts: 1,
      nextRetryAt: '2026-11-24T11:00:00.000Z',
      updatedAt: '2026-11-24T10:00:05.000Z',
    });
    expect(frontier.stats().writeUnits).toBe(1 + 2); // the item and its FAILED entry
    const again = (await frontier.claim({ ...input, nowIso: '2026-11-24T11:00:00.000Z' }))!;
    expect(frontier.stats().writeUnits).toBe(3 + 2); // the item and the FAILED entry's removal
    await frontier.update({ ...again, status: 'done', updatedAt: '2026-11-24T11:00:05.000Z' });
    expect(frontier.stats().writeUnits).toBe(5 + 1);
    expect(await frontier.listFailed()).toEqual([]);
  });

  it("lists queued URLs with 'scan' from the table, not from an index, and drops index entries an older version wrote", async () => {
    const tableName = await freshTable(dynamoDbLocal);
    const frontier = new DynamoDbFrontier({ tableName, client: dynamoDbLocal.client, queuedListing: 'scan' });
    // An item as the previous version left it: queued, with a PENDING gsi1 entry.
    const doc = DynamoDBDocumentClient.from(dynamoDbLocal.client);
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `URL#${input.urlKey}`,
          sk: 'U',
          ...input,
          status: 'queued',
          attempts: 0,
          updatedAt: '2026-11-24T09:00:00.000Z',
          [GSI1.partitionKey]: 'PENDING',
          [GSI1.sortKey]: `2026-11-24T09:00:00.000Z#${input.urlKey}`,
        },
      }),
    );
    const fresh = (await frontier.claim({
      ...input,
      urlKey: 'https://a.example/new',
      nowIso: '2026-11-24T10:00:00.000Z',
    }))!;
    expect((await frontier.listPending({ nowIso: '2026-11-24T10:00:00.000Z' })).map((s) => s.urlKey)).toEqual(
      [input.urlKey, fresh.urlKey],
    );
    const pendingIndex = () =>
      doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1.indexName,
          KeyConditionExpression: `${GSI1.partitionKey} = :p`,
          ExpressionAttributeValues: { ':p': 'PENDING' },
        }),
      );
    expect((await pendingIndex()).Items).toHaveLength(1);
    // Re-claimed once stale: the old entry leaves the index.
    expect(await frontier.claim({ ...input, nowIso: '2026-11-24T16:00:00.000Z' })).toMatchObject({
      status: 'queued',
    });
    expect((await pendingIndex()).Items).toEqual([]);
  });
});
