/**
 * Scores the extractor's metadata (title, authors, published time) on a dataset whose ground
 * truth names them (default: the shared fundus-dev set), with the shared score-metadata scorer.
 *
 * usage: npm run eval:metadata -- [DATASET_DIR] [--worst N] [--dump FILE]
 *   --worst N    misses listed per field (default 15)
 *   --dump FILE  keep the predictions (JSON Lines, the `extract --manifest` shape the scorer reads)
 * DATASET_DIR holds `html/<id>.html.gz` and `ground-truth.json`
 * ({ id: { url, title, authors, publishedAt } }, or the WCXB shape { url, title, author,
 * publish_date }, converted for the scorer; WCXB dates carry no time, so only its within-1-day
 * figure means something there). Pages are decoded from their bytes with the
 * same decoder as the pipeline (`decodeHtmlBytes`), since some are in legacy charsets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeHtmlBytes } from '../functions/core/extract/charset';
import { extractArticle } from '../functions/core/extract/index';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const datasetDir = resolve(positional[0] ?? join(projectRoot, '..', 'shared', 'datasets', 'fundus-dev'));
const worstCount = Number(flag('--worst') ?? 15);
const dumpFile = flag('--dump');
const scorerPath = process.env.SCORER ?? join(datasetDir, '..', '..', 'tools', 'score-metadata.mjs');

const truthPath = join(datasetDir, 'ground-truth.json');
if (!existsSync(truthPath)) {
  console.error(
    `eval-metadata: no dataset at ${datasetDir} (expected ground-truth.json and html/<id>.html.gz).`,
  );
  console.error('Pass the dataset directory: npm run eval:metadata -- /path/to/fundus-dev');
  process.exit(2);
}
if (!existsSync(scorerPath)) {
  console.error(`eval-metadata: scorer not found at ${scorerPath}; set SCORER=/path/to/score-metadata.mjs`);
  process.exit(2);
}

type TruthEntry = {
  url: string;
  title?: string;
  authors?: string[];
  publishedAt?: string;
  /** WCXB shape. */
  author?: string | null;
  publish_date?: string | null;
};
const rawTruth = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, TruthEntry>;
// One shape for the scorer: authors as a list, the published time under publishedAt.
const truth: Record<string, TruthEntry> = {};
let dateOnly = 0;
for (const [id, t] of Object.entries(rawTruth)) {
  const publishedAt = t.publishedAt ?? t.publish_date ?? undefined;
  if (publishedAt && /^\d{4}-\d{2}-\d{2}$/.test(publishedAt)) dateOnly++;
  truth[id] = {
    url: t.url,
    title: t.title,
    // WCXB writes several authors in one string ("A and B", "A, B"); the scorer compares name sets.
    authors: t.authors ?? (t.author ? t.author.split(/\s*(?:,|&|\band\b)\s*/).filter(Boolean) : []),
    publishedAt,
  };
}
const ids = Object.keys(truth);

function readPage(id: string): Uint8Array | undefined {
  const gz = join(datasetDir, 'html', `${id}.html.gz`);
  if (existsSync(gz)) return gunzipSync(readFileSync(gz));
  const plain = join(datasetDir, 'html', `${id}.html`);
  return existsSync(plain) ? readFileSync(plain) : undefined;
}

const lines: string[] = [];
const failures: string[] = [];
const started = performance.now();
for (const id of ids) {
  const bytes = readPage(id);
  if (!bytes) {
    failures.push(`${id}: page file missing`);
    continue;
  }
  try {
    const { metadata } = extractArticle(decodeHtmlBytes(bytes).html, { url: truth[id].url });
    lines.push(
      JSON.stringify({
        id,
        title: metadata.title ?? null,
        authors: metadata.authors,
        publishedAt: metadata.publishedAt ?? null,
      }),
    );
  } catch (error) {
    failures.push(`${id}: ${String(error)}`);
  }
}
const elapsedMs = performance.now() - started;

const work = mkdtempSync(join(tmpdir(), 'eval-metadata-'));
const predictionsPath = dumpFile ? resolve(dumpFile) : join(work, 'predictions.jsonl');
writeFileSync(predictionsPath, `${lines.join('\n')}\n`);
const scoredTruthPath = join(work, 'ground-truth.json');
writeFileSync(scoredTruthPath, JSON.stringify(truth));
const run = spawnSync(
  process.execPath,
  [scorerPath, scoredTruthPath, predictionsPath, '--json', '--misses'],
  {
    encoding: 'utf8',
  },
);
rmSync(work, { recursive: true, force: true });
if (run.status !== 0) {
  console.error(`eval-metadata: the scorer failed (${scorerPath}):\n${run.stderr}`);
  process.exit(1);
}
const outLines = run.stdout.trim().split('\n');
const summary = JSON.parse(outLines[outLines.length - 1]) as {
  n: number;
  title: number;
  authorsF1: number;
  dateMinute: number;
  dateDay: number;
};
const misses = outLines.slice(0, -1).map((l) => JSON.parse(l) as [string, string, unknown, unknown]);

console.log(`dataset   ${datasetDir} (${summary.n} pages)`);
console.log(`title     ${summary.title.toFixed(3)} exact (after the scorer's normalisation)`);
console.log(`authors   ${summary.authorsF1.toFixed(3)} F1 (pages whose truth names someone)`);
console.log(
  `published ${summary.dateMinute.toFixed(3)} within 1 minute, ${summary.dateDay.toFixed(3)} within 1 day` +
    (dateOnly > 0 ? ` (${dateOnly} truths are dates without a time: read the 1-day figure)` : ''),
);
console.log(
  `speed     ${(ids.length / (elapsedMs / 1000)).toFixed(1)} pages/s (${elapsedMs.toFixed(0)} ms, full extraction)`,
);
if (failures.length) console.log(`failures  ${failures.length}\n  ${failures.join('\n  ')}`);
for (const field of ['title', 'authors', 'date']) {
  const list = misses.filter((m) => m[0] === field);
  if (list.length === 0) continue;
  console.log(
    `\n${field} misses: ${list.length} (first ${Math.min(worstCount, list.length)}; truth -> ours)`,
  );
  for (const [, id, want, got] of list.slice(0, worstCount))
    console.log(`  ${id}\n    ${JSON.stringify(want)}\n    ${JSON.stringify(got)}`);
}
