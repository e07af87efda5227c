import type { Command } from 'commander';
import { DuckDbArchiveSql } from '../../adapters/duckdb/duckdb-archive-sql';
import type { Config } from '../../config';
import { InvalidInputError } from '../../errors';
import { formatSqlResult, SQL_OUTPUT_FORMATS, type SqlOutputFormat } from '../../query/sql-output';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, QueryCore, type ArticleFormat } from '../../query/query-core';
import { assertHoldsArchive } from '../archive-dir';
import { integerOption } from '../cli-options';
import { openLocalPipeline } from '../local-pipeline';
import { consoleLog } from '../console-log';
import { localCleanDir, openLocalSearch } from '../local-search';
import { searchArticles } from '../../query/search';
import { DEFAULT_SEARCH_PAGE_SIZE, MAX_SEARCH_PAGE_SIZE } from '../../query/search';
import type { SearchHit } from '../../ports/archive-search';

/** Opens the local archive read-side, runs `fn`, closes it. */
async function withQueryCore<T>(config: Config, fn: (core: QueryCore) => Promise<T>): Promise<T> {
  await assertHoldsArchive(config.dataDir);
  const pipeline = await openLocalPipeline(config, { log: consoleLog(false) });
  try {
    return await fn(new QueryCore({ index: pipeline.deps.index, archive: pipeline.deps.archive }));
  } finally {
    await pipeline.close();
  }
}

/** Rows `query sql` prints by default, and at most: a terminal, not an export (use `query export`). */
export const SQL_DEFAULT_MAX_ROWS = 1_000;
export const SQL_MAX_ROWS = 1_000_000;
/** A laptop query over a large archive takes seconds; a minute means a runaway join. */
export const SQL_DEFAULT_TIMEOUT_MS = 60_000;

