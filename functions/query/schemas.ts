import { z } from 'zod';
import {
  STORY_RELATIONS,
  type ArticleRecord,
  type ArticleRef,
  type CleanCopy,
  type CopyLink,
  type StoredParagraph,
} from '../core/article';
import type { SearchHit } from '../ports/archive-search';
import type { Page, ParagraphInfo } from '../ports/dedup-index';

/**
 * Zod schemas of everything the query API answers with. They are the single source of the
 * OpenAPI document's component schemas (see `openapi.ts`), and the compile-time checks at the end
 * of this file fail the build when `functions/core/article.ts` and these schemas drift apart.
 */

/** Named schemas that become `components.schemas` of the OpenAPI document. */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const articleRefSchema = z
  .object({
    articleId: z.string(),
    url: z.string(),
    host: z.string(),
    seenAt: z.string().describe('when the pipeline saw it, ISO 8601'),
    publishedAt: z.string().optional().describe('when it was published, ISO 8601 with offset (where known)'),
  })
  .register(apiRegistry, { id: 'ArticleRef', description: 'A pointer to one article occurrence.' });

export const storyRelationSchema = z.enum(STORY_RELATIONS).register(apiRegistry, {
  id: 'StoryRelation',
  description:
    "An article's relation to its story's origin: original (the origin itself), exact or near-duplicate copy on another publisher, excerpt (the story's start or a few of its paragraphs), update (the same publisher's later version at another URL).",
});

export const copyLinkSchema = z
  .object({
    articleId: z.string(),
    url: z.string(),
    host: z.string(),
    overlap: z
      .number()
      .min(0)
      .max(1)
      .describe("share of the smaller article's evidence paragraphs found in the other"),
    method: z
      .enum(['exact', 'near-duplicate', 'prefix'])
      .describe('shared exact paragraphs, edited text (sketch), or one text is the start of the other'),
    relation: storyRelationSchema.optional().describe("the linked article's relation to the story's origin"),
  })
  .register(apiRegistry, { id: 'CopyLink', description: 'A link to another member of the same story.' });

const pageKindSchema = z.enum([
  'article',
  'consent-wall',
  'paywall',
  'index',
  'error-page',
  'empty',
  'not-html',
]);

const articleRecordShape = {
  id: z.string().describe('32 hex characters: hash of the canonical URL'),
  url: z.string(),
  canonicalUrl: z.string(),
  host: z.string(),
  fetchedAt: z.string(),
  day: day.describe('day partition (UTC) of publishedAt, else fetchedAt'),
  title: z.string().optional(),
  authors: z.array(z.string()),
  publishedAt: z.string().optional(),
  modifiedAt: z.string().optional(),
  language: z.string().optional(),
  siteName: z.string().optional(),
  section: z.string().optional(),
  description: z.string().optional(),
  image: z.string().optional(),
  pageKind: pageKindSchema,
  contentHash: z.string(),
  version: z.number().int().min(1),
  paragraphCount: z.number().int().min(0),
  paragraphHashes: z.array(z.string()),
  cleanKey: z.string().describe('archive object holding the clean copy (a JSON Lines bundle)'),
  cleanOffset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("byte offset of the article's line in that bundle"),
  cleanLength: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('byte length of that line (absent: the whole object)'),
  rawKey: z.string().optional(),
  rawOffset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("byte offset of the page's gzip member in the raw bundle"),
  rawLength: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('byte length of that member (absent: the whole object)'),
  rawContentType: z.string().optional().describe('HTTP Content-Type the page was served with'),
  stats: z.object({
    repeatedParagraphsRemoved: z.number().int().min(0),
    boilerplateParagraphsRemoved: z.number().int().min(0),
    paragraphsFirstSeenElsewhere: z.number().int().min(0),
  }),
  copyOf: copyLinkSchema.optional(),
  copies: z.array(copyLinkSchema),
  clusterId: z.string().optional().describe('story cluster id (stable; not the origin)'),
  originId: z
    .string()
    .optional()
    .describe("the story's current origin (the article's own id for an original)"),
  relation: storyRelationSchema.optional(),
  declaresCopy: z.boolean().optional().describe('the page names another member of its story as its source'),
  lead: z.string().optional().describe('leading-words fingerprint (finds excerpts)'),
  minhash: z.string().optional(),
};

export const articleRecordSchema = z
  .object(articleRecordShape)
  .register(apiRegistry, { id: 'ArticleRecord', description: 'The article record kept in the index.' });

export const storedParagraphSchema = z
  .object({
    kind: z.enum(['heading', 'paragraph', 'quote', 'list-item']),
    text: z.string(),
    hash: z.string().optional(),
    firstSeen: articleRefSchema
      .optional()
      .describe('set when the earliest-published article carrying the paragraph is another one'),
    firstCrawled: articleRefSchema
      .optional()
      .describe('the first article crawled with it, when that is not firstSeen'),
  })
  .register(apiRegistry, { id: 'StoredParagraph' });

export const cleanCopySchema = z
  .object({ ...articleRecordShape, paragraphs: z.array(storedParagraphSchema), text: z.string() })
  .register(apiRegistry, {
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
agree<Same<z.infer<typeof articleRefSchema>, ArticleRef>>(true);
agree<Same<z.infer<typeof copyLinkSchema>, CopyLink>>(true);
agree<Same<z.infer<typeof articleRecordSchema>, ArticleRecord>>(true);
agree<Same<z.infer<typeof storedParagraphSchema>, StoredParagraph>>(true);
agree<Same<z.infer<typeof cleanCopySchema>, CleanCopy>>(true);
agree<Same<z.infer<typeof articlePageSchema>, Page<ArticleRecord>>>(true);
agree<Same<z.infer<typeof paragraphInfoSchema>, ParagraphInfo>>(true);
agree<Same<z.infer<typeof searchHitSchema>, SearchHit>>(true);
