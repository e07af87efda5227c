/**
 * Cost model: dollars per million articles and per month on AWS, from measured per-article request
 * counts (benchmark result files) and list prices. Every figure is printed with where it came
 * from: `measured (<file>)` or `assumed`. Prices and the file format are documented in docs/cost.md.
 *
 * Usage: npm run cost -- --articles-per-day 30000 [--measurements FILE ...] [--hosts 300]
 *        [--per-host-metrics all|watched] [--watched-hosts 0] [--months 12]
 *        [--set section.field=value ...] [--json]
 * Without --measurements it reads bench-results/{dedup,crawl,extract}.json when present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../infra/settings';

// ---------------------------------------------------------------------------------------------
// List prices, us-east-1, checked 2026-11-25 (sources and dates in docs/cost.md).
// ---------------------------------------------------------------------------------------------
export const PRICES = {
  /** Lambda arm64, first 7.5 billion GB-s per month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** DynamoDB on-demand, after the November 2024 price cut (50 % on throughput). */
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbStoragePerGbMonth: 0.25,
  dynamodbPitrPerGbMonth: 0.2,
  /** S3 Standard. */
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  s3StandardPerGbMonth: 0.023,
  /** SQS standard queue, per million requests (64 KB chunks) beyond the free tier. */
  sqsPerMillionRequests: 0.4,
  /** CloudWatch Logs standard class. */
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  /** CloudWatch custom metric (first 10,000), prorated hourly; EMF ingestion is billed as logs. */
  customMetricPerMonth: 0.3,
  /** Standard-resolution alarm, per metric it evaluates (a 2-metric math alarm costs 2). */
  alarmMetricPerMonth: 0.1,
  /** Per dashboard beyond the first three in the account. */
  dashboardPerMonth: 3,
  /** X-Ray traces recorded, per million. */
  xrayPerMillionTraces: 5,
  /** EventBridge Scheduler, per million invocations. */
  schedulerPerMillion: 1,
} as const;

// ---------------------------------------------------------------------------------------------
// Inputs: each has a default (assumed) value that a measurement file can replace.
// ---------------------------------------------------------------------------------------------
interface Input {
  value: number;
  unit: string;
  why: string;
  source: string;
}

