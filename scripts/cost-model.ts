/**
 * Cost model: dollars per million articles and per month on AWS, from measured per-article figures
 * (benchmark result files) and list prices. Every input is printed with where it came from:
 * MEASURED (file and run), ASSUMED (with the reasoning), CODE or SETTING (what the code or the
 * stack defaults do) or WHAT-IF (--set). Prices and the file formats are documented in docs/cost.md.
 *
 * Usage: npm run cost -- --articles-per-day 30000 [--measurements FILE ...] [--hosts 300]
 *        [--per-host-metrics watched|all] [--watched-hosts 0] [--months 12]
 *        [--set section.field=value ...] [--json]
 * Without --measurements it reads bench-results/{crawl,extract,discover,pipeline}.json when present:
 * `bench:crawl` (its own shape, see readCrawlBench) and `bench:pipeline` (nested `section.field`
 * figures for the whole AWS path, read last so they win). `bench:dedup --out` files (flat DynamoDB
 * figures of dedup alone) can be given with --measurements.
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
  /**
   * S3 Intelligent-Tiering (raw bundles are written into it): objects not read for 30 days move to
   * the Infrequent Access tier, after 90 days to Archive Instant Access; no transition or retrieval
   * fees; objects of 128 KB or more pay a monitoring fee per 1,000 objects per month.
   */
  s3IntelligentTieringInfrequentPerGbMonth: 0.0125,
  s3IntelligentTieringArchiveInstantPerGbMonth: 0.004,
  s3IntelligentTieringMonitoringPerThousandObjects: 0.0025,
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
// Inputs: each has a default that a measurement file or --set can replace. `basis` says where the
// default comes from: `assumed` (an estimate, with its reasoning), `code` (what the code does,
// with the file), `settings` (infra/settings.ts defaults).
// ---------------------------------------------------------------------------------------------
type Basis = 'assumed' | 'code' | 'settings';
interface InputDefault {
  value: number;
  unit: string;
  why: string;
  basis: Basis;
}
interface Input extends InputDefault {
  /** `assumed`, `code`, `settings`, `measured (<file>: <source>)` or `set on the command line (what-if)`. */
  source: string;
}

/**
 * Lambda allocates CPU in proportion to memory: 1,769 MB is one full vCPU (AWS Lambda docs,
 * "Configure Lambda function memory"). Below it, single-threaded JavaScript runs proportionally slower.
 */
export const LAMBDA_MB_PER_VCPU = 1_769;

