import { z } from 'zod';

/**
 * The article model, defined once: these zod schemas are the source of the TypeScript types in
 * `article.ts` (inferred), of the query API's OpenAPI components (`query/schemas.ts` registers
 * them), and the reference the Glue/DuckDB columns (`clean-copy-table.ts`) and the DynamoDB item
 * layout (`adapters/dynamodb/dedup-index-items.ts`) are checked against
 * (`test/core/article-schema.test.ts`, `test/query/athena-layout.test.ts`).
 *
 * @example
 * articleRefSchema.parse({ articleId: 'a'.repeat(32), url: 'https://x.example/a', host: 'x.example', seenAt: '2026-11-24T10:00:00Z' });
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Every story relation, in the order documented (see {@link storyRelationSchema}). */
export const STORY_RELATIONS = ['original', 'exact', 'near-duplicate', 'excerpt', 'update'] as const;

/** Block-level kind of a paragraph kept from a page. */
export const paragraphKindSchema = z.enum(['heading', 'paragraph', 'quote', 'list-item']);

/** One block of article text, in page order. */
export const paragraphSchema = z.object({ kind: paragraphKindSchema, text: z.string() });

export const articleRefSchema = z.object({
  articleId: z.string(),
  url: z.string(),
  host: z.string(),
  seenAt: z.string().describe('when the pipeline saw it, ISO 8601'),
  publishedAt: z.string().optional().describe('when it was published, ISO 8601 with offset (where known)'),
});

export const storyRelationSchema = z.enum(STORY_RELATIONS);

export const copyLinkSchema = z.object({
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
});

/** What the page is (only `article` pages are stored as complete clean copies). */
export const pageKindSchema = z.enum([
  'article',
  'consent-wall',
  'paywall',
  'index',
  'error-page',
  'empty',
  'not-html',
]);

/** The fields of an article record (shared by {@link articleRecordSchema} and {@link cleanCopySchema}). */
export const articleRecordShape = {
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
  /** Hash of the clean text; a changed value on re-fetch is a new version. */
  contentHash: z.string(),
  version: z.number().int().min(1),
  paragraphCount: z.number().int().min(0),
  /** Evidence paragraph hashes in page order (short paragraphs excluded). */
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
  /** Set when this article is a copy of an earlier article on another host. */
  copyOf: copyLinkSchema.optional(),
  /** Other publishers' copies of this article (kept in the index; not on stored lines). */
  copies: z.array(copyLinkSchema),
  clusterId: z.string().optional().describe('story cluster id (stable; not the origin)'),
  originId: z
    .string()
    .optional()
    .describe("the story's current origin (the article's own id for an original)"),
  /** This article's relation to its story's origin (`original` when it is the origin). */
  relation: storyRelationSchema.optional(),
  /** A canonical link or `isBasedOn` to another host, or a credit naming another member: wins the origin only when no other member is left. */
  declaresCopy: z.boolean().optional().describe('the page names another member of its story as its source'),
  /** Leading-words fingerprint of the evidence text (`core/dedup/lead-prefix.ts`). */
  lead: z.string().optional().describe('leading-words fingerprint (finds excerpts)'),
  /** Near-duplicate sketch of the evidence paragraphs (bottom-k MinHash, `core/dedup/near-duplicate.ts`). */
  minhash: z.string().optional(),
};

/** The article record kept in the index (and embedded in the clean copy). */
export const articleRecordSchema = z.object(articleRecordShape);

/** A paragraph as stored in a clean copy, with dedup provenance when known. */
export const storedParagraphSchema = z.object({
  ...paragraphSchema.shape,
  hash: z.string().optional(),
  firstSeen: articleRefSchema
    .optional()
    .describe('set when the earliest-published article carrying the paragraph is another one'),
  firstCrawled: articleRefSchema
    .optional()
    .describe('the first article crawled with it, when that is not firstSeen'),
});

/** A clean copy as the query API returns it: the record with its paragraphs and text. */
export const cleanCopySchema = z.object({
  ...articleRecordShape,
  paragraphs: z.array(storedParagraphSchema),
  text: z.string(),
});

/**
 * A clean copy as stored (one JSON line of a clean bundle): no `copies` (they live in the index) and
 * no pointer to itself; `storedAt` says when the line was written (absent before bundling).
 */
export const storedCleanCopySchema = cleanCopySchema
  .omit({ copies: true, cleanKey: true, cleanOffset: true, cleanLength: true })
  .extend({ storedAt: z.string().optional().describe('when this line was written, ISO 8601') });
