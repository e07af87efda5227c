#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config';
import { ConfigError, describeFailure, PipelineError } from '../errors';
import { integerOption, loopbackPortsOf, markRequiredOptions, resolveOption } from './cli-options';
import { runDemo } from './commands/demo';
import { runWarcIngestCommand } from './commands/ingest-warc';
import { registerMigrateCommand } from './commands/migrate';
import { registerQueryCommands } from './commands/query';
import { registerReprocessCommand } from './commands/reprocess';
import { registerExtractCommand } from './commands/extract';
import { runLocalIngestCommand } from './commands/ingest';
import { loadSourcesFile } from './load-sources-file';
import { registerServeCommand } from './commands/serve';
import { everySourceFailed } from './summary';

// On Node 20 the AWS SDK warns that future releases will need Node 22. The lockfile pins today's
// releases (see README), so the warning tells a CLI user nothing they can act on.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (/AWS SDK for JavaScript \(v3\)[\s\S]*node >=22/.test(text)) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** CLI flags override the environment; the one config loader validates both. */
function configFor(opts: {
  dataDir?: string;
  allowLoopback?: boolean;
  allowPrivateNetwork?: boolean;
}): Config {
  if (opts.allowPrivateNetwork)
    process.stderr.write('note: --allow-private-network is now called --allow-loopback (what it allows)\n');
  return loadConfig({
    ...process.env,
    ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
    ...(opts.allowLoopback || opts.allowPrivateNetwork ? { ALLOW_PRIVATE_NETWORK: 'true' } : {}),
  });
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command()
  .name('news-pipeline')
  .description('Fetch, extract, dedup, store and query news articles on one machine.')
  .version(PACKAGE_VERSION, '-V, --version', 'print the version')
  .showHelpAfterError();

const concurrency = new Option('--concurrency <n>', 'URLs crawled at once')
  .argParser(integerOption('--concurrency', { min: 1 }))
  .default(4);

program
  .command('demo')
  .description('ingest the bundled demo publishers (served on 127.0.0.1) into the data directory')
  .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
  .addOption(concurrency)
  .option('--no-progress', 'no progress bar')
  .option('--verbose', 'log every step to stderr', false)
  .action(async (opts) => {
    const summary = await runDemo(configFor(opts), {
      concurrency: opts.concurrency,
      verbose: opts.verbose,
      progressBar: opts.progress,
    });
    if (everySourceFailed(summary)) process.exitCode = 1;
  });

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

program
  .command('ingest')
  .description(
    'discover and crawl the publishers of a sources file, or backfill from WARC files (--warc, docs/backfill.md)',
  )
  .option(
    '--sources <file>',
    'sources file (YAML or JSON), see docs/sources.md; with --warc: keep only its publishers',
  )
  .option(
    '--warc <paths...>',
    'WARC files (.warc, .warc.gz), directories, s3:// or http(s) URLs, or list files of them',
  )
  .option('--warc-base <prefix>', 'prefix for relative lines of a WARC list file (e.g. s3://commoncrawl/)')
  .option('--hosts <hosts>', 'with --warc: keep only these publisher hosts (comma-separated)', list)
  .option('--language <codes>', 'with --warc: keep only articles in these languages (en,de)', list)
  .option('--from <date>', 'with --warc: keep records captured at or after this date/time (WARC-Date)')
  .option('--to <date>', 'with --warc: keep records captured up to this date (inclusive) or time')
  .option(
    '--limit <n>',
    'with --warc: process at most this many pages in this run',
    integerOption('--limit', { min: 1 }),
  )
  .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
  .addOption(concurrency)
  .option(
    '--allow-loopback',
    'allow fetching loopback addresses (127.0.0.0/8, ::1) on any port; private networks stay refused (testing only)',
    false,
  )
  .addOption(new Option('--allow-private-network', 'old name of --allow-loopback').hideHelp())
  .option(
    '--resolve <host=addr:port>',
    'connect to ADDR:PORT for HOST, sending Host: HOST (repeatable), to test against a local copy of a site; loopback is opened on that port only',
    resolveOption,
  )
  .option('--no-progress', 'no progress bar')
  .option('--verbose', 'log every step to stderr', false)
  .action(async (opts) => {
    const config = configFor(opts);
    if (opts.warc) {
      await runWarcIngestCommand(config, opts.warc, {
        sources: opts.sources ? await loadSourcesFile(opts.sources) : undefined,
        hosts: opts.hosts,
        languages: opts.language,
        from: opts.from,
        to: opts.to,
        limit: opts.limit,
        base: opts.warcBase,
        progressBar: opts.progress,
        verbose: opts.verbose,
      });
      return;
    }
    if (!opts.sources) throw new ConfigError('ingest needs --sources <file> (or --warc <files> to backfill)');
    const sources = await loadSourcesFile(opts.sources);
    const summary = await runLocalIngestCommand(config, sources, {
      concurrency: opts.concurrency,
      verbose: opts.verbose,
      progressBar: opts.progress,
      hostMap: opts.resolve,
      allowedLoopbackPorts: loopbackPortsOf(opts.resolve),
      bundleConcurrentPages: true,
    });
    // Nothing stored and every source failed: say so in the exit code too (scripts, CI).
    if (everySourceFailed(summary)) process.exitCode = 1;
  });

registerExtractCommand(program);
registerQueryCommands(program, configFor);
registerReprocessCommand(program, configFor);
registerMigrateCommand(program, configFor);

registerServeCommand(program, configFor);

markRequiredOptions(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  // The message only, never a stack: bad input names itself; anything else says it is internal.
  process.stderr.write(`error: ${error instanceof PipelineError ? error.message : describeFailure(error)}\n`);
  process.exitCode = error instanceof PipelineError && error.name === 'ConfigError' ? 2 : 1;
});