/** A whole number option in [min, max], or an InvalidInputError naming the option. */
function wholeNumber(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidInputError(`${option} must be a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

const print = (value: unknown) =>
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);

/** Registers `query <subcommand>` on the program. */
export function registerQueryCommands(
  program: Command,
  configFor: (opts: { dataDir?: string }) => Config,
): void {
  const query = program.command('query').description('query the clean archive (local data directory)');
  const withDataDir = (c: Command) => c.option('--data-dir <dir>', 'data directory', undefined);

  withDataDir(query.command('hosts').description('list hosts with articles')).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) => print(await core.listHosts()));
  });
  withDataDir(
    query
      .command('list')
      .description(
        'list articles by day range, newest first: of one host, or of every host (at most 366 days; default the last 31)',
      )
      .option('--host <host>', 'publisher host, e.g. dailyplanet.example (default: every host)')
      .option('--from <day>', 'first day, YYYY-MM-DD')
      .option('--to <day>', 'last day, YYYY-MM-DD')
      .option(
        '--limit <n>',
        `page size, 1 to ${MAX_PAGE_SIZE}`,
        integerOption('--limit', { min: 1, max: MAX_PAGE_SIZE }),
        DEFAULT_PAGE_SIZE,
      )
      .option('--cursor <cursor>', 'cursor from the previous page'),
  ).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      const page = await core.listArticles({
        host: opts.host,
        from: opts.from,
        to: opts.to,
        limit: opts.limit,
        cursor: opts.cursor,
      });
      for (const a of page.items) {
        print(
          `${a.id}  ${a.day}  ${opts.host ? '' : `${a.host}  `}${a.title ?? '(untitled)'}${a.copyOf ? `  [copy of ${a.copyOf.host}]` : ''}${a.copies.length ? `  [${a.copies.length} copies]` : ''}`,
        );
      }
      if (page.items.length === 0)
        print(
          `no article${opts.host ? ` of ${opts.host}` : ''} in this day range${opts.host ? ' (query hosts lists the hosts)' : ''}`,
        );
      if (page.cursor) print(`next page: --cursor ${page.cursor}`);
    });
  });
  withDataDir(
    query
      .command('get <id>')
      .description('print one article')
      .option('--format <format>', 'json, md or text', 'json'),
  ).action(async (id: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      const { body } = await core.getArticle(id, opts.format as ArticleFormat);
      print(opts.format === 'json' ? JSON.parse(body) : body);
    });
  });
  withDataDir(
    query
      .command('story <id>')
      .description(
        "an article's story: origin and members with URLs, hosts, times, relation and overlap (JSON)",
      )
      .option('--raw', 'the full index records (hashes, sketches) instead'),
  ).action(async (id: string, opts) => {
    await withQueryCore(configFor(opts), async (core) =>
      print(opts.raw ? await core.getStory(id) : await core.getStorySummary(id)),
    );
  });
  withDataDir(
    query
      .command('copies <id>')
      .description("an article's story cluster: origin and copies on other publishers"),
  ).action(async (id: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      const story = await core.getStorySummary(id);
      const { origin } = story;
      print(
        `origin: ${origin.host} ${origin.id} ${origin.title ?? ''}${origin.publishedAt ? ` (published ${origin.publishedAt})` : ''}`,
      );
      for (const m of story.members.filter((x) => x.id !== origin.id)) {
        const overlap = m.overlap !== undefined ? `, overlap ${(m.overlap * 100).toFixed(0)}%` : '';
        print(`${m.relation}: ${m.host} ${m.id} ${m.title ?? ''} (${m.relation}${overlap})`);
      }
    });
  });
  withDataDir(
    query
      .command('stats')
      .description(
        'figures of one host: articles, repeated-paragraph and boilerplate ratios, share of syndicated articles',
      )
      .requiredOption('--host <host>', 'publisher host')
      .option('--from <day>', 'first day, YYYY-MM-DD')
      .option('--to <day>', 'last day, YYYY-MM-DD'),
  ).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) =>
      print(await core.hostStats({ host: opts.host, from: opts.from, to: opts.to })),
    );
  });
  withDataDir(
    query
      .command('export')
      .description('clean copies of a day range (default: every day) as JSON Lines on stdout (streamed)')
      .option('--from <day>', 'first day, YYYY-MM-DD (default: the earliest)')
      .option('--to <day>', 'last day, YYYY-MM-DD (default: the latest)')
      .option('--host <host>', 'only this host')
      .option('--cursor <cursor>', 'resume after the line this cursor names'),
  ).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      for await (const { line } of core.exportLines({
        from: opts.from,
        to: opts.to,
        host: opts.host,
        cursor: opts.cursor,
      })) {
        if (!process.stdout.write(line))
          await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    });
  });
  withDataDir(
    query
      .command('sql <sql>')
      .description(
        'run one SELECT on the clean copies with DuckDB, locally: the Athena tables clean_articles and clean_latest (partition column dt), read-only',
      )
      .option('--format <format>', `output: ${SQL_OUTPUT_FORMATS.join(', ')}`, 'table')
      .option(
        '--max-rows <n>',
        `rows printed at most (1 to ${SQL_MAX_ROWS})`,
        wholeNumber('--max-rows', 1, SQL_MAX_ROWS),
        SQL_DEFAULT_MAX_ROWS,
      )
      .option(
        '--timeout-ms <ms>',
        'stop the query after this long',
        wholeNumber('--timeout-ms', 1, 3_600_000),
        SQL_DEFAULT_TIMEOUT_MS,
      ),
  ).action(async (sql: string, opts) => {
    if (!SQL_OUTPUT_FORMATS.includes(opts.format))
      throw new InvalidInputError(
        `--format must be one of ${SQL_OUTPUT_FORMATS.join(', ')}, got "${opts.format}"`,
      );
    const config = configFor(opts);
    await assertHoldsArchive(config.dataDir);
    const archiveSql = await DuckDbArchiveSql.open({ cleanDir: localCleanDir(config) });
    try {
      const result = await archiveSql.query(sql, { maxRows: opts.maxRows, timeoutMs: opts.timeoutMs });
      process.stdout.write(formatSqlResult(result, opts.format as SqlOutputFormat));
      if (result.truncated && opts.format !== 'table')
        process.stderr.write(`note: output cut at ${opts.maxRows} rows (--max-rows raises the limit)\n`);
    } finally {
      await archiveSql.close();
    }
  });
  withDataDir(
    query
      .command('search <words>')
      .description(
        'full-text search over the current clean copies, best match first, with snippets (all words must match; "a phrase", word*)',
      )
      .option('--host <host>', 'only this host')
      .option('--from <day>', 'first day, YYYY-MM-DD')
      .option('--to <day>', 'last day, YYYY-MM-DD')
      .option('--originals-only', "only articles that are their story's origin (no copies)", false)
      .option(
        '--limit <n>',
        `hits per page, 1 to ${MAX_SEARCH_PAGE_SIZE}`,
        wholeNumber('--limit', 1, MAX_SEARCH_PAGE_SIZE),
        DEFAULT_SEARCH_PAGE_SIZE,
      )
      .option('--cursor <cursor>', 'cursor from the previous page')
      .option('--format <format>', 'text or json', 'text'),
  ).action(async (words: string, opts) => {
    if (opts.format !== 'text' && opts.format !== 'json')
      throw new InvalidInputError(`--format must be text or json, got "${opts.format}"`);
    const search = await openLocalSearch(configFor(opts));
    try {
      const page = await searchArticles(search, {
        q: words,
        host: opts.host,
        from: opts.from,
        to: opts.to,
        originalsOnly: opts.originalsOnly,
        limit: opts.limit,
        cursor: opts.cursor,
      });
      if (opts.format === 'json') {
        print(page);
        return;
      }
      if (page.items.length === 0) print(`no article matches "${words}"`);
      for (const hit of page.items) print(formatHit(hit, process.stdout.isTTY === true));
      if (page.cursor) print(`next page: --cursor ${page.cursor}`);
    } finally {
      await search.close();
    }
  });
  withDataDir(
    query.command('paragraph <text>').description('where did this paragraph appear first, and where else?'),
  ).action(async (text: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => print(await core.lookupParagraph(text)));
  });
}

/** One search hit as three lines: id, day, host and title; URL; snippet with the matches marked. */
function formatHit(hit: SearchHit, terminal: boolean): string {
  const [open, close] = terminal ? ['\x1b[1m', '\x1b[22m'] : ['[', ']'];
  let snippet = '';
  let at = 0;
  for (const { start, end } of hit.snippet.highlights) {
    snippet += hit.snippet.text.slice(at, start) + open + hit.snippet.text.slice(start, end) + close;
    at = end;
  }
  snippet += hit.snippet.text.slice(at);
  const copy = hit.copyOfHost ? `  [copy of ${hit.copyOfHost}]` : '';
  return `${hit.id}  ${hit.day}  ${hit.host}  ${hit.title ?? '(untitled)'}${copy}\n  ${hit.url}\n  ${snippet}\n`;
}
