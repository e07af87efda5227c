import {
  CLEAN_COPY_FIELDS,
  CLEAN_LATEST_VIEW,
  CLEAN_PARTITION_COLUMN,
  CLEAN_TABLE_NAME,
  cleanLatestSelect,
} from '../../core/clean-copy-table';

/**
 * A Hive type as DuckDB spells it. `caseOf` picks the spelling of struct field names: the JSON
 * keys as stored (to read the lines) or lower case (what the views show, as Athena does).
 *
 * @example
 * duckDbType('array<struct<articleId:string>>', 'json'); // STRUCT("articleId" VARCHAR)[]
 */
export function duckDbType(hive: string, caseOf: 'json' | 'lower'): string {
  let pos = 0;
  const read = (): string => {
    const name = /^[a-z]+/.exec(hive.slice(pos))?.[0];
    if (!name) throw new RangeError(`bad Hive type ${hive} at ${pos}`);
    pos += name.length;
    if (name === 'array') {
      pos += 1;
      const of = read();
      pos += 1;
      return `${of}[]`;
    }
    if (name === 'struct') {
      pos += 1;
      const fields: string[] = [];
      while (hive[pos] !== '>') {
        const field = /^[A-Za-z0-9_]+/.exec(hive.slice(pos))![0];
        pos += field.length + 1;
        fields.push(`"${caseOf === 'lower' ? field.toLowerCase() : field}" ${read()}`);
        if (hive[pos] === ',') pos += 1;
      }
      pos += 1;
      return `STRUCT(${fields.join(', ')})`;
    }
    const primitive: Record<string, string> = {
      string: 'VARCHAR',
      int: 'INTEGER',
      bigint: 'BIGINT',
      double: 'DOUBLE',
      boolean: 'BOOLEAN',
    };
    if (!primitive[name]) throw new RangeError(`no DuckDB type for Hive type ${name}`);
    return primitive[name];
  };
  const type = read();
  if (pos !== hive.length) throw new RangeError(`trailing text in Hive type ${hive}`);
  return type;
}

const quoteString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL that defines the Athena catalog's table and view over local JSON Lines bundles:
 * `clean_articles` reads every `<cleanDir>/dt=DAY/*.jsonl` (the day from the directory, as
 * Athena's partition projection does; malformed lines skipped, as the table's SerDe does) with the
 * lower-case column names, and `clean_latest` is the stack's view text. With no bundle yet the
 * table is empty (DuckDB refuses a glob that matches nothing).
 *
 * @example
 * for (const sql of cleanCopyViewsSql('/data/archive/clean', true)) await connection.run(sql);
 */
export function cleanCopyViewsSql(cleanDir: string, hasBundles: boolean): string[] {
  const select = CLEAN_COPY_FIELDS.map(
    (f) => `CAST("${f.key}" AS ${duckDbType(f.type, 'lower')}) AS ${f.key.toLowerCase()}`,
  );
  let table: string;
  if (hasBundles) {
    const columns = CLEAN_COPY_FIELDS.map((f) => `"${f.key}": '${duckDbType(f.type, 'json')}'`).join(', ');
    const glob = quoteString(`${cleanDir.replace(/\/$/, '')}/${CLEAN_PARTITION_COLUMN}=*/*.jsonl`);
    table =
      `SELECT ${select.join(', ')}, ${CLEAN_PARTITION_COLUMN} FROM read_json(${glob}, format = 'newline_delimited', ` +
      `columns = {${columns}}, hive_partitioning = true, hive_types = {'${CLEAN_PARTITION_COLUMN}': 'VARCHAR'}, ` +
      `ignore_errors = true)`;
  } else {
    const nulls = CLEAN_COPY_FIELDS.map(
      (f) => `CAST(NULL AS ${duckDbType(f.type, 'lower')}) AS ${f.key.toLowerCase()}`,
    );
    table = `SELECT ${nulls.join(', ')}, CAST(NULL AS VARCHAR) AS ${CLEAN_PARTITION_COLUMN} WHERE false`;
  }
  return [
    `CREATE VIEW ${CLEAN_TABLE_NAME} AS ${table}`,
    `CREATE VIEW ${CLEAN_LATEST_VIEW} AS ${cleanLatestSelect(`"main"."${CLEAN_TABLE_NAME}"`)}`,
  ];
}

/**
 * Athena (Trino) functions the documented queries use that DuckDB names differently, as macros,
 * so a query written for Athena runs unchanged.
 */
export const ATHENA_COMPATIBLE_MACROS: readonly string[] = [
  'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  'CREATE MACRO from_iso8601_date(s) AS CAST(s AS DATE)',
  'CREATE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)',
  'CREATE MACRO array_join(list, separator) AS array_to_string(list, separator)',
];
