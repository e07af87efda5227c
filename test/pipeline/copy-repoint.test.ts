import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord, ObjectRange } from '../../functions/core/article';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { immediateCleanSink, readCleanCopy } from '../../functions/pipeline/clean-bundle';
import { silentLog } from '../../functions/pipeline/deps';
import { processPage, repointCleanCopy } from '../../functions/pipeline/process-page';

const PAGES = [
  'test/fixtures/sites/dailyplanet.example/news/2026/11/23/harbour-street-bridge-reopens.html',
  'test/fixtures/sites/dailyplanet.example/news/2026/11/23/school-board-approves-budget.html',
];

/**
 * Two articles of a cluster stored at once may both rewrite the same copy's clean line; each
 * re-points the copy's record from the pointer it read. Whatever order their re-points land in, the
 * record must end on the newest line (the one Athena's clean_latest view shows).
 */
describe('re-pointing a copy at a rewritten clean line', () => {
  let dataDir: string;
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'copy-repoint-'));
    pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir }), { log: silentLog });
  });
  afterAll(async () => {
    await pipeline?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Stores a page and writes two later lines of it (as two racing rewrites would), not yet pointed at. */
  async function storedWithTwoRewrites(file: string): Promise<{ stored: ArticleRecord; older: ObjectRange; newer: ObjectRange; olderAt: string; newerAt: string }> {
    const url = `http://dailyplanet.example/${file.split('/dailyplanet.example/')[1]}`;
    const outcome = await processPage(pipeline.deps, { url, body: await readFile(file), contentType: 'text/html; charset=utf-8', fetchedAt: '2026-11-25T06:00:00.000Z' });
    if (outcome.kind !== 'stored') throw new Error(`fixture not stored: ${outcome.kind}`);
    const stored = (await pipeline.deps.index.getArticle(outcome.articleId))!;
    const line = (await readCleanCopy(pipeline.deps.archive, stored))!;
    const olderAt = '2026-11-25T06:00:01.000Z';
    const newerAt = '2026-11-25T06:00:02.000Z';
    const sink = immediateCleanSink(pipeline.deps.archive);
    const [older] = await sink.write([{ day: stored.day, copy: { ...line, storedAt: olderAt } }]);
    const [newer] = await immediateCleanSink(pipeline.deps.archive).write([{ day: stored.day, copy: { ...line, storedAt: newerAt } }]);
    return { stored, older, newer, olderAt, newerAt };
  }

  const pointsAt = (record: ArticleRecord | undefined, range: ObjectRange) =>
    record?.cleanKey === range.key && (record.cleanOffset ?? 0) === range.offset;

  it('the newer rewrite wins when it lands second, although the pointer it read is stale', async () => {
    const { stored, older, newer, olderAt, newerAt } = await storedWithTwoRewrites(PAGES[0]);
    await repointCleanCopy(pipeline.deps, stored, older, olderAt);
    await repointCleanCopy(pipeline.deps, stored, newer, newerAt);
    expect(pointsAt(await pipeline.deps.index.getArticle(stored.id), newer)).toBe(true);
  });

  it('the older rewrite does not move the record back when it lands second', async () => {
    const { stored, older, newer, olderAt, newerAt } = await storedWithTwoRewrites(PAGES[1]);
    await repointCleanCopy(pipeline.deps, stored, newer, newerAt);
    await repointCleanCopy(pipeline.deps, stored, older, olderAt);
    expect(pointsAt(await pipeline.deps.index.getArticle(stored.id), newer)).toBe(true);
  });
});
