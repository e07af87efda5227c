import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArchiveStore } from '../../functions/adapters/archive/file-archive-store';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import {
  startEmbeddedDynamoDb,
  type EmbeddedDynamoDb,
} from '../../functions/adapters/local/embedded-dynamodb';
import { cleanKey } from '../../functions/archive-format/keys';
import type { ArticleRecord, CleanCopy } from '../../functions/core/article';
import { makeHandler } from '../../functions/handlers/query';
import type { DedupIndex } from '../../functions/ports/dedup-index';
import { MAX_STATS_ARTICLES, QueryCore, SCAN_PAGE_SIZE } from '../../functions/query/query-core';

const HOST_A = 'alpha.example';
const HOST_B = 'beta.example';
const COUNT_A = SCAN_PAGE_SIZE + 50;
const COUNT_B = 30;

/** A synthetic record: day cycles through November, every 4th is a copy, stats fixed per record. */
function record(host: string, i: number): CleanCopy {
  const id = `${host === HOST_A ? 'a' : 'b'}${i.toString(16).padStart(31, '0')}`;
  const day = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`;
  const rec: ArticleRecord = {
    id,
    url: `https://${host}/story/${i}`,
    canonicalUrl: `https://${host}/story/${i}`,
    host,
    fetchedAt: `${day}T12:00:00.000Z`,
    day,
    title: `Story ${i} of ${host}`,
    authors: [],
    pageKind: 'article',
    contentHash: id,
    version: 1,
    paragraphCount: 6,
    paragraphHashes: [],
    cleanKey: cleanKey(day, host, id),
    stats: {
      repeatedParagraphsRemoved: 2,
      boilerplateParagraphsRemoved: 1,
      paragraphsFirstSeenElsewhere: i % 4 === 0 ? 6 : 0,
    },
    copies: [],
    ...(i % 4 === 0
      ? {
          copyOf: {
            articleId: 'f'.repeat(32),
            url: 'https://origin.example/x',
            host: 'origin.example',
            overlap: 1,
            method: 'exact' as const,
          },
        }
      : {}),
  };
  return {
    ...rec,
    paragraphs: [{ kind: 'paragraph', text: `Paragraph of story ${i}, with a "quote" and a line\nbreak.` }],
    text: `Paragraph of story ${i}`,
  };
}

function urlEvent(path: string, query = ''): LambdaFunctionURLEvent {
  return {
    rawPath: path,
    rawQueryString: query,
    requestContext: { http: { method: 'GET' } },
  } as unknown as LambdaFunctionURLEvent;
}

