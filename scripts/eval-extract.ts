/**
 * Scores the extractor on article-extraction datasets (default: the three shared dev sets).
 *
 * usage: npm run eval:extract -- [DATASET_DIR...] [--metric shingles|wcxb] [--worst N] [--dump FILE]
 *          [--save FILE] [--compare FILE] [--cost-out FILE]
 *   DATASET_DIR     one or more; default ../shared/datasets/{scrapinghub,fundus-dev,wcxb-dev}
 *   --metric        force one metric for every dataset; by default a dataset whose ground truth
 *                   carries WCXB's with/without snippets is scored with WCXB's word metric (and
 *                   the shingle metric beside it), the others with the shingle metric
 *   --dump FILE     write the predictions ({ id: { articleBody } }) for the scorer; with several
 *                   datasets the dataset name goes before the extension (preds.wcxb-dev.json)
 *   --cost-out FILE write what real pages mean for the cost model (first dataset only): evidence
 *                   paragraphs (each one paragraph write in the dedup index) and gzip bytes per page
 *   --save FILE     write per-page F1 of every dataset for a later --compare
 *   --compare FILE  list pages whose F1 changed against a saved run
 * DATASET_DIR holds `html/<id>.html.gz` and `ground-truth.json` ({ id: { articleBody, url } }).
 * Pages whose ground-truth body is mostly Chinese, Japanese or Korean are reported apart: the
 * scorer's tokenizer makes a run of CJK characters one token, so their figures are not comparable.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { joinParagraphs } from '../functions/core/article';
import { isEvidenceParagraph } from '../functions/core/dedup/paragraph-hash';
import { extractArticle } from '../functions/core/extract/index';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const VALUE_FLAGS = new Set(['--metric', '--worst', '--dump', '--save', '--compare', '--cost-out']);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && VALUE_FLAGS.has(args[i - 1])));
const defaultSets = ['scrapinghub', 'fundus-dev', 'wcxb-dev'].map((name) =>
  join(projectRoot, '..', 'shared', 'datasets', name),
);
const datasetDirs = (positional.length > 0 ? positional : defaultSets).map((d) => resolve(d));
const worstCount = Number(flag('--worst') ?? 10);
const dumpFile = flag('--dump');
const saveFile = flag('--save');
const compareFile = flag('--compare');
const costOutFile = flag('--cost-out');
const forcedMetric = flag('--metric');
if (forcedMetric !== undefined && forcedMetric !== 'wcxb' && forcedMetric !== 'shingles') {
  console.error(`eval-extract: --metric must be "wcxb" or "shingles", got "${forcedMetric}"`);
  process.exit(2);
}

/** Share of a ground-truth body's letters in CJK scripts above which the page is reported apart. */
const CJK_PAGE_MIN_SHARE = 0.3;

type Truth = Record<string, { articleBody: string; url: string; with?: string[]; without?: string[] }>;
type Predictions = Record<string, { articleBody: string }>;
interface DocScore {
  precision: number;
  recall: number;
}
interface Scorer {
  score: (
    t: Truth,
    p: Predictions,
  ) => {
    f1: number;
    precision: number;
    recall: number;
    accuracy: number;
    n: number;
    perDoc: Record<string, DocScore>;
  };
  scoreWords?: (
    t: Truth,
    p: Predictions,
  ) => {
    f1: number;
    precision: number;
    recall: number;
    withShare: number;
    withoutShare: number;
    n: number;
    perDoc: Record<string, DocScore & { f1: number }>;
  };
}

const f1Of = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const pad = (label: string): string => label.padEnd(12);

function isCjkBody(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const cjk = text.match(/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/gu)?.length ?? 0;
  return letters > 0 && cjk / letters >= CJK_PAGE_MIN_SHARE;
}