/** Per-article inputs, keyed `section.field` as in the measurement files. */
export const DEFAULT_INPUTS: Record<string, InputDefault> = {
  'dynamodb.writeUnitsPerArticle': {
    value: 25,
    unit: 'WRU',
    basis: 'assumed',
    why: 'every DynamoDB write per stored article: discovery claims, crawl state, host rate limiting, paragraphs, article record, copy links, fingerprints (npm run bench:pipeline measures it)',
  },
  'dynamodb.paragraphsPerArticleMeasured': {
    value: 18,
    unit: 'paragraphs',
    basis: 'assumed',
    why: 'evidence paragraphs per article in the run that measured the DynamoDB units (bench:pipeline writes it); equal to dedup.evidenceParagraphsPerArticle when no run is read, so nothing is scaled',
  },
  'dedup.evidenceParagraphsPerArticle': {
    value: 18,
    unit: 'paragraphs',
    basis: 'assumed',
    why: 'evidence paragraphs (8+ words) per real article page: each is one paragraph write and one lookup read in the dedup index (npm run eval:extract -- --cost-out measures it on the dev set)',
  },
  'dynamodb.readUnitsPerArticle': { value: 6, unit: 'RRU', basis: 'assumed', why: 'crawl state, previous record, paragraph lookups, candidates (bench:pipeline measures it)' },
  'dynamodb.requestsPerArticle': { value: 25, unit: 'requests', basis: 'assumed', why: 'informational; on-demand bills units, not requests' },
  'dynamodb.storageBytesPerArticle': {
    value: 8_000,
    unit: 'bytes',
    basis: 'assumed',
    why: 'paragraph, article, copy-link, fingerprint and frontier items with the 100-byte per-item overhead (bench:pipeline measures it)',
  },
  // Crawl Lambda time. The handler processes a batch's URLs in parallel (functions/handlers/crawl.ts),
  // so an invocation lasts about as long as its slowest fetch plus one URL's storage round trips, plus
  // the batch's CPU work, which shares the one JavaScript thread.
  'crawl.fetchWallMsPerBatch': {
    value: 2_000,
    unit: 'ms/invocation',
    basis: 'assumed',
    why: 'the slowest of a batch\'s parallel fetches (publisher TTFB + download, DNS/TLS, robots.txt once per host and container): the typical maximum of 10 fetches is about their p93 (0.5^(1/10))',
  },
  'crawl.storeWallMsPerBatch': {
    value: 300,
    unit: 'ms/invocation',
    basis: 'assumed',
    why: 'one URL\'s sequential DynamoDB (~20 requests x ~8 ms) and S3 (2 PUTs x ~40 ms) round trips; the batch\'s URLs overlap',
  },
  'crawl.politenessWaitMsPerBatch': {
    value: 700,
    unit: 'ms/invocation',
    basis: 'assumed',
    why: 'inline waits for a host\'s next slot when URLs of one host share a batch of 10 (capped at MAX_INLINE_WAIT_MS = 2 s in aws-deps.ts; longer waits go back to SQS)',
  },
  'crawl.cpuMsPerArticle': {
    value: 60,
    unit: 'ms (1 vCPU)',
    basis: 'assumed',
    why: 'decode + parse + extraction + hashing + JSON on one full core; bench:crawl measures an upper bound (it also runs discovery and the embedded dynalite)',
  },
  'crawl.memoryMb': { value: DEFAULT_SETTINGS.crawl.memoryMb, unit: 'MB', basis: 'settings', why: 'infra/settings.ts crawl.memoryMb' },
  'crawl.batchSize': { value: DEFAULT_SETTINGS.crawl.batchSize, unit: 'URLs/invocation', basis: 'settings', why: 'infra/settings.ts crawl.batchSize' },
  'crawl.fetchAttemptsPerArticle': {
    value: 1.15,
    unit: 'messages',
    basis: 'assumed',
    why: 'crawl messages per stored article: retries, politeness deferrals, redirects to seen URLs, non-article pages',
  },
  'discover.billedMsPerArticle': {
    value: 40,
    unit: 'ms',
    basis: 'assumed',
    why: 'feed/sitemap fetch and parse amortised over the new URLs it yields',
  },
  'discover.memoryMb': { value: DEFAULT_SETTINGS.discover.memoryMb, unit: 'MB', basis: 'settings', why: 'infra/settings.ts discover.memoryMb' },
  'discover.runsPerDay': { value: 24, unit: 'runs', basis: 'settings', why: 'rate(1 hour), the prod schedule (cdk.json)' },
  's3.putsPerArticle': {
    value: 1 + 1 / DEFAULT_SETTINGS.crawl.batchSize,
    unit: 'PUT',
    basis: 'code',
    why: 'the clean JSON copy, plus one raw-page bundle per crawl invocation (functions/pipeline/process-page.ts); renderings only when writeRenderings, false on AWS',
  },
  's3.getsPerArticle': { value: 0.05, unit: 'GET', basis: 'assumed', why: 'the sources file per container start, a previous clean copy on change' },
  's3.rawObjectsPerArticle': {
    value: 1 / DEFAULT_SETTINGS.crawl.batchSize,
    unit: 'objects',
    basis: 'code',
    why: `one raw bundle per crawl invocation of ${DEFAULT_SETTINGS.crawl.batchSize} pages, written into Intelligent-Tiering; bundles over 128 KB pay its monitoring fee every month they are kept`,
  },
  's3.rawBytesPerArticle': { value: 30_000, unit: 'bytes', basis: 'assumed', why: 'gzip-compressed HTML page (typical news page 100-300 KB raw)' },
  's3.cleanBytesPerArticle': {
    value: 12_000,
    unit: 'bytes',
    basis: 'assumed',
    why: 'clean JSON only (text + paragraphs with hashes + metadata); no stored renderings on AWS',
  },
  'sqs.requestsPerArticle': {
    value: 0.6,
    unit: 'requests',
    basis: 'assumed',
    why: 'SendMessageBatch (1/10) + ReceiveMessage (1/batch) + DeleteMessageBatch (1/batch) + delayed re-enqueues',
  },
  'logs.bytesPerArticle': {
    value: 1_500,
    unit: 'bytes',
    basis: 'assumed',
    why: 'a few JSON log lines + EMF metric records + START/END/REPORT per invocation / batch size',
  },
  'metrics.reasonSeries': {
    value: 15,
    unit: 'series',
    basis: 'assumed',
    why: 'Failures/Skipped series by `reason` dimension seen in a month (about 25 reasons exist in functions/fetch and pipeline; billed only in hours they occur)',
  },
  'xray.sampledFraction': { value: 0.05, unit: 'of invocations', basis: 'assumed', why: 'X-Ray default rule: 1 request/s reservoir + 5 %' },
};

