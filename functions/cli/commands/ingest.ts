import { SingleBar, Presets } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Config } from '../../config';
import { ConfigError } from '../../errors';
import { concurrencyOption, integerOption, listOption, loopbackPortsOf, resolveOption } from '../cli-options';
import { loadSourcesFile } from '../load-sources-file';
import { everySourceFailed } from '../summary';
import { runWarcIngestCommand } from './ingest-warc';
import type { Source } from '../../core/sources';
import { runIngest, type IngestSummary } from '../../pipeline/run-ingest';
import { consoleLog } from '../console-log';
import { openLocalPipeline } from '../local-pipeline';
import { formatSummary } from '../summary';

/** Options shared by `demo` and `ingest`. */
export interface IngestRunOptions {
  concurrency: number;
  verbose: boolean;
  hostMap?: Record<string, { host: string; port: number }>;
  allowedLoopbackPorts?: number[];
  /** Show a progress bar (off when stdout is not a terminal unless forced). */
  progressBar: boolean;
  /** See `LocalPipelineOptions.bundleConcurrentPages` (`ingest` sets it; the demo's dozen pages gain nothing). */
  bundleConcurrentPages?: boolean;
  /** Labels problems that are known test cases (the demo's deliberate faults). */
  testCaseOf?: (url: string) => string | undefined;
}

/**
 * Runs a local ingest of `sources` with a progress bar and prints the summary table. Returns the
 * summary so callers (the demo, tests) can inspect it.
 */
export async function runLocalIngestCommand(
  config: Config,
  sources: Source[],
  options: IngestRunOptions,
): Promise<IngestSummary> {
  const pipeline = await openLocalPipeline(config, {
    hostMap: options.hostMap,
    allowedLoopbackPorts: options.allowedLoopbackPorts,
    log: consoleLog(options.verbose),
    bundleConcurrentPages: options.bundleConcurrentPages,
  });
  const bar = new SingleBar(
    {
      format: 'crawling [{bar}] {value}/{total} URLs | {status}',
      noTTYOutput: options.progressBar,
      stream: process.stdout,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let total = 0;
  let started = false;
  try {
    const summary = await runIngest(pipeline.deps, pipeline.queue, sources, {
      concurrency: options.concurrency,
      allowPrivateNetwork: config.allowPrivateNetwork,
      progress: {
        discovered: (report) => {
          total += report.urlsQueued;
          process.stdout.write(
            `discovered ${report.sourceId}: ${report.urlsFound} URLs found, ${report.urlsQueued} new or changed, ${report.urlsAlreadyKnown} already known, ${report.urlsSkippedSeen} listed unchanged since the last read${report.errors.length ? `, ${report.errors.length} problem(s)` : ''}\n`,
          );
        },
        urlDone: (message, outcome) => {
          if (!options.progressBar) return;
          if (!started) {
            bar.start(total, 0, { status: '' });
            started = true;
          }
          bar.increment(1, { status: `${outcome.kind}: ${shorten(message.url)}` });
        },
      },
    });
    if (started) {
      bar.update(total, { status: 'done' });
      bar.stop();
    }
    process.stdout.write(
      `\n${formatSummary(summary, {
        archiveDir: pipeline.archiveDir,
        dataDir: config.dataDir,
        testCaseOf: options.testCaseOf,
      })}\n`,
    );
    return summary;
  } finally {
    if (started) bar.stop();
    await pipeline.close();
  }
}

function shorten(url: string): string {
  return url.length > 60 ? `${url.slice(0, 57)}...` : url;
}

/** Registers `ingest` (a sources file, or WARC files with --warc) on the program. */
export function registerIngestCommand(
  program: Command,
  configFor: (opts: { dataDir?: string; allowLoopback?: boolean; allowPrivateNetwork?: boolean }) => Config,
): void {
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
    .option('--hosts <hosts>', 'with --warc: keep only these publisher hosts (comma-separated)', listOption)
    .option('--language <codes>', 'with --warc: keep only articles in these languages (en,de)', listOption)
    .option('--from <date>', 'with --warc: keep records captured at or after this date/time (WARC-Date)')
    .option('--to <date>', 'with --warc: keep records captured up to this date (inclusive) or time')
    .option(
      '--limit <n>',
      'with --warc: process at most this many pages in this run',
      integerOption('--limit', { min: 1 }),
    )
    .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
    .addOption(concurrencyOption())
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
      if (!opts.sources)
        throw new ConfigError('ingest needs --sources <file> (or --warc <files> to backfill)');
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
}
