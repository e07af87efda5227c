import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/errors';
import type { Frontier, UrlState } from '../../functions/ports/frontier';

/** Creates a fresh, empty frontier for one test. */
export type FrontierFactory = () => Promise<Frontier>;

const T0 = '2026-11-24T10:00:00.000Z';
const T1 = '2026-11-24T11:00:00.000Z';
const T2 = '2026-11-24T12:00:00.000Z';

function claimInput(n: number, extra: { lastmod?: string; nowIso?: string } = {}) {
  return {
    urlKey: `https://news.example/story/${n}`,
    url: `https://news.example/story/${n}?ref=feed`,
    host: 'news.example',
    sourceId: 'news',
    nowIso: extra.nowIso ?? T0,
    ...(extra.lastmod === undefined ? {} : { lastmod: extra.lastmod }),
  };
}

function outcome(state: UrlState, patch: Partial<UrlState>): UrlState {
  return { ...state, attempts: state.attempts + 1, ...patch };
}

/** What a frontier under test was built to do. */
export interface FrontierContractOptions {
  /**
   * Whether `listPending` lists `queued` URLs (the local store) or refuses to be asked for them and
   * lists due failures only (the AWS table, where queued URLs are in no index).
   */
  listsQueued: boolean;
}

/** The behaviour every {@link Frontier} must show, run once per adapter and configuration. */
export function frontierContract(
  name: string,
  makeFrontier: FrontierFactory,
  options: FrontierContractOptions,
): void {
  const { listsQueued } = options;
  describe(`Frontier contract: ${name} (${listsQueued ? 'lists queued URLs' : 'no list of queued URLs'})`, () => {
    let frontier: Frontier;
    beforeEach(async () => {
      frontier = await makeFrontier();
    });

    it('claims a new URL once and reports it queued', async () => {
      const state = await frontier.claim(claimInput(1, { lastmod: '2026-11-24' }));
      expect(state).toMatchObject({
        urlKey: 'https://news.example/story/1',
        url: 'https://news.example/story/1?ref=feed',
        host: 'news.example',
        sourceId: 'news',
        status: 'queued',
        discoveredLastmod: '2026-11-24',
        attempts: 0,
        updatedAt: T0,
      });
      expect(await frontier.get('https://news.example/story/1')).toEqual(state);
      expect(await frontier.claim(claimInput(1, { lastmod: '2026-11-24', nowIso: T1 }))).toBeUndefined();
      expect(await frontier.get('https://news.example/story/404')).toBeUndefined();
    });

    it('lets exactly one of many concurrent claimers win', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => frontier.claim(claimInput(2))));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('does not re-queue a done URL unless its lastmod changed', async () => {
      const claimed = (await frontier.claim(claimInput(3, { lastmod: 'v1' })))!;
      await frontier.update(
        outcome(claimed, { status: 'done', httpStatus: 200, etag: '"e1"', articleId: 'a3', updatedAt: T1 }),
      );
      expect(await frontier.claim(claimInput(3, { lastmod: 'v1', nowIso: T2 }))).toBeUndefined();
      expect(await frontier.claim(claimInput(3, { nowIso: T2 }))).toBeUndefined();
      const again = await frontier.claim(claimInput(3, { lastmod: 'v2', nowIso: T2 }));
      expect(again).toMatchObject({ status: 'queued', discoveredLastmod: 'v2', etag: '"e1"', attempts: 1 });
      // Changed again while still queued: one queued crawl is enough.
      expect(await frontier.claim(claimInput(3, { lastmod: 'v3', nowIso: T2 }))).toBeUndefined();
    });

    it('re-queues a failed URL only once its retry is due', async () => {
      const claimed = (await frontier.claim(claimInput(4)))!;
      await frontier.update(
        outcome(claimed, {
          status: 'failed',
          reason: 'http-503',
          detail: 'Service Unavailable',
          nextRetryAt: T2,
          updatedAt: T1,
        }),
      );
      expect(await frontier.claim(claimInput(4, { nowIso: T1 }))).toBeUndefined();
      const due = await frontier.claim(claimInput(4, { nowIso: T2 }));
      expect(due).toMatchObject({ status: 'queued', attempts: 1 });
      expect(await frontier.claim(claimInput(4, { nowIso: T2 }))).toBeUndefined();
    });

    it('treats a failure without nextRetryAt as permanent unless the lastmod changes', async () => {
      const claimed = (await frontier.claim(claimInput(10, { lastmod: 'v1' })))!;
      await frontier.update(
        outcome(claimed, { status: 'failed', reason: 'http-404', httpStatus: 404, updatedAt: T0 }),
      );
      expect(await frontier.claim(claimInput(10, { lastmod: 'v1', nowIso: T2 }))).toBeUndefined();
      expect(await frontier.claim(claimInput(10, { nowIso: T2 }))).toBeUndefined();
      expect(await frontier.claim(claimInput(10, { lastmod: 'v2', nowIso: T2 }))).toMatchObject({
        status: 'queued',
      });
    });

    it('lets exactly one concurrent claimer re-queue a due failure', async () => {
      const claimed = (await frontier.claim(claimInput(5)))!;
      await frontier.update(
        outcome(claimed, { status: 'failed', reason: 'timeout', nextRetryAt: T1, updatedAt: T0 }),
      );
      const results = await Promise.all(
        Array.from({ length: 8 }, () => frontier.claim(claimInput(5, { nowIso: T2 }))),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('lists failed URLs and drops them from the list once they succeed', async () => {
      for (const n of [6, 7, 8]) {
        const claimed = (await frontier.claim(claimInput(n)))!;
        await frontier.update(
          outcome(claimed, {
            status: n === 8 ? 'done' : 'failed',
            reason: n === 8 ? undefined : 'http-500',
            nextRetryAt: n === 8 ? undefined : n === 6 ? T2 : T1,
            updatedAt: T0,
          }),
        );
      }
      const failed = await frontier.listFailed();
      expect(failed.map((s) => s.urlKey).sort()).toEqual([
        'https://news.example/story/6',
        'https://news.example/story/7',
      ]);
      expect(failed.find((s) => s.urlKey.endsWith('/7'))).toMatchObject({
        status: 'failed',
        reason: 'http-500',
        attempts: 1,
      });

      const retry = (await frontier.claim(claimInput(7, { nowIso: T2 })))!;
      await frontier.update(
        outcome(retry, { status: 'done', reason: undefined, nextRetryAt: undefined, updatedAt: T2 }),
      );
      expect((await frontier.listFailed()).map((s) => s.urlKey)).toEqual(['https://news.example/story/6']);
    });

    /** Claims and records: two queued (T0, T1), one failure due at T1, one due at T2, one permanent, one done. */
    async function pendingFixture() {
      const q1 = (await frontier.claim(claimInput(20, { nowIso: T0 })))!;
      const q2 = (await frontier.claim(claimInput(21, { nowIso: T1 })))!;
      const due = (await frontier.claim(claimInput(22, { nowIso: T0 })))!;
      await frontier.update(
        outcome(due, { status: 'failed', reason: 'http-503', nextRetryAt: T1, updatedAt: T0 }),
      );
      const later = (await frontier.claim(claimInput(23, { nowIso: T0 })))!;
      await frontier.update(
        outcome(later, { status: 'failed', reason: 'timeout-total', nextRetryAt: T2, updatedAt: T0 }),
      );
      const gone = (await frontier.claim(claimInput(24, { nowIso: T0 })))!;
      await frontier.update(outcome(gone, { status: 'failed', reason: 'http-404', updatedAt: T0 }));
      const done = (await frontier.claim(claimInput(25, { nowIso: T0 })))!;
      await frontier.update(outcome(done, { status: 'done', updatedAt: T0 }));
      return { q1, q2, due, later };
    }
    const keys = (states: UrlState[]) => states.map((s) => s.urlKey);

    it('lists due failures only when queued URLs are not asked for, never permanent failures', async () => {
      const { due, later } = await pendingFixture();
      expect(keys(await frontier.listPending({ nowIso: T1, includeQueued: false }))).toEqual([due.urlKey]);
      expect(keys(await frontier.listPending({ nowIso: T2, includeQueued: false }))).toEqual([
        due.urlKey,
        later.urlKey,
      ]);
      expect(keys(await frontier.listPending({ nowIso: T2, includeQueued: false, limit: 1 }))).toEqual([
        due.urlKey,
      ]);
      expect((await frontier.listPending({ nowIso: T1, includeQueued: false }))[0]).toMatchObject({
        status: 'failed',
        reason: 'http-503',
        nextRetryAt: T1,
      });
    });

    if (listsQueued) {
      it('lists queued URLs and due failures as pending, never done or permanently failed ones', async () => {
        const { q1, q2, due, later } = await pendingFixture();
        expect(keys(await frontier.listPending({ nowIso: T1 }))).toEqual([q1.urlKey, q2.urlKey, due.urlKey]);
        // Only queued entries claimed at or before the cut-off (lost messages), plus due failures.
        expect(keys(await frontier.listPending({ nowIso: T2, queuedBeforeIso: T0 }))).toEqual([
          q1.urlKey,
          due.urlKey,
          later.urlKey,
        ]);
        expect(keys(await frontier.listPending({ nowIso: T2, limit: 2 }))).toEqual([q1.urlKey, q2.urlKey]);
        expect(keys(await frontier.listPending({ nowIso: T2, limit: 3 }))).toEqual([
          q1.urlKey,
          q2.urlKey,
          due.urlKey,
        ]);
        expect((await frontier.listPending({ nowIso: T1 }))[2]).toMatchObject({
          status: 'failed',
          reason: 'http-503',
          nextRetryAt: T1,
        });
      });
    } else {
      it('refuses to be asked for queued URLs instead of answering none', async () => {
        await pendingFixture();
        await expect(frontier.listPending({ nowIso: T1 })).rejects.toBeInstanceOf(ConfigError);
        await expect(frontier.listPending({ nowIso: T2, queuedBeforeIso: T0 })).rejects.toThrow(/queued/);
      });
    }

    it('lists complete states, equal to what get returns', async () => {
      const queued = (await frontier.claim(claimInput(40, { lastmod: 'v1', nowIso: T0 })))!;
      const claimed = (await frontier.claim(claimInput(41, { lastmod: 'v1', nowIso: T0 })))!;
      await frontier.update(
        outcome(claimed, {
          status: 'failed',
          reason: 'http-503',
          detail: 'Service Unavailable',
          httpStatus: 503,
          etag: '"e41"',
          lastModified: 'Tue, 24 Nov 2026 09:00:00 GMT',
          nextRetryAt: T1,
          updatedAt: T0,
        }),
      );
      const failedState = (await frontier.get(claimed.urlKey))!;
      expect(failedState).toMatchObject({
        detail: 'Service Unavailable',
        etag: '"e41"',
        discoveredLastmod: 'v1',
      });
      expect(await frontier.listFailed()).toEqual([failedState]);
      expect(await frontier.listPending({ nowIso: T2, includeQueued: false })).toEqual([failedState]);
      if (listsQueued) expect(await frontier.listPending({ nowIso: T2 })).toEqual([queued, failedState]);
    });

    it('requeues a listed failure once, and only while it is unchanged and due', async () => {
      const failed = (await frontier.claim(claimInput(31, { nowIso: T0 })))!;
      await frontier.update(
        outcome(failed, { status: 'failed', reason: 'http-500', nextRetryAt: T1, updatedAt: T0 }),
      );
      const listed = await frontier.listPending({ nowIso: T1, includeQueued: false });
      expect(keys(listed)).toEqual([failed.urlKey]);
      const results = await Promise.all(
        [...listed, ...listed, ...listed].map((s) => frontier.requeue(s, T2)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await frontier.get(failed.urlKey)).toMatchObject({
        status: 'queued',
        updatedAt: T2,
        reason: 'http-500',
        attempts: 1,
      });
      expect((await frontier.get(failed.urlKey))?.nextRetryAt).toBeUndefined();
      // Requeued: no longer a failure, so no longer listed as one.
      expect(await frontier.listFailed()).toEqual([]);
      expect(await frontier.listPending({ nowIso: T2, includeQueued: false })).toEqual([]);
      // A failure that is not yet due is not taken.
      const notDue = (await frontier.claim(claimInput(32, { nowIso: T0 })))!;
      await frontier.update(
        outcome(notDue, { status: 'failed', reason: 'http-500', nextRetryAt: T2, updatedAt: T0 }),
      );
      expect(await frontier.requeue((await frontier.get(notDue.urlKey))!, T1)).toBeUndefined();
      // Listed once due, then succeeded before the requeue: not taken back.
      const listedAgain = (await frontier.listPending({ nowIso: T2, includeQueued: false }))[0];
      await frontier.update({
        ...listedAgain,
        status: 'done',
        nextRetryAt: undefined,
        updatedAt: '2026-11-24T13:00:00.000Z',
      });
      expect(await frontier.requeue(listedAgain, '2026-11-24T14:00:00.000Z')).toBeUndefined();
      expect(await frontier.get(notDue.urlKey)).toMatchObject({ status: 'done' });
    });

    if (listsQueued) {
      it('requeues a listed queued URL once, and only while it is unchanged', async () => {
        const q = (await frontier.claim(claimInput(30, { nowIso: T0 })))!;
        const failed = (await frontier.claim(claimInput(31, { nowIso: T0 })))!;
        await frontier.update(
          outcome(failed, { status: 'failed', reason: 'http-500', nextRetryAt: T1, updatedAt: T0 }),
        );
        const listed = await frontier.listPending({ nowIso: T1 });
        expect(listed).toHaveLength(2);
        const results = await Promise.all([...listed, ...listed].map((s) => frontier.requeue(s, T2)));
        expect(results.filter(Boolean)).toHaveLength(2);
        // The requeued ones are pending again under their new claim time.
        expect(
          (await frontier.listPending({ nowIso: T2, queuedBeforeIso: T1 })).map((s) => s.urlKey),
        ).toEqual([]);
        expect((await frontier.listPending({ nowIso: T2 })).map((s) => s.urlKey).sort()).toEqual(
          [q.urlKey, failed.urlKey].sort(),
        );

        // A URL that finished since it was listed is not taken back.
        const stale = (await frontier.get(q.urlKey))!;
        await frontier.update({ ...stale, status: 'done', updatedAt: '2026-11-24T13:00:00.000Z' });
        expect(await frontier.requeue(stale, '2026-11-24T14:00:00.000Z')).toBeUndefined();
        expect((await frontier.listPending({ nowIso: T2 })).map((s) => s.urlKey)).toEqual([failed.urlKey]);
      });
    }

    it('says why a claim was refused', async () => {
      const fresh = await frontier.tryClaim(claimInput(50, { lastmod: 'v1' }));
      expect(fresh).toEqual({ claimed: await frontier.get(claimInput(50).urlKey) });
      expect(fresh.claimed).toMatchObject({ status: 'queued', updatedAt: T0 });
      // Still queued (claimed an hour ago), even under a new lastmod: its crawl is owed.
      expect(await frontier.tryClaim(claimInput(50, { lastmod: 'v1', nowIso: T1 }))).toEqual({
        refusedStatus: 'queued',
      });
      expect(await frontier.tryClaim(claimInput(50, { lastmod: 'v2', nowIso: T1 }))).toEqual({
        refusedStatus: 'queued',
      });
      await frontier.update(outcome(fresh.claimed!, { status: 'done', updatedAt: T1 }));
      expect(await frontier.tryClaim(claimInput(50, { lastmod: 'v1', nowIso: T2 }))).toEqual({
        refusedStatus: 'done',
      });
      const failed = (await frontier.claim(claimInput(51)))!;
      await frontier.update(
        outcome(failed, { status: 'failed', reason: 'http-503', nextRetryAt: T2, updatedAt: T0 }),
      );
      expect(await frontier.tryClaim(claimInput(51, { nowIso: T1 }))).toEqual({ refusedStatus: 'failed' });
      expect((await frontier.tryClaim(claimInput(51, { nowIso: T2 }))).claimed).toMatchObject({
        status: 'queued',
        attempts: 1,
      });
      // Concurrent tryClaims: one wins, the others see it queued.
      const results = await Promise.all(Array.from({ length: 6 }, () => frontier.tryClaim(claimInput(52))));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      expect(results.filter((r) => r.refusedStatus === 'queued')).toHaveLength(5);
    });

    it('records and reads back the last run of a source', async () => {
      expect(await frontier.getSourceRun('news')).toBeUndefined();
      await frontier.recordSourceRun({ sourceId: 'news', lastRunAt: T0, urlsQueued: 3 });
      await frontier.recordSourceRun({ sourceId: 'news', lastRunAt: T1, urlsQueued: 0 });
      expect(await frontier.getSourceRun('news')).toEqual({ sourceId: 'news', lastRunAt: T1, urlsQueued: 0 });
      expect(await frontier.getSourceRun('other')).toBeUndefined();
      // Source records are not URLs: they never show up as pending or failed work.
      expect(await frontier.listPending({ nowIso: T2, includeQueued: listsQueued })).toEqual([]);
      expect(await frontier.listFailed()).toEqual([]);
    });

    it('stores the full outcome of an attempt', async () => {
      const claimed = (await frontier.claim(claimInput(9)))!;
      const done: UrlState = outcome(claimed, {
        status: 'unchanged',
        httpStatus: 304,
        etag: '"abc"',
        lastModified: 'Tue, 24 Nov 2026 09:00:00 GMT',
        contentHash: 'h9',
        articleId: 'a9',
        updatedAt: T1,
      });
      await frontier.update(done);
      expect(await frontier.get(done.urlKey)).toEqual(done);
    });
  });
}