function withName(file: string, name: string): string {
  if (datasetDirs.length === 1) return file;
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.${name}${ext || '.json'}`;
}

const saved: Record<string, Record<string, number>> = {};
const comparedAgainst: Record<string, Record<string, number>> | undefined =
  compareFile && existsSync(compareFile)
    ? (JSON.parse(readFileSync(compareFile, 'utf8')) as Record<string, Record<string, number>>)
    : undefined;
if (compareFile && !comparedAgainst)
  console.error(`eval-extract: --compare file ${compareFile} not found; nothing to compare`);

const summary: string[] = [];
let missingSets = 0;
for (const [setIndex, datasetDir] of datasetDirs.entries()) {
  const name = basename(datasetDir);
  const truthPath = join(datasetDir, 'ground-truth.json');
  if (!existsSync(truthPath)) {
    console.error(
      `eval-extract: dataset "${name}" missing: no ground-truth.json in ${datasetDir} (expected ground-truth.json and html/<id>.html.gz); skipped.`,
    );
    missingSets++;
    continue;
  }
  const scorerPath = process.env.SCORER ?? join(datasetDir, '..', '..', 'tools', 'score-extraction.mjs');
  if (!existsSync(scorerPath)) {
    console.error(
      `eval-extract: scorer not found at ${scorerPath}; set SCORER=/path/to/score-extraction.mjs`,
    );
    process.exit(2);
  }
  const scorer = (await import(scorerPath)) as Scorer;
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
  const ids = Object.keys(truth);
  const hasSnippets = ids.some((id) => Array.isArray(truth[id].with));
  const metric = forcedMetric ?? (hasSnippets ? 'wcxb' : 'shingles');
  if (metric === 'wcxb' && !scorer.scoreWords) {
    console.error(`eval-extract: the scorer at ${scorerPath} has no WCXB metric (scoreWords)`);
    process.exit(2);
  }

  const pages = ids.map((id) => {
    const file = join(datasetDir, 'html', `${id}.html.gz`);
    const plain = join(datasetDir, 'html', `${id}.html`);
    const html = existsSync(file)
      ? gunzipSync(readFileSync(file)).toString('utf8')
      : existsSync(plain)
        ? readFileSync(plain, 'utf8')
        : '';
    return { id, html };
  });

  const predictions: Predictions = {};
  const kinds: Record<string, number> = {};
  const sources: Record<string, number> = {};
  const failures: string[] = [];
  let evidenceParagraphs = 0;
  let articlePages = 0;
  const started = performance.now();
  for (const { id, html } of pages) {
    try {
      const result = extractArticle(html, { url: truth[id].url });
      predictions[id] = { articleBody: joinParagraphs(result.paragraphs) };
      kinds[result.pageKind] = (kinds[result.pageKind] ?? 0) + 1;
      const source = result.bodySource ?? 'none';
      sources[source] = (sources[source] ?? 0) + 1;
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

  const cjkIds = ids.filter((id) => isCjkBody(truth[id].articleBody));
  const cjkSet = new Set(cjkIds);
  const otherIds = ids.filter((id) => !cjkSet.has(id));
  const subset = (keep: readonly string[]): Truth => Object.fromEntries(keep.map((id) => [id, truth[id]]));

  console.log(`\n== ${name} (${ids.length} pages, ${datasetDir})`);
  const perPageF1: Record<string, number> = {};
  const report = (label: string, keep: readonly string[]): void => {
    if (keep.length === 0) return;
    const t = subset(keep);
    const s = scorer.score(t, predictions);
    const line = `F1 ${s.f1.toFixed(4)}  precision ${s.precision.toFixed(4)}  recall ${s.recall.toFixed(4)}  accuracy ${s.accuracy.toFixed(4)}`;
    if (metric === 'wcxb' && scorer.scoreWords) {
      const w = scorer.scoreWords(t, predictions);
      console.log(
        `${pad(label)} n=${keep.length} wcxb F1 ${w.f1.toFixed(4)}  precision ${w.precision.toFixed(4)}  recall ${w.recall.toFixed(4)}  with ${(100 * w.withShare).toFixed(1)}%  without ${(100 * w.withoutShare).toFixed(1)}%`,
      );
      console.log(`${pad('')} shingles ${line}`);
      for (const id of keep) perPageF1[id] = w.perDoc[id].f1;
      summary.push(
        `${name}${label === 'all' ? '' : ` ${label}`}: wcxb F1 ${w.f1.toFixed(4)} (shingle F1 ${s.f1.toFixed(4)})`,
      );
    } else {
      console.log(`${pad(label)} n=${keep.length} ${line}`);
      for (const id of keep) perPageF1[id] = f1Of(s.perDoc[id].precision, s.perDoc[id].recall);
      summary.push(`${name}${label === 'all' ? '' : ` ${label}`}: F1 ${s.f1.toFixed(4)}`);
    }
  };
  report('all', ids);
  const summaryLine = summary.length - 1;
  if (cjkIds.length > 0) {
    // Per-page F1 of the subsets equals the full run's; only the means differ.
    report('non-CJK', otherIds);
    report('CJK', cjkIds);
  }
  const withBody = ids.filter((id) => /[\p{L}\p{N}]/u.test(truth[id].articleBody));
  const emptyIds = withBody.filter((id) => !/[\p{L}\p{N}]/u.test(predictions[id].articleBody));
  const fallbackPages = sources.fallback ?? 0;
  console.log(
    `${pad('empty body')} ${emptyIds.length} of ${withBody.length} pages with a ground-truth body (${((100 * emptyIds.length) / Math.max(1, withBody.length)).toFixed(1)}%)${emptyIds.length ? `: ${emptyIds.slice(0, 10).join(' ')}` : ''}`,
  );
  console.log(
    `${pad('fallback')} fired on ${fallbackPages} of ${ids.length} pages (${((100 * fallbackPages) / ids.length).toFixed(1)}%); body sources ${JSON.stringify(sources)}`,
  );
  console.log(`${pad('pageKinds')} ${JSON.stringify(kinds)}`);
  console.log(
    `${pad('speed')} ${(pages.length / (elapsedMs / 1000)).toFixed(1)} pages/s (${elapsedMs.toFixed(0)} ms, extraction only, one core)`,
  );
  summary[summaryLine] += `, empty ${emptyIds.length}/${withBody.length}, fallback ${fallbackPages}`;
  if (failures.length) console.log(`${pad('failures')} ${failures.length}\n  ${failures.join('\n  ')}`);
  if (worstCount > 0) {
    const worst = ids
      .map((id) => ({ id, f1: perPageF1[id] }))
      .sort((a, b) => a.f1 - b.f1)
      .slice(0, worstCount);
    console.log(`${worstCount} worst pages (F1 id url):`);
    for (const w of worst) console.log(`  ${w.f1.toFixed(3)} ${w.id.slice(0, 28)} ${truth[w.id].url}`);
  }
  if (dumpFile) writeFileSync(withName(dumpFile, name), JSON.stringify(predictions, null, 1));
  if (costOutFile && setIndex === 0) {
    // Outside the timed loop: gzip as the crawler archives raw pages (zlib defaults).
    const gzipBytes = pages.reduce((sum, p) => sum + gzipSync(Buffer.from(p.html)).length, 0);
    const perArticle = articlePages ? evidenceParagraphs / articlePages : 0;
    const measurement = {
      source: `eval:extract ${datasetDir} (${articlePages} article pages of ${pages.length}), ${new Date().toISOString()}`,
      dedup: { evidenceParagraphsPerArticle: Number(perArticle.toFixed(2)) },
      s3: { rawBytesPerArticle: Math.round(gzipBytes / pages.length) },
    };
    writeFileSync(costOutFile, `${JSON.stringify(measurement, null, 2)}\n`);
    console.log(
      `cost inputs: ${perArticle.toFixed(2)} evidence paragraphs per article page, ${measurement.s3.rawBytesPerArticle} gzip bytes per page -> ${costOutFile}`,
    );
  }
  saved[name] = perPageF1;
  const before = comparedAgainst?.[name];
  if (before) {
    const changed = ids.filter(
      (id) => before[id] !== undefined && Math.abs(before[id] - perPageF1[id]) > 1e-4,
    );
    const gain = changed.reduce((n, id) => n + perPageF1[id] - before[id], 0);
    console.log(
      `changed against ${compareFile}: ${changed.length} pages (sum of F1 changes ${gain >= 0 ? '+' : ''}${gain.toFixed(3)})`,
    );
    for (const id of changed.sort((a, b) => perPageF1[a] - before[a] - (perPageF1[b] - before[b]))) {
      console.log(
        `  ${before[id].toFixed(3)} -> ${perPageF1[id].toFixed(3)} ${id.slice(0, 28)} ${truth[id].url}`,
      );
    }
  }
}
if (saveFile) writeFileSync(saveFile, JSON.stringify(saved));
if (summary.length > 1) console.log(`\nsummary\n  ${summary.join('\n  ')}`);
if (missingSets === datasetDirs.length) {
  console.error(
    'eval-extract: no dataset found. Pass dataset directories: npm run eval:extract -- /path/to/scrapinghub',
  );
  process.exit(2);
}
