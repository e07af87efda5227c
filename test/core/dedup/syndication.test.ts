import { describe, expect, it } from 'vitest';
import type { ArticleRef } from '../../../functions/core/article';
import { nearDuplicateSketch, toDecoded } from '../../../functions/core/dedup/near-duplicate';
import { paragraphHash } from '../../../functions/core/dedup/paragraph-hash';
import {
  PUBLISH_TIE_TOLERANCE_MS,
  compareCandidate,
  decideSyndication,
  type SyndicationCandidate,
  type SyndicationSubject,
} from '../../../functions/core/dedup/syndication';
import { STOCK_PARAGRAPH, STORY_A, STORY_B } from './story-fixtures';

const ref = (id: string, host: string, seenAt = '2026-11-20T12:00:00Z'): ArticleRef => ({
  articleId: id,
  url: `https://${host}/news/${id}`,
  host,
  seenAt,
});

function subjectOf(id: string, host: string, paragraphs: string[], extra: Partial<SyndicationSubject> = {}): SyndicationSubject {
  return {
    ref: ref(id, host),
    paragraphHashes: [...new Set(paragraphs.map(paragraphHash))],
    sketch: toDecoded(nearDuplicateSketch(paragraphs)),
    sketchExcluding: (hashes) => {
      const rest = paragraphs.filter((p) => !hashes.has(paragraphHash(p)));
      return rest.length > 0 ? toDecoded(nearDuplicateSketch(rest)) : undefined;
    },
    credits: [],
    ...extra,
  };
}

function candidateOf(id: string, host: string, paragraphs: string[], extra: Partial<SyndicationCandidate> = {}): SyndicationCandidate {
  const s = subjectOf(id, host, paragraphs);
  return { ref: s.ref, paragraphHashes: s.paragraphHashes, sketch: s.sketch, sharedFromIndex: 0, ...extra };
}

describe('compareCandidate', () => {
  it('links an exact copy on another host with overlap 1', () => {
    const result = compareCandidate(subjectOf('b', 'b.example', STORY_A), candidateOf('a', 'a.example', STORY_A));
    expect(result.link).toMatchObject({ articleId: 'a', host: 'a.example', overlap: 1, method: 'exact' });
  });

  it('never links the same host (that is boilerplate or a second URL)', () => {
    expect(compareCandidate(subjectOf('b', 'a.example', STORY_A), candidateOf('a', 'a.example', STORY_A)).link).toBeUndefined();
  });

  it('links a copy with a cut tail and a reworded sentence through exact paragraphs', () => {
    const copy = [STORY_A[0].replace('Monday', 'Monday morning'), ...STORY_A.slice(1, 4)];
    const result = compareCandidate(subjectOf('b', 'b.example', copy), candidateOf('a', 'a.example', STORY_A));
    expect(result.link?.method).toBe('exact');
    expect(result.link?.overlap).toBe(0.75);
  });

  it('links a copy edited in every paragraph as a near-duplicate', () => {
    const copy = STORY_A.map((p) => p.replace(/ the /, ' a ').replace(/,/, ''));
    const result = compareCandidate(subjectOf('b', 'b.example', copy), candidateOf('a', 'a.example', STORY_A));
    expect(result.sharedParagraphs).toBe(0);
    expect(result.link?.method).toBe('near-duplicate');
    expect(result.link!.overlap).toBeGreaterThan(0.6);
  });

  it('does not link different stories sharing a stock paragraph', () => {
    const result = compareCandidate(
      subjectOf('b', 'b.example', [...STORY_B, STOCK_PARAGRAPH]),
      candidateOf('a', 'a.example', [...STORY_A, STOCK_PARAGRAPH]),
    );
    expect(result.sharedParagraphs).toBe(1);
    expect(result.link).toBeUndefined();
  });

  it('does not join short stories whose only common text is one long shared paragraph (cold-start group footer)', () => {
    // Regression: a sister-host footer, still in the text on the first pages of each host, was
    // most of two short unrelated articles and passed the near-duplicate containment.
    const footer =
      'The Example Media Group publishes the Gazette, the Courier and the Evening Post, and its journalists follow the editorial code of the national press council, which readers can consult online at any time.';
    const subject = subjectOf('b', 'b.example', [STORY_B[0].slice(0, 100), footer]);
    const candidate = candidateOf('a', 'a.example', [STORY_A[0].slice(0, 100), footer]);
    const withoutRule = compareCandidate({ ...subject, sketchExcluding: undefined }, candidate);
    expect(withoutRule.link?.method).toBe('near-duplicate');
    expect(compareCandidate(subject, candidate).link).toBeUndefined();
  });

  it('still links a brief whose credited first paragraph differs from the original', () => {
    const original = [STORY_A[0], STORY_A[1]];
    const copy = [`PORT CITY (The Wire) - ${STORY_A[0]}`, STORY_A[1]];
    const result = compareCandidate(subjectOf('b', 'b.example', copy), candidateOf('a', 'a.example', original));
    expect(result.sharedParagraphs).toBe(1);
    expect(result.link?.method).toBe('near-duplicate');
  });

  it('uses the index count for an in-flight candidate without a record', () => {
    const subject = subjectOf('b', 'b.example', STORY_A);
    const result = compareCandidate(subject, { ref: ref('a', 'a.example'), sharedFromIndex: STORY_A.length });
    expect(result.link).toMatchObject({ articleId: 'a', overlap: 1, method: 'exact' });
    expect(compareCandidate(subject, { ref: ref('a', 'a.example'), sharedFromIndex: 1 }).link).toBeUndefined();
  });
});