describe('export, stats and paging over several index pages; the Lambda transport', () => {
  let dir: string;
  let dynamo: EmbeddedDynamoDb;
  let index: DynamoDbDedupIndex;
  let core: QueryCore;
  let listCalls = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-'));
    dynamo = await startEmbeddedDynamoDb({ dataDir: dir, tableName: 'export-test' });
    index = new DynamoDbDedupIndex({ tableName: 'export-test', client: dynamo.client });
    const archive = new FileArchiveStore(join(dir, 'archive'));
    const all = [
      ...Array.from({ length: COUNT_A }, (_, i) => record(HOST_A, i)),
      ...Array.from({ length: COUNT_B }, (_, i) => record(HOST_B, i)),
    ];
    for (let i = 0; i < all.length; i += 25) {
      await Promise.all(
        all.slice(i, i + 25).map(async (copy) => {
          const { paragraphs: _p, text: _t, ...rec } = copy;
          await archive.put(copy.cleanKey, `${JSON.stringify(copy)}\n`, 'application/json');
          await index.putArticle(rec);
        }),
      );
    }
    // Counts index reads, to show the export reads pages as it goes rather than all up front.
    const counting: DedupIndex = Object.create(index, {
      listArticles: {
        value: (q: Parameters<DedupIndex['listArticles']>[0]) => {
          listCalls += 1;
          return index.listArticles(q);
        },
      },
    });
    core = new QueryCore({ index: counting, archive });
  }, 60_000);
  afterAll(async () => {
    await dynamo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports every article of the range once, host by host, reading index pages lazily', async () => {
    listCalls = 0;
    const lines = core.exportLines({ from: '2026-11-01', to: '2026-11-30' });
    const first = await lines.next();
    expect(first.done).toBe(false);
    expect(listCalls).toBe(1);
    const ids = [JSON.parse(first.value!.line).id as string];
    for await (const { line } of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      ids.push((JSON.parse(line) as CleanCopy).id);
    }
    expect(ids).toHaveLength(COUNT_A + COUNT_B);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, COUNT_A).every((id) => id.startsWith('a'))).toBe(true);
    expect(listCalls).toBe(2 + 1);
  });

  it('exports every day when no range is given (as the README says), or from/to one end only', async () => {
    const count = async (q: { from?: string; to?: string; host?: string }) => {
      let n = 0;
      for await (const _ of core.exportLines(q)) n++;
      return n;
    };
    expect(await count({})).toBe(COUNT_A + COUNT_B);
    expect(await count({ host: HOST_B })).toBe(COUNT_B);
    // Records i of a host fall on day 1 + i % 28: those on the 1st and 2nd.
    const early = (total: number) =>
      Array.from({ length: total }, (_, i) => i % 28).filter((d) => d < 2).length;
    const earlyCount = early(COUNT_A) + early(COUNT_B);
    expect(await count({ to: '2026-11-02' })).toBe(earlyCount);
    expect(await count({ from: '2026-11-03' })).toBe(COUNT_A + COUNT_B - earlyCount);
  });

  it('resumes from any line cursor: inside a later index page, and across the host boundary', async () => {
    const all: Array<{ id: string; cursor: string }> = [];
    for await (const { line, cursor } of core.exportLines({ from: '2026-11-01', to: '2026-11-30' }))
      all.push({ id: JSON.parse(line).id, cursor });
    for (const at of [SCAN_PAGE_SIZE + 4, COUNT_A - 1, 0]) {
      const rest: string[] = [];
      for await (const { line } of core.exportLines({
        from: '2026-11-01',
        to: '2026-11-30',
        cursor: all[at].cursor,
      }))
        rest.push(JSON.parse(line).id);
      expect(rest).toEqual(all.slice(at + 1).map((x) => x.id));
    }
  });

  it('stats sum every record of the range', async () => {
    const stats = await core.hostStats({ host: HOST_A });
    const copies = Math.ceil(COUNT_A / 4);
    expect(stats).toMatchObject({
      articles: COUNT_A,
      paragraphsKept: 6 * COUNT_A,
      repeatedParagraphRatio: 0.2222,
      boilerplateRatio: 0.1111,
      syndicatedArticles: copies,
      complete: true,
    });
    expect(stats.syndicatedShare).toBeCloseTo(copies / COUNT_A, 4);
    expect(MAX_STATS_ARTICLES).toBeGreaterThan(COUNT_A);
    const oneDay = await core.hostStats({ host: HOST_B, from: '2026-11-02', to: '2026-11-02' });
    expect(oneDay.articles).toBe(2);
  });

  it('the Lambda caps an export response and hands out x-next-cursor until everything is sent', async () => {
    const handle = makeHandler(core, { maxExportBytes: 20_000 });
    const ids: string[] = [];
    let cursor: string | undefined;
    let responses = 0;
    do {
      const result = (await handle(
        urlEvent('/export', `from=2026-11-01&to=2026-11-30${cursor ? `&cursor=${cursor}` : ''}`),
      )) as { statusCode: number; headers: Record<string, string>; body: string };
      expect(result.statusCode).toBe(200);
      expect(Buffer.byteLength(result.body)).toBeLessThanOrEqual(20_000);
      ids.push(
        ...result.body
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l).id as string),
      );
      cursor = result.headers['x-next-cursor'];
      responses += 1;
    } while (cursor && responses < 100);
    expect(responses).toBeGreaterThan(2);
    expect(ids).toHaveLength(COUNT_A + COUNT_B);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the Lambda maps URL events onto the same routes: 200, 400, 404, 405', async () => {
    const handle = makeHandler(core);
    const ok = (await handle(urlEvent('/articles', `host=${HOST_B}&limit=5`))) as {
      statusCode: number;
      body: string;
    };
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).items).toHaveLength(5);
    expect(
      ((await handle(urlEvent('/articles', 'host=x&limit=500'))) as { statusCode: number }).statusCode,
    ).toBe(400);
    expect(
      ((await handle(urlEvent(`/articles/${'0'.repeat(32)}`))) as { statusCode: number }).statusCode,
    ).toBe(404);
    const post = {
      ...urlEvent('/hosts'),
      requestContext: { http: { method: 'POST' } },
    } as unknown as LambdaFunctionURLEvent;
    expect(((await handle(post)) as { statusCode: number }).statusCode).toBe(405);
  });

  it('pages of at most the maximum size walk a host completely', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await core.listArticles({ host: HOST_A, limit: 100, cursor });
      sizes.push(page.items.length);
      ids.push(...page.items.map((a) => a.id));
      cursor = page.cursor;
    } while (cursor);
    expect(sizes.slice(0, 3)).toEqual([100, 100, 50]);
    expect(new Set(ids).size).toBe(COUNT_A);
  });
});
