import { z } from 'zod';

/**
 * Deployment settings for one stage of the pipeline, read from CDK context.
 *
 * Precedence (later wins): {@link DEFAULT_SETTINGS} < `context.stages[<stage>]` in cdk.json <
 * individual `-c key=value` flags. Keys are the field names below, e.g.
 * `npx cdk deploy -c stage=prod -c scheduleExpression="rate(30 minutes)" -c alarmEmail=ops@example.com`.
 * Nested groups (crawl, discover, tableCapacity, reprocess, backfill, query, fetch) can only be set as objects in cdk.json, or as
 * JSON strings on the command line: `-c crawl='{"maxConcurrency":10}'`.
 */

/** Lambda sizing for one function. */
const functionSizing = z.object({
  memoryMb: z.coerce.number().int().min(128).max(10_240),
  timeoutSeconds: z.coerce.number().int().min(1).max(900),
  /**
   * Concurrency reserved for (and capping) the function; `null` reserves none. New AWS accounts
   * often have an account limit of 10, where any reservation fails the deploy: set `null` there.
   */
  reservedConcurrency: z.coerce.number().int().min(1).nullable(),
});

const crawlSettings = functionSizing.extend({
  /** Messages (URLs) per invocation. Small, because one URL can take a full fetch timeout. */
  batchSize: z.coerce.number().int().min(1).max(10_000),
  /** How long the poller may wait to fill a batch. */
  maxBatchingWindowSeconds: z.coerce.number().int().min(0).max(300),
  /**
   * Concurrent crawl invocations the SQS poller may run (2..1000). This bounds total fetch load;
   * per-host spacing is enforced by the handler with HOST_MIN_INTERVAL_MS.
   */
  maxConcurrency: z.coerce.number().int().min(2).max(1000),
});

const discoverSettings = functionSizing.extend({
  /**
   * Seconds over which one run's new URLs are released to the crawl queue (SQS DelaySeconds,
   * at most 900). 0 sends them at once: an hourly run then makes a burst of crawl work (and
   * DynamoDB writes) at the top of each hour, which on-demand capacity absorbs. Provisioned
   * capacity is only cheaper when the load is smooth: spread each run over the whole interval
   * to the next one (a schedule of 15 minutes or less with 900 s).
   */
  spreadSeconds: z.coerce.number().int().min(0).max(900),
});

/**
 * DynamoDB capacity mode. On-demand bills each request unit ($0.625 per million writes); provisioned
 * bills capacity by the hour (one write unit per second for $0.00065 an hour, $0.18 per million
 * writes when fully used), so a steady load costs about half at the usual 60-70 % use. The table
 * and its index scale between min and max units, tracking `targetUtilizationPercent`.
 */
const tableCapacitySettings = z.object({
  billing: z.enum(['on-demand', 'provisioned']),
  minWriteUnits: z.coerce.number().int().min(1),
  maxWriteUnits: z.coerce.number().int().min(1),
  minReadUnits: z.coerce.number().int().min(1),
  maxReadUnits: z.coerce.number().int().min(1),
  /** Auto scaling keeps consumed capacity near this share of provisioned (20-90 %, AWS's range). */
  targetUtilizationPercent: z.coerce.number().int().min(20).max(90),
});

const reprocessSettings = z.object({
  /** `null` = the crawl function's memory: reprocessing runs the same extraction and dedup on the same pages. */
  memoryMb: z.coerce.number().int().min(128).max(10_240).nullable(),
  /**
   * One slice works until about 20 s before this (SLICE_TIME_MARGIN_MS in the handler), then
   * continues in a new message; a longer timeout means fewer continuations per day.
   */
  timeoutSeconds: z.coerce.number().int().min(60).max(900),
  /** `null` reserves none: reprocessing runs rarely and `maxConcurrency` already bounds it. */
  reservedConcurrency: z.coerce.number().int().min(1).nullable(),
  /**
   * Days reprocessed in parallel (the SQS poller's maximum concurrency, 2..1000). Each day
   * rewrites its clean copies and index items, so this bounds the DynamoDB/S3 write rate a run adds.
   */
  maxConcurrency: z.coerce.number().int().min(2).max(1000),
});

