import { beforeEach, describe, expect, it } from 'vitest';
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

/** The behaviour every {@link Frontier} must show, run once per adapter. */
export function frontierContract(name: string, makeFrontier: FrontierFactory): void {
  describe(`Frontier contract: ${name}`, () => {
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
      await frontier.update(outcome(claimed, { status: 'done', httpStatus: 200, etag: '"e1"', articleId: 'a3', updatedAt: T1 }));
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
        outcome(claimed, { status: 'failed', reason: 'http-503', detail: 'Service Unavailable', nextRetryAt: T2, updatedAt: T1 }),
      );
      expect(await frontier.claim(claimInput(4, { nowIso: T1 }))).toBeUndefined();
      const due = await frontier.claim(claimInput(4, { nowIso: T2 }));
      expect(due).toMatchObject({ status: 'queued', attempts: 1 });
      expect(await frontier.claim(claimInput(4, { nowIso: T2 }))).toBeUndefined();
    });

    it('treats a failure without nextRetryAt as permanent unless the lastmod changes', async () => {
      const claimed = (await frontier.claim(claimInput(10, { lastmod: 'v1' })))!;
      await frontier.update(outcome(claimed, { status: 'failed', reason: 'http-404', httpStatus: 404, updatedAt: T0 }));
      expect(await frontier.claim(claimInput(10, { lastmod: 'v1', nowIso: T2 }))).toBeUndefined();
      expect(await frontier.claim(claimInput(10, { nowIso: T2 }))).toBeUndefined();
      expect(await frontier.claim(claimInput(10, { lastmod: 'v2', nowIso: T2 }))).toMatchObject({ status: 'queued' });
    });

    it('lets exactly one concurrent claimer re-queue a due failure', async () => {
      const claimed = (await frontier.claim(claimInput(5)))!;
      await frontier.update(outcome(claimed, { status: 'failed', reason: 'timeout', nextRetryAt: T1, updatedAt: T0 }));
      const results = await Promise.all(Array.from({ length: 8 }, () => frontier.claim(claimInput(5, { nowIso: T2 }))));
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
      expect(failed.map((s) => s.urlKey).sort()).toEqual(['https://news.example/story/6', 'https://news.example/story/7']);
      expect(failed.find((s) => s.urlKey.endsWith('/7'))).toMatchObject({ status: 'failed', reason: 'http-500', attempts: 1 });

      const retry = (await frontier.claim(claimInput(7, { nowIso: T2 })))!;
      await frontier.update(outcome(retry, { status: 'done', reason: undefined, nextRetryAt: undefined, updatedAt: T2 }));
      expect((await frontier.listFailed()).map((s) => s.urlKey)).toEqual(['https://news.example/story/6']);
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
