/**
 * The cost model's inputs: defaults (assumptions, code facts, a stage's settings) and the reading
 * of benchmark result files into `section.field` values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SCHEDULE } from '../../../functions/core/sources/source-schema';
import { DEFAULT_SETTINGS, type PipelineSettings } from '../../../infra/settings';

// ---------------------------------------------------------------------------------------------
// Inputs: each has a default that a measurement file or --set can replace. `basis` says where the
// default comes from: `assumed` (an estimate, with its reasoning), `code` (what the code does,
// with the file), `settings` (infra/settings.ts defaults).
// ---------------------------------------------------------------------------------------------
type Basis = 'assumed' | 'code' | 'settings';
export interface InputDefault {
  value: number;
  unit: string;
  why: string;
  basis: Basis;
}
export interface Input extends InputDefault {
  /** `assumed`, `code`, `settings`, `measured (<file>: <source>)` or `set on the command line (what-if)`. */
  source: string;
}

/** Per-article inputs that are estimates or code facts, keyed `section.field` as in the measurement files. */
const ASSUMED_INPUTS: Record<string, InputDefault> = {
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
  'dynamodb.readUnitsPerArticle': {
    value: 6,
    unit: 'RRU',
    basis: 'assumed',
    why: 'crawl state, previous record, paragraph lookups, candidates (bench:pipeline measures it)',
  },
  'dynamodb.requestsPerArticle': {
    value: 25,
    unit: 'requests',
    basis: 'assumed',
    why: 'informational; on-demand bills units, not requests',
  },
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
    why: "the slowest of a batch's parallel fetches (publisher TTFB + download, DNS/TLS, robots.txt once per host and container): the typical maximum of 10 fetches is about their p93 (0.5^(1/10))",
  },
  'crawl.storeWallMsPerBatch': {
    value: 300,
    unit: 'ms/invocation',
    basis: 'assumed',
    why: "one URL's sequential DynamoDB (~20 requests x ~8 ms) and S3 (2 PUTs x ~40 ms) round trips; the batch's URLs overlap",
  },
  'crawl.politenessWaitMsPerBatch': {
    value: 700,
    unit: 'ms/invocation',
    basis: 'assumed',
    why: "inline waits for a host's next slot when URLs of one host share a batch of 10 (capped at MAX_INLINE_WAIT_MS = 2 s in aws-deps.ts; longer waits go back to SQS)",
  },
  'crawl.cpuMsPerArticle': {
    value: 60,
    unit: 'ms (1 vCPU)',
    basis: 'assumed',
    why: 'decode + parse + extraction + hashing + JSON on one full core; bench:crawl measures an upper bound (it also runs discovery and the embedded dynalite)',
  },
  'crawl.fetchAttemptsPerArticle': {
    value: 1.15,
    unit: 'messages',
    basis: 'assumed',
    why: 'crawl messages per stored article: retries, politeness deferrals, redirects to seen URLs, non-article pages',
  },
  'discover.billedMsPerSourceRun': {
    value: 170,
    unit: 'ms',
    basis: 'assumed',
    why: 'one source read by discover: conditional GETs of its feed and sitemap (mostly 304 Not Modified), parsing the changed ones, claims; billed per run whether or not it finds new URLs',
  },
  's3.putsPerArticle': {
    value: 1 + 1 / DEFAULT_SETTINGS.crawl.batchSize,
    unit: 'PUT',
    basis: 'code',
    why: 'the clean JSON copy, plus one raw-page bundle per crawl invocation (functions/pipeline/process-page.ts); renderings only when writeRenderings, false on AWS',
  },
  's3.getsPerArticle': {
    value: 0.05,
    unit: 'GET',
    basis: 'assumed',
    why: 'the sources file per container start, a previous clean copy on change',
  },
  's3.rawObjectsPerArticle': {
    value: 1 / DEFAULT_SETTINGS.crawl.batchSize,
    unit: 'objects',
    basis: 'code',
    why: `one raw bundle per crawl invocation of ${DEFAULT_SETTINGS.crawl.batchSize} pages, written into Intelligent-Tiering; bundles over 128 KB pay its monitoring fee every month they are kept`,
  },
  's3.rawBytesPerArticle': {
    value: 30_000,
    unit: 'bytes',
    basis: 'assumed',
    why: 'gzip-compressed HTML page (typical news page 100-300 KB raw)',
  },
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
  'xray.sampledFraction': {
    value: 0.05,
    unit: 'of invocations',
    basis: 'assumed',
    why: 'X-Ray default rule: 1 request/s reservoir + 5 %',
  },
  'sqs.pollersPerMapping': {
    value: 5,
    unit: 'pollers',
    basis: 'assumed',
    why: 'an SQS event source mapping long-polls with about five pollers, each filling its own batch within the batching window (AWS does not publish the exact number)',
  },
  'dynamodb.provisionedUtilization': {
    value: 0.6,
    unit: 'consumed/provisioned',
    basis: 'assumed',
    why: 'provisioned capacity only: target tracking at 70 % keeps consumed near 70 % of provisioned while the load changes slowly; it scales out after 2 minutes above target and in after 15 below, and news volume swings within a day, so 0.6 on average (a planning figure: not measured on AWS)',
  },
};

