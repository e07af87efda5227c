import { MAX_SEARCH_TERMS, MAX_SEARCH_TEXT_CHARS, parseSearchText } from '../core/search/search-terms';
import { InvalidInputError, NotFoundError } from '../errors';
import type { ArchiveSearch, SearchHit } from '../ports/archive-search';
import type { Page } from '../ports/dedup-index';
import { checkDayRange, checkHost } from './validate';

/** Page size of search answers: a screen of hits by default, 100 at most. */
export const DEFAULT_SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_PAGE_SIZE = 100;
/** Hits reachable by paging: deep pages of a ranked list are costly and never read. */
export const MAX_SEARCH_OFFSET = 10_000;

/** A full-text search as the CLI, the HTTP API and the web view pass it. */
export interface SearchInput {
  /** The search words, as typed. */
  q: string;
  host?: string;
  from?: string;
  to?: string;
  originalsOnly?: boolean;
  limit?: number;
  cursor?: string;
}

const encodeCursor = (offset: number) => Buffer.from(`search:${offset}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^search:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const offset = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_SEARCH_OFFSET)
    throw new InvalidInputError('invalid page cursor');
  return offset;
}

/**
 * Validates a search (words, host, day range, page) and runs it: ranked hits with snippets, best
 * first, and a cursor for the next page. Every transport calls this one function.
 *
 * @example
 * const page = await searchArticles(search, { q: 'bridge reopen*', host: 'dailyplanet.example', limit: 10 });
 * for (const hit of page.items) console.log(hit.title, hit.snippet.text);
 */
export async function searchArticles(search: ArchiveSearch, input: SearchInput): Promise<Page<SearchHit>> {
  const text = input.q ?? '';
  if (text.length > MAX_SEARCH_TEXT_CHARS)
    throw new InvalidInputError(`search text is longer than ${MAX_SEARCH_TEXT_CHARS} characters`);
  const terms = parseSearchText(text);
  if (terms.length === 0)
    throw new InvalidInputError(
      text.trim() ? `search text "${text}" has no word to search for` : 'search words are required',
    );
  if (terms.length > MAX_SEARCH_TERMS)
    throw new InvalidInputError(`search has ${terms.length} words; at most ${MAX_SEARCH_TERMS} are searched`);
  const host = input.host !== undefined ? checkHost(input.host) : undefined;
  checkDayRange(input.from, input.to);
  const limit = input.limit ?? DEFAULT_SEARCH_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_PAGE_SIZE)
    throw new InvalidInputError(
      `limit must be an integer from 1 to ${MAX_SEARCH_PAGE_SIZE}, got ${input.limit}`,
    );
  const offset = input.cursor ? decodeCursor(input.cursor) : 0;
  if (host !== undefined && !(await search.hasHost(host)))
    throw new NotFoundError(`unknown host "${host}": no article of it in the archive (see query hosts)`);
  const { hits, more } = await search.search({
    terms,
    host,
    fromDay: input.from,
    toDay: input.to,
    originalsOnly: input.originalsOnly ?? false,
    limit,
    offset,
  });
  const next = offset + hits.length;
  return { items: hits, ...(more && next <= MAX_SEARCH_OFFSET ? { cursor: encodeCursor(next) } : {}) };
}