/**
 * Inputs a measurement file or --set may give although no default exists: they replace a figure
 * the model otherwise derives (`crawl.billedMsPerArticle`, e.g. from a deployed run's REPORT lines).
 */
export const OVERRIDE_ONLY_INPUTS: Record<string, { unit: string; why: string }> = {
  'crawl.billedMsPerArticle': { unit: 'ms', why: 'crawl Lambda billed ms per stored article; replaces the batch model' },
};

/** Flat files named after a bench map onto a section: `dedup.json` = `dynamodb.*`. */
/** Fields of a nested measurement file that describe the run and are not inputs. */
const DESCRIPTIVE_FIELDS = new Set(['info']);
const FILE_SECTION: Record<string, string> = { dedup: 'dynamodb', crawl: 'crawl', extract: 'crawl', discover: 'discover' };

const isKnown = (key: string) => key in DEFAULT_INPUTS || key in OVERRIDE_ONLY_INPUTS;

/** What a measurement file says beyond its inputs: notes and checks printed with the results. */
export interface MeasurementNote {
  text: string;
}

/**
 * `bench:crawl` output (scripts/bench-crawl.ts, flat): the local pipeline on loopback in one Node
 * process. Its `msPerArticle` at high concurrency is the process's busy time per article, an upper
 * bound of the CPU work (it includes discovery and the embedded dynalite), unless the run was held
 * back by the politeness floor. Fetch latency on loopback says nothing about publishers, so no
 * wall-time figure is taken from it.
 */
function readCrawlBench(raw: Record<string, unknown>): { values: Record<string, number>; notes: string[]; used: Set<string> } {
  const num = (k: string) => (typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : undefined);
  const values: Record<string, number> = {};
  const notes: string[] = [];
  const used = new Set<string>();
  const ms = num('msPerArticle');
  const wall = num('wallSeconds');
  const articles = num('articles') ?? num('articlesStored');
  const hosts = num('hosts');
  const interval = num('hostIntervalMs');
  if (ms !== undefined) {
    used.add('msPerArticle');
    const floorSeconds = articles && hosts && interval !== undefined ? ((articles / hosts) * interval) / 1000 : undefined;
    // Within 1.5x of the politeness floor the run mostly waited: its time per article is not work.
    if (wall !== undefined && floorSeconds !== undefined && wall < 1.5 * floorSeconds) {
      notes.push(`bench:crawl msPerArticle ${ms} not used: wall ${wall} s is within 1.5x of the politeness floor ${floorSeconds.toFixed(1)} s`);
    } else {
      values['crawl.cpuMsPerArticle'] = ms;
      notes.push(
        `crawl.cpuMsPerArticle = bench:crawl msPerArticle (${ms} ms): busy time per article of one local process at concurrency ${num('concurrency') ?? '?'}` +
          ` (politeness floor ${floorSeconds?.toFixed(1) ?? '?'} s of ${wall ?? '?'} s wall); an upper bound, as it includes discovery and the embedded dynalite`,
      );
    }
  }
  const rss = num('peakRssMb');
  if (rss !== undefined) {
    used.add('peakRssMb');
    notes.push(
      `bench:crawl peak RSS ${rss} MB at concurrency ${num('concurrency') ?? '?'}: the local pipeline's process with the embedded database, not a Lambda ` +
        `(bench:pipeline's info.peakRssMb is the handlers' bound; crawl.memoryMb is ${DEFAULT_SETTINGS.crawl.memoryMb}: check Max Memory Used on a deployed run)`,
    );
  }
  const requests = num('requests');
  const stored = num('articlesStored');
  if (requests !== undefined && stored) {
    used.add('requests');
    notes.push(`bench:crawl ${(requests / stored).toFixed(2)} HTTP requests per stored article (synthetic sites: no retries, no redirects; informational, a lower bound)`);
  }
  for (const k of ['failures', 'skipped']) {
    const n = num(k);
    if (n === undefined) continue;
    used.add(k);
    if (n > 0) notes.push(`bench:crawl reported ${n} ${k}`);
  }
  // Descriptive fields of the run itself.
  for (const k of ['articles', 'hosts', 'articlesStored', 'wallSeconds', 'articlesPerSecond', 'concurrency', 'hostIntervalMs', 'maxRequestsPerHostPerSecond', 'configuredLimitPerHostPerSecond']) {
    if (k in raw) used.add(k);
  }
  return { values, notes, used };
}