/** Days have 24 x 60 minutes; EventBridge `rate()` units. */
const MINUTES_PER_RATE_UNIT: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1_440,
  days: 1_440,
};

/**
 * Discover runs per day of a schedule expression: exact for `rate(...)`; a `cron(...)` or `at(...)`
 * expression is counted as hourly (the model's planning default) and said so.
 */
export function runsPerDayOf(scheduleExpression: string): { runs: number; exact: boolean } {
  const rate = /^rate\((\d+)\s+(\w+)\)$/.exec(scheduleExpression.trim());
  const minutes = rate ? Number(rate[1]) * (MINUTES_PER_RATE_UNIT[rate[2]] ?? NaN) : NaN;
  return Number.isFinite(minutes) && minutes > 0
    ? { runs: 1_440 / minutes, exact: true }
    : { runs: 24, exact: false };
}

/** Runs per day of a source on the default schedule (functions/core/sources/source-schema.ts). */
const SOURCE_RUNS_PER_DAY = runsPerDayOf(DEFAULT_SCHEDULE).runs;

/** The inputs a stage's settings decide (basis `settings`). */
export function settingsInputs(
  settings: PipelineSettings,
  stage = settings.stage,
): Record<string, InputDefault> {
  const schedule = runsPerDayOf(settings.scheduleExpression);
  const from = (field: string) => `stage ${stage}: ${field}`;
  return {
    'crawl.memoryMb': {
      value: settings.crawl.memoryMb,
      unit: 'MB',
      basis: 'settings',
      why: from('crawl.memoryMb'),
    },
    'crawl.batchSize': {
      value: settings.crawl.batchSize,
      unit: 'URLs/invocation',
      basis: 'settings',
      why: from('crawl.batchSize'),
    },
    'crawl.maxBatchingWindowSeconds': {
      value: settings.crawl.maxBatchingWindowSeconds,
      unit: 's',
      basis: 'settings',
      why: from('crawl.maxBatchingWindowSeconds'),
    },
    'discover.memoryMb': {
      value: settings.discover.memoryMb,
      unit: 'MB',
      basis: 'settings',
      why: from('discover.memoryMb'),
    },
    'discover.runsPerDay': {
      value: schedule.runs,
      unit: 'runs',
      basis: 'settings',
      why: from(
        `scheduleExpression ${settings.scheduleExpression}${schedule.exact ? '' : ' (not a rate: counted as hourly)'}`,
      ),
    },
    'discover.sourceRunsPerDay': {
      value: Math.min(schedule.runs, SOURCE_RUNS_PER_DAY),
      unit: 'runs/source',
      basis: 'settings',
      why: `each source is read once per its own schedule (default ${DEFAULT_SCHEDULE}), at most once per scheduler tick`,
    },
    'discover.spreadSeconds': {
      value: settings.discover.spreadSeconds,
      unit: 's',
      basis: 'settings',
      why: from("discover.spreadSeconds (0: each run's URLs are sent at once and crawl batches fill)"),
    },
  };
}

