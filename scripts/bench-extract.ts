/**
 * Throughput and memory of the extractor against cheerio parse-only and Readability.js + jsdom,
 * on the same pages, in one process pinned to one core (on Linux the script re-runs itself
 * under `taskset -c 0` so the garbage collector's helper threads share that core too).
 *
 * usage: npm run bench:extract -- [DATASET_DIR] [--limit N] [--rounds N] [--skip-readability] [--no-pin]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { load } from 'cheerio/slim';
import { extractArticle } from '../functions/core/extract/index';

/** The slice of jsdom's API we use (the package ships no types and @types/jsdom is not installed). */
interface JsdomModule {
  JSDOM: new (
    html: string,
    options: { virtualConsole: unknown },
  ) => { window: { document: never; close(): void } };
  VirtualConsole: new () => unknown;
}
const { JSDOM, VirtualConsole } = createRequire(import.meta.url)('jsdom') as JsdomModule;

// Pin to one core: re-run this script under taskset unless already pinned (or asked not to).
if (process.platform === 'linux' && !process.env.BENCH_EXTRACT_PINNED && !process.argv.includes('--no-pin')) {
  const child = spawnSync(
    'taskset',
    ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, BENCH_EXTRACT_PINNED: '1' },
    },
  );
  if (!child.error) process.exit(child.status ?? 1);
  console.log(`(taskset unavailable: ${child.error.message}; running unpinned)`);
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter(
  (a, i) => !a.startsWith('--') && !(i > 0 && ['--limit', '--rounds'].includes(args[i - 1])),
);
const datasetDir = resolve(positional[0] ?? join(projectRoot, '..', 'shared', 'datasets', 'scrapinghub'));
const limit = Number(flag('--limit') ?? Infinity);
const rounds = Math.max(1, Number(flag('--rounds') ?? 3));
const skipReadability = args.includes('--skip-readability');

const htmlDir = join(datasetDir, 'html');
if (!existsSync(htmlDir)) {
  console.error(
    `bench-extract: no pages at ${htmlDir} (expected html/<id>.html.gz). Pass the dataset directory.`,
  );
  process.exit(2);
}
const files = readdirSync(htmlDir)
  .filter((f) => /\.html(\.gz)?$/.test(f))
  .sort()
  .slice(0, limit);
const pages = files.map((f) => {
  const raw = readFileSync(join(htmlDir, f));
  return f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
});
const totalMb = pages.reduce((n, p) => n + Buffer.byteLength(p), 0) / 1e6;
console.log(`pages     ${pages.length} (${totalMb.toFixed(1)} MB of HTML) from ${datasetDir}`);
console.log(`cores     ${process.env.BENCH_EXTRACT_PINNED ? 'pinned to CPU 0 (taskset)' : 'not pinned'}`);

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

interface Measured {
  name: string;
  bestMs: number;
  peakHeap: number;
  rounds: number;
}

/** One timed pass over all pages; tracks the best round and the peak heap seen. */
function runRound(m: Measured, fn: (html: string) => unknown): void {
  const started = performance.now();
  for (let i = 0; i < pages.length; i++) {
    fn(pages[i]);
    if (i % 20 === 0) m.peakHeap = Math.max(m.peakHeap, process.memoryUsage().heapUsed);
  }
  m.bestMs = Math.min(m.bestMs, performance.now() - started);
  m.rounds++;
}

function report(m: Measured): number {
  const pagesPerSecond = pages.length / (m.bestMs / 1000);
  console.log(
    `${m.name.padEnd(34)} ${pagesPerSecond.toFixed(1).padStart(7)} pages/s  (${(m.bestMs / pages.length).toFixed(2)} ms/page, best of ${m.rounds})`,
  );
  return pagesPerSecond;
}

const parseFn = (html: string): unknown => load(html);
const oursFn = (html: string): unknown => extractArticle(html);
for (const html of pages.slice(0, 10)) {
  parseFn(html); // warm-up (JIT)
  oursFn(html);
}
// Rounds alternate between parse-only and ours so that load from other processes on the
// machine hits both alike; the ratio compares the best round of each.
const parseOnly: Measured = {
  name: 'cheerio+htmlparser2 parse only',
  bestMs: Infinity,
  peakHeap: 0,
  rounds: 0,
};
const ours: Measured = { name: 'extractArticle (ours)', bestMs: Infinity, peakHeap: 0, rounds: 0 };
for (let r = 0; r < rounds; r++) {
  runRound(parseOnly, parseFn);
  runRound(ours, oursFn);
}
const parsePagesPerSecond = report(parseOnly);
const oursPagesPerSecond = report(ours);
const oursRss = process.resourceUsage().maxRSS * 1024;
console.log(
  `ours memory: peak RSS ${mb(oursRss)} (process so far, incl. the ${totalMb.toFixed(0)} MB of pages held), peak heap used ${mb(ours.peakHeap)}`,
);
console.log(
  `ratio: ours takes ${(parsePagesPerSecond / oursPagesPerSecond).toFixed(2)}x the parse-only time (goal <= 1.6x)`,
);

if (!skipReadability) {
  const virtualConsole = new VirtualConsole(); // silence jsdom's CSS parse warnings
  let failures = 0;
  const readability: Measured = { name: 'Readability.js + jsdom', bestMs: Infinity, peakHeap: 0, rounds: 0 };
  runRound(readability, (html) => {
    // jsdom's CSS parser throws on some real stylesheets; such a page counts as processed.
    try {
      const { window } = new JSDOM(html, { virtualConsole });
      const article = new Readability(window.document).parse();
      window.close();
      return article;
    } catch {
      failures++;
      return null;
    }
  });
  const readabilityPagesPerSecond = report(readability);
  if (failures > 0) console.log(`(jsdom threw on ${failures} page visits; counted as processed)`);
  console.log(
    `readability memory: peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (process), peak heap used ${mb(readability.peakHeap)}`,
  );
  console.log(
    `ratio: ours is ${(oursPagesPerSecond / readabilityPagesPerSecond).toFixed(1)}x Readability+jsdom throughput (goal >= 10x)`,
  );
}