/**
 * Reads one measurement file into `section.field` values. Nested (`{"dynamodb": {...}}`) or flat
 * (fields at the top level, section from the file name); `bench:crawl`'s own output is recognised
 * by its fields. Unknown fields are reported, not used.
 */
export function readMeasurements(file: string): { values: Record<string, number>; unknown: string[]; label: string; notes: string[] } {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const base = path.basename(file, '.json');
  const values: Record<string, number> = {};
  const unknown: string[] = [];
  const notes: string[] = [];
  const take = (key: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (isKnown(key)) values[key] = value;
    else unknown.push(key);
  };
  // A flat file's section: from its name (dedup.json), else from its `source` ("bench:dedup ...").
  const benchName = typeof raw.source === 'string' ? /^bench:(\w+)/.exec(raw.source)?.[1] : undefined;
  const flatSection = FILE_SECTION[base] ?? (benchName ? FILE_SECTION[benchName] : undefined) ?? base;
  const isCrawlBench = typeof raw.msPerArticle === 'number' && typeof raw.articlesStored === 'number';
  const crawl = isCrawlBench ? readCrawlBench(raw) : undefined;
  if (crawl) {
    Object.assign(values, crawl.values);
    notes.push(...crawl.notes);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (crawl?.used.has(key) || DESCRIPTIVE_FIELDS.has(key)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) take(`${key}.${field}`, v);
    } else if (typeof value === 'number') {
      take(`${flatSection}.${key}`, value);
    }
  }
  const described = typeof raw.source === 'string' ? raw.source : typeof raw.measuredAt === 'string' ? `measured ${raw.measuredAt}` : undefined;
  const label = described ? `${path.relative(process.cwd(), file)}: ${described}` : path.relative(process.cwd(), file);
  return { values, unknown, label, notes };
}

/**
 * Alarm metrics the stack creates (each standard alarm bills per metric it evaluates):
 * 3 DLQ alarms, crawl backlog age, 2 recursion-drop alarms (crawl, reprocess), no-articles
 * (1 metric each); 4 error-rate alarms (errors / invocations: 2 metrics each); the aggregate
 * extraction alarm; one per watched host. test/scripts/cost-model.test.ts checks this against
 * the synthesized stack.
 */
export function alarmMetricCount(watchedHosts: number, noArticlesAlarm = true): number {
  return 3 + 1 + 2 + (noArticlesAlarm ? 1 : 0) + 4 * 2 + 1 + watchedHosts;
}

/** SQS event source mappings (crawl, reprocess), each long-polling while idle. */
export const EVENT_SOURCE_MAPPINGS = 2;
/**
 * Aggregate custom metric series of the crawl handler (functions/handlers/lambda-observability.ts):
 * PagesFetched, ArticlesStored, ParagraphsRepeated, ParagraphsNew, SyndicatedArticles,
 * ParagraphsPerArticle, PagesUnchanged, Deferred.
 */
