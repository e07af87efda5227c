import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CHECKPOINT_FILE, FileReprocessCheckpoint } from '../../adapters/local/file-reprocess-checkpoint';
import type { Config } from '../../config';
import { silentLog } from '../../pipeline/deps';
import { runReprocess, type ReprocessFilter, type ReprocessSummary } from '../../pipeline/reprocess';
import { assertHoldsArchive } from '../archive-dir';
import { consoleLog } from '../console-log';
import { openLocalPipeline } from '../local-pipeline';

/** Options of a local reprocess run. */
export interface LocalReprocessOptions {
  filter: ReprocessFilter;
  restart: boolean;
  progressBar: boolean;
  verbose: boolean;
  signal?: AbortSignal;
  /** Where the summary goes (stdout in the CLI). */
  out?: NodeJS.WritableStream;
}

/**
 * Reprocesses the local archive's articles from their raw pages (see `runReprocess`) with a progress bar, then prints
 * the totals. Returns them for tests.
 */
export async function runLocalReprocess(
  config: Config,
  options: LocalReprocessOptions,
): Promise<ReprocessSummary> {
  const out = options.out ?? process.stdout;
  await assertHoldsArchive(config.dataDir);
  const pipeline = await openLocalPipeline(config, { log: options.verbose ? consoleLog(true) : silentLog });
  const bar = new SingleBar(
    {
      format: 'reprocessing [{bar}] {value}/{total} articles | {status}',
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let barStarted = false;
  try {
    const summary = await runReprocess(pipeline.deps, {
      filter: options.filter,
      checkpoint: new FileReprocessCheckpoint(join(config.dataDir, CHECKPOINT_FILE)),
      restart: options.restart,
      signal: options.signal,
      progress: {
        start: (total, resumedAfter) => {
          if (resumedAfter) out.write(`resuming after ${resumedAfter} (use --restart to start over)\n`);
          if (options.progressBar && total > 0) {
            bar.start(total, 0, { status: '' });
            barStarted = true;
          }
        },
        keyDone: (_key, outcome) => {
          if (barStarted) bar.increment(1, { status: outcome.kind });
        },
      },
    });
    if (barStarted) bar.stop();
    out.write(`${formatReprocessSummary(summary)}\n`);
    return summary;
  } finally {
    if (barStarted) bar.stop();
    await pipeline.close();
  }
}

/** The totals as a short human-readable block. */
export function formatReprocessSummary(s: ReprocessSummary): string {
  const lines = [
    `${s.complete ? 'Reprocessed' : 'Stopped after'} ${s.stored + s.superseded + s.orphan + s.nowSkipped + s.failed.length} of ${s.keys} articles${s.resumedAfter ? ' (resumed)' : ''}:`,
    `  stored again        ${s.stored} (text changed: ${s.textChanged})`,
    `  moved day meanwhile ${s.superseded}`,
    `  no longer articles  ${s.nowSkipped}`,
    `  orphaned/no raw     ${s.orphan}`,
    `  failed              ${s.failed.length}`,
    `  clean objects deleted (nothing pointed at them) ${s.cleanObjectsDeleted}`,
    ...s.failed.slice(0, 20).map((f) => `    ${f.key}: ${f.detail}`),
  ];
  if (!s.complete) lines.push('Run the same command again to continue from the checkpoint.');
  return lines.join('\n');
}

/** Registers `reprocess` on the program. */
export function registerReprocessCommand(
  program: Command,
  configFor: (opts: { dataDir?: string }) => Config,
): void {
  program
    .command('reprocess')
    .description(
      're-run extraction and dedup over the archived raw pages (no fetching), e.g. after an extractor upgrade; resumable',
    )
    .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
    .option('--host <host>', 'only pages of this host')
    .option('--from <day>', 'first article day (publication, else fetch), YYYY-MM-DD')
    .option('--to <day>', 'last article day, YYYY-MM-DD')
    .option('--restart', 'ignore the checkpoint of an unfinished run and start over', false)
    .option('--no-progress', 'no progress bar')
    .option('--verbose', 'log every step to stderr', false)
    .action(async (opts) => {
      const controller = new AbortController();
      // First Ctrl-C finishes the page in progress and saves the checkpoint; a second one kills.
      process.once('SIGINT', () => controller.abort());
      const summary = await runLocalReprocess(configFor(opts), {
        filter: { host: opts.host, from: opts.from, to: opts.to },
        restart: opts.restart,
        progressBar: opts.progress,
        verbose: opts.verbose,
        signal: controller.signal,
      });
      if (summary.failed.length > 0 || !summary.complete) process.exitCode = 1;
    });
}
