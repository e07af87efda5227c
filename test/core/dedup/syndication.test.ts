import { describe, expect, it } from 'vitest';
import type { ArticleRef } from '../../../functions/core/article';
import { nearDuplicateSketch, toDecoded } from '../../../functions/core/dedup/near-duplicate';
import { paragraphHash } from '../../../functions/core/dedup/paragraph-hash';
import { encodeLead, leadFingerprint } from '../../../functions/core/dedup/lead-prefix';
import { normalizeParagraph } from '../../../functions/core/dedup/normalize-paragraph';
import {
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

function subjectOf(
  id: string,
  host: string,
  paragraphs: string[],
  extra: Partial<SyndicationSubject> = {},
): SyndicationSubject {
  return {
    ref: ref(id, host),
    paragraphHashes: [...new Set(paragraphs.map(paragraphHash))],
    sketch: toDecoded(nearDuplicateSketch(paragraphs)),
    sketchExcluding: (hashes) => {
      const rest = paragraphs.filter((p) => !hashes.has(paragraphHash(p)));
      return rest.length > 0 ? toDecoded(nearDuplicateSketch(rest)) : undefined;
    },
    credits: [],
    lead: leadOf(paragraphs),
    ...extra,
  };
}

const leadOf = (paragraphs: string[]) => leadFingerprint(paragraphs.map(normalizeParagraph));

function candidateOf(
  id: string,
  host: string,
  paragraphs: string[],
  extra: Partial<SyndicationCandidate> = {},
): SyndicationCandidate {
  const s = subjectOf(id, host, paragraphs);
  return {
    ref: s.ref,
    paragraphHashes: s.paragraphHashes,
    sketch: s.sketch,
    sharedFromIndex: 0,
    lead: encodeLead(leadOf(paragraphs)),
    ...extra,
  };
}

describe('compareCandidate', () => {
  it('links an exact copy on another host with overlap 1', () => {
    const result = compareCandidate(
      subjectOf('b', 'b.example', STORY_A),
      candidateOf('a', 'a.example', STORY_A),
    );
    expect(result.link).toMatchObject({ articleId: 'a', host: 'a.example', overlap: 1, method: 'exact' });
  });

  it('links the same host only as a second version of one story (same headline, or most paragraphs unchanged)', () => {
    // Update: the first paragraph reworded, an update paragraph appended, the same headline.
    const update = [
      STORY_A[0].replace('early on Monday', 'on Monday morning'),
      ...STORY_A.slice(1),
      'Update: the governor said on Tuesday that a fourth victim had died in hospital overnight.',
    ];
    const title = 'Tanker blast kills three on ring road';
    const first = candidateOf('a', 'a.example', STORY_A, { title });
    expect(compareCandidate(subjectOf('b', 'a.example', update, { title }), first).link).toMatchObject({
      articleId: 'a',
      method: 'exact',
    });
    // A different headline needs most paragraphs unchanged: two shared background paragraphs are not enough.
    const followUp = [...STORY_B.slice(0, 3), ...STORY_A.slice(4)];
    expect(
      compareCandidate(subjectOf('c', 'a.example', followUp, { title: 'Rates on hold' }), first).link,
    ).toBeUndefined();
    // Host boilerplate alone (one shared paragraph) never links.
    expect(
      compareCandidate(subjectOf('d', 'a.example', [...STORY_B, STORY_A[0]], { title }), first).link,
    ).toBeUndefined();
  });

  it('links an excerpt whose paragraphs run together and whose last one is cut with "…"', () => {
    const excerpt = [
      `${STORY_A[0]} ${STORY_A[1]} ${STORY_A[2].split(' ').slice(0, 12).join(' ')} …`,
      'Read the full story at the Metro Herald.',
    ];
    const result = compareCandidate(
      subjectOf('e', 'agg.example', excerpt),
      candidateOf('a', 'a.example', STORY_A),
    );
    expect(result.sharedParagraphs).toBe(0);
    expect(result.link).toMatchObject({ articleId: 'a', method: 'prefix' });
    // First paragraph intact, second cut: one exact paragraph of two is not enough alone.
    const twoParagraphs = [STORY_A[0], `${STORY_A[1].split(' ').slice(0, 15).join(' ')}…`];
    expect(
      compareCandidate(subjectOf('f', 'agg.example', twoParagraphs), candidateOf('a', 'a.example', STORY_A))
        .link?.method,
    ).toBe('prefix');
  });

  it('does not link different stories that open with the same long quotation', () => {
    const quotation =
      '"We are deeply saddened by the loss of life and we will cooperate fully with the authorities in their investigation into the causes of this tragedy," the company said in a statement released on Monday evening.';
    const one = compareCandidate(
      subjectOf('q1', 'one.example', [quotation, ...STORY_B]),
      candidateOf('q2', 'two.example', [quotation, ...STORY_A]),
    );
    expect(one.link).toBeUndefined();
    // Also when one of them is short: its own words after the quotation differ.
    const short = [
      quotation,
      'Shares in the company fell four percent in early trading in London after the statement was released.',
    ];
    expect(
      compareCandidate(
        subjectOf('q3', 'three.example', short),
        candidateOf('q2', 'two.example', [quotation, ...STORY_A]),
      ).link,
    ).toBeUndefined();
  });

  it('links a copy with a cut tail and a reworded sentence through exact paragraphs', () => {
    const copy = [STORY_A[0].replace('Monday', 'Monday morning'), ...STORY_A.slice(1, 4)];
    const result = compareCandidate(
      subjectOf('b', 'b.example', copy),
      candidateOf('a', 'a.example', STORY_A),
    );
    expect(result.link?.method).toBe('exact');
    expect(result.link?.overlap).toBe(0.75);
  });

  it('links a copy edited in every paragraph as a near-duplicate', () => {
    const copy = STORY_A.map((p) => p.replace(/ the /, ' a ').replace(/,/, ''));
    const result = compareCandidate(
      subjectOf('b', 'b.example', copy),
      candidateOf('a', 'a.example', STORY_A),
    );
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
    const result = compareCandidate(
      subjectOf('b', 'b.example', copy),
      candidateOf('a', 'a.example', original),
    );
    expect(result.sharedParagraphs).toBe(1);
    expect(result.link?.method).toBe('near-duplicate');
  });

  it('uses the index count for an in-flight candidate without a record', () => {
    const subject = subjectOf('b', 'b.example', STORY_A);
    const result = compareCandidate(subject, { ref: ref('a', 'a.example'), sharedFromIndex: STORY_A.length });
    expect(result.link).toMatchObject({ articleId: 'a', overlap: 1, method: 'exact' });
    expect(
      compareCandidate(subject, { ref: ref('a', 'a.example'), sharedFromIndex: 1 }).link,
    ).toBeUndefined();
  });
});

describe('decideSyndication', () => {
  it('makes the subject its own cluster when nothing matches', () => {
    const decision = decideSyndication(subjectOf('b', 'b.example', STORY_B), [
      candidateOf('a', 'a.example', STORY_A),
    ]);
    expect(decision).toEqual({
      matches: [],
      clusterId: 'b',
      subjectDeclaresCopy: false,
      storyClusters: ['b'],
    });
  });

  it('lists every cluster the story may be held in: stored matches, and in-flight ones with the subject', () => {
    const subject = subjectOf('c', 'c.example', STORY_A, { publishedAt: '2026-11-20T11:00:00Z' });
    const stored = decideSyndication(subject, [
      candidateOf('b', 'b.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'x' }),
      candidateOf('a', 'a.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z', clusterId: 'y' }),
    ]);
    expect(stored.clusterId).toBe('y');
    expect([...stored.storyClusters].sort()).toEqual(['x', 'y']);
    const inFlight = decideSyndication(subject, [
      {
        ref: {
          articleId: 'd',
          url: 'https://d.example/n',
          host: 'd.example',
          seenAt: '2026-11-20T12:00:00Z',
        },
        sharedFromIndex: 5,
      },
    ]);
    expect([...inFlight.storyClusters].sort()).toEqual(['c', 'd']);
  });

  it('proposes the earliest publication as origin and joins the cluster of its best stored match', () => {
    const subject = subjectOf('c', 'c.example', STORY_A, { publishedAt: '2026-11-20T11:00:00Z' });
    const decision = decideSyndication(subject, [
      candidateOf('b', 'b.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'b' }),
      candidateOf('a', 'a.example', STORY_A, { publishedAt: '2026-11-20T08:00:00+00:00', clusterId: 'b' }),
    ]);
    expect(decision.proposedOrigin?.articleId).toBe('a');
    expect(decision.clusterId).toBe('b');
    expect(decision.matches.map((m) => [m.articleId, m.relation])).toEqual([
      ['b', 'exact'],
      ['a', 'exact'],
    ]);
    expect(decision.subjectRelations?.get('a')?.relation).toBe('exact');
  });

  it('compares publication times across time zones', () => {
    // 09:30+02:00 is 07:30 UTC: earlier than 08:00Z although its clock reads later.
    const subject = subjectOf('s', 's.example', STORY_A, { publishedAt: '2026-11-20T08:00:00Z' });
    const decision = decideSyndication(subject, [
      candidateOf('k', 'k.example', STORY_A, { publishedAt: '2026-11-20T09:30:00+02:00' }),
    ]);
    expect(decision.proposedOrigin?.articleId).toBe('k');
  });

  it('makes an earlier subject the origin of copies crawled before it, joining their cluster', () => {
    const subject = subjectOf('o', 'o.example', STORY_A, { publishedAt: '2026-11-20T06:00:00Z' });
    const decision = decideSyndication(subject, [
      candidateOf('x', 'x.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z', clusterId: 'x' }),
    ]);
    expect(decision.proposedOrigin?.articleId).toBe('o');
    expect(decision.clusterId).toBe('x');
  });

  it("keeps an article's cluster id on reprocess while a match supports it", () => {
    const subject = subjectOf('o', 'o.example', STORY_A, {
      publishedAt: '2026-11-20T06:00:00Z',
      previousClusterId: 'o',
    });
    const copy = candidateOf('x', 'x.example', STORY_A, {
      publishedAt: '2026-11-20T09:00:00Z',
      clusterId: 'x',
    });
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
    const decision = decideSyndication(subject, [candidate]);
    expect(decision.proposedOrigin?.articleId).toBe('a');
    expect(decision.subjectDeclaresCopy).toBe(true);
  });

  it('prefers a source credited in the text over an earlier timestamp', () => {
    const wire = candidateOf('w', 'www.wirewire.com', STORY_A, { publishedAt: '2026-11-20T08:05:00Z' });
    const subject = subjectOf('s', 's.example', STORY_A, {
      publishedAt: '2026-11-20T08:00:00Z',
      credits: ['wirewire'],
    });
    expect(decideSyndication(subject, [wire]).proposedOrigin?.articleId).toBe('w');
    // Without the credit the earlier time wins.
    expect(decideSyndication({ ...subject, credits: [] }, [wire]).proposedOrigin?.articleId).toBe('s');
  });

  it('leaves in-flight candidates out of the proposal and picks the crawl-first one for the cluster id', () => {
    const subject = subjectOf('w', 'wire.example', STORY_A, { publishedAt: '2026-11-23T18:40:00Z' });
    const inFlight: SyndicationCandidate = {
      ref: ref('d', 'daily.example', '2026-11-25T01:35:00Z'),
      sharedFromIndex: STORY_A.length,
    };
    const recordedFirstByCandidate = decideSyndication({ ...subject, firstSeenCounts: new Map([['d', 6]]) }, [
      inFlight,
    ]);
    expect(recordedFirstByCandidate.clusterId).toBe('d');
    expect(recordedFirstByCandidate.proposedOrigin?.articleId).toBe('w');
    expect(
      decideSyndication(
        {
          ...subject,
          firstSeenCounts: new Map([
            ['w', 4],
            ['d', 2],
          ]),
        },
        [inFlight],
      ).clusterId,
    ).toBe('w');
    // A stored candidate gives its cluster and, published earlier, the origin.
    const stored = candidateOf('o', 'origin.example', STORY_A, {
      publishedAt: '2026-11-23T06:00:00Z',
      clusterId: 'o',
    });
    const withStored = decideSyndication({ ...subject, firstSeenCounts: new Map([['d', 6]]) }, [
      inFlight,
      stored,
    ]);
    expect([withStored.clusterId, withStored.proposedOrigin?.articleId]).toEqual(['o', 'o']);
  });

  it('passes over candidates that declare themselves copies (canonical on another host)', () => {
    const subject = subjectOf('s', 's.example', STORY_A, { publishedAt: '2026-11-20T09:00:00Z' });
    const copy = candidateOf('k', 'k.example', STORY_A, {
      publishedAt: '2026-11-20T07:00:00Z',
      canonicalUrl: 'https://elsewhere.example/story',
    });
    expect(decideSyndication(subject, [copy]).proposedOrigin?.articleId).toBe('s');
  });

  it('names relations: an excerpt, and a same-publisher update of the first version', () => {
    const excerpt = subjectOf('e', 'agg.example', [`${STORY_A[0]} ${STORY_A[1]}`], {
      publishedAt: '2026-11-20T10:00:00Z',
    });
    const full = candidateOf('a', 'a.example', STORY_A, {
      publishedAt: '2026-11-20T08:00:00Z',
      clusterId: 'a',
    });
    const asExcerpt = decideSyndication(excerpt, [full]);
    expect(asExcerpt.proposedOrigin?.articleId).toBe('a');
    expect(asExcerpt.subjectRelations?.get('a')?.relation).toBe('excerpt');
    const title = 'Tanker blast kills three on ring road';
    const update = subjectOf(
      'u',
      'a.example',
      [...STORY_A, 'Update: the governor said on Tuesday that a fourth victim had died in hospital.'],
      {
        publishedAt: '2026-11-20T13:00:00Z',
        title,
      },
    );
    const asUpdate = decideSyndication(update, [{ ...full, title }]);
    expect(asUpdate.proposedOrigin?.articleId).toBe('a');
    expect(asUpdate.subjectRelations?.get('a')?.relation).toBe('update');
  });
});