export const AGGREGATE_METRIC_SERIES = 8;
/** Series per host with its own metrics: ParagraphsPerArticle and BoilerplateRatio. */
export const SERIES_PER_HOST = 2;

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

/**
 * Crawl Lambda billed ms per stored article: one invocation lasts its slowest fetch + one URL's
 * storage round trips + inline politeness waits + the CPU work of all its URLs (one JavaScript
 * thread, slowed below a full vCPU); each stored article takes `fetchAttemptsPerArticle` messages.
 * A `crawl.billedMsPerArticle` input (measured on AWS) replaces the derivation.
 */
export function crawlBilledMsPerArticle(inputs: Record<string, Input>): { ms: number; detail: string } {
  const v = (key: string) => inputs[key].value;
  if (inputs['crawl.billedMsPerArticle']) {
    return { ms: v('crawl.billedMsPerArticle'), detail: `crawl.billedMsPerArticle (${inputs['crawl.billedMsPerArticle'].source})` };
  }
  const cpuSlowdown = Math.max(1, LAMBDA_MB_PER_VCPU / v('crawl.memoryMb'));
  const batch = v('crawl.batchSize');
  const cpuMs = batch * v('crawl.cpuMsPerArticle') * cpuSlowdown;
  const invocationMs = v('crawl.fetchWallMsPerBatch') + v('crawl.storeWallMsPerBatch') + v('crawl.politenessWaitMsPerBatch') + cpuMs;
  const ms = (invocationMs / batch) * v('crawl.fetchAttemptsPerArticle');
  return {
    ms,
    detail: `${invocationMs.toFixed(0)} ms per invocation of ${batch} URLs (CPU ${cpuMs.toFixed(0)} ms at ${(1 / cpuSlowdown).toFixed(2)} vCPU) x ${v('crawl.fetchAttemptsPerArticle')} messages/article`,
  };
}

