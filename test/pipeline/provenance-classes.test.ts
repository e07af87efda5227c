/**
 * Fixture cases per provenance class, each crawled newest first (every copy before its original):
 * an excerpt run together with a tail ("Read the full story at …" and the aggregator's own line),
 * an excerpt cut with "…", the publisher's update at a second URL crediting itself, an exact copy,
 * and two different stories sharing a long press-release quotation and a stock sentence. Every
 * member's view (record joined with its story's current origin) must name the original.
 */
import { describe, expect, it } from 'vitest';
import type { ArticleRecord, ArticleRef, Paragraph } from '../../functions/core/article';
import { clusterOf, withCurrentOrigin } from '../../functions/core/dedup/current-origin';
import { dedupArticle, dedupRecordFields } from '../../functions/pipeline/dedup-article';
import { MemoryDedupIndex } from '../core/dedup/memory-dedup-index';
import { STOCK_PARAGRAPH, STORY_A, STORY_B } from '../core/dedup/story-fixtures';

const QUOTATION =
  'In a statement released on Monday the regional transport authority said that it had reviewed every contract signed since 2019, that no irregularities had been found in the tendering process, and that it would publish the full audit together with the minutes of all board meetings before the end of the month.';

interface Page {
  id: string;
  host: string;
  texts: string[];
  publishedAt: string;
  title: string;
  siteName?: string;
}

async function ingestAll(index: MemoryDedupIndex, pages: Page[]): Promise<Map<string, ArticleRecord>> {
  for (const [i, page] of pages.entries()) {
    const ref: ArticleRef = {
      articleId: page.id,
      url: `https://${page.host}/n/${page.id}`,
      host: page.host,
      seenAt: new Date(Date.parse('2026-11-21T12:00:00Z') + i * 60_000).toISOString(),
    };
    const metadata = {
      authors: [],
      title: page.title,
      publishedAt: page.publishedAt,
      siteName: page.siteName,
    };
    const paragraphs: Paragraph[] = page.texts.map((text) => ({ kind: 'paragraph', text }));
    const outcome = await dedupArticle(
      { index, sleep: async () => {} },
      { ref, publishedAt: page.publishedAt, paragraphs, metadata, previous: await index.getArticle(page.id) },
    );
    await index.putArticle({
      id: page.id,
      url: ref.url,
      canonicalUrl: ref.url,
      host: page.host,
      fetchedAt: ref.seenAt,
      day: page.publishedAt.slice(0, 10),
      title: page.title,
      siteName: page.siteName,
      authors: [],
      publishedAt: page.publishedAt,
      pageKind: 'article',
      contentHash: page.id,
      version: 1,
      paragraphCount: outcome.paragraphs.length,
      cleanKey: 'k',
      stats: { repeatedParagraphsRemoved: 0, ...outcome.stats },
      ...dedupRecordFields(outcome),
    });
  }
  const records = await index.getArticles(pages.map((p) => p.id));
  const origins = await index.getStoryOrigins(records.map(clusterOf));
  return new Map(records.map((r) => [r.id, withCurrentOrigin(r, origins.get(clusterOf(r)))]));
}

