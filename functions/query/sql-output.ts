import type { SqlResult } from '../ports/archive-sql';

/** Output formats of `query sql`. */
export const SQL_OUTPUT_FORMATS = ['table', 'csv', 'json', 'jsonl'] as const;
export type SqlOutputFormat = (typeof SQL_OUTPUT_FORMATS)[number];

/** Widest cell of the table format; longer values (article text) are cut with an ellipsis. */
export const TABLE_CELL_MAX_CHARS = 60;

/** A value as one line of text: strings as they are, NULL as `NULL`, nested values as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A value as a CSV field (RFC 4180): NULL is empty, nested values are JSON. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Renders a SQL result: `table` (aligned, cells cut to {@link TABLE_CELL_MAX_CHARS}), `csv`
 * (header line, RFC 4180), `json` (an array of row objects) or `jsonl` (one row object per line).
 *
 * @example
 * formatSqlResult({ columns: [{ name: 'n', type: 'BIGINT' }], rows: [[3]], truncated: false }, 'csv'); // "n\n3\n"
 */
export function formatSqlResult(result: SqlResult, format: SqlOutputFormat): string {
  const names = result.columns.map((c) => c.name);
  const objects = () => result.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
  if (format === 'json') return `${JSON.stringify(objects(), null, 2)}\n`;
  if (format === 'jsonl')
    return objects()
      .map((o) => `${JSON.stringify(o)}\n`)
      .join('');
  if (format === 'csv')
    return [names.map(csvField), ...result.rows.map((row) => row.map(csvField))]
      .map((fields) => `${fields.join(',')}\n`)
      .join('');
  const cut = (s: string) => {
    const oneLine = s.replace(/\s+/g, ' ');
    const chars = [...oneLine];
    return chars.length > TABLE_CELL_MAX_CHARS
      ? `${chars.slice(0, TABLE_CELL_MAX_CHARS - 1).join('')}…`
      : oneLine;
  };
  const cells = result.rows.map((row) => row.map((v) => cut(cellText(v))));
  const widths = names.map((n, i) => Math.max([...n].length, ...cells.map((r) => [...r[i]].length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => v + ' '.repeat(widths[i] - [...v].length)).join(' | ')} |\n`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const count = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ' (cut at the row limit)' : ''}\n`;
  return rule + line(names) + rule + cells.map(line).join('') + rule + count;
}