/** Processing cost per million articles, storage cost per month, and fixed monthly costs. */
export function computeCosts(o: CostOptions) {
  const v = (key: string) => o.inputs[key].value;
  const perArticle: CostLine[] = [];
  const add = (component: string, dollarsPerArticle: number, detail: string) =>
    perArticle.push({ component, dollars: dollarsPerArticle * 1e6, detail });

  const crawlMs = crawlBilledMsPerArticle(o.inputs);
  const crawlGbS = (crawlMs.ms / 1000) * (v('crawl.memoryMb') / 1024);
  add('Lambda crawl (GB-s)', crawlGbS * PRICES.lambdaArmPerGbSecond, `${crawlMs.ms.toFixed(0)} ms = ${crawlGbS.toFixed(3)} GB-s/article: ${crawlMs.detail}`);
  const discoverGbS = (v('discover.billedMsPerArticle') / 1000) * (v('discover.memoryMb') / 1024);
  add('Lambda discover (GB-s)', discoverGbS * PRICES.lambdaArmPerGbSecond, `${discoverGbS.toFixed(3)} GB-s/article`);
  const invocations = v('crawl.fetchAttemptsPerArticle') / v('crawl.batchSize');
  add('Lambda requests', (invocations * PRICES.lambdaPerMillionRequests) / 1e6, `${invocations.toFixed(2)} invocations/article`);

  // The benchmark's articles are shorter or longer than real pages: each evidence paragraph more
  // is one more paragraph-item write and one more lookup read.
  const extraParagraphs = v('dedup.evidenceParagraphsPerArticle') - v('dynamodb.paragraphsPerArticleMeasured');
  const wru = v('dynamodb.writeUnitsPerArticle') + extraParagraphs * WRITE_UNITS_PER_PARAGRAPH;
  const rru = v('dynamodb.readUnitsPerArticle') + extraParagraphs * READ_UNITS_PER_PARAGRAPH;
  const scaled = extraParagraphs === 0 ? '' : ` (${v('dynamodb.writeUnitsPerArticle')} measured at ${v('dynamodb.paragraphsPerArticleMeasured')} paragraphs ${extraParagraphs > 0 ? '+' : '-'} ${Math.abs(extraParagraphs).toFixed(2)} x ${WRITE_UNITS_PER_PARAGRAPH} for ${v('dedup.evidenceParagraphsPerArticle')} paragraphs)`;
  add('DynamoDB writes', (wru * PRICES.dynamodbPerMillionWriteUnits) / 1e6, `${wru.toFixed(1)} WRU/article${scaled}`);
  add('DynamoDB reads', (rru * PRICES.dynamodbPerMillionReadUnits) / 1e6, `${rru.toFixed(1)} RRU/article`);

  const puts = v('s3.putsPerArticle');
  const gets = v('s3.getsPerArticle');
  add('S3 PUT', (puts * PRICES.s3PutPerThousand) / 1e3, `${puts.toFixed(2)} PUT/article`);
  add('S3 GET', (gets * PRICES.s3GetPerThousand) / 1e3, `${gets.toFixed(2)} GET/article`);
  add('SQS requests', (v('sqs.requestsPerArticle') * PRICES.sqsPerMillionRequests) / 1e6, `${v('sqs.requestsPerArticle')} requests/article`);
  add('CloudWatch Logs ingest', (v('logs.bytesPerArticle') / 1e9) * PRICES.logsIngestPerGb, `${v('logs.bytesPerArticle')} B/article`);
  const traces = invocations * v('xray.sampledFraction');
  add('X-Ray traces', (traces * PRICES.xrayPerMillionTraces) / 1e6, `${traces.toFixed(3)} traces/article`);

  // Storage accrues: each month of articles adds to what is billed every month after.
  const rawGbPerMillion = (v('s3.rawBytesPerArticle') / 1e9) * 1e6;
  const cleanGbPerMillion = (v('s3.cleanBytesPerArticle') / 1e9) * 1e6;
  const ddbGb = v('dynamodb.storageBytesPerArticle') / 1e9;
  // Raw bundles sit in Intelligent-Tiering: unread ones reach the Archive Instant Access tier after
  // 90 days (the steady-state line); the month-by-month figures add the Frequent Access price of the
  // newest month and the Infrequent Access price of the two before it. Reprocessing reads them back
  // to the frequent tier (not modelled: an occasional run).
  const rawArchiveMonthly = rawGbPerMillion * PRICES.s3IntelligentTieringArchiveInstantPerGbMonth;
  const rawMonitoringMonthly = ((v('s3.rawObjectsPerArticle') * 1e6) / 1e3) * PRICES.s3IntelligentTieringMonitoringPerThousandObjects;
  const rawYoungExtra = (months: number) =>
    rawGbPerMillion *
    ((PRICES.s3StandardPerGbMonth - PRICES.s3IntelligentTieringArchiveInstantPerGbMonth) * Math.min(months, 1) +
      (PRICES.s3IntelligentTieringInfrequentPerGbMonth - PRICES.s3IntelligentTieringArchiveInstantPerGbMonth) * Math.min(Math.max(months - 1, 0), 2));
  const storagePerMillionPerMonth: CostLine[] = [
    { component: 'S3 Standard (clean copies)', dollars: cleanGbPerMillion * PRICES.s3StandardPerGbMonth, detail: `${cleanGbPerMillion.toFixed(1)} GB per million` },
    {
      component: 'S3 raw pages',
      dollars: rawArchiveMonthly + rawMonitoringMonthly,
      detail:
        `${rawGbPerMillion.toFixed(1)} GB per million in Intelligent-Tiering, Archive Instant Access after 90 days unread (${money(rawArchiveMonthly)}; ` +
        `the newest three months cost +${money(rawYoungExtra(3))} per M per month) + monitoring of ${(v('s3.rawObjectsPerArticle') * 1e6).toFixed(0)} bundles (${money(rawMonitoringMonthly)})`,
    },
    { component: 'DynamoDB storage', dollars: ddbGb * 1e6 * PRICES.dynamodbStoragePerGbMonth, detail: `${(ddbGb * 1e6).toFixed(1)} GB per million` },
    { component: 'DynamoDB PITR', dollars: ddbGb * 1e6 * PRICES.dynamodbPitrPerGbMonth, detail: 'continuous backups of the table size' },
  ];

  const hostsWithSeries = o.perHostMetrics === 'all' ? o.hosts : o.watchedHosts;
  const metricCount = AGGREGATE_METRIC_SERIES + v('metrics.reasonSeries') + SERIES_PER_HOST * hostsWithSeries;
  const alarmMetrics = alarmMetricCount(o.watchedHosts);
  // Each idle mapping long-polls with ~5 pollers, one 20 s receive each (an assumption: AWS does not publish it).
  const pollerRequestsPerMonth = EVENT_SOURCE_MAPPINGS * 5 * 3 * 60 * 24 * 30;
  const fixedMonthly: CostLine[] = [
    {
      component: 'Custom metrics',
      dollars: metricCount * PRICES.customMetricPerMonth,
      detail: `${metricCount} series: ${AGGREGATE_METRIC_SERIES} aggregate + ${v('metrics.reasonSeries')} by failure reason + ${SERIES_PER_HOST} x ${hostsWithSeries} ${o.perHostMetrics === 'all' ? 'hosts (perHostMetrics=all)' : 'watched hosts'}`,
    },
    { component: 'Alarms', dollars: alarmMetrics * PRICES.alarmMetricPerMonth, detail: `${alarmMetrics} alarm metrics` },
    { component: 'Dashboard', dollars: PRICES.dashboardPerMonth, detail: 'free if the account has fewer than 4 dashboards' },
    { component: 'SQS idle polling', dollars: (pollerRequestsPerMonth * PRICES.sqsPerMillionRequests) / 1e6, detail: `${pollerRequestsPerMonth} empty receives (${EVENT_SOURCE_MAPPINGS} event source mappings, assumed 5 pollers each)` },
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
    storageFirstMonth: (storagePerMillionMonth + rawYoungExtra(1)) * millionsPerMonth * 0.5 + logsStorage * 0.5,
    storageAfterMonths: (storagePerMillionMonth * o.months + rawYoungExtra(o.months)) * millionsPerMonth + logsStorage,
    fixed: fixedPerMonth,
  };
  // Ingesting a million articles: processing plus their share of this month's fixed costs.
  // Keeping them is a separate, monthly holding cost (storagePerMillionMonth).
  const allInPerMillion = processingPerMillion + fixedPerMonth / Math.max(millionsPerMonth, 1e-9);
  return {
    breakEvenArticlesPerDay: articlesPerDayForAllIn(GOAL_DOLLARS_PER_MILLION, processingPerMillion, fixedPerMonth), perArticle, storagePerMillionPerMonth, fixedMonthly, processingPerMillion, storagePerMillionMonth, fixedPerMonth, articlesPerMonth, monthly, allInPerMillion, crawlBilledMs: crawlMs };
}