/** Per-article inputs, keyed `section.field` as in the measurement files. */
export const DEFAULT_INPUTS: Record<string, Omit<Input, 'source'>> = {
  'dynamodb.writeUnitsPerArticle': {
    value: 50,
    unit: 'WRU',
    why: 'paragraph first-seen records + host counts + article record (+ GSI copy); bench:dedup on dynalite measured ~49 at 300 articles',
  },
  'dynamodb.readUnitsPerArticle': { value: 10, unit: 'RRU', why: 'previous record + paragraph lookups (bench:dedup ~9)' },
  'dynamodb.requestsPerArticle': { value: 53, unit: 'requests', why: 'informational; on-demand bills units, not requests' },
  'dynamodb.frontierWriteUnitsPerArticle': {
    value: 3,
    unit: 'WRU',
    why: 'URL claim in discover + crawl state update + host rate-limit slot (not in bench:dedup)',
  },
  'dynamodb.frontierReadUnitsPerArticle': { value: 1, unit: 'RRU', why: 'crawl state read (conditional GET data)' },
  'dynamodb.storageBytesPerArticle': {
    value: 6_000,
    unit: 'bytes',
    why: 'article record (~2 KB incl. GSI copy) + ~11 paragraph records of ~300 B + frontier item',
  },
  'crawl.billedMsPerArticle': {
    value: 1_200,
    unit: 'ms',
    why: 'Lambda bills wall time: fetch latency (~800 ms incl. robots/DNS/TLS) + extraction + DynamoDB/S3 round trips, URLs of a batch fetched one after another',
  },
  'crawl.memoryMb': { value: DEFAULT_SETTINGS.crawl.memoryMb, unit: 'MB', why: 'infra/settings.ts default' },
  'crawl.batchSize': { value: DEFAULT_SETTINGS.crawl.batchSize, unit: 'URLs/invocation', why: 'infra/settings.ts default' },
  'crawl.fetchAttemptsPerArticle': {
    value: 1.15,
    unit: 'fetches',
    why: 'retries, redirects to already-seen URLs and non-article pages spread over stored articles',
  },
  'discover.billedMsPerArticle': {
    value: 40,
    unit: 'ms',
    why: 'feed/sitemap fetch and parse amortised over the new URLs it yields',
  },
  'discover.memoryMb': { value: DEFAULT_SETTINGS.discover.memoryMb, unit: 'MB', why: 'infra/settings.ts default' },
  'discover.runsPerDay': { value: 24, unit: 'runs', why: 'rate(1 hour), the prod schedule' },
  's3.putsPerArticle': {
    value: 4,
    unit: 'PUT',
    why: 'raw page + clean JSON + Markdown + text rendering, as functions/pipeline/process-page.ts writes them',
  },
  's3.getsPerArticle': { value: 0.3, unit: 'GET', why: 'sources file per invocation, re-reads of previous clean copy on change' },
  's3.rawBytesPerArticle': { value: 30_000, unit: 'bytes', why: 'gzip/brotli-compressed HTML page (typical news page 100-300 KB raw)' },
  's3.cleanBytesPerArticle': {
    value: 20_000,
    unit: 'bytes',
    why: 'clean JSON (text + paragraphs with hashes + metadata, ~12 KB) + Markdown and text renderings (~4 KB each)',
  },
  'sqs.requestsPerArticle': {
    value: 0.6,
    unit: 'requests',
    why: 'SendMessageBatch (1/10) + ReceiveMessage (1/batch) + DeleteMessageBatch (1/batch) + delayed re-enqueues',
  },
  'logs.bytesPerArticle': {
    value: 1_500,
    unit: 'bytes',
    why: 'a few JSON log lines + EMF metric records + START/END/REPORT per invocation / batch size',
  },
  'xray.sampledFraction': { value: 0.05, unit: 'of invocations', why: 'X-Ray default rule: 1 request/s reservoir + 5 %' },
};

/** Flat files named after a bench map onto a section: `dedup.json` = `dynamodb.*`. */
const FILE_SECTION: Record<string, string> = { dedup: 'dynamodb', crawl: 'crawl', extract: 'crawl', discover: 'discover' };

/**
 * Reads one measurement file into `section.field` values. Nested (`{"dynamodb": {...}}`) or flat
 * (fields at the top level, section from the file name). Unknown fields are reported, not used.
 */
export function readMeasurements(file: string): { values: Record<string, number>; unknown: string[]; label: string } {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const base = path.basename(file, '.json');
  const values: Record<string, number> = {};
  const unknown: string[] = [];
  const take = (key: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (key in DEFAULT_INPUTS) values[key] = value;
    else unknown.push(key);
  };
  for (const [key, value] of Object.entries(raw)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) take(`${key}.${field}`, v);
    } else if (typeof value === 'number') {
      take(`${FILE_SECTION[base] ?? base}.${key}`, value);
    }
  }
  const label = typeof raw.source === 'string' ? `${path.relative(process.cwd(), file)}: ${raw.source}` : path.relative(process.cwd(), file);
  return { values, unknown, label };
}

export interface CostOptions {
  articlesPerDay: number;
  hosts: number;
  perHostMetrics: 'all' | 'watched';
  watchedHosts: number;
  months: number;
  inputs: Record<string, Input>;
}

export interface CostLine {
  component: string;
  dollars: number;
  detail: string;
}

