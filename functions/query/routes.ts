import { z } from 'zod';
import { ARTICLE_FORMATS, MAX_PAGE_SIZE, MAX_PARAGRAPH_LOOKUP_CHARS, type QueryCore } from './query-core';
import {
  articlePageSchema,
  cleanCopySchema,
  copiesViewSchema,
  errorSchema,
  hostListSchema,
  hostStatsSchema,
  paragraphInfoSchema,
  searchPageSchema,
  storyViewSchema,
} from './schemas';
import { MAX_SEARCH_TEXT_CHARS } from '../core/search/search-terms';
import { MAX_SEARCH_PAGE_SIZE } from './search';

/**
 * The query API's route table. The router (`http-api.ts`) serves exactly these routes and the
 * OpenAPI document (`openapi.ts`) is generated from them, so the two cannot disagree.
 */

/** What a route handler produces; the transport turns it into bytes. */
export type RouteResult =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; contentType: string; body: string }
  | { kind: 'lines'; contentType: string; lines: AsyncIterable<{ line: string; cursor: string }> };

/** One documented response of a route. */
export interface RouteResponse {
  status: number;
  description: string;
  /** Media types; a schema is given for JSON bodies. */
  content?: Record<string, { schema?: z.ZodType; example?: string }>;
}

/** One GET route: its OpenAPI path template, parameter schemas and handler. */
export interface ApiRoute<P extends z.ZodRawShape = z.ZodRawShape, Q extends z.ZodRawShape = z.ZodRawShape> {
  operationId: string;
  /** OpenAPI path template, e.g. `/articles/{id}`. */
  path: string;
  summary: string;
  description?: string;
  pathParams: z.ZodObject<P>;
  /** Strict: an unknown query parameter is a 400 (it is usually a typo that would be ignored). */
  query: z.ZodObject<Q>;
  responses: RouteResponse[];
  run(core: QueryCore, params: z.output<z.ZodObject<P>> & z.output<z.ZodObject<Q>>): Promise<RouteResult>;
}

/** Keeps each route's parameter types attached to its handler. */
function route<P extends z.ZodRawShape, Q extends z.ZodRawShape>(definition: ApiRoute<P, Q>): ApiRoute {
  return definition as unknown as ApiRoute;
}

/** Cursor strings are opaque but bounded: a few hundred bytes of encoded key at most. */
const MAX_CURSOR_CHARS = 2048;

const dayParam = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
    .describe(what);
const hostParam = z.string().min(1).max(253).describe('publisher host name, e.g. dailyplanet.example');
const cursorParam = z
  .string()
  .min(1)
  .max(MAX_CURSOR_CHARS)
  .describe('opaque cursor from the previous response');
const idParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex characters')
    .describe('article id'),
});
const noParams = z.object({}).strict();

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const badRequest: RouteResponse = {
  status: 400,
  description: 'Invalid parameter (the message says which).',
  content: json(errorSchema),
};
const notFound: RouteResponse = {
  status: 404,
  description: 'No article with this id.',
  content: json(errorSchema),
};

