import type { ArticleRecord } from '../../core/article';
import { InvalidInputError, NotFoundError } from '../../errors';
import type { ApiRequest, BufferedResponse } from '../http-api';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type QueryCore } from '../query-core';
import { articleListPage, articlePage, errorPage, searchPage, storyPage } from './pages';

/**
 * Headers of every web view page. The CSP allows no script at all and only the inline
 * stylesheet: even if escaping were ever missed, archived text could not run.
 */
export const WEB_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const page = (status: number, body: string): BufferedResponse => ({
  status,
  headers: { ...WEB_HEADERS },
  body,
});

/** Browsers ask for it on every page; answering 204 keeps their consoles free of 404s. */
const FAVICON_PATH = '/favicon.ico';

/** Whether a path belongs to the web view (`/` and `/view/...`) rather than the JSON API. */
export function isWebPath(path: string): boolean {
  return path === '/' || path === '/view' || path.startsWith('/view/') || path === FAVICON_PATH;
}

/**
 * Renders one web view page from the shared query core: `/` (article list with host and day-range
 * filters), `/view/articles/{id}` (article with first-seen highlights), `/view/articles/{id}/story`.
 */
export async function handleWebRequest(core: QueryCore, request: ApiRequest): Promise<BufferedResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return { ...page(405, errorPage(405, 'read-only')), headers: { ...WEB_HEADERS, allow: 'GET, HEAD' } };
  const path = request.path.replace(/\/+$/, '') || '/';
  if (path === FAVICON_PATH) return { status: 204, headers: { 'cache-control': 'max-age=86400' }, body: '' };
  try {
    if (path === '/' || path === '/view') return page(200, await listPage(core, request.query));
    if (path === '/view/search') return page(200, await searchResultsPage(core, request.query));
    const story = /^\/view\/articles\/([^/]+)\/story$/.exec(path);
    if (story) return page(200, storyPage(await core.getStory(story[1])));
    const article = /^\/view\/articles\/([^/]+)$/.exec(path);
    if (article) {
      const copy = await core.getCleanCopy(article[1]);
      let copyOf: ArticleRecord | undefined;
      if (copy.copyOf) copyOf = await core.getRecord(copy.copyOf.articleId).catch(() => undefined);
      return page(200, articlePage(copy, { copyOf }));
    }
    return page(404, errorPage(404, `no page ${path}`));
  } catch (error) {
    if (error instanceof InvalidInputError) return page(400, errorPage(400, error.message));
    if (error instanceof NotFoundError) return page(404, errorPage(404, error.message));
    return page(500, errorPage(500, 'internal error'));
  }
}

async function searchResultsPage(core: QueryCore, query: ApiRequest['query']): Promise<string> {
  const hosts = await core.listHosts();
  const value = (name: string) => (query[name] === undefined || query[name] === '' ? undefined : query[name]);
  const input = {
    q: value('q'),
    host: value('host'),
    from: value('from'),
    to: value('to'),
    originalsOnly: value('originalsOnly') === 'true',
  };
  if (input.q === undefined) return searchPage({ hosts, ...input });
  const result = await core.search({ ...input, q: input.q, cursor: value('cursor') });
  return searchPage({ hosts, ...input, hits: result.items, nextCursor: result.cursor });
}

async function listPage(core: QueryCore, query: ApiRequest['query']): Promise<string> {
  const hosts = await core.listHosts();
  // Empty form fields arrive as empty strings: treat them as absent.
  const value = (name: string) => (query[name] === undefined || query[name] === '' ? undefined : query[name]);
  const host = value('host');
  const from = value('from');
  const to = value('to');
  const limitText = value('limit');
  if (limitText !== undefined && !/^\d+$/.test(limitText))
    throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  const limit = limitText === undefined ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!host) {
    // Every host's articles, newest first (the default range: the last 31 days).
    const all =
      hosts.length > 0
        ? await core.listArticles({ from, to, limit, cursor: value('cursor') })
        : { items: [] };
    return articleListPage({
      hosts,
      from,
      to,
      limit: limitText === undefined ? undefined : limit,
      articles: all.items,
      nextCursor: all.cursor,
    });
  }
  const [list, stats] = await Promise.all([
    core.listArticles({ host, from, to, limit, cursor: value('cursor') }),
    core.hostStats({ host, from, to }),
  ]);
  return articleListPage({
    hosts,
    host,
    from,
    to,
    limit: limitText === undefined ? undefined : limit,
    articles: list.items,
    nextCursor: list.cursor,
    stats,
  });
}
