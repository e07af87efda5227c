import { createHash } from 'node:crypto';
import type { ArticleRecord } from '../../../functions/core/article';
import { encodeSketch, nearDuplicateSketch } from '../../../functions/core/dedup/near-duplicate';

/** 32 lower-case hex digits, like article ids and paragraph hashes. */
export const hex32 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 32);

/**
 * A record as process-page writes it for a news page with full metadata (description, image,
 * modified time, section, two authors), 20 evidence paragraphs and a fetched URL that differs
 * from the canonical one: the large end of typical.
 */
export function realisticRecord(n = 1): ArticleRecord {
  const id = hex32(`article-${n}`);
  const host = 'www.metropolitan-daily-chronicle.example';
  const day = '2026-11-24';
  const url = `https://${host}/news/world/2026/11/24/parliament-passes-sweeping-budget-reform-after-marathon-session-${n}`;
  const paragraphs = Array.from(
    { length: 20 },
    (_, i) => `Paragraph ${i} of article ${n}: ${'words of the story '.repeat(8)}`,
  );
  const origin = hex32(`origin-${n}`);
  return {
    id,
    url: `${url}?utm_source=rss&utm_medium=feed`,
    canonicalUrl: url,
    host,
    fetchedAt: '2026-11-24T10:15:31.204Z',
    day,
    title: 'Parliament passes sweeping budget reform after marathon overnight session',
    authors: ['Jane Correspondent', 'John Reporter'],
    publishedAt: '2026-11-24T09:30:00+01:00',
    modifiedAt: '2026-11-24T10:02:00+01:00',
    language: 'en',
    siteName: 'The Metropolitan Daily Chronicle',
    section: 'World',
    description:
      'Lawmakers approved the package by a narrow margin early on Tuesday, ending weeks of negotiations over spending cuts, tax changes and the future of regional funding.',
    image: `https://images.${host}/2026/11/24/parliament-budget-vote-1200x630.jpg`,
    pageKind: 'article',
    contentHash: hex32(`content-${n}`),
    version: 1,
    paragraphCount: 22,
    paragraphHashes: paragraphs.map((p) => hex32(p)),
    cleanKey: `clean/dt=${day}/host=${host}/${id}.json`,
    rawKey: `raw/dt=${day}/host=${host}/${id}/2026-11-24T10-15-31-204Z.html.gz`,
    stats: {
      repeatedParagraphsRemoved: 1,
      boilerplateParagraphsRemoved: 2,
      paragraphsFirstSeenElsewhere: 20,
    },
    copyOf: {
      articleId: origin,
      url: `https://www.wire-service.example/2026/11/24/budget-reform-${n}`,
      host: 'www.wire-service.example',
      overlap: 0.95,
      method: 'exact',
    },
    copies: [],
    clusterId: origin,
    minhash: encodeSketch(nearDuplicateSketch(paragraphs)),
  };
}

/**
 * A record like the bench:dedup articles (11 evidence paragraphs, title and site name, no
 * description or image, canonical URL = fetched URL), with 32-hex ids and a raw key.
 */
export function leanRecord(n = 1): ArticleRecord {
  const full = realisticRecord(n);
  const { description: _d, image: _i, modifiedAt: _m, section: _s, ...rest } = full;
  return {
    ...rest,
    url: full.canonicalUrl,
    authors: [],
    paragraphHashes: full.paragraphHashes.slice(0, 11),
    paragraphCount: 12,
  };
}
