/**
 * Throughput and memory of the extractor against cheerio parse-only and Readability.js + jsdom,
 * on the same pages, in one process (JavaScript runs on one core; pin the process with
 * `taskset -c 0` for a strict single-core figure).
 *
 * usage: npm run bench:extract -- [DATASET_DIR] [--limit N] [--rounds N] [--skip-readability]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { load } from 'cheerio/slim';
import { extractArticle } from '../functions/core/extract/index';

/** The slice of jsdom's API we use (the package ships no types and @types/jsdom is not installed). */
interface JsdomModule {
  JSDOM: new (html: string, options: { virtualConsole: unknown }) => { window: { document: never; close(): void } };
  VirtualConsole: new () => unknown;
}
const { JSDOM, VirtualConsole } = createRequire(import.meta.url)('jsdom') as JsdomModule;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--limit', '--rounds'].includes(args[i - 1])));
const datasetDir = resolve(positional[0] ?? join(projectRoot, '..', 'shared', 'datasets', 'scrapinghub'));
const limit = Number(flag('--limit') ?? Infinity);
const rounds = Math.max(1, Number(flag('--rounds') ?? 3));
const skipReadability = args.includes('--skip-readability');

const htmlDir = join(datasetDir, 'html');
if (!existsSync(htmlDir)) {
  console.error(`bench-extract: no pages at ${htmlDir} (expected html/<id>.html.gz). Pass the dataset directory.`);
  process.exit(2);
}
const files = readdirSync(htmlDir).filter((f) => /\.html(\.gz)?$/.test(f)).sort().slice(0, limit);
const pages = files.map((f) => {
  const raw = readFileSync(join(htmlDir, f));
  return f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
});
const totalMb = pages.reduce((n, p) => n + Buffer.byteLength(p), 0) / 1e6;
console.log(`pages     ${pages.length} (${totalMb.toFixed(1)} MB of HTML) from ${datasetDir}`);

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

/** Runs `fn` over all pages `rounds` times; returns pages/s of the best round and peak heap seen. */
function measure(name: string, fn: (html: string) => unknown, roundsToRun = rounds): { pagesPerSecond: number; peakHeap: number } {
  for (const html of pages.slice(0, 10)) fn(html); // warm-up (JIT)
  let best = Infinity;
  let peakHeap = 0;
  for (let r = 0; r < roundsToRun; r++) {
    const started = performance.now();
    for (let i = 0; i < pages.length; i++) {
      fn(pages[i]);
      if (i % 20 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    best = Math.min(best, performance.now() - started);
  }
  const pagesPerSecond = pages.length / (best / 1000);
  console.log(`${name.padEnd(34)} ${pagesPerSecond.toFixed(1).padStart(7)} pages/s  (${(best / pages.length).toFixed(2)} ms/page, best of ${roundsToRun})`);
  return { pagesPerSecond, peakHeap };
}

const parseOnly = measure('cheerio+htmlparser2 parse only', (html) => load(html));
const ours = measure('extractArticle (ours)', (html) => extractArticle(html));
const oursRss = process.resourceUsage().maxRSS * 1024;
console.log(`ours memory: peak RSS ${mb(oursRss)} (process so far), peak heap used ${mb(ours.peakHeap)}`);
console.log(`ratio: ours takes ${(parseOnly.pagesPerSecond / ours.pagesPerSecond).toFixed(2)}x the parse-only time (goal <= 2x)`);

if (!skipReadability) {
  const virtualConsole = new VirtualConsole(); // silence jsdom's CSS parse warnings
  let failures = 0;
  const readability = measure(
    'Readability.js + jsdom',
    (html) => {
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
    },
    1,
  );
  if (failures > 0) console.log(`(jsdom threw on ${failures} page visits; counted as processed)`);
  console.log(`readability memory: peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (process), peak heap used ${mb(readability.peakHeap)}`);
  console.log(`ratio: ours is ${(ours.pagesPerSecond / readability.pagesPerSecond).toFixed(1)}x Readability+jsdom throughput (goal >= 10x)`);
}
