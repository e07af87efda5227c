import type { Command } from 'commander';
import type { Config } from '../../config';
import { QueryCore, type ArticleFormat } from '../../query/query-core';
import { openLocalPipeline } from '../local-pipeline';
import { consoleLog } from '../console-log';

/** Opens the local archive read-side, runs `fn`, closes it. */
async function withQueryCore<T>(config: Config, fn: (core: QueryCore) => Promise<T>): Promise<T> {
  const pipeline = await openLocalPipeline(config, { log: consoleLog(false) });
  try {
    return await fn(new QueryCore({ index: pipeline.deps.index, archive: pipeline.deps.archive }));
  } finally {
    await pipeline.close();
  }
}

const print = (value: unknown) => process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value, null, 2)) + '\n');

/** Registers `query <subcommand>` on the program. */
export function registerQueryCommands(program: Command, configFor: (opts: { dataDir?: string }) => Config): void {
  const query = program.command('query').description('query the clean archive (local data directory)');
  const withDataDir = (c: Command) => c.option('--data-dir <dir>', 'data directory', undefined);

  withDataDir(query.command('hosts').description('list hosts with articles')).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) => print(await core.listHosts()));
  });
  withDataDir(
    query
      .command('list')
      .description('list articles of a host by day range, newest first')
      .requiredOption('--host <host>', 'publisher host, e.g. dailyplanet.example')
      .option('--from <day>', 'first day, YYYY-MM-DD')
      .option('--to <day>', 'last day, YYYY-MM-DD')
      .option('--limit <n>', 'page size', (v) => Number(v), 20)
      .option('--cursor <cursor>', 'cursor from the previous page'),
  ).action(async (opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      const page = await core.listArticles({ host: opts.host, from: opts.from, to: opts.to, limit: opts.limit, cursor: opts.cursor });
      for (const a of page.items) {
        print(`${a.id}  ${a.day}  ${a.title ?? '(untitled)'}${a.copyOf ? `  [copy of ${a.copyOf.host}]` : ''}${a.copies.length ? `  [${a.copies.length} copies]` : ''}`);
      }
      if (page.cursor) print(`next page: --cursor ${page.cursor}`);
    });
  });
  withDataDir(
    query
      .command('get <id>')
      .description('print one article')
      .option('--format <format>', 'json, md or text', 'json'),
  ).action(async (id: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => print((await core.getArticle(id, opts.format as ArticleFormat)).body));
  });
  withDataDir(query.command('copies <id>').description("an article's story cluster: origin and copies on other publishers")).action(async (id: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => {
      const story = await core.getStory(id);
      print(`origin: ${story.origin.host} ${story.origin.id} ${story.origin.title ?? ''}`);
      for (const m of story.members.filter((x) => x.id !== story.origin.id)) {
        print(`copy:   ${m.host} ${m.id} ${m.title ?? ''} (overlap ${((m.copyOf?.overlap ?? 0) * 100).toFixed(0)}%)`);
      }
    });
  });
  withDataDir(query.command('paragraph <text>').description('where did this paragraph appear first, and where else?')).action(async (text: string, opts) => {
    await withQueryCore(configFor(opts), async (core) => print(await core.lookupParagraph(text)));
  });
}
