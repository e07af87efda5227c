import { describeError, InvalidInputError, NotFoundError } from '../errors';
import { QueryCore, type ArticleFormat } from './query-core';

/** A transport-neutral HTTP request: the local server and the Lambda Function URL both map to it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, value: unknown): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/**
 * Routes one query API request to the query core. Bad parameters give 400 with a message,
 * unknown ids 404; nothing else leaks internals.
 *
 * @example
 * await handleApiRequest(core, { method: 'GET', path: '/articles', query: { host: 'example.com' } });
 */
export async function handleApiRequest(core: QueryCore, request: ApiRequest): Promise<ApiResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: `method ${request.method} not allowed` });
  const path = request.path.replace(/\/+$/, '') || '/';
  const q = request.query;
  try {
    if (path === '/hosts') return json(200, { hosts: await core.listHosts() });
    if (path === '/articles') {
      const limit = q.limit === undefined ? undefined : Number(q.limit);
      if (q.limit !== undefined && !/^\d+$/.test(q.limit)) throw new InvalidInputError(`limit must be a positive integer, got "${q.limit}"`);
      const page = await core.listArticles({ host: q.host ?? '', from: q.from, to: q.to, limit, cursor: q.cursor });
      return json(200, page);
    }
    const story = /^\/articles\/([^/]+)\/story$/.exec(path);
    if (story) return json(200, await core.getStory(story[1]));
    const article = /^\/articles\/([^/]+)$/.exec(path);
    if (article) {
      const result = await core.getArticle(article[1], (q.format ?? 'json') as ArticleFormat);
      return { status: 200, headers: { 'content-type': result.contentType }, body: result.body };
    }
    if (path === '/paragraphs') return json(200, await core.lookupParagraph(q.text ?? ''));
    return json(404, { error: `no route ${path}` });
  } catch (error) {
    if (error instanceof InvalidInputError) return json(400, { error: error.message });
    if (error instanceof NotFoundError) return json(404, { error: error.message });
    return json(500, { error: 'internal error', detail: describeError(error) });
  }
}
