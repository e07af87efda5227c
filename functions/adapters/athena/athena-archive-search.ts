import { makeSnippet } from '../../core/search/snippet';
import type { StoryRelation } from '../../core/article';
import type { ArchiveSearch, ArchiveSearchQuery, SearchHit } from '../../ports/archive-search';
import { athenaSearchSql } from './athena-search-sql';

/** Days searched when a search on AWS gives no `from`: each day is a partition Athena scans. */
export const ATHENA_DEFAULT_SEARCH_DAYS = 30;

/** Runs one query and returns its rows as column name → value (Athena returns strings; NULL as null). */
export type AthenaQueryRunner = (sql: string) => Promise<Array<Record<string, string | null>>>;

/** Options of {@link AthenaArchiveSearch}. */
export interface AthenaArchiveSearchOptions {
  /** Glue database of the stack (`news_pipeline_<stage>`), holding the `clean_latest` view. */
  database: string;
  run: AthenaQueryRunner;
  /** Whether a host has articles; the index answers it without a scan. */
  hasHost: (host: string) => Promise<boolean>;
  now?: () => Date;
}

/**
 * {@link ArchiveSearch} on AWS: one Athena query over the `clean_latest` view per search (see
 * {@link athenaSearchSql}), snippets cut in the Lambda from the returned text the same way as
 * locally. A search without `from` covers the last {@link ATHENA_DEFAULT_SEARCH_DAYS} days up to
 * `to` (default today, UTC), so the scan stays bounded.
 *
 * @example
 * const search = new AthenaArchiveSearch({ database: 'news_pipeline_dev', run: athenaRunner(client, 'news-pipeline-dev', 'news_pipeline_dev'), hasHost });
 */
export class AthenaArchiveSearch implements ArchiveSearch {
  constructor(private readonly options: AthenaArchiveSearchOptions) {}

  async search(query: ArchiveSearchQuery): Promise<{ hits: SearchHit[]; more: boolean }> {
    const now = this.options.now?.() ?? new Date();
    const toDay = query.toDay ?? now.toISOString().slice(0, 10);
    const fromDay =
      query.fromDay ??
      new Date(Date.parse(`${toDay}T00:00:00Z`) - (ATHENA_DEFAULT_SEARCH_DAYS - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    const rows = await this.options.run(athenaSearchSql(this.options.database, { ...query, fromDay, toDay }));
    const more = rows.length > query.limit;
    const hits = rows.slice(0, query.limit).map((r): SearchHit => {
      const optional = (key: string) =>
        r[key] === null || r[key] === undefined ? undefined : String(r[key]);
      return {
        id: String(r.id),
        host: String(r.host),
        day: String(r.day),
        url: String(r.url),
        ...(optional('title') !== undefined ? { title: optional('title') } : {}),
        ...(optional('publishedat') !== undefined ? { publishedAt: optional('publishedat') } : {}),
        ...(optional('language') !== undefined ? { language: optional('language') } : {}),
        ...(optional('relation') !== undefined ? { relation: optional('relation') as StoryRelation } : {}),
        ...(optional('copy_of_host') !== undefined ? { copyOfHost: optional('copy_of_host') } : {}),
        score: Number(r.score),
        snippet: makeSnippet(optional('text') ?? '', query.terms),
      };
    });
    return { hits, more };
  }

  hasHost(host: string): Promise<boolean> {
    return this.options.hasHost(host);
  }

  async close(): Promise<void> {}
}
