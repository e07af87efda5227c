import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { FileBackfillCheckpoints } from '../../adapters/local/file-backfill-checkpoints';
import { WarcioRecordSource } from '../../adapters/warc/warcio-record-source';
import type { Config } from '../../config';
import { skippedTotal } from '../../core/warc/backfill-counts';
import { checkBackfillFilters, type BackfillFilters } from '../../core/warc/record-filter';
import type { Source } from '../../core/sources';
import { InvalidInputError } from '../../errors';
import { runBackfill, type BackfillSummary } from '../../pipeline/run-backfill';
import { consoleLog } from '../console-log';
import { openLocalPipeline } from '../local-pipeline';
import { table } from '../summary';
import { expandWarcInputs } from '../warc-inputs';

/** Where the per-file checkpoints live in the data directory. */
export const BACKFILL_CHECKPOINT_DIR = 'backfill';

/** Options of `ingest --warc`. */
export interface WarcIngestOptions {
  /** Publishers whose pages are kept (from `--sources`), and/or hosts from `--hosts`. */
  sources?: Source[];
  hosts?: string[];
  languages?: string[];
  from?: string;
  to?: string;
  limit?: number;
  /** Prefix for relative lines of a list file (`--warc-base`). */
  base?: string;
  progressBar: boolean;
  verbose: boolean;
}

/** The hosts of a sources file's publishers: their home pages, feeds and sitemaps. */
export function publisherHosts(sources: readonly Source[]): string[] {
  const hosts = new Set<string>();
  for (const s of sources) {
    if (!s.enabled) continue;
    for (const url of [s.homepage, ...s.feeds, ...s.sitemaps]) {
      if (!url) continue;
      try {
        hosts.add(new URL(url).hostname.toLowerCase());
      } catch {
        // Validated by the sources schema; nothing to add.
      }
    }
  }
  return [...hosts];
}

/**
 * `ingest --warc FILE...`: backfills the data directory from web-archive files (see
 * docs/backfill.md): a progress bar with records/s, a checkpoint per file under
 * `<dataDir>/backfill/` (a killed run resumes where it stopped), and a summary with every damaged
 * or failed record by file and offset.
 */
export async function runWarcIngestCommand(
  config: Config,
  inputs: readonly string[],
  options: WarcIngestOptions,
): Promise<BackfillSummary> {
  const hosts = [...(options.sources ? publisherHosts(options.sources) : []), ...(options.hosts ?? [])];
  if (options.sources && hosts.length === 0)
    throw new InvalidInputError(
      '--sources: the file names no enabled publisher with a URL to take hosts from',
    );
  const filters: BackfillFilters = {
    ...(hosts.length ? { hosts } : {}),
    ...(options.languages?.length ? { languages: options.languages } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  const problems = checkBackfillFilters(filters);
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    problems.push(`--limit ${options.limit} is not a positive whole number`);
  if (problems.length) throw new InvalidInputError(problems.join('; '));
  const locations = await expandWarcInputs(inputs, { base: options.base });

  const pipeline = await openLocalPipeline(config, { log: consoleLog(options.verbose) });
  const bar = new SingleBar(
    {
      format:
        'backfill [{bar}] {value}/{total} files | {records} records | {rate} records/s | {stored} stored | {file}',
      noTTYOutput: options.progressBar,
      stream: process.stdout,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const startedMs = Date.now();
  let records = 0;
  let stored = 0;
  let file = '';
  let barStarted = false;
  const tokens = () => ({
    records,
    stored,
    rate: (records / Math.max(0.001, (Date.now() - startedMs) / 1000)).toFixed(1),
    file,
  });
  try {
    const summary = await runBackfill(pipeline.deps, new WarcioRecordSource(), locations, {
      filters,
      checkpoints: new FileBackfillCheckpoints(join(config.dataDir, BACKFILL_CHECKPOINT_DIR)),
      limit: options.limit,
      onFileStart: (location, index, resumeAt, alreadyDone) => {
        file = shorten(location);
        if (alreadyDone) process.stdout.write(`${location}: already done (checkpoint), skipped\n`);
        else if (resumeAt > 0)
          process.stdout.write(`${location}: resuming at byte ${resumeAt} (checkpoint)\n`);
        if (!options.progressBar) return;
        if (!barStarted) {
          bar.start(locations.length, index, tokens());
          barStarted = true;
        } else bar.update(index, tokens());
      },
      onRecord: (done) => {
        records++;
        if (done.outcome === 'stored') stored++;
        // Redrawing on every record would cost more than a record: every 50 is smooth enough.
        if (barStarted && records % 50 === 0) bar.update(tokens());
      },
    });
    if (barStarted) {
      bar.update(locations.length, tokens());
      bar.stop();
      barStarted = false;
    }
    process.stdout.write(`\n${formatBackfillSummary(summary, (Date.now() - startedMs) / 1000)}\n`);
    return summary;
  } finally {
    if (barStarted) bar.stop();
    await pipeline.close();
  }
}

/** The table a user reads after a backfill, then every damaged or failed record. */
export function formatBackfillSummary(summary: BackfillSummary, seconds: number): string {
  const c = summary.counts;
  const rows: [string, string | number][] = [
    ['WARC files', summary.files],
    ['files already done (skipped)', summary.filesAlreadyDone],
    ['files resumed from a checkpoint', summary.filesResumed],
    ['records read', c.records],
    ['records/s', (c.records / Math.max(0.001, seconds)).toFixed(1)],
    ['pages processed', c.processed],
    ['articles stored', c.stored],
    ['articles unchanged', c.unchanged],
    ['syndicated copies among them', summary.syndicatedStored],
    ['skipped', skippedTotal(c)],
    ...Object.entries(c.skipped)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]): [string, number] => [`  ${reason}`, n]),
    ['damaged records', c.damaged],
    ['failed records', c.failed],
  ];
  const out = [table(rows)];
  if (summary.filesAlreadyDone || summary.filesResumed)
    out.push(
      `all runs together: ${summary.totalCounts.records} records, ${summary.totalCounts.stored} articles stored`,
    );
  if (summary.limitReached) out.push('stopped at --limit: run again (without it, or higher) to go on');
  for (const d of summary.damaged) out.push(`damaged: ${d.location} at offset ${d.offset}: ${d.reason}`);
  for (const f of summary.failed)
    out.push(`failed: ${f.location} at offset ${f.offset} (${f.url}): ${f.reason}`);
  return out.join('\n');
}

function shorten(text: string): string {
  return text.length > 50 ? `...${text.slice(-47)}` : text;
}