describe('decideSyndication', () => {
  it('makes the subject its own cluster when nothing matches', () => {
    const decision = decideSyndication(subjectOf('b', 'b.example', STORY_B), [candidateOf('a', 'a.example', STORY_A)]);
    expect(decision).toEqual({ matches: [], copies: [], clusterId: 'b' });
  });

  it('chooses the earliest publication as origin and propagates its cluster', () => {
    const subject = subjectOf('c', 'c.example', STORY_A, { publishedAt: '2026-11-20T11:00:00Z' });
    const decision = decideSyndication(subject, [
      candidateOf('a', 'a.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z', clusterId: 'a' }),
      candidateOf('b', 'b.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'a', copyOf: { articleId: 'a', url: 'u', host: 'a.example', overlap: 1, method: 'exact' } }),
    ]);
    expect(decision.copyOf?.articleId).toBe('a');
    expect(decision.clusterId).toBe('a');
    expect(decision.copies).toEqual([]);
    expect(decision.matches).toHaveLength(2);
    expect(decision.originCopyLink).toEqual({
      originId: 'a',
      link: { articleId: 'c', url: 'https://c.example/news/c', host: 'c.example', overlap: 1, method: 'exact' },
    });
  });

  it('makes an earlier subject the origin of copies crawled before it, joining their cluster', () => {
    const subject = subjectOf('o', 'o.example', STORY_A, { publishedAt: '2026-11-20T06:00:00Z' });
    const decision = decideSyndication(subject, [
      candidateOf('x', 'x.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'x' }),
    ]);
    expect(decision.copyOf).toBeUndefined();
    expect(decision.copies.map((c) => c.articleId)).toEqual(['x']);
    expect(decision.clusterId).toBe('x');
    expect(decision.originCopyLink).toBeUndefined();
  });

  it('keeps an origin\'s cluster id on reprocess instead of swapping ids with its copies', () => {
    // Regression: the origin took its best copy's cluster id while copies take the origin's, so
    // concurrent reprocess rounds made the two swap ids forever.
    const subject = subjectOf('o', 'o.example', STORY_A, { publishedAt: '2026-11-20T06:00:00Z', previousClusterId: 'o' });
    const copy = candidateOf('x', 'x.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'x' });
    expect(decideSyndication(subject, [copy]).clusterId).toBe('o');
    // A previous id no match supports any more (an earlier wrong merge) is not kept.
    expect(decideSyndication({ ...subject, previousClusterId: 'elsewhere' }, [copy]).clusterId).toBe('x');
  });

  it('follows the subject canonical link / isBasedOn even against publication times', () => {
    const candidate = candidateOf('a', 'a.example', STORY_A, { publishedAt: '2026-11-20T10:00:00Z' });
    const subject = subjectOf('b', 'b.example', STORY_A, {
      publishedAt: '2026-11-20T08:00:00Z',
      basedOnUrl: 'https://www.a.example/news/a/',
    });
    expect(decideSyndication(subject, [candidate]).copyOf?.articleId).toBe('a');
  });

  it('breaks a publication-time tie with the dateline credit', () => {
    const t = Date.parse('2026-11-20T08:00:00Z');
    const later = new Date(t + PUBLISH_TIE_TOLERANCE_MS / 2).toISOString();
    const wire = candidateOf('w', 'www.wirewire.com', STORY_A, { publishedAt: later });
    const subject = subjectOf('s', 's.example', STORY_A, { publishedAt: new Date(t).toISOString(), credits: ['wirewire'] });
    expect(decideSyndication(subject, [wire]).copyOf?.articleId).toBe('w');
    // Without the credit the earlier time wins.
    expect(decideSyndication({ ...subject, credits: [] }, [wire]).copyOf).toBeUndefined();
  });

  it('ranks an in-flight candidate by crawl order, not by its (unknown) publication time', () => {
    // Regression: the in-flight candidate's crawl time was compared with the subject's
    // publication time, so the subject always won and an aggregator became the origin.
    const subject = subjectOf('w', 'wire.example', STORY_A, { publishedAt: '2026-11-23T18:40:00Z' });
    const inFlight: SyndicationCandidate = { ref: ref('d', 'daily.example', '2026-11-25T01:35:00Z'), sharedFromIndex: STORY_A.length };
    const recordedFirstByCandidate = decideSyndication({ ...subject, firstSeenCounts: new Map([['d', 6]]) }, [inFlight]);
    expect(recordedFirstByCandidate.copyOf?.articleId).toBe('d');
    expect(recordedFirstByCandidate.clusterId).toBe('d');
    const recordedFirstBySubject = decideSyndication({ ...subject, firstSeenCounts: new Map([['w', 4], ['d', 2]]) }, [inFlight]);
    expect(recordedFirstBySubject.copyOf).toBeUndefined();
    // A stored candidate published earlier still beats both.
    const stored = candidateOf('o', 'origin.example', STORY_A, { publishedAt: '2026-11-23T06:00:00Z' });
    expect(decideSyndication({ ...subject, firstSeenCounts: new Map([['d', 6]]) }, [inFlight, stored]).copyOf?.articleId).toBe('o');
  });

  it('passes over candidates that declare themselves copies (canonical on another host)', () => {
    const subject = subjectOf('s', 's.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    const copy = candidateOf('k', 'k.example', STORY_A, {
      publishedAt: '2026-11-20T07:00:00Z',
      canonicalUrl: 'https://elsewhere.example/story',
    });
    expect(decideSyndication(subject, [copy]).copyOf).toBeUndefined();
  });
});
