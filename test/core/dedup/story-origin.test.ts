import { describe, expect, it } from 'vitest';
import type { ArticleRef } from '../../../functions/core/article';
import { bestOrigin, originRank, type OriginCandidate } from '../../../functions/core/dedup/story-origin';
import { firstAppearance } from '../../../functions/core/dedup/first-appearance';

const ref = (id: string, seenAt = '2026-11-20T12:00:00Z'): ArticleRef => ({
  articleId: id,
  url: `https://${id}.example/s`,
  host: `${id}.example`,
  seenAt,
});
const member = (id: string, extra: Partial<OriginCandidate> = {}): OriginCandidate => ({
  ref: ref(id),
  declaresCopy: false,
  namedAsSource: false,
  ...extra,
});

describe('originRank', () => {
  it('orders by publication instant, whatever the time zone of the text', () => {
    const berlin = member('berlin', { publishedAt: '2026-11-20T09:30:00+02:00' });
    const london = member('london', { publishedAt: '2026-11-20T08:00:00Z' });
    expect(bestOrigin([london, berlin]).origin.articleId).toBe('berlin');
  });

  it('puts a named source first and a declared copy last', () => {
    const early = member('early', { publishedAt: '2026-11-20T06:00:00Z', declaresCopy: true });
    const late = member('late', { publishedAt: '2026-11-20T10:00:00Z' });
    const named = member('named', { publishedAt: '2026-11-20T11:00:00Z', namedAsSource: true });
    expect(bestOrigin([early, late]).origin.articleId).toBe('late');
    expect(bestOrigin([early, late, named]).origin.articleId).toBe('named');
  });

  it('breaks a publication tie by modification, then the longer text, then first sighting', () => {
    const t = '2026-11-20T08:00:00Z';
    const updated = member('updated', { publishedAt: t, modifiedAt: '2026-11-20T13:00:00Z', words: 400 });
    const first = member('first', { publishedAt: t, words: 300 });
    expect(bestOrigin([updated, first]).origin.articleId).toBe('first');
    const excerpt = member('excerpt', { publishedAt: t, words: 60 });
    expect(bestOrigin([excerpt, first]).origin.articleId).toBe('first');
  });

  it('counts a page without publication time from when it was seen', () => {
    const undated = member('undated', { ref: ref('undated', '2026-11-20T07:00:00Z') });
    const dated = member('dated', { publishedAt: '2026-11-20T08:00:00Z' });
    expect(bestOrigin([dated, undated]).origin.articleId).toBe('undated');
    expect(originRank(undated) < originRank(dated)).toBe(true);
  });
});

describe('firstAppearance', () => {
  it('names the earliest-published carrier, not the first crawled', () => {
    const aggregator = {
      ref: ref('agg', '2026-11-20T09:00:00Z'),
      publishedAt: '2026-11-20T08:30:00Z',
      paragraphHashes: ['h1'],
    };
    const original = {
      ref: ref('orig', '2026-11-20T10:00:00Z'),
      publishedAt: '2026-11-20T07:00:00+01:00',
      paragraphHashes: ['h1', 'h2'],
    };
    expect(firstAppearance('h1', [aggregator, original])).toMatchObject({
      articleId: 'orig',
      publishedAt: '2026-11-20T07:00:00+01:00',
    });
    expect(firstAppearance('h3', [aggregator, original])).toBeUndefined();
  });
});
