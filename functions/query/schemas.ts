import { z } from 'zod';
import type { ArticleRecord } from '../core/article';
import {
  articleRecordSchema,
  articleRefSchema,
  cleanCopySchema,
  copyLinkSchema,
  storedParagraphSchema,
  storyRelationSchema,
} from '../core/article-schema';
import type { SearchHit } from '../ports/archive-search';
import type { Page, ParagraphInfo } from '../ports/dedup-index';

export {
  articleRecordSchema,
  articleRefSchema,
  cleanCopySchema,
  copyLinkSchema,
  storedParagraphSchema,
  storyRelationSchema,
};

/**
 * Zod schemas of everything the query API answers with: the single source of the OpenAPI
 * document's component schemas (see `openapi.ts`). The article model's schemas are defined once in
 * `core/article-schema.ts` (the TypeScript types are inferred from them) and registered here; the
 * compile-time checks at the end hold the API-only schemas to the port types.
 */

/** Named schemas that become `components.schemas` of the OpenAPI document. */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

// The article model's schemas (defined in core) as named components of the API.
apiRegistry.add(articleRefSchema, { id: 'ArticleRef', description: 'A pointer to one article occurrence.' });
apiRegistry.add(storyRelationSchema, {
  id: 'StoryRelation',
  description:
    "An article's relation to its story's origin: original (the origin itself), exact or near-duplicate copy on another publisher, excerpt (the story's start or a few of its paragraphs), update (the same publisher's later version at another URL).",
});
apiRegistry.add(copyLinkSchema, {
  id: 'CopyLink',
  description: 'A link to another member of the same story.',
});
apiRegistry.add(articleRecordSchema, {
  id: 'ArticleRecord',
  description: 'The article record kept in the index.',
});
apiRegistry.add(storedParagraphSchema, { id: 'StoredParagraph' });
apiRegistry.add(cleanCopySchema, {
  id: 'CleanCopy',
  description: 'The clean copy as stored: record, paragraphs and text.',
});

export const articlePageSchema = z
  .object({
    items: z.array(articleRecordSchema),
    cursor: z.string().optional().describe('pass as `cursor` to get the next page; absent on the last page'),
  })
  .register(apiRegistry, { id: 'ArticlePage' });

export const hostListSchema = z
  .object({ hosts: z.array(z.string()) })
  .register(apiRegistry, { id: 'HostList' });

export const copiesViewSchema = z
  .object({
    articleId: z.string(),
    copyOf: copyLinkSchema.optional().describe('the earlier article this one copies'),
    copies: z.array(copyLinkSchema).describe('later copies of this article on other publishers'),
  })
  .register(apiRegistry, { id: 'Copies' });

export const storyViewSchema = z
  .object({
    clusterId: z.string().describe('the cluster that holds the story now'),
    originId: z.string().describe("the story's current origin (every member's originId names it)"),
    article: articleRecordSchema,
    origin: articleRecordSchema.describe('likely origin of the story'),
    members: z.array(articleRecordSchema).describe('every known article of the cluster, oldest first'),
  })
  .register(apiRegistry, { id: 'Story' });

export const paragraphInfoSchema = z
  .object({
    hash: z.string(),
    normVersion: z.number().int(),
    firstSeen: articleRefSchema.describe('the earliest-published article known to carry it'),
    firstCrawled: articleRefSchema
      .optional()
      .describe('the first article crawled with it, when that is not firstSeen'),
    articleCount: z.number().int().min(0),
    articleIds: z.array(z.string()),
    hostPageCounts: z.record(z.string(), z.number().int().min(0)),
  })
  .register(apiRegistry, { id: 'ParagraphInfo' });

const ratio = z.number().min(0).max(1);
export const hostStatsSchema = z
  .object({
    host: z.string(),
    from: day.optional(),
    to: day.optional(),
    articles: z.number().int().min(0),
    paragraphsKept: z.number().int().min(0),
    repeatedParagraphsRemoved: z.number().int().min(0),
    boilerplateParagraphsRemoved: z.number().int().min(0),
    paragraphsFirstSeenElsewhere: z.number().int().min(0),
    repeatedParagraphRatio: ratio.describe(
      'repeats removed / paragraphs extracted (kept + repeated + boilerplate)',
    ),
    boilerplateRatio: ratio.describe('boilerplate removed / paragraphs extracted'),
    firstSeenElsewhereRatio: ratio.describe(
      'kept paragraphs first seen on another article / paragraphs kept',
    ),
    syndicatedArticles: z
      .number()
      .int()
      .min(0)
      .describe('articles that are a copy of an earlier article on another host'),
    syndicatedShare: ratio,
    articlesWithCopies: z.number().int().min(0).describe('articles copied by other hosts'),
    complete: z.boolean().describe('false when the scan stopped at the article cap; narrow the day range'),
  })
  .register(apiRegistry, {
    id: 'HostStats',
    description: 'Extraction and dedup figures of one host, from its article records.',
  });

export const searchHitSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    day,
    url: z.string(),
    title: z.string().optional(),
    publishedAt: z.string().optional(),
    language: z.string().optional(),
    relation: storyRelationSchema.optional(),
    copyOfHost: z.string().optional().describe('host of the article this one copies, when it is a copy'),
    score: z.number().describe('relevance, higher is better (comparable within one answer)'),
    snippet: z
      .object({
        text: z.string().describe('plain text around the matches; … where text was left out'),
        highlights: z
          .array(z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }))
          .describe('matched words in text: [start, end) offsets in UTF-16 code units'),
      })
      .describe('where the words matched'),
  })
  .register(apiRegistry, { id: 'SearchHit', description: 'One article matching a full-text search.' });

export const searchPageSchema = z
  .object({
    items: z.array(searchHitSchema).describe('best match first'),
    cursor: z.string().optional().describe('pass as `cursor` to get the next page; absent on the last page'),
  })
  .register(apiRegistry, { id: 'SearchPage' });

export const errorSchema = z
  .object({ error: z.string().describe('what was wrong, for a human') })
  .register(apiRegistry, { id: 'Error' });

// Compile-time agreement between these schemas and the shared model: each assignment fails to
// type-check when a field is added, removed or retyped on one side only.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(value: T) => value;
agree<Same<z.infer<typeof articlePageSchema>, Page<ArticleRecord>>>(true);
agree<Same<z.infer<typeof paragraphInfoSchema>, ParagraphInfo>>(true);
agree<Same<z.infer<typeof searchHitSchema>, SearchHit>>(true);
