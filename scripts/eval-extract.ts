/**
 * Scores the extractor on an article-extraction dataset (default: the shared dev set).
 *
 * usage: npm run eval:extract -- [DATASET_DIR] [--worst N] [--dump FILE] [--save FILE] [--compare FILE] [--cost-out FILE]
 *   --dump FILE     write the predictions ({ id: { articleBody } }) for the scorer
 *   --cost-out FILE write what real pages mean for the cost model: evidence paragraphs (each one
 *                   paragraph write in the dedup index) and gzip bytes (the raw archive) per page
 *   --save FILE     write per-page F1 for a later --compare
 *   --compare FILE  list pages whose F1 changed against a saved run
 * DATASET_DIR holds `html/<id>.html.gz` and `ground-truth.json` ({ id: { articleBody, url } }).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { joinParagraphs } from '../functions/core/article';
import { isEvidenceParagraph } from '../functions/core/dedup/paragraph-hash';
import { extractArticle } from '../functions/core/extract/index';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const datasetDir = resolve(positional[0] ?? join(projectRoot, '..', 'shared', 'datasets', 'scrapinghub'));
const worstCount = Number(flag('--worst') ?? 20);
const dumpFile = flag('--dump');
const saveFile = flag('--save');
const compareFile = flag('--compare');
const costOutFile = flag('--cost-out');
const scorerPath = process.env.SCORER ?? join(datasetDir, '..', '..', 'tools', 'score-extraction.mjs');

const truthPath = join(datasetDir, 'ground-truth.json');
if (!existsSync(truthPath)) {
  console.error(`eval-extract: no dataset at ${datasetDir} (expected ground-truth.json and html/<id>.html.gz).`);
  console.error('Pass the dataset directory: npm run eval:extract -- /path/to/scrapinghub');
  process.exit(2);
}
if (!existsSync(scorerPath)) {
  console.error(`eval-extract: scorer not found at ${scorerPath}; set SCORER=/path/to/score-extraction.mjs`);
  process.exit(2);
}

type Truth = Record<string, { articleBody: string; url: string }>;
const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
const { score } = (await import(scorerPath)) as {
  score: (t: Truth, p: Record<string, { articleBody: string }>) => {
    f1: number; precision: number; recall: number; accuracy: number; n: number;
    perDoc: Record<string, { precision: number; recall: number }>;
  };
};

const ids = Object.keys(truth);
const pages = ids.map((id) => {
  const file = join(datasetDir, 'html', `${id}.html.gz`);
  const plain = join(datasetDir, 'html', `${id}.html`);
  const html = existsSync(file) ? gunzipSync(readFileSync(file)).toString('utf8') : existsSync(plain) ? readFileSync(plain, 'utf8') : '';
  return { id, html };
});

const predictions: Record<string, { articleBody: string }> = {};
const kinds: Record<string, number> = {};
const failures: string[] = [];
let evidenceParagraphs = 0;
let articlePages = 0;
const started = performance.now();
for (const { id, html } of pages) {
  try {
    const result = extractArticle(html, { url: truth[id].url });
    predictions[id] = { articleBody: joinParagraphs(result.paragraphs) };
    kinds[result.pageKind] = (kinds[result.pageKind] ?? 0) + 1;
    if (result.pageKind === 'article') {
      articlePages++;
      evidenceParagraphs += result.paragraphs.filter((p) => isEvidenceParagraph(p.text)).length;
    }
  } catch (error) {
    failures.push(`${id}: ${String(error)}`);
    predictions[id] = { articleBody: '' };
  }
}
const elapsedMs = performance.now() - started;

const s = score(truth, predictions);
const f1Of = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
console.log(`dataset   ${datasetDir} (${s.n} pages)`);
console.log(`F1        ${s.f1.toFixed(4)}`);
console.log(`precision ${s.precision.toFixed(4)}`);
console.log(`recall    ${s.recall.toFixed(4)}`);
console.log(`accuracy  ${s.accuracy.toFixed(4)}`);
console.log(`speed     ${(pages.length / (elapsedMs / 1000)).toFixed(1)} pages/s (${elapsedMs.toFixed(0)} ms, extraction only, one core)`);
console.log(`pageKinds ${JSON.stringify(kinds)}`);
if (failures.length) console.log(`failures  ${failures.length}\n  ${failures.join('\n  ')}`);
const worst = ids
  .map((id) => ({ id, ...s.perDoc[id], f1: f1Of(s.perDoc[id].precision, s.perDoc[id].recall) }))
  .sort((a, b) => a.f1 - b.f1)
  .slice(0, worstCount);
console.log(`\n${worstCount} worst pages (F1 precision recall id url):`);
for (const w of worst) console.log(`${w.f1.toFixed(3)} ${w.precision.toFixed(3)} ${w.recall.toFixed(3)} ${w.id.slice(0, 12)} ${truth[w.id].url}`);
if (dumpFile) writeFileSync(dumpFile, JSON.stringify(predictions, null, 1));
if (costOutFile) {
  // Outside the timed loop: gzip as the crawler archives raw pages (zlib defaults).
  const gzipBytes = pages.reduce((sum, p) => sum + gzipSync(Buffer.from(p.html)).length, 0);
  const perArticle = articlePages ? evidenceParagraphs / articlePages : 0;
  const measurement = {
    source: `eval:extract ${datasetDir} (${articlePages} article pages of ${pages.length}), ${new Date().toISOString()}`,
    dedup: { evidenceParagraphsPerArticle: Number(perArticle.toFixed(2)) },
    s3: { rawBytesPerArticle: Math.round(gzipBytes / pages.length) },
  };
  writeFileSync(costOutFile, JSON.stringify(measurement, null, 2) + '\n');
  console.log(`\ncost inputs: ${perArticle.toFixed(2)} evidence paragraphs per article page, ${measurement.s3.rawBytesPerArticle} gzip bytes per page -> ${costOutFile}`);
}
const perPageF1 = Object.fromEntries(ids.map((id) => [id, f1Of(s.perDoc[id].precision, s.perDoc[id].recall)]));
if (saveFile) writeFileSync(saveFile, JSON.stringify(perPageF1));
if (compareFile && existsSync(compareFile)) {
  const before = JSON.parse(readFileSync(compareFile, 'utf8')) as Record<string, number>;
  const changed = ids.filter((id) => before[id] !== undefined && Math.abs(before[id] - perPageF1[id]) > 1e-4);
  console.log(`\nchanged against ${compareFile}: ${changed.length} pages`);
  for (const id of changed.sort((a, b) => perPageF1[a] - before[a] - (perPageF1[b] - before[b]))) {
    console.log(`${before[id].toFixed(3)} -> ${perPageF1[id].toFixed(3)} ${id.slice(0, 12)} ${truth[id].url}`);
  }
}
