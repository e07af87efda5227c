/**
 * Full-text search and local SQL at archive scale: builds a clean archive of N articles (the demo
 * publishers' clean lines, copied under new ids over 30 days, one bundle per 25 lines), then
 * measures the search index's first catch-up (lines/s), a catch-up with nothing new, search
 * latency (median and worst of the queries below) and one `query sql` aggregate over the archive.
 *
 * usage: npm run bench:search -- [--articles N] [--keep DIR]
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbArchiveSql } from '../functions/adapters/duckdb/duckdb-archive-sql';
import { SqliteArchiveSearch } from '../functions/adapters/sqlite-search/sqlite-archive-search';
import { runDemo } from '../functions/cli/commands/demo';
import { loadConfig } from '../functions/config';
import { searchArticles } from '../functions/query/search';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const articles = Number(option('--articles') ?? 20_000);
const LINES_PER_BUNDLE = 25;
const DAYS = 30;
const QUERIES = [
  'bridge',
  'harbour bridge',
  '"transit fares"',
  'council*',
  'mercado nocturno',
  'Fernwärme',
  'zeppelin',
];

const root = await mkdtemp(join(tmpdir(), 'bench-search-'));
try {
  const demoDir = join(root, 'demo');
  const log = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  await runDemo(loadConfig({ DATA_DIR: demoDir }), { concurrency: 1, verbose: false, progressBar: false });
  process.stdout.write = log;
  const demoClean = join(demoDir, 'archive', 'clean');
  const samples: Array<Record<string, unknown>> = [];
  for (const day of await readdir(demoClean))
    for (const f of await readdir(join(demoClean, day)))
      for (const l of (await readFile(join(demoClean, day, f), 'utf8')).trimEnd().split('\n'))
        samples.push(JSON.parse(l));

  const cleanDir = join(root, 'archive', 'clean');
  let bytes = 0;
  for (let start = 0; start < articles; start += LINES_PER_BUNDLE) {
    const lines: string[] = [];
    const day = new Date(Date.UTC(2026, 10, 1) + (Math.floor(start / LINES_PER_BUNDLE) % DAYS) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    for (let i = start; i < Math.min(articles, start + LINES_PER_BUNDLE); i++) {
      const sample = samples[i % samples.length];
      lines.push(JSON.stringify({ ...sample, id: i.toString(16).padStart(32, '0'), day }));
    }
    await mkdir(join(cleanDir, `dt=${day}`), { recursive: true });
    const text = `${lines.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    await writeFile(join(cleanDir, `dt=${day}`, `bundle-${String(start).padStart(8, '0')}.jsonl`), text);
  }
  console.log(
    `archive: ${articles} lines, ${(bytes / 1e6).toFixed(1)} MB in ${Math.ceil(articles / LINES_PER_BUNDLE)} bundles over ${DAYS} days`,
  );

  const file = join(root, 'search.sqlite');
  const search = await SqliteArchiveSearch.open({ file, cleanDir, nowMs: () => Date.now() + 60_000 });
  let t = performance.now();
  const { linesRead } = await search.catchUp();
  const buildMs = performance.now() - t;
  console.log(
    `first catch-up: ${linesRead} lines in ${(buildMs / 1000).toFixed(2)} s = ${Math.round(linesRead / (buildMs / 1000))} lines/s; index file ${((await stat(file)).size / 1e6).toFixed(1)} MB`,
  );
  t = performance.now();
  await search.catchUp();
  console.log(`catch-up with nothing new: ${(performance.now() - t).toFixed(2)} ms`);
  const times: number[] = [];
  for (let round = 0; round < 3; round++)
    for (const q of QUERIES) {
      t = performance.now();
      await searchArticles(search, { q, limit: 20 });
      times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  console.log(
    `search (limit 20, catch-up included), ${times.length} queries: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, worst ${times.at(-1)!.toFixed(1)} ms`,
  );
  await search.close();

  const sql = await DuckDbArchiveSql.open({ cleanDir });
  t = performance.now();
  await sql.query(
    'SELECT host, count(*) AS articles, count(copyof) AS copies FROM clean_latest GROUP BY host',
    {
      maxRows: 100,
      timeoutMs: 600_000,
    },
  );
  console.log(`query sql (clean_latest, group by host): ${(performance.now() - t).toFixed(0)} ms`);
  await sql.close();
} finally {
  if (!args.includes('--keep')) await rm(root, { recursive: true, force: true });
}
