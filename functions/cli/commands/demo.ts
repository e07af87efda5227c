import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Config } from '../../config';
import { startSiteServer } from '../demo/site-server';
import { runLocalIngestCommand } from '../ingest-run';
import { loadSourcesFile } from '../load-sources-file';
import type { IngestSummary } from '../../pipeline/run-ingest';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The demo's publisher sites and sources, shipped with the project. */
export const DEMO_SITES_DIR = join(PROJECT_ROOT, 'test/fixtures/sites');
export const DEMO_SOURCES_FILE = join(PROJECT_ROOT, 'test/fixtures/sources/demo-sources.yaml');
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
      `Demo publishers served on http://127.0.0.1:${server.port} as ${server.hosts.join(', ')}\n`,
    );
    const sources = await loadSourcesFile(DEMO_SOURCES_FILE);
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