/** Every input with a default: the assumptions above and the default stage's settings. */
export const DEFAULT_INPUTS: Record<string, InputDefault> = {
  ...ASSUMED_INPUTS,
  ...settingsInputs(DEFAULT_SETTINGS, 'default'),
};

/**
 * Inputs a measurement file or --set may give although no default exists: they replace a figure
 * the model otherwise derives (`crawl.billedMsPerArticle`, e.g. from a deployed run's REPORT lines).
 */
export const OVERRIDE_ONLY_INPUTS: Record<string, { unit: string; why: string }> = {
  'crawl.billedMsPerArticle': {
    unit: 'ms',
    why: 'crawl Lambda billed ms per stored article; replaces the batch model',
  },
};

/** Flat files named after a bench map onto a section: `dedup.json` = `dynamodb.*`. */
/** Fields of a nested measurement file that describe the run and are not inputs. */
const DESCRIPTIVE_FIELDS = new Set(['info']);
const FILE_SECTION: Record<string, string> = {
  dedup: 'dynamodb',
  crawl: 'crawl',
  extract: 'crawl',
  discover: 'discover',
};

export const isKnown = (key: string) => key in DEFAULT_INPUTS || key in OVERRIDE_ONLY_INPUTS;

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
function readCrawlBench(raw: Record<string, unknown>): {
  values: Record<string, number>;
  notes: string[];
  used: Set<string>;
} {
  const num = (k: string) =>
    typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : undefined;
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
    const floorSeconds =
      articles && hosts && interval !== undefined ? ((articles / hosts) * interval) / 1000 : undefined;
    // Within 1.5x of the politeness floor the run mostly waited: its time per article is not work.
    if (wall !== undefined && floorSeconds !== undefined && wall < 1.5 * floorSeconds) {
      notes.push(
        `bench:crawl msPerArticle ${ms} not used: wall ${wall} s is within 1.5x of the politeness floor ${floorSeconds.toFixed(1)} s`,
      );
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
    notes.push(
      `bench:crawl ${(requests / stored).toFixed(2)} HTTP requests per stored article (synthetic sites: no retries, no redirects; informational, a lower bound)`,
    );
  }
  for (const k of ['failures', 'skipped']) {
    const n = num(k);
    if (n === undefined) continue;
    used.add(k);
    if (n > 0) notes.push(`bench:crawl reported ${n} ${k}`);
  }
  // Descriptive fields of the run itself.
  for (const k of [
    'articles',
    'hosts',
    'articlesStored',
    'wallSeconds',
    'articlesPerSecond',
    'concurrency',
    'hostIntervalMs',
    'maxRequestsPerHostPerSecond',
    'configuredLimitPerHostPerSecond',
  ]) {
    if (k in raw) used.add(k);
  }
  return { values, notes, used };
}

/**
 * Reads one measurement file into `section.field` values. Nested (`{"dynamodb": {...}}`) or flat
 * (fields at the top level, section from the file name); `bench:crawl`'s own output is recognised
 * by its fields. Unknown fields are reported, not used.
 */
export function readMeasurements(file: string): {
  values: Record<string, number>;
  unknown: string[];
  label: string;
  notes: string[];
} {
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
  const described =
    typeof raw.source === 'string'
      ? raw.source
      : typeof raw.measuredAt === 'string'
        ? `measured ${raw.measuredAt}`
        : undefined;
  const label = described
    ? `${path.relative(process.cwd(), file)}: ${described}`
    : path.relative(process.cwd(), file);
  return { values, unknown, label, notes };
}

/** Every input at its default, labelled with its basis. */
export function defaultInputs(settings?: PipelineSettings): Record<string, Input> {
  const all = settings ? { ...DEFAULT_INPUTS, ...settingsInputs(settings) } : DEFAULT_INPUTS;
  return Object.fromEntries(Object.entries(all).map(([key, d]) => [key, { ...d, source: d.basis }]));
}
