/**
 * The clean-copy table as SQL engines see it: one definition that the Glue/Athena table of the
 * stack (`infra/constructs/analytics.ts`) and the local DuckDB views (`query sql`) are both
 * derived from, so a query written for one runs on the other. Pure data and string helpers only.
 */

/** Table over every stored line (an article may have older lines). */
export const CLEAN_TABLE_NAME = 'clean_articles';
/** View over the current line of each article. */
export const CLEAN_LATEST_VIEW = 'clean_latest';
/** The partition column: the `dt=YYYY-MM-DD` directory (the article's day) a line is stored under. */
export const CLEAN_PARTITION_COLUMN = 'dt';

const copyLinkType =
  'struct<articleId:string,url:string,host:string,overlap:double,method:string,relation:string>';
const articleRefType = 'struct<articleId:string,url:string,host:string,seenAt:string,publishedAt:string>';

/** One column: its JSON key as stored (camel case), a Hive type whose struct fields are JSON keys too. */
export interface CleanCopyField {
  key: string;
  type: string;
  comment?: string;
}

/**
 * Columns of the clean-copy table, spelled as the JSON keys of a stored line. Athena's OpenX SerDe
 * matches keys case-insensitively, so the Glue table takes them lower-cased; DuckDB matches JSON
 * keys exactly, so the local views read these keys and rename them to the lower-case names.
 * `host` is a regular column: bundles hold several hosts' lines, so `dt` is the only partition.
 * Times are ISO 8601 strings; use `from_iso8601_timestamp()` in queries. `storedAt` is when the
 * line was written: with `version` it says which of an article's lines is current (see the
 * `clean_latest` view).
 * There is no `copies` column: a clean copy is written once per version and does not list the
 * copies that arrive later (the index and the query API do); find an article's copies with
 * `WHERE copyof.articleid = '<id>'`.
 */
export const CLEAN_COPY_FIELDS: readonly CleanCopyField[] = [
  { key: 'id', type: 'string', comment: 'article id (hash of the canonical URL)' },
  { key: 'host', type: 'string', comment: 'publisher host name' },
  { key: 'url', type: 'string' },
  { key: 'canonicalUrl', type: 'string' },
  { key: 'fetchedAt', type: 'string', comment: 'ISO 8601' },
  { key: 'day', type: 'string', comment: 'YYYY-MM-DD of publishedAt or fetchedAt' },
  { key: 'title', type: 'string' },
  { key: 'authors', type: 'array<string>' },
  { key: 'publishedAt', type: 'string', comment: 'ISO 8601' },
  { key: 'modifiedAt', type: 'string', comment: 'ISO 8601' },
  { key: 'language', type: 'string' },
  { key: 'siteName', type: 'string' },
  { key: 'section', type: 'string' },
  { key: 'description', type: 'string' },
  { key: 'image', type: 'string' },
  { key: 'pageKind', type: 'string' },
  { key: 'contentHash', type: 'string' },
  { key: 'version', type: 'int' },
  { key: 'paragraphCount', type: 'int' },
  {
    key: 'paragraphs',
    type: `array<struct<kind:string,text:string,hash:string,firstSeen:${articleRefType},firstCrawled:${articleRefType}>>`,
  },
  { key: 'text', type: 'string' },
  { key: 'copyOf', type: copyLinkType },
  { key: 'clusterId', type: 'string' },
  { key: 'originId', type: 'string', comment: "the story's origin as known when the line was written" },
  { key: 'relation', type: 'string', comment: 'original, exact, near-duplicate, excerpt or update' },
  {
    key: 'storedAt',
    type: 'string',
    comment: 'ISO 8601, when this line was written; newest (version, storedat) is current',
  },
];

/** The columns as SQL names them (lower case, as Athena shows them), with lower-cased Hive types. */
export const CLEAN_COPY_COLUMNS: ReadonlyArray<{ name: string; type: string; comment?: string }> =
  CLEAN_COPY_FIELDS.map(({ key, type, comment }) => ({
    name: key.toLowerCase(),
    type: type.toLowerCase(),
    ...(comment ? { comment } : {}),
  }));

/**
 * SQL of the {@link CLEAN_LATEST_VIEW} view over `tableRef` (an already quoted table reference):
 * the newest line of each article per day partition. Partitioned by (dt, id) so that a query's
 * `dt` filter is pushed below the window function and prunes partitions; an article whose
 * publication day was corrected keeps its old line in the old day until that day is reprocessed
 * (docs/query.md gives the exact query across days). The same text runs on Athena and DuckDB.
 *
 * @example
 * cleanLatestSelect('"news_pipeline_dev"."clean_articles"');
 * // SELECT id, host, ..., dt FROM (SELECT *, row_number() OVER (...) AS line_rank FROM "news_pipeline_dev"."clean_articles") WHERE line_rank = 1
 */
export function cleanLatestSelect(tableRef: string): string {
  const columns = [...CLEAN_COPY_COLUMNS.map((c) => c.name), CLEAN_PARTITION_COLUMN].join(', ');
  return (
    `SELECT ${columns} FROM (SELECT *, row_number() OVER (PARTITION BY ${CLEAN_PARTITION_COLUMN}, id ORDER BY version DESC, storedat DESC NULLS LAST) AS line_rank ` +
    `FROM ${tableRef}) WHERE line_rank = 1`
  );
}