/** The goal: dollars per million articles, all-in. */
export const GOAL_DOLLARS_PER_MILLION = 20;

/**
 * The daily volume above which processing plus the share of fixed monthly costs stays under
 * `goalPerMillion`; `undefined` when processing alone reaches it.
 */
export function articlesPerDayForAllIn(goalPerMillion: number, processingPerMillion: number, fixedPerMonth: number): number | undefined {
  if (processingPerMillion >= goalPerMillion) return undefined;
  return Math.ceil(((fixedPerMonth / (goalPerMillion - processingPerMillion)) * 1e6) / 30);
}

/**
 * One evidence paragraph more in an article: one conditional UpdateItem of its paragraph item
 * (under 1 KB: one write unit; functions/adapters/dynamodb/paragraph-recorder.ts) and one
 * eventually consistent item in the lookup BatchGetItem (half a read unit).
 */
export const WRITE_UNITS_PER_PARAGRAPH = 1;
export const READ_UNITS_PER_PARAGRAPH = 0.5;

/** Every input at its default, labelled with its basis. */
export function defaultInputs(): Record<string, Input> {
  return Object.fromEntries(Object.entries(DEFAULT_INPUTS).map(([key, d]) => [key, { ...d, source: d.basis }]));
}

const money = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);

function main(): void {
  const { values } = parseArgs({
    options: {
      'articles-per-day': { type: 'string', default: '30000' },
      measurements: { type: 'string', multiple: true },
      hosts: { type: 'string', default: '300' },
      // Mirrors the stack defaults (infra/settings.ts).
      'per-host-metrics': { type: 'string', default: DEFAULT_SETTINGS.perHostMetrics },
      'watched-hosts': { type: 'string', default: String(DEFAULT_SETTINGS.extractionWatchHosts.length) },
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
    // Later files win: bench:pipeline measures the whole AWS path, so it comes last.
    ['crawl', 'extract', 'discover', 'pipeline']
      .map((n) => path.join('bench-results', `${n}.json`))
      .filter((f) => fs.existsSync(f));
  const inputs = defaultInputs();
  const warnings: string[] = [];
  const notes: string[] = [];
  const withDefaults = (key: string): InputDefault =>
    inputs[key] ?? DEFAULT_INPUTS[key] ?? { value: 0, basis: 'assumed', ...OVERRIDE_ONLY_INPUTS[key] };
  for (const file of files) {
    const m = readMeasurements(file);
    for (const [key, value] of Object.entries(m.values)) {
      const earlier = inputs[key]?.source.startsWith('measured') ? inputs[key] : undefined;
      if (earlier) notes.push(`${key} = ${value} from ${file} replaces ${earlier.value} from an earlier file (later files win)`);
      inputs[key] = { ...withDefaults(key), value, source: `measured (${m.label})` };
    }
    if (m.unknown.length) warnings.push(`${file}: ignored unknown fields ${m.unknown.join(', ')}`);
    notes.push(...m.notes);
  }
  // --set section.field=value: what-if overrides, labelled as such.
  for (const assignment of values.set ?? []) {
    const [key, raw] = assignment.split('=');
    if (!isKnown(key)) throw new Error(`--set ${assignment}: unknown input; known: ${[...Object.keys(DEFAULT_INPUTS), ...Object.keys(OVERRIDE_ONLY_INPUTS)].join(', ')}`);
    inputs[key] = { ...withDefaults(key), value: num(`set ${key}`, raw), source: 'set on the command line (what-if)' };
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
  for (const n of notes) console.log(`note: ${n}`);
  console.log('\nInputs per stored article (MEASURED: from a file; ASSUMED: an estimate; CODE/SETTING: what the code or stack defaults do; WHAT-IF: --set)');
  for (const [key, input] of Object.entries(inputs)) {
    const tag = input.source.startsWith('measured') ? 'MEASURED' : input.source.startsWith('set on') ? 'WHAT-IF ' : input.source === 'code' ? 'CODE    ' : input.source === 'settings' ? 'SETTING ' : 'ASSUMED ';
    const explanation = input.source.startsWith('measured') || input.source.startsWith('set on') ? input.source : input.why;
    console.log(`  ${key.padEnd(40)} ${String(input.value).padStart(8)} ${input.unit.padEnd(16)} ${tag}  ${explanation}`);
  }
  console.log(`  ${'=> crawl billed ms per article'.padEnd(40)} ${result.crawlBilledMs.ms.toFixed(0).padStart(8)} ${'ms'.padEnd(16)} DERIVED   ${result.crawlBilledMs.detail}`);
  const counts = { measured: 0, assumed: 0, other: 0 };
  for (const input of Object.values(inputs)) {
    if (input.source.startsWith('measured')) counts.measured++;
    else if (input.source === 'assumed') counts.assumed++;
    else counts.other++;
  }
  console.log(`  (${counts.measured} measured, ${counts.assumed} assumed, ${counts.other} from code, settings or --set)`);
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
  console.log(`  goal (issue): under $${GOAL_DOLLARS_PER_MILLION} per million all-in: ${result.allInPerMillion < GOAL_DOLLARS_PER_MILLION ? 'met' : 'NOT met'} at ${options.articlesPerDay} articles/day with these inputs`);
  console.log(
    result.breakEvenArticlesPerDay === undefined
      ? `  processing alone is over $${GOAL_DOLLARS_PER_MILLION} per million: no volume meets the goal`
      : `  all-in is under $${GOAL_DOLLARS_PER_MILLION} per million from ${result.breakEvenArticlesPerDay} articles/day (fixed $${result.fixedPerMonth.toFixed(2)}/month spread over the volume)`,
  );
  console.log('  not included: Athena ($5/TB scanned, per query), data transfer out (none in normal operation), free tiers');
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) main();