const words = STORY_A[2].split(' ');
const PAGES: Page[] = [
  // Newest first.
  {
    id: 'excerpt-run-together',
    host: 'digest.example',
    title: 'Tanker blast on ring road',
    publishedAt: '2026-11-20T16:00:00Z',
    texts: [
      `${STORY_A[0]} ${STORY_A[1]}`,
      'Read the full story at The Harbour Times',
      'Digest readers can sign up for our morning briefing with the top ten stories of the day.',
    ],
  },
  {
    id: 'excerpt-cut',
    host: 'briefs.example',
    title: 'Ring road explosion',
    publishedAt: '2026-11-20T15:00:00Z',
    texts: [STORY_A[0], STORY_A[1], `${words.slice(0, 14).join(' ')}…`],
  },
  {
    id: 'update',
    host: 'harbourtimes.example',
    siteName: 'The Harbour Times',
    title: 'UPDATE: Tanker explosion kills three on ring road',
    publishedAt: '2026-11-20T14:00:00Z',
    texts: [
      'Three people were killed and eleven injured when a fuel tanker exploded on the ring road outside the northern port city early on Monday, the governor of the region said in a statement.',
      ...STORY_A.slice(1),
      'Update: the ring road reopened to traffic on Monday evening after engineers checked the bridge deck for damage.',
    ],
  },
  {
    id: 'exact-copy',
    host: 'wire.example',
    title: 'Three dead in tanker blast',
    publishedAt: '2026-11-20T11:00:00Z',
    texts: [...STORY_A.slice(0, 5)],
  },
  {
    id: 'original',
    host: 'harbourtimes.example',
    siteName: 'The Harbour Times',
    title: 'Tanker explosion kills three on ring road',
    publishedAt: '2026-11-20T09:00:00+01:00',
    texts: [...STORY_A],
  },
  // Two different stories quoting the same press release and a stock sentence.
  {
    id: 'quote-story-1',
    host: 'citydesk.example',
    title: 'Transport authority audit',
    publishedAt: '2026-11-20T10:00:00Z',
    texts: [STORY_B[0], QUOTATION, STORY_B[1], STOCK_PARAGRAPH],
  },
  {
    id: 'quote-story-2',
    host: 'northnews.example',
    title: 'Bus contracts questioned',
    publishedAt: '2026-11-20T09:30:00Z',
    texts: [
      'Opposition councillors on Tuesday demanded an independent inquiry into the bus contracts awarded by the regional transport authority over the past five years.',
      QUOTATION,
      'The councillors said the authority had ignored three written requests for the tender documents since the spring.',
      STOCK_PARAGRAPH,
    ],
  },
];

/** A different story that reuses the tanker story's first two paragraphs as background, mid-text. */
const BACKGROUND_REUSE: Page = {
  id: 'background-reuse',
  host: 'regionalpost.example',
  title: 'Ring road widening plan approved',
  publishedAt: '2026-11-20T13:00:00Z',
  texts: [
    'The regional council on Wednesday approved a plan to widen the remaining single-lane stretch of the ring road, a project first proposed a decade ago.',
    'Construction is due to start next spring and will take about three years, according to the council, which put the cost at 140 million euros.',
    STORY_A[0],
    STORY_A[1],
    'Residents of the old town have long complained about heavy lorries diverted through their streets whenever the ring road is closed.',
    'The council said it would publish the final route, including two new junctions near the harbour, before the end of the year.',
    'Opposition members abstained, saying the money would be better spent on the rail link to the airport promised in the last election.',
    'A public consultation on noise barriers along the widened road is planned for February, the council added.',
  ],
};

describe('provenance classes, crawled newest first', () => {
  it('names the original as origin of every member, with the relation of each', async () => {
    const views = await ingestAll(new MemoryDedupIndex(), PAGES);
    const story = ['excerpt-run-together', 'excerpt-cut', 'update', 'exact-copy', 'original'];
    for (const id of story) expect(views.get(id)?.originId, id).toBe('original');
    expect(new Set(story.map((id) => views.get(id)?.clusterId)).size).toBe(1);
    expect(views.get('original')?.relation).toBe('original');
    expect(views.get('excerpt-run-together')?.relation).toBe('excerpt');
    expect(views.get('excerpt-cut')?.relation).toBe('excerpt');
    // The publisher's second version is an update, not syndication.
    expect(views.get('update')?.relation).toBe('update');
    expect(views.get('exact-copy')?.relation).toBe('exact');
  });

  it('an excerpt of a story does not pull in another story that reuses those paragraphs as background', async () => {
    const pages = [...PAGES.slice(0, 2), BACKGROUND_REUSE, ...PAGES.slice(2)];
    const views = await ingestAll(new MemoryDedupIndex(), pages);
    expect(views.get('background-reuse')?.originId).toBe('background-reuse');
    expect(views.get('background-reuse')?.clusterId).not.toBe(views.get('original')?.clusterId);
    for (const id of ['excerpt-run-together', 'excerpt-cut', 'update', 'exact-copy'])
      expect(views.get(id)?.originId, id).toBe('original');
  });

  it('keeps stories that share only a long quotation and a stock sentence apart', async () => {
    const views = await ingestAll(new MemoryDedupIndex(), PAGES);
    const one = views.get('quote-story-1');
    const two = views.get('quote-story-2');
    expect(one?.clusterId).not.toBe(two?.clusterId);
    expect(one?.originId).toBe('quote-story-1');
    expect(two?.originId).toBe('quote-story-2');
    expect(one?.copyOf).toBeUndefined();
    expect(two?.copyOf).toBeUndefined();
  });
});
