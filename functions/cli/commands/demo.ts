import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config';
import { concurrencyOption } from '../cli-options';
import { everySourceFailed } from '../summary';
import { startSiteServer } from '../demo/site-server';
import { runLocalIngestCommand } from './ingest';
import { loadSourcesFile } from '../load-sources-file';
import type { IngestSummary } from '../../pipeline/run-ingest';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The demo's publisher sites and sources, shipped with the project. */
export const DEMO_SITES_DIR = join(PROJECT_ROOT, 'test/fixtures/sites');
export const DEMO_SOURCES_FILE = join(PROJECT_ROOT, 'test/fixtures/sources/demo-sources.yaml');
/** The problems the demo's publishers contain on purpose, and what each shows. */
export const DEMO_TEST_CASES_FILE = join(PROJECT_ROOT, 'test/fixtures/sources/demo-test-cases.yaml');
/** Demo sites are on loopback and ours: a short spacing keeps the demo quick yet polite. */
const DEMO_HOST_INTERVAL_MS = 50;

/**
 * The demo: serves the fixture publishers on 127.0.0.1 (ephemeral port), maps their hostnames to
 * it, ingests everything into the local data directory and prints the summary.
 */
export async function runDemo(
  config: Config,
  options: { concurrency: number; verbose: boolean; progressBar: boolean },
): Promise<IngestSummary> {
  const server = await startSiteServer({ rootDir: DEMO_SITES_DIR, port: 0 });
  try {
    process.stdout.write(
      `Demo publishers served on http://127.0.0.1:${server.port} as ${server.hosts.join(', ')}\n` +
        'They contain deliberate test cases (an offline publisher, a 404, a PDF, robots.txt refusals, an empty page):\n' +
        'problems marked [demo test case: ...] below are those, and expected.\n',
    );
    const sources = await loadSourcesFile(DEMO_SOURCES_FILE);
    const testCaseOf = await loadDemoTestCases();
    const hostMap = Object.fromEntries(
      server.hosts.map((h) => [h, { host: '127.0.0.1', port: server.port }]),
    );
    const demoConfig: Config = Object.freeze({
      ...config,
      hostMinIntervalMs: Math.min(config.hostMinIntervalMs, DEMO_HOST_INTERVAL_MS),
    });
    // Only the demo server's own port is opened on loopback: a redirect elsewhere stays refused.
    const summary = await runLocalIngestCommand(demoConfig, sources, {
      ...options,
      hostMap,
      allowedLoopbackPorts: [server.port],
      testCaseOf,
    });
    process.stdout.write(
      [
        '',
        'Query the clean archive:',
        `  npm run cli -- query hosts --data-dir ${config.dataDir}`,
        `  npm run cli -- query list --host dailyplanet.example --data-dir ${config.dataDir}`,
        `  npm run cli -- query get <article-id> --format md --data-dir ${config.dataDir}`,
        `  npm run cli -- serve --data-dir ${config.dataDir}`,
        '',
      ].join('\n'),
    );
    return summary;
  } finally {
    await server.close();
  }
}

/**
 * Reads the demo's deliberate test cases: a problem whose URL starts with a listed `url` gets the
 * label "demo test case: <shows>".
 * @example
 * (await loadDemoTestCases())('http://offline-gazette.example/feed.xml');
 * // 'demo test case: a publisher that does not answer (its host is not served)'
 */
export async function loadDemoTestCases(): Promise<(url: string) => string | undefined> {
  const parsed = parse(await readFile(DEMO_TEST_CASES_FILE, 'utf8')) as {
    cases: { url: string; shows: string }[];
  };
  return (url) => {
    const match = parsed.cases.find((c) => url.startsWith(c.url));
    return match ? `demo test case: ${match.shows}` : undefined;
  };
}

/** Registers `demo` on the program. */
export function registerDemoCommand(
  program: Command,
  configFor: (opts: { dataDir?: string; allowLoopback?: boolean; allowPrivateNetwork?: boolean }) => Config,
): void {
  program
    .command('demo')
    .description('ingest the bundled demo publishers (served on 127.0.0.1) into the data directory')
    .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
    .addOption(concurrencyOption())
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
}