const backfillSettings = z.object({
  memoryMb: z.coerce.number().int().min(128).max(10_240),
  /** Each invocation reads one WARC until close to this, then the state machine calls it again. */
  timeoutSeconds: z.coerce.number().int().min(60).max(900),
  /** `null` reserves none: backfills run rarely and `maxConcurrency` already bounds them. */
  reservedConcurrency: z.coerce.number().int().min(1).nullable(),
  /** WARC files read at once (the Distributed Map's MaxConcurrency). */
  maxConcurrency: z.coerce.number().int().min(1).max(10_000),
  /** Records processed at once inside one invocation (hides DynamoDB and S3 round trips). */
  recordConcurrency: z.coerce.number().int().min(1).max(64),
  /** Attempts per invocation of one WARC before the item is reported failed. */
  itemMaxAttempts: z.coerce.number().int().min(1).max(10),
  /** The run fails when more than this share of WARC files failed (the rest still finish). */
  toleratedFailurePercentage: z.coerce.number().min(0).max(100),
  /** Bucket listed by prefix (`{"prefix": ...}` runs): Common Crawl's public bucket by default. */
  listBucket: z.string().min(3),
  /** Buckets and key prefixes WARC files may be read from (beyond the archive bucket's `backfill/warc/`). */
  sourcePrefixes: z.array(z.object({ bucket: z.string().min(3), prefix: z.string() })),
  /** Longest a whole backfill run may take. */
  runTimeoutHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365),
});

const fetchSettings = z.object({
  /** Crawler identity; unset uses the default from functions/config.ts. */
  userAgent: z.string().min(1).optional(),
  hostMinIntervalMs: z.coerce.number().int().positive(),
  connectTimeoutMs: z.coerce.number().int().positive(),
  totalTimeoutMs: z.coerce.number().int().positive(),
  maxBodyBytes: z.coerce.number().int().positive(),
  maxRedirects: z.coerce.number().int().positive(),
  /** Attempts per URL; also the crawl queue's redrive maxReceiveCount, so both agree. */
  maxFetchAttempts: z.coerce.number().int().min(1).max(1000),
});

const settingsSchema = z.object({
  /** Stage name: part of the stack name and of every resource name that must be unique. */
  stage: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case letters, digits and dashes, 2-21 chars'),
  /** EventBridge Scheduler expression for discover: `rate(...)`, `cron(...)` or `at(...)`. */
  scheduleExpression: z.string().regex(/^(rate|cron|at)\(.+\)$/),
  /** IANA time zone for cron expressions. */
  scheduleTimeZone: z.string().min(1),
  /** Whether the schedule is enabled (disable it to deploy without crawling). */
  scheduleEnabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** Key of the sources file in the archive bucket (used when `sourcesUri` is unset). */
  sourcesKey: z.string().min(1),
  /** Full `s3://bucket/key` of the sources file when it lives outside the archive bucket. */
  sourcesUri: z
    .string()
    .regex(/^s3:\/\/[^/]+\/.+/)
    .optional(),
  /**
   * Days after which raw pages are deleted; `null` keeps them forever. (Raw pages need no
   * transition setting: they are written in S3 Intelligent-Tiering, which moves them to cheaper
   * instant tiers by itself; see infra/constructs/archive-bucket.ts.)
   */
  rawExpirationDays: z.coerce.number().int().min(1).nullable(),
  /** Days to keep overwritten/deleted object versions (versioning guards against bad writes). */
  noncurrentVersionExpirationDays: z.coerce.number().int().min(1),
  athenaResultsExpirationDays: z.coerce.number().int().min(1),
  /**
   * First day (YYYY-MM-DD) of the Athena `dt` projection. Clean copies are partitioned by their
   * publication day, and sitemaps list old articles too, so the default reaches far back.
   */
  athenaFirstDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /**
   * Silence alarm: no article stored for this many hours (while the schedule is enabled) means
   * the pipeline stopped without failing: empty sources file, every feed moved, and so on.
   */
  noArticlesAlarmHours: z.coerce.number().int().min(1).max(24),
  /** Crawl backlog alarm: the oldest queued URL is older than this many hours. */
  crawlBacklogAlarmHours: z.coerce.number().min(1),
  /** CloudWatch Logs retention in days (must be a value CloudWatch accepts, e.g. 7, 30, 90). */
  logRetentionDays: z.coerce.number().int().min(1),
  /** X-Ray active tracing on every function. */
  tracing: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** DynamoDB deletion protection (on top of RemovalPolicy.RETAIN). */
  tableDeletionProtection: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** Optional e-mail subscribed to the alarm topic (confirm the subscription mail). */
  alarmEmail: z.string().email().optional(),
  /** Function error-rate alarm threshold, percent of invocations over 15 minutes. */
  errorRateThresholdPercent: z.coerce.number().min(0).max(100),
  /** Extraction-health alarm: average paragraphs per stored article below this is suspicious. */
  minParagraphsPerArticle: z.coerce.number().min(0),
  /**
   * Which hosts publish per-host series (ParagraphsPerArticle and BoilerplateRatio with a `host`
   * dimension; env EXTRACTION_METRIC_HOSTS on crawl): `all` hosts, or only the `watched` ones
   * (`extractionWatchHosts`; none = the aggregate series only). Each host costs two custom metrics
   * (~$0.30/month each), which dominates the fixed cost at a few hundred hosts.
   */
  perHostMetrics: z.enum(['all', 'watched']),
  /** Hosts that get their own extraction-health alarm (the aggregate alarm covers the rest). */
  extractionWatchHosts: z.union([
    z.array(z.string().min(1)),
    z.string().transform((v) => v.split(',').filter(Boolean)),
  ]),
  discover: discoverSettings,
  crawl: crawlSettings,
  tableCapacity: tableCapacitySettings,
  reprocess: reprocessSettings,
  backfill: backfillSettings,
  query: functionSizing,
  fetch: fetchSettings,
});

