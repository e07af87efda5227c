/**
 * `npm run bench:warc`: WARC backfill benchmark.
 *
 * 1. Generates publisher sites (the fixture templates of bench:crawl, with syndicated copies;
 *    default 10,000 article pages over 20 hosts) and writes them as one record-gzipped WARC
 *    (scripts/lib/synthetic-warc.ts: robots.txt, feeds, sitemaps, home pages, every article page,
 *    a revisit for every 10th article).
 * 2. Reads the WARC without processing, to time parsing alone (ms per record).
 * 3. Backfills it with the real local pipeline (the default local store under a temp data dir) in
 *    a worker process pinned to one core (`taskset -c 0` where available): records/s, articles/s,
 *    peak RSS of the worker.
 * 4. Crawls the same pages over HTTP (served on loopback, bench:crawl's worker) into another data
 *    dir, and checks that both runs found the same syndication: articles, copies by method,
 *    multi-member stories and every copy -> origin link. `--no-crawl-check` skips it.
 *
 * Writes `bench-results/warc.json` (read by `npm run cost`). Exits non-zero when the figures
 * differ, an article page was not stored, or a goal is missed (>= 150 articles/s, <= 400 MB).
 *
 * Options: --articles N --hosts N --concurrency N (records in flight, default 1)
 *          --crawl-concurrency N (pages crawled at once in the check, default 1) --no-crawl-check --keep
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WarcioRecordSource } from '../functions/adapters/warc/warcio-record-source';
import { openLocalPipeline } from '../functions/cli/local-pipeline';
import { loadConfig } from '../functions/config';
import { silentLog } from '../functions/pipeline/deps';
import { generateSites, sourcesFor, startSyntheticSites } from '../test/helpers/synthetic-sites';
import type { BackfillWorkerInput, BackfillWorkerResult } from './lib/backfill-worker';
import type { IngestWorkerInput, IngestWorkerResult } from './lib/ingest-worker';
import { figureDifferences, syndicationFigures, type SyndicationFigures } from './lib/syndication-figures';
import { writeSitesWarc } from './lib/synthetic-warc';

const GOAL_ARTICLES_PER_SECOND = 150;
const GOAL_PEAK_RSS_MB = 400;
const BACKFILL_WORKER = fileURLToPath(new URL('./lib/backfill-worker.ts', import.meta.url));
const INGEST_WORKER = fileURLToPath(new URL('./lib/ingest-worker.ts', import.meta.url));
const RESULTS_FILE = fileURLToPath(new URL('../bench-results/warc.json', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '10000' },
      hosts: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '1' },
      'crawl-concurrency': { type: 'string', default: '1' },
      'no-crawl-check': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const articles = Number(values.articles);
  const hosts = Number(values.hosts);
  const concurrency = Number(values.concurrency);
  const dir = await mkdtemp(join(tmpdir(), 'bench-warc-'));
  try {
    const sites = generateSites({ articles, hosts, seed: 2026 });
    const warc = join(dir, 'sites.warc.gz');
    const writeStarted = Date.now();
    const written = await writeSitesWarc(sites, warc, { gzip: true });
    say(
      `wrote ${warc}: ${written.records} records (${written.articlePages} article pages, ${written.revisits} revisits), ` +
        `${(written.bytes / 1024 / 1024).toFixed(1)} MB gzipped, in ${Date.now() - writeStarted} ms`,
    );

    // Parsing alone: inflate, WARC and HTTP headers, payload.
    const readCpu = process.cpuUsage();
    const readStarted = Date.now();
    let recordsRead = 0;
    for await (const event of new WarcioRecordSource().read(warc)) if (event.kind === 'record') recordsRead++;
    const readCpuMs = cpuMs(process.cpuUsage(readCpu));
    const readMsPerRecord = readCpuMs / recordsRead;
    say(
      `read alone: ${recordsRead} records in ${Date.now() - readStarted} ms wall, ${readMsPerRecord.toFixed(3)} ms CPU per record`,
    );

    const backfillDir = join(dir, 'backfill');
    const input: BackfillWorkerInput = { dataDir: backfillDir, locations: [warc], concurrency };
    const pinned = hasTaskset();
    say(
      `backfilling with the local pipeline ${pinned ? 'pinned to one core (taskset -c 0)' : '(taskset not found: not pinned)'}, ${concurrency} record(s) in flight`,
    );
    const result = await runChild<BackfillWorkerResult>(BACKFILL_WORKER, input, pinned);
    const c = result.summary.counts;
    const seconds = result.backfillMs / 1000;
    const warcFigures = await figuresOf(backfillDir);

    let crawl: { figures: SyndicationFigures; result: IngestWorkerResult } | undefined;
    if (!values['no-crawl-check']) {
      say('crawling the same pages over HTTP (loopback) for the syndication check...');
      const server = await startSyntheticSites(sites);
      try {
        const crawlDir = join(dir, 'crawl');
        const crawlInput: IngestWorkerInput = {
          dataDir: crawlDir,
          sources: sourcesFor(sites),
          hostMap: server.hostMap,
          allowedLoopbackPorts: [server.port],
          hostMinIntervalMs: 1,
          // One page at a time, like the backfill: pages processed at the same moment can miss each
          // other (a race of dedup, reported separately), which is not what this check compares.
          concurrency: Number(values['crawl-concurrency']),
        };
        const crawlResult = await runChild<IngestWorkerResult>(INGEST_WORKER, crawlInput, false);
        crawl = { figures: await figuresOf(crawlDir), result: crawlResult };
      } finally {
        await server.close();
      }
    }
    const differences = crawl ? figureDifferences(warcFigures, crawl.figures) : [];
    const figures = {
      articlePages: written.articlePages,
      hosts: sites.hosts.length,
      warcRecords: c.records,
      warcMegabytes: Number((written.bytes / 1024 / 1024).toFixed(1)),
      articlesStored: c.stored,
      pagesProcessed: c.processed,
      skipped: c.skipped,
      damaged: c.damaged,
      failed: c.failed,
      backfillSeconds: Number(seconds.toFixed(2)),
      workerWallSeconds: Number((result.wallMs / 1000).toFixed(2)),
      recordsPerSecond: Number((c.records / seconds).toFixed(1)),
      articlesPerSecond: Number((c.stored / seconds).toFixed(1)),
      cpuMsPerRecord: Number((result.cpuMs / c.records).toFixed(2)),
      cpuMsPerArticle: Number((result.cpuMs / Math.max(1, c.stored)).toFixed(2)),
      readCpuMsPerRecord: Number(readMsPerRecord.toFixed(3)),
      peakRssMb: result.peakRssMb,
      pinnedToOneCore: pinned,
      recordConcurrency: concurrency,
      localStore: localStoreName(),
      syndication: { ...warcFigures, storyList: warcFigures.storyList.length },
      crawlCheck: crawl
        ? {
            articlesStored: crawl.result.articlesStored,
            wallSeconds: Number((crawl.result.wallMs / 1000).toFixed(1)),
            syndication: { ...crawl.figures, storyList: crawl.figures.storyList.length },
            equal: differences.length === 0,
            differences,
          }
        : 'skipped (--no-crawl-check)',
      measuredAt: new Date().toISOString(),
      // Read by the cost model (section.field values).
      backfill: { readCpuMsPerRecord: Number(readMsPerRecord.toFixed(3)) },
    };
    say(
      [
        '',
        `WARC records               ${c.records} (${written.articlePages} article pages, ${(written.bytes / 1024 / 1024).toFixed(1)} MB)`,
        `articles stored            ${c.stored} (processed ${c.processed}; skipped ${JSON.stringify(c.skipped)}; damaged ${c.damaged}; failed ${c.failed})`,
        `wall time                  ${seconds.toFixed(1)} s backfilling (${(result.wallMs / 1000).toFixed(1)} s with process start and store open)`,
        `records/s                  ${figures.recordsPerSecond}`,
        `articles/s                 ${figures.articlesPerSecond} (goal >= ${GOAL_ARTICLES_PER_SECOND})`,
        `CPU per record / article   ${figures.cpuMsPerRecord} ms / ${figures.cpuMsPerArticle} ms (parsing alone ${figures.readCpuMsPerRecord} ms per record)`,
        `peak RSS (worker)          ${result.peakRssMb} MB (goal <= ${GOAL_PEAK_RSS_MB})`,
        `local store                ${figures.localStore}`,
        `syndication (WARC)         ${describe(warcFigures)}`,
        crawl
          ? `syndication (HTTP crawl)   ${describe(crawl.figures)} in ${(crawl.result.wallMs / 1000).toFixed(0)} s`
          : 'syndication (HTTP crawl)   not checked',
        crawl
          ? `same syndication           ${differences.length === 0 ? 'yes' : `NO: ${differences.join('; ')}`}`
          : '',
        '',
      ].join('\n'),
    );
    await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(figures, null, 2)}\n`);
    say(`wrote ${RESULTS_FILE}`);
    if (differences.length) fail('the WARC backfill and the HTTP crawl found different syndication');
    if (c.stored < written.articlePages)
      fail(`only ${c.stored} of ${written.articlePages} article pages were stored`);
    if (figures.articlesPerSecond < GOAL_ARTICLES_PER_SECOND)
      fail(`goal missed: ${figures.articlesPerSecond} articles/s < ${GOAL_ARTICLES_PER_SECOND}`);
    if (result.peakRssMb > GOAL_PEAK_RSS_MB)
      fail(`goal missed: peak RSS ${result.peakRssMb} MB > ${GOAL_PEAK_RSS_MB}`);
  } finally {
    if (values.keep) say(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

function describe(f: SyndicationFigures): string {
  return `${f.articles} articles, ${f.stories} stories of 2+ members with ${f.syndicatedCopies} copies besides their origins (informational: ${f.copyOfLinks} copyOf links ${JSON.stringify(f.copyOfByMethod)}, ${f.articlesWithParagraphsSeenElsewhere} articles with paragraphs seen elsewhere)`;
}

async function figuresOf(dataDir: string): Promise<SyndicationFigures> {
  const pipeline = await openLocalPipeline(loadConfig({ DATA_DIR: dataDir }), { log: silentLog });
  try {
    return await syndicationFigures(pipeline.deps.index);
  } finally {
    await pipeline.close();
  }
}

/** What `openLocalPipeline` opens by default (its `indexKind`), named for the report. */
function localStoreName(): string {
  return 'sqlite (the default index of openLocalPipeline) + file archive';
}

function hasTaskset(): boolean {
  return process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function runChild<T>(script: string, input: unknown, pinned: boolean): Promise<T> {
  const node = [process.execPath, '--import', 'tsx', script, JSON.stringify(input)];
  const [command, ...args] = pinned ? ['taskset', '-c', '0', ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.includes('"event":"done"'));
      if (code === 0 && line) resolve(JSON.parse(line) as T);
      else reject(new Error(`${script} exited with ${code}`));
    });
  });
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