/** Processing cost per million articles, storage cost per month, and fixed monthly costs. */
export function computeCosts(o: CostOptions) {
  const v = (key: string) => o.inputs[key].value;
  const perArticle: CostLine[] = [];
  const add = (component: string, dollarsPerArticle: number, detail: string) =>
    perArticle.push({ component, dollars: dollarsPerArticle * 1e6, detail });

  const crawlGbS = (v('crawl.billedMsPerArticle') / 1000) * (v('crawl.memoryMb') / 1024);
  add('Lambda crawl (GB-s)', crawlGbS * PRICES.lambdaArmPerGbSecond, `${crawlGbS.toFixed(3)} GB-s/article`);
  const discoverGbS = (v('discover.billedMsPerArticle') / 1000) * (v('discover.memoryMb') / 1024);
  add('Lambda discover (GB-s)', discoverGbS * PRICES.lambdaArmPerGbSecond, `${discoverGbS.toFixed(3)} GB-s/article`);
  const invocations = v('crawl.fetchAttemptsPerArticle') / v('crawl.batchSize');
  add('Lambda requests', (invocations * PRICES.lambdaPerMillionRequests) / 1e6, `${invocations.toFixed(2)} invocations/article`);

  const wru = v('dynamodb.writeUnitsPerArticle') + v('dynamodb.frontierWriteUnitsPerArticle');
  const rru = v('dynamodb.readUnitsPerArticle') + v('dynamodb.frontierReadUnitsPerArticle');
  add('DynamoDB writes', (wru * PRICES.dynamodbPerMillionWriteUnits) / 1e6, `${wru.toFixed(1)} WRU/article`);
  add('DynamoDB reads', (rru * PRICES.dynamodbPerMillionReadUnits) / 1e6, `${rru.toFixed(1)} RRU/article`);

  add('S3 PUT', (v('s3.putsPerArticle') * PRICES.s3PutPerThousand) / 1e3, `${v('s3.putsPerArticle')} PUT/article`);
  add('S3 GET', (v('s3.getsPerArticle') * PRICES.s3GetPerThousand) / 1e3, `${v('s3.getsPerArticle')} GET/article`);
  add('SQS requests', (v('sqs.requestsPerArticle') * PRICES.sqsPerMillionRequests) / 1e6, `${v('sqs.requestsPerArticle')} requests/article`);
  add('CloudWatch Logs ingest', (v('logs.bytesPerArticle') / 1e9) * PRICES.logsIngestPerGb, `${v('logs.bytesPerArticle')} B/article`);
  const traces = invocations * v('xray.sampledFraction');
  add('X-Ray traces', (traces * PRICES.xrayPerMillionTraces) / 1e6, `${traces.toFixed(3)} traces/article`);

  // Storage accrues: each month of articles adds to what is billed every month after.
  const s3Gb = (v('s3.rawBytesPerArticle') + v('s3.cleanBytesPerArticle')) / 1e9;
  const ddbGb = v('dynamodb.storageBytesPerArticle') / 1e9;
  const storagePerMillionPerMonth: CostLine[] = [
    { component: 'S3 Standard storage', dollars: s3Gb * 1e6 * PRICES.s3StandardPerGbMonth, detail: `${(s3Gb * 1e6).toFixed(1)} GB per million` },
    { component: 'DynamoDB storage', dollars: ddbGb * 1e6 * PRICES.dynamodbStoragePerGbMonth, detail: `${(ddbGb * 1e6).toFixed(1)} GB per million` },
    { component: 'DynamoDB PITR', dollars: ddbGb * 1e6 * PRICES.dynamodbPitrPerGbMonth, detail: 'continuous backups of the table size' },
  ];

  const metricCount = 1 + (o.perHostMetrics === 'all' ? o.hosts : o.watchedHosts);
  // 2 DLQ alarms + backlog age + recursion drops + no-articles (1 metric each) + 3 error-rate
  // alarms (2 metrics each) + extraction aggregate + watched hosts.
  const alarmMetrics = 5 + 3 * 2 + 1 + o.watchedHosts;
  const pollerRequestsPerMonth = 5 * 3 * 60 * 24 * 30; // 5 idle long-pollers, one 20 s poll each
  const fixedMonthly: CostLine[] = [
    { component: 'Custom metrics', dollars: metricCount * PRICES.customMetricPerMonth, detail: `${metricCount} metrics (ParagraphsPerArticle: aggregate + ${o.perHostMetrics === 'all' ? `${o.hosts} hosts` : `${o.watchedHosts} watched hosts`})` },
    { component: 'Alarms', dollars: alarmMetrics * PRICES.alarmMetricPerMonth, detail: `${alarmMetrics} alarm metrics` },
    { component: 'Dashboard', dollars: PRICES.dashboardPerMonth, detail: 'free if the account has fewer than 4 dashboards' },
    { component: 'SQS idle polling', dollars: (pollerRequestsPerMonth * PRICES.sqsPerMillionRequests) / 1e6, detail: `${pollerRequestsPerMonth} empty receives (event source pollers)` },
    { component: 'Scheduler', dollars: ((v('discover.runsPerDay') * 30) / 1e6) * PRICES.schedulerPerMillion, detail: `${v('discover.runsPerDay') * 30} invocations` },
  ];

  const sum = (lines: CostLine[]) => lines.reduce((n, l) => n + l.dollars, 0);
  const processingPerMillion = sum(perArticle);
  const storagePerMillionMonth = sum(storagePerMillionPerMonth);
  const fixedPerMonth = sum(fixedMonthly);
  const articlesPerMonth = o.articlesPerDay * 30;
  const millionsPerMonth = articlesPerMonth / 1e6;
  const logsStorage = ((articlesPerMonth * v('logs.bytesPerArticle')) / 1e9) * PRICES.logsStoragePerGbMonth;
  const monthly = {
    processing: processingPerMillion * millionsPerMonth,
    storageFirstMonth: storagePerMillionMonth * millionsPerMonth * 0.5 + logsStorage * 0.5,
    storageAfterMonths: storagePerMillionMonth * millionsPerMonth * o.months + logsStorage,
    fixed: fixedPerMonth,
  };
  // Ingesting a million articles: processing plus their share of this month's fixed costs.
  // Keeping them is a separate, monthly holding cost (storagePerMillionMonth).
  const allInPerMillion = processingPerMillion + fixedPerMonth / Math.max(millionsPerMonth, 1e-9);
  return { perArticle, storagePerMillionPerMonth, fixedMonthly, processingPerMillion, storagePerMillionMonth, fixedPerMonth, articlesPerMonth, monthly, allInPerMillion };
}

