import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbDedupIndex,
  PARAGRAPH_ARTICLE_IDS_CAP,
} from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { ensureTable } from '../../functions/adapters/local/embedded-dynamodb';
import { startDynalite, type DynaliteServer } from '../helpers/dynalite-server';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { dedupIndexContract, hashes, ref } from './dedup-index.contract';

let dynamoDbLocal: DynamoDbLocal;
let dynaliteServer: DynaliteServer;
let tableCounter = 0;

beforeAll(async () => {
  [dynamoDbLocal, dynaliteServer] = await Promise.all([startDynamoDbLocal(), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([dynamoDbLocal?.stop(), dynaliteServer?.stop()]);
});

/** A fresh table per test keeps tests independent without restarting servers. */
async function freshIndex(server: { client: DynamoDbLocal['client'] }): Promise<DynamoDbDedupIndex> {
  const tableName = `dedup-${process.pid}-${++tableCounter}`;
  await ensureTable(server.client, tableName);
  return new DynamoDbDedupIndex({ tableName, client: server.client });
}

const options = { articleIdsCap: PARAGRAPH_ARTICLE_IDS_CAP };
dedupIndexContract('DynamoDbDedupIndex on DynamoDB Local', () => freshIndex(dynamoDbLocal), options);
dedupIndexContract('DynamoDbDedupIndex on dynalite', () => freshIndex(dynaliteServer), options);

describe('DynamoDbDedupIndex cost', () => {
  // Issue 4 target: at most 1.5 write units per recorded paragraph on average.
  it.each([
    ['DynamoDB Local', () => dynamoDbLocal],
    ['dynalite', () => dynaliteServer],
  ])('spends about one write unit per new paragraph on %s', async (_name, server) => {
    const index = await freshIndex(server());
    const perArticle = 40;
    // Realistic refs: 64-hex article ids and full URLs, as the pipeline produces them.
    const articleRef = (n: number) =>
      ref(n.toString(16).padStart(64, '0'), `publisher${n % 4}.example`, '2026-11-24T10:00:00.000Z');
    const before = index.stats();
    for (let n = 0; n < 5; n++) await index.recordParagraphs(articleRef(n), hashes(`cost${n}-`, perArticle), 1);
    // Two syndicated copies repeat the first article's paragraphs.
    await index.recordParagraphs(articleRef(100), hashes('cost0-', perArticle), 1);
    await index.recordParagraphs(articleRef(101), hashes('cost0-', perArticle), 1);
    const after = index.stats();
    const paragraphs = 7 * perArticle;
    const writeUnitsPerParagraph = (after.writeUnits - before.writeUnits) / paragraphs;
    const requestsPerParagraph = (after.requests - before.requests) / paragraphs;
    console.log(
      `[${_name}] write units/paragraph ${writeUnitsPerParagraph.toFixed(3)}, requests/paragraph ${requestsPerParagraph.toFixed(3)}`,
    );
    expect(writeUnitsPerParagraph).toBeGreaterThan(0);
    expect(writeUnitsPerParagraph).toBeLessThanOrEqual(1.5);
    expect(requestsPerParagraph).toBe(1);
  });
});