export type PipelineSettings = z.infer<typeof settingsSchema>;

/**
 * Settings that no longer exist, with why: naming one in cdk.json or `-c` fails the synth rather
 * than being silently ignored, so nobody believes it still takes effect.
 */
export const REMOVED_SETTINGS: Readonly<Record<string, string>> = {
  rawTransitionDays:
    'raw pages are now written in S3 Intelligent-Tiering, which moves unread objects to its Archive Instant Access tier after 90 days by itself (no lifecycle transition); remove the setting',
};

/** Defaults: a small, cheap deployment that suits a few hundred sources. */
export const DEFAULT_SETTINGS: PipelineSettings = {
  stage: 'dev',
  scheduleExpression: 'rate(1 hour)',
  scheduleTimeZone: 'UTC',
  scheduleEnabled: true,
  sourcesKey: 'config/sources.yaml',
  rawExpirationDays: null,
  noncurrentVersionExpirationDays: 30,
  athenaResultsExpirationDays: 30,
  athenaFirstDay: '2000-01-01',
  // Politeness delays hold messages up to 15 minutes; hours of age mean crawl cannot keep up.
  crawlBacklogAlarmHours: 6,
  // CloudWatch alarms evaluate at most one day: a day without any new article is abnormal for news.
  noArticlesAlarmHours: 24,
  logRetentionDays: 30,
  tracing: true,
  tableDeletionProtection: false,
  errorRateThresholdPercent: 5,
  minParagraphsPerArticle: 3,
  // Per-host series only for watched hosts (none by default = aggregate only): with 'all', 300
  // sources cost 600 custom metrics, ~$180/month, more than processing a million articles.
  // Small deployments that want the dashboard's worst-hosts list can set perHostMetrics=all.
  perHostMetrics: 'watched',
  extractionWatchHosts: [],
  // Discover reads the feeds and sitemaps of every source one after another in one run; with a
  // few hundred sources at up to a fetch timeout each it needs the Lambda maximum.
  discover: { memoryMb: 512, timeoutSeconds: 900, reservedConcurrency: 1, spreadSeconds: 0 },
  // Crawl: a batch's URLs are fetched in parallel (20 s fetch budget each) and extracted one after
  // another on the one JavaScript thread, which fits in 150 s. Ten per batch: the invocation mostly
  // waits on its slowest fetch, so more URLs per batch share that wait, and raw pages and clean
  // copies are written as one S3 object per batch. 512 MB: the work is I/O-bound (bench:pipeline
  // measured ~25 ms CPU per article), only one page's DOM exists at a time, and ten 5 MB bodies
  // plus the runtime stay well under it; `npm run cost -- --set crawl.memoryMb=1024` shows the trade.
  crawl: {
    memoryMb: 512,
    timeoutSeconds: 150,
    reservedConcurrency: 10,
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 10,
  },
  // On-demand: no idle cost and no throttling while volume is small or bursty. The provisioned
  // figures apply when `billing` is switched (see the `steady` stage in cdk.json and docs/cost.md).
  tableCapacity: {
    billing: 'on-demand',
    minWriteUnits: 5,
    maxWriteUnits: 400,
    minReadUnits: 5,
    maxReadUnits: 200,
    targetUtilizationPercent: 70,
  },
  // Reprocess: started by hand (docs/deploy.md); a day of raw pages per slice, 5 days at a time.
  reprocess: { memoryMb: null, timeoutSeconds: 300, reservedConcurrency: null, maxConcurrency: 5 },
  // Backfill: started by hand (docs/backfill.md). 1769 MB is one full vCPU: extraction is CPU-bound
  // once eight records are in flight. Ten WARC files at once keep an on-demand table well inside
  // its initial throughput; raise maxConcurrency with the table's capacity.
  backfill: {
    memoryMb: 1769,
    timeoutSeconds: 900,
    reservedConcurrency: null,
    maxConcurrency: 10,
    recordConcurrency: 8,
    itemMaxAttempts: 4,
    toleratedFailurePercentage: 5,
    listBucket: 'commoncrawl',
    sourcePrefixes: [{ bucket: 'commoncrawl', prefix: 'crawl-data/CC-NEWS/' }],
    runTimeoutHours: 72,
  },
  query: { memoryMb: 512, timeoutSeconds: 15, reservedConcurrency: 5 },
  fetch: {
    hostMinIntervalMs: 1_000,
    connectTimeoutMs: 5_000,
    totalTimeoutMs: 20_000,
    maxBodyBytes: 5 * 1024 * 1024,
    maxRedirects: 5,
    maxFetchAttempts: 4,
  },
};

