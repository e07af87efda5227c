import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLocalPipeline, type LocalPipeline } from '../../../functions/cli/local-pipeline';
import { loadConfig, type Config } from '../../../functions/config';
import { silentLog } from '../../../functions/pipeline/deps';
import { processPage, type ProcessOutcome } from '../../../functions/pipeline/process-page';

const SITES_DIR = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));

/**
 * The fixture article pages, originals before the aggregator's copies, each with the time it was
 * "fetched" (an hour apart, so first-seen order is the list order).
 */
export const SEED_PAGES: ReadonlyArray<{ file: string; url: string }> = [
  'dailyplanet.example/news/2026/11/23/harbour-street-bridge-reopens.html',
  'dailyplanet.example/news/2026/11/23/school-board-approves-budget.html',
  'dailyplanet.example/business/2026/11/24/frost-cuts-apple-harvest.html',
  'dailyplanet.example/sport/2026/11/22/rowing-club-regional-title.html',
  'metroherald.example/city/2026/11/24/council-freezes-transit-fares/index.html',
  'metroherald.example/business/2026/11/23/crumb-and-co-expansion/index.html',
  'metroherald.example/culture/2026/11/24/library-ends-late-fines/index.html',
  'wirewatch.example/news/2026/11/23/104521-harbour-street-bridge-reopens-to-traffic.html',
  'wirewatch.example/news/2026/11/24/104877-bayview-fares-frozen.html',
  'wirewatch.example/news/2026/11/24/104902-regional-ports-record-volumes.html',
].map((file) => ({ file, url: `https://${file.replace(/index\.html$/, '')}` }));

export interface SeededArchive {
  config: Config;
  pipeline: LocalPipeline;
  outcomes: ProcessOutcome[];
}

/**
 * Fills a local data directory the way a crawl would, without fetching: each fixture page goes
 * through the real `processPage` (extraction, dedup, clean copy, record, raw page), in the order
 * given (default {@link SEED_PAGES}: originals first).
 */
export async function seedArchive(
  dataDir: string,
  pages: ReadonlyArray<{ file: string; url: string }> = SEED_PAGES,
): Promise<SeededArchive> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const pipeline = await openLocalPipeline(config, { log: silentLog });
  const outcomes: ProcessOutcome[] = [];
  const start = Date.parse('2026-11-24T08:00:00Z');
  for (const [i, page] of pages.entries()) {
    const body = await readFile(join(SITES_DIR, page.file));
    const fetchedAt = new Date(start + i * 3_600_000).toISOString();
    outcomes.push(
      await processPage(pipeline.deps, {
        url: page.url,
        body,
        contentType: 'text/html; charset=utf-8',
        fetchedAt,
      }),
    );
  }
  return { config, pipeline, outcomes };
}
