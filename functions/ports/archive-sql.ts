/** Limits of one SQL query over the archive. */
export interface SqlLimits {
  /** Rows returned at most; a longer result is cut and says so (`truncated`). */
  maxRows: number;
  /** The query is stopped after this long. */
  timeoutMs: number;
}

/** The answer to one SQL query: column names in order and rows of JSON-able values. */
export interface SqlResult {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
  /** True when the result had more than `maxRows` rows and was cut. */
  truncated: boolean;
}

/**
 * Read-only SQL over the clean copies, with the tables and views of the Athena catalog
 * (`clean_articles`, `clean_latest`, partition column `dt`). Only one SELECT per call; anything
 * else (COPY, ATTACH, SET, INSTALL, CREATE, ...) is refused with an InvalidInputError, and so is
 * any SQL that is not valid.
 */
export interface ArchiveSql {
  query(sql: string, limits: SqlLimits): Promise<SqlResult>;
  close(): Promise<void>;
}
