import { SingleBar, Presets } from 'cli-progress';
import type { Config } from '../../config';
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