const money = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);

function main(): void {
  const { values } = parseArgs({
    options: {
      'articles-per-day': { type: 'string', default: '30000' },
      measurements: { type: 'string', multiple: true },
      hosts: { type: 'string', default: '300' },
      'per-host-metrics': { type: 'string', default: 'all' },
      'watched-hosts': { type: 'string', default: '0' },
      months: { type: 'string', default: '12' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, raw: string | undefined) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
    return n;
  };
  const perHostMetrics = values['per-host-metrics'];
  if (perHostMetrics !== 'all' && perHostMetrics !== 'watched') throw new Error('--per-host-metrics must be all or watched');

  const files =
    values.measurements ??
    ['dedup', 'crawl', 'extract', 'discover']
      .map((n) => path.join('bench-results', `${n}.json`))
      .filter((f) => fs.existsSync(f));
  const inputs: Record<string, Input> = {};
  for (const [key, d] of Object.entries(DEFAULT_INPUTS)) inputs[key] = { ...d, source: 'assumed' };
  const warnings: string[] = [];
  for (const file of files) {
    const m = readMeasurements(file);
    for (const [key, value] of Object.entries(m.values)) inputs[key] = { ...inputs[key], value, source: `measured (${m.label})` };
    if (m.unknown.length) warnings.push(`${file}: ignored unknown fields ${m.unknown.join(', ')}`);
  }
  // --set section.field=value: what-if overrides, labelled as such.
  for (const assignment of values.set ?? []) {
    const [key, raw] = assignment.split('=');
    if (!(key in DEFAULT_INPUTS)) throw new Error(`--set ${assignment}: unknown input; known: ${Object.keys(DEFAULT_INPUTS).join(', ')}`);
    inputs[key] = { ...inputs[key], value: num(`set ${key}`, raw), source: 'set on the command line (what-if)' };
  }

  const options: CostOptions = {
    articlesPerDay: num('articles-per-day', values['articles-per-day']),
    hosts: num('hosts', values.hosts),
    perHostMetrics,
    watchedHosts: num('watched-hosts', values['watched-hosts']),
    months: num('months', values.months),
    inputs,
  };
  const result = computeCosts(options);
  if (values.json) {
    console.log(JSON.stringify({ options, prices: PRICES, ...result }, null, 2));
    return;
  }

  console.log(`Cost model — us-east-1 list prices (docs/cost.md), ${options.articlesPerDay} articles/day = ${result.articlesPerMonth} per 30-day month`);
  console.log(files.length ? `measurement files: ${files.join(', ')}` : 'measurement files: none found (bench-results/*.json); every input below is an assumption');
  for (const w of warnings) console.log(`warning: ${w}`);
  console.log('\nInputs per stored article');
  for (const [key, input] of Object.entries(inputs)) {
    console.log(`  ${key.padEnd(40)} ${String(input.value).padStart(8)} ${input.unit.padEnd(16)} ${input.source === 'assumed' ? 'ASSUMED ' : input.source.startsWith('measured') ? 'MEASURED' : 'WHAT-IF '}  ${input.source === 'assumed' ? input.why : input.source}`);
  }
  console.log('\nPrices');
  for (const [key, price] of Object.entries(PRICES)) console.log(`  ${key.padEnd(32)} ${price}`);

  const table = (title: string, lines: CostLine[], unit: string) => {
    console.log(`\n${title}`);
    const total = lines.reduce((n, l) => n + l.dollars, 0);
    for (const l of [...lines].sort((a, b) => b.dollars - a.dollars)) {
      const share = total > 0 ? ((100 * l.dollars) / total).toFixed(0).padStart(3) : '  0';
      console.log(`  ${l.component.padEnd(26)} ${money(l.dollars).padStart(10)} ${unit}  ${share} %  ${l.detail}`);
    }
    console.log(`  ${'total'.padEnd(26)} ${money(total).padStart(10)} ${unit}`);
  };
  table('Processing, per million articles', result.perArticle, 'per M');
  table('Storage, per million articles kept, per month', result.storagePerMillionPerMonth, 'per M per month');
  table('Fixed, per month (independent of volume)', result.fixedMonthly, 'per month');

  const top = [...result.perArticle].sort((a, b) => b.dollars - a.dollars)[0];
  console.log('\nSummary');
  console.log(`  processing:                  ${money(result.processingPerMillion)} per million articles (dominated by ${top.component}, ${((100 * top.dollars) / result.processingPerMillion).toFixed(0)} %)`);
  console.log(`  all-in at this volume:       ${money(result.allInPerMillion)} per million articles ingested (processing + share of fixed monthly costs)`);
  console.log(`  keeping them:                ${money(result.storagePerMillionMonth)} per million articles per month (S3 + DynamoDB + PITR)`);
  console.log(`  per month at this volume:    processing ${money(result.monthly.processing)} + fixed ${money(result.monthly.fixed)} + storage ${money(result.monthly.storageFirstMonth)} in month 1, ${money(result.monthly.storageAfterMonths)} after ${options.months} months`);
  console.log(`  goal (issue): under $20 per million all-in: ${result.allInPerMillion < 20 ? 'met' : 'NOT met'} with these inputs`);
  console.log('  not included: Athena ($5/TB scanned, per query), data transfer out (none in normal operation), free tiers');
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) main();
