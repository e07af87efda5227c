import { CLEAN_LATEST_VIEW } from '../../core/clean-copy-table';
import { termText } from '../../core/search/search-terms';
import type { ArchiveSearchQuery } from '../../ports/archive-search';

/** Weight of a title occurrence against a text occurrence in the score (as the local bm25 rank). */
const TITLE_WEIGHT = 4;

/** A string as an SQL literal (Athena/Trino and DuckDB: quotes doubled, no backslash escapes). */
export const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The Athena (Trino) query of one search over the `clean_latest` view: every term must occur in
 * the title or the text (case-insensitive substring; Trino has no accent folding or word
 * tokenizer), scored by occurrences with title occurrences weighted, in a day range that prunes
 * `dt` partitions. Uses only functions Trino and DuckDB share, so tests run it on DuckDB.
 *
 * @example
 * athenaSearchSql('news_pipeline_dev', { terms: parseSearchText('bridge'), fromDay: '2026-11-01', toDay: '2026-11-30', originalsOnly: false, limit: 20, offset: 0 });
 */
export function athenaSearchSql(
  database: string,
  query: ArchiveSearchQuery & { fromDay: string; toDay: string },
): string {
  const words = query.terms.map((t) => termText(t).toLowerCase());
  const title = "lower(coalesce(title, ''))";
  const text = "lower(coalesce(text, ''))";
  const occurrences = (column: string, word: string) =>
    `(length(${column}) - length(replace(${column}, ${sqlString(word)}, ''))) / ${[...word].length}`;
  const score = words
    .map((w) => `${TITLE_WEIGHT} * ${occurrences(title, w)} + ${occurrences(text, w)}`)
    .join(' + ');
  const where = [
    `dt BETWEEN ${sqlString(query.fromDay)} AND ${sqlString(query.toDay)}`,
    ...(query.host !== undefined ? [`host = ${sqlString(query.host)}`] : []),
    ...(query.originalsOnly ? ["copyof IS NULL AND coalesce(relation, 'original') = 'original'"] : []),
    ...words.map((w) => `(strpos(${title}, ${sqlString(w)}) > 0 OR strpos(${text}, ${sqlString(w)}) > 0)`),
  ];
  return [
    'SELECT id, host, day, url, title, publishedat, language, relation, copyof.host AS copy_of_host, text,',
    `  ${score} AS score`,
    `FROM "${database}"."${CLEAN_LATEST_VIEW}"`,
    `WHERE ${where.join('\n  AND ')}`,
    'ORDER BY score DESC, dt DESC, id',
    `OFFSET ${query.offset} LIMIT ${query.limit + 1}`,
  ].join('\n');
}
