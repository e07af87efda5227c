import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleRecord, ObjectRange } from '../../functions/core/article';
import { openLocalPipeline, type LocalPipeline } from '../../functions/cli/local-pipeline';
import { loadConfig } from '../../functions/config';
import { immediateCleanSink, readCleanCopy } from '../../functions/archive-format/clean-copies';
import { silentLog } from '../../functions/pipeline/deps';
import { processPage, repointCleanCopy } from '../../functions/pipeline/process-page';
import { readCleanLines } from '../helpers/clean-lines';

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
  async function storedWithTwoRewrites(file: string): Promise<{
    stored: ArticleRecord;
    older: ObjectRange;
    newer: ObjectRange;
    olderAt: string;
    newerAt: string;
  }> {
    const url = `http://dailyplanet.example/${file.split('/dailyplanet.example/')[1]}`;
    const outcome = await processPage(pipeline.deps, {
      url,
      body: await readFile(file),
      contentType: 'text/html; charset=utf-8',
      fetchedAt: '2026-11-25T06:00:00.000Z',
    });
    if (outcome.kind !== 'stored') throw new Error(`fixture not stored: ${outcome.kind}`);
    const stored = (await pipeline.deps.index.getArticle(outcome.articleId))!;
    const line = (await readCleanCopy(pipeline.deps.archive, stored))!;
    const olderAt = '2026-11-25T06:00:01.000Z';
    const newerAt = '2026-11-25T06:00:02.000Z';
    const sink = immediateCleanSink(pipeline.deps.archive);
    const [older] = await sink.write([{ day: stored.day, copy: { ...line, storedAt: olderAt } }]);
    const [newer] = await immediateCleanSink(pipeline.deps.archive).write([
      { day: stored.day, copy: { ...line, storedAt: newerAt } },
    ]);
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

/**
 * Regression (archive-requests under load): an origin and another member of its cluster stored
 * at once both rewrote the line of a copy crawled before them, giving the copy a third line and
 * a wasted PUT. Only the article the copy's record names as its origin rewrites that line; the
 * interleaving is fixed here by letting the "other member" claim the copy first.
 */
describe('one writer per copy line', () => {
  const COPY_FILE =
    'test/fixtures/sites/wirewatch.example/news/2026/11/23/104521-harbour-street-bridge-reopens-to-traffic.html';
  const ORIGIN_FILE = PAGES[0];
  const urlOf = (file: string) => `http://${file.split('test/fixtures/sites/')[1]}`;

  async function storeCopyThenOrigin(claimFirst: boolean): Promise<{ copyLines: number; copyOf?: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'copy-owner-'));
    const local = await openLocalPipeline(loadConfig({ DATA_DIR: dir }), { log: silentLog });
    try {
      const store = async (file: string, fetchedAt: string) =>
        processPage(local.deps, {
          url: urlOf(file),
          body: await readFile(file),
          contentType: 'text/html; charset=utf-8',
          fetchedAt,
        });
      const copy = await store(COPY_FILE, '2026-11-25T06:00:00.000Z');
      if (copy.kind !== 'stored') throw new Error(`copy fixture not stored: ${copy.kind}`);
      if (claimFirst) {
        const other = {
          articleId: 'f'.repeat(32),
          url: 'http://other.example/a',
          host: 'other.example',
          overlap: 1,
          method: 'exact' as const,
        };
        await local.deps.index.setCopyOf!(copy.articleId, other, other.articleId);
      }
      const origin = await store(ORIGIN_FILE, '2026-11-25T06:01:00.000Z');
      if (origin.kind !== 'stored') throw new Error(`origin fixture not stored: ${origin.kind}`);
      const copyLines = (await readCleanLines(local.deps.archive)).filter(
        (l) => l.copy.id === copy.articleId,
      ).length;
      return { copyLines, copyOf: (await local.deps.index.getArticle(copy.articleId))?.copyOf?.articleId };
    } finally {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('the origin rewrites the line of a copy crawled before it (the copy learns its copyOf)', async () => {
    const { copyLines, copyOf } = await storeCopyThenOrigin(false);
    expect(copyOf).toBeDefined();
    expect(copyLines).toBe(2);
  });

  it('an origin does not rewrite a copy line another member of the cluster claimed first', async () => {
    const { copyLines, copyOf } = await storeCopyThenOrigin(true);
    expect(copyOf).toBe('f'.repeat(32));
    expect(copyLines).toBe(1);
  });
});