export const API_ROUTES: readonly ApiRoute[] = [
  route({
    operationId: 'listHosts',
    path: '/hosts',
    summary: 'Hosts with at least one article',
    pathParams: noParams,
    query: noParams,
    responses: [{ status: 200, description: 'Host names, sorted.', content: json(hostListSchema) }],
    run: async (core) => ({ kind: 'json', value: { hosts: await core.listHosts() } }),
  }),
  route({
    operationId: 'hostStats',
    path: '/hosts/{host}/stats',
    summary: 'Extraction and dedup figures of one host',
    description:
      'Counts articles and sums their paragraph statistics: repeated-paragraph and boilerplate ratios, share of paragraphs first seen elsewhere, share of syndicated articles. Scans at most 10,000 article records (`complete: false` beyond).',
    pathParams: z.object({ host: hostParam }),
    query: z
      .object({
        from: dayParam('first day, inclusive').optional(),
        to: dayParam('last day, inclusive').optional(),
      })
      .strict(),
    responses: [
      { status: 200, description: 'Figures of the host.', content: json(hostStatsSchema) },
      badRequest,
    ],
    run: async (core, p) => ({
      kind: 'json',
      value: await core.hostStats({ host: p.host, from: p.from, to: p.to }),
    }),
  }),
  route({
    operationId: 'listArticles',
    path: '/articles',
    summary: 'Articles of one host, or of every host, by day range, newest day first',
    description:
      "With `host`: that host's articles over any range. Without: every host's articles, newest day first and hosts in name order within a day, over at most 366 days (default: the 31 days up to `to`, which defaults to today, UTC).",
    pathParams: noParams,
    query: z
      .object({
        host: hostParam.optional(),
        from: dayParam('first day, inclusive').optional(),
        to: dayParam('last day, inclusive').optional(),
        limit: z
          .string()
          .regex(/^\d+$/, `must be an integer from 1 to ${MAX_PAGE_SIZE}`)
          .transform(Number)
          .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
          .optional()
          .describe(`page size, 1 to ${MAX_PAGE_SIZE} (default 20)`),
        cursor: cursorParam.optional(),
      })
      .strict(),
    responses: [
      { status: 200, description: 'One page of article records.', content: json(articlePageSchema) },
      badRequest,
    ],
    run: async (core, p) => ({
      kind: 'json',
      value: await core.listArticles({
        host: p.host,
        from: p.from,
        to: p.to,
        limit: p.limit,
        cursor: p.cursor,
      }),
    }),
  }),
  route({
    operationId: 'searchArticles',
    path: '/search',
    summary: 'Full-text search over the current clean copy of every article, best match first',
    description:
      'All words must match, in the title or the text (case and diacritics ignored). `"a phrase"` matches words in a row, `word*` words starting with it. Chinese, Japanese, Korean, Thai and other unspaced scripts match as character sequences. Locally SQLite FTS5 ranked by bm25 (title matches weigh more); on AWS an Athena query over `clean_latest` (see docs/query.md for latency and cost).',
    pathParams: noParams,
    query: z
      .object({
        q: z.string().min(1).max(MAX_SEARCH_TEXT_CHARS).describe('search words'),
        host: hostParam.optional(),
        from: dayParam('first day, inclusive').optional(),
        to: dayParam('last day, inclusive').optional(),
        originalsOnly: z
          .enum(['true', 'false'])
          .transform((v) => v === 'true')
          .optional()
          .describe("true: only articles that are their story's origin, no copies"),
        limit: z
          .string()
          .regex(/^\d+$/, `must be an integer from 1 to ${MAX_SEARCH_PAGE_SIZE}`)
          .transform(Number)
          .pipe(z.number().int().min(1).max(MAX_SEARCH_PAGE_SIZE))
          .optional()
          .describe(`page size, 1 to ${MAX_SEARCH_PAGE_SIZE} (default 20)`),
        cursor: cursorParam.optional(),
      })
      .strict(),
    responses: [
      { status: 200, description: 'One page of hits.', content: json(searchPageSchema) },
      badRequest,
      { status: 404, description: 'Unknown host.', content: json(errorSchema) },
    ],
    run: async (core, p) => ({
      kind: 'json',
      value: await core.search({
        q: p.q,
        host: p.host,
        from: p.from,
        to: p.to,
        originalsOnly: p.originalsOnly,
        limit: p.limit,
        cursor: p.cursor,
      }),
    }),
  }),
  route({
    operationId: 'getArticle',
    path: '/articles/{id}',
    summary: 'One article as JSON (the clean copy), Markdown or plain text',
    pathParams: idParam,
    query: z
      .object({ format: z.enum(ARTICLE_FORMATS).optional().describe('json (default), md or text') })
      .strict(),
    responses: [
      {
        status: 200,
        description: 'The article.',
        content: { ...json(cleanCopySchema), 'text/markdown': {}, 'text/plain': {} },
      },
      badRequest,
      notFound,
    ],
    run: async (core, p) => {
      if ((p.format ?? 'json') === 'json') return { kind: 'json', value: await core.getCleanCopy(p.id) };
      const rendered = await core.getArticle(p.id, p.format);
      return { kind: 'text', contentType: rendered.contentType, body: rendered.body };
    },
  }),
  route({
    operationId: 'getCopies',
    path: '/articles/{id}/copies',
    summary: "An article's direct copy links: the article it copies and the copies of it",
    pathParams: idParam,
    query: noParams,
    responses: [
      { status: 200, description: 'Copy links.', content: json(copiesViewSchema) },
      badRequest,
      notFound,
    ],
    run: async (core, p) => ({ kind: 'json', value: await core.getCopies(p.id) }),
  }),
  route({
    operationId: 'getStory',
    path: '/articles/{id}/story',
    summary: "An article's story cluster: likely origin and every known copy",
    pathParams: idParam,
    query: noParams,
    responses: [
      { status: 200, description: 'The cluster.', content: json(storyViewSchema) },
      badRequest,
      notFound,
    ],
    run: async (core, p) => ({ kind: 'json', value: await core.getStory(p.id) }),
  }),
  route({
    operationId: 'lookupParagraph',
    path: '/paragraphs',
    summary: 'Where was this paragraph first seen, and in which articles?',
    description:
      'The text is normalised and hashed the way the pipeline does; very short paragraphs are not indexed.',
    pathParams: noParams,
    query: z
      .object({ text: z.string().min(1).max(MAX_PARAGRAPH_LOOKUP_CHARS).describe('paragraph text') })
      .strict(),
    responses: [
      {
        status: 200,
        description: 'What the index knows about the paragraph.',
        content: json(paragraphInfoSchema),
      },
      badRequest,
      { status: 404, description: 'Paragraph never seen.', content: json(errorSchema) },
    ],
    run: async (core, p) => ({ kind: 'json', value: await core.lookupParagraph(p.text) }),
  }),
  route({
    operationId: 'exportArticles',
    path: '/export',
    summary: 'Clean copies of a day range as JSON Lines (streamed)',
    description:
      'One clean copy per line, hosts in name order, newest day first within a host. Streamed in constant memory by `serve`. The Lambda answers at most about 5 MB per response: when it stops early it sets the `x-next-cursor` header; repeat the request with `cursor` set to it.',
    pathParams: noParams,
    query: z
      .object({
        from: dayParam('first day, inclusive'),
        to: dayParam('last day, inclusive'),
        host: hostParam.optional(),
        cursor: cursorParam.optional(),
      })
      .strict(),
    responses: [
      {
        status: 200,
        description: 'JSON Lines: one CleanCopy object per line.',
        content: { 'application/x-ndjson': { schema: cleanCopySchema } },
      },
      badRequest,
    ],
    run: async (core, p) => {
      const lines = core.exportLines({ from: p.from, to: p.to, host: p.host, cursor: p.cursor });
      // Pull the first record now so parameter errors become a 400 before any byte is sent.
      const first = await lines.next();
      async function* all() {
        if (first.done) return;
        yield first.value;
        yield* lines;
      }
      return { kind: 'lines', contentType: 'application/x-ndjson', lines: all() };
    },
  }),
];