/** Reads a context value that may be a JSON string (`-c key='{...}'`, `-c key=null`) or already an object. */
function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === 'null') return null;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

const NESTED_KEYS = [
  'discover',
  'crawl',
  'tableCapacity',
  'reprocess',
  'backfill',
  'query',
  'fetch',
] as const;

/**
 * Resolves the settings of one stage from a context lookup (e.g. `(k) => app.node.tryGetContext(k)`).
 * @example
 * const settings = resolveSettings((key) => app.node.tryGetContext(key));
 * settings.crawl.maxConcurrency; // 10 unless cdk.json or -c overrides it
 * @throws Error naming every invalid setting.
 */
export function resolveSettings(getContext: (key: string) => unknown): PipelineSettings {
  const stage = (getContext('stage') as string | undefined) ?? DEFAULT_SETTINGS.stage;
  const stages = (parseMaybeJson(getContext('stages')) ?? {}) as Record<string, Record<string, unknown>>;
  const stageOverrides = stages[stage] ?? {};
  for (const [key, why] of Object.entries(REMOVED_SETTINGS)) {
    if (key in stageOverrides || getContext(key) !== undefined) {
      throw new Error(`invalid CDK context for stage "${stage}": ${key} is no longer a setting: ${why}`);
    }
  }
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...stageOverrides, stage };
  for (const key of Object.keys(settingsSchema.shape)) {
    if (key === 'stage') continue;
    const value = getContext(key);
    if (value !== undefined) merged[key] = parseMaybeJson(value);
  }
  // Nested groups merge field by field so one override keeps the other defaults.
  for (const key of NESTED_KEYS) {
    const cliValue = parseMaybeJson(getContext(key));
    merged[key] = {
      ...DEFAULT_SETTINGS[key],
      ...((stageOverrides[key] as object | undefined) ?? {}),
      ...(typeof cliValue === 'object' && cliValue !== null ? cliValue : {}),
    };
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid CDK context for stage "${stage}": ${problems}`);
  }
  const settings = parsed.data;
  if (
    settings.crawl.reservedConcurrency !== null &&
    settings.crawl.reservedConcurrency < settings.crawl.maxConcurrency
  ) {
    // The poller would keep invoking into throttles, and throttled batches count as receives.
    throw new Error(
      `crawl.reservedConcurrency (${settings.crawl.reservedConcurrency}) must be >= crawl.maxConcurrency (${settings.crawl.maxConcurrency})`,
    );
  }
  const { reprocess } = settings;
  if (reprocess.reservedConcurrency !== null && reprocess.reservedConcurrency < reprocess.maxConcurrency) {
    throw new Error(
      `reprocess.reservedConcurrency (${reprocess.reservedConcurrency}) must be >= reprocess.maxConcurrency (${reprocess.maxConcurrency})`,
    );
  }
  const { backfill } = settings;
  if (backfill.reservedConcurrency !== null && backfill.reservedConcurrency < backfill.maxConcurrency) {
    throw new Error(
      `backfill.reservedConcurrency (${backfill.reservedConcurrency}) must be >= backfill.maxConcurrency (${backfill.maxConcurrency})`,
    );
  }
  const capacity = settings.tableCapacity;
  if (capacity.minWriteUnits > capacity.maxWriteUnits || capacity.minReadUnits > capacity.maxReadUnits) {
    throw new Error(
      `invalid CDK context for stage "${stage}": tableCapacity min units must not exceed max units`,
    );
  }
  if (capacity.billing === 'provisioned' && settings.discover.spreadSeconds === 0) {
    // Hourly bursts would be throttled, or need capacity for the peak, which costs more than on-demand.
    throw new Error(
      `invalid CDK context for stage "${stage}": tableCapacity.billing=provisioned needs discover.spreadSeconds > 0 ` +
        '(spread each run\'s URLs over the interval to the next run, e.g. scheduleExpression "rate(15 minutes)" with spreadSeconds 900)',
    );
  }
  return settings;
}
