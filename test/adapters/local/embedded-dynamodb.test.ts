import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbDedupIndex } from '../../../functions/adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../../../functions/adapters/dynamodb/dynamodb-frontier';
import { startEmbeddedDynamoDb } from '../../../functions/adapters/local/embedded-dynamodb';
import { article, hashes, ref } from '../dedup-index.contract';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('startEmbeddedDynamoDb', () => {
  it('serves on loopback, persists under <dataDir>/index and keeps data across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'embedded-'));
    dirs.push(dataDir);
    const first = await startEmbeddedDynamoDb({ dataDir, tableName: 'news-local' });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const index = new DynamoDbDedupIndex({ tableName: 'news-local', client: first.client });
    await index.putArticle(article('persisted'));
    await index.recordParagraphs(ref('persisted'), hashes('keep', 2), 1);
    await new DynamoDbFrontier({ tableName: 'news-local', client: first.client }).claim({
      urlKey: 'u',
      url: 'https://news.example/u',
      host: 'news.example',
      sourceId: 's',
      nowIso: '2026-11-24T10:00:00.000Z',
    });
    await first.close();
    await first.close(); // idempotent
    expect((await readdir(join(dataDir, 'index'))).length).toBeGreaterThan(0);

    // Restart on the same directory: the table exists already and holds the data.
    const second = await startEmbeddedDynamoDb({ dataDir, tableName: 'news-local' });
    try {
      const reopened = new DynamoDbDedupIndex({ tableName: 'news-local', client: second.client });
      expect((await reopened.getArticle('persisted'))?.title).toBe('Story persisted');
      const [h] = hashes('keep', 1);
      expect((await reopened.lookupParagraphs([h])).get(h)?.firstSeen.articleId).toBe('persisted');
      const frontier = new DynamoDbFrontier({ tableName: 'news-local', client: second.client });
      expect((await frontier.get('u'))?.status).toBe('queued');
    } finally {
      await second.close();
    }
  });
});
