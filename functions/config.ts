import { z } from 'zod';
import { ConfigError } from './errors';
import type { PerHostMetricPolicy } from './observability/metrics';
import { EXTRACTION_METRIC_HOSTS_ENV } from './observability/names';

/**
 * The single configuration loader. Every setting has an env var, a documented default and a
 * validated type; the result is frozen. CLI flags override by passing a modified env.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** What `new URL(url).host` can give for a page: a hostname, perhaps with a port. */
const HOST_PATTERN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*(:\d{1,5})?$/;

/**
 * The per-host metric policy: unset or `*` = every host; otherwise a comma-separated host list,
 * compared case-insensitively, where empty entries are ignored (the stack writes an empty value
 * when no host is watched: aggregate series only). A URL, a path or `*` inside a list is refused:
 * such an entry would never match a page's host, silently dropping the series it was meant to keep.
 */
const perHostMetricPolicy = z
  .string()
  .optional()
  .transform((value, ctx): PerHostMetricPolicy => {
    const raw = value?.trim();
    if (raw === undefined || raw === '*') return { kind: 'all' };
    const hosts = raw
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const malformed = hosts.filter((h) => !HOST_PATTERN.test(h));
    if (malformed.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected '*' or a comma-separated list of hosts (e.g. www.example.com,news.example.org:8080), not ${malformed.map((h) => JSON.stringify(h)).join(', ')}`,
      });
      return z.NEVER;
    }
    return { kind: 'listed', hosts: new Set(hosts) };
  });

const schema = z.object({
  /** Local data directory for the embedded backends. */
  DATA_DIR: z.string().min(1).default('./.data'),
  /** Honest crawler identity with a contact URL, as publishers ask for. */
  USER_AGENT: z
    .string()
    .min(1)
    .default('NewsDedupBot/0.1 (+https://github.com/news-dedup-pipeline/news-dedup-pipeline#crawler)'),
  FETCH_CONNECT_TIMEOUT_MS: positiveInt(5_000),
  FETCH_TOTAL_TIMEOUT_MS: positiveInt(20_000),
  /** Pages above this are abandoned while streaming (news pages are rarely above 2 MB). */
  FETCH_MAX_BODY_BYTES: positiveInt(5 * 1024 * 1024),
  FETCH_MAX_REDIRECTS: positiveInt(5),
  /** Minimum spacing between requests to one host when robots.txt gives no Crawl-delay. */
  HOST_MIN_INTERVAL_MS: positiveInt(1_000),
  /** Attempts per URL before it is parked as failed (and on AWS sent to the DLQ). */
  MAX_FETCH_ATTEMPTS: positiveInt(4),
  /**
   * Discover releases each source's new URLs over this many seconds (SQS DelaySeconds caps it at
   * 900); 0 sends them at once. Set by the stack from `discover.spreadSeconds`.
   */
  DISCOVER_SPREAD_SECONDS: z.coerce.number().int().min(0).max(900).default(0),
  /** Allow fetching loopback/private addresses: only for the local demo and tests. */
  ALLOW_PRIVATE_NETWORK: flag(false),
  TABLE_NAME: z.string().min(3).default('news-index'),
  BUCKET_NAME: z.string().min(3).default('news-archive'),
  CRAWL_QUEUE_URL: z.string().optional(),
  /** Where the sources file lives: a path locally, `s3://bucket/key` on AWS. */
  SOURCES_URI: z.string().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  /** Endpoint overrides for DynamoDB Local / S3-compatible servers. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  /** Hosts that get their own per-host metric series (crawl); set by the stack. */
  [EXTRACTION_METRIC_HOSTS_ENV]: perHostMetricPolicy,
  /**
   * WARC records the backfill Lambda processes at once: each waits on DynamoDB and S3 round trips,
   * so a few in flight keep its CPU busy. Set by the stack from `backfill.recordConcurrency`.
   */
  BACKFILL_RECORD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Athena workgroup and Glue database the query Lambda's `/search` runs in; set by the stack. */
  ATHENA_WORKGROUP: z.string().min(1).optional(),
  ATHENA_DATABASE: z.string().min(1).optional(),
});

export type Config = Readonly<{
  dataDir: string;
  userAgent: string;
  fetchConnectTimeoutMs: number;
  fetchTotalTimeoutMs: number;
  fetchMaxBodyBytes: number;
  fetchMaxRedirects: number;
  hostMinIntervalMs: number;
  maxFetchAttempts: number;
  discoverSpreadMs: number;
  allowPrivateNetwork: boolean;
  tableName: string;
  bucketName: string;
  crawlQueueUrl?: string;
  sourcesUri?: string;
  awsRegion: string;
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  /** Which hosts get per-host metric series (`EXTRACTION_METRIC_HOSTS`; unset = all). */
  perHostMetricPolicy: PerHostMetricPolicy;
  backfillRecordConcurrency: number;
  athenaWorkGroup?: string;
  athenaDatabase?: string;
}>;

/**
 * Validates the environment into a frozen, typed config.
 * @example
 * const config = loadConfig(process.env);
 * config.fetchTotalTimeoutMs; // 20000 unless FETCH_TOTAL_TIMEOUT_MS is set
 * @throws ConfigError naming every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return Object.freeze({
    dataDir: e.DATA_DIR,
    userAgent: e.USER_AGENT,
    fetchConnectTimeoutMs: e.FETCH_CONNECT_TIMEOUT_MS,
    fetchTotalTimeoutMs: e.FETCH_TOTAL_TIMEOUT_MS,
    fetchMaxBodyBytes: e.FETCH_MAX_BODY_BYTES,
    fetchMaxRedirects: e.FETCH_MAX_REDIRECTS,
    hostMinIntervalMs: e.HOST_MIN_INTERVAL_MS,
    maxFetchAttempts: e.MAX_FETCH_ATTEMPTS,
    discoverSpreadMs: e.DISCOVER_SPREAD_SECONDS * 1000,
    allowPrivateNetwork: e.ALLOW_PRIVATE_NETWORK,
    tableName: e.TABLE_NAME,
    bucketName: e.BUCKET_NAME,
    crawlQueueUrl: e.CRAWL_QUEUE_URL,
    sourcesUri: e.SOURCES_URI,
    awsRegion: e.AWS_REGION,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    s3Endpoint: e.S3_ENDPOINT,
    perHostMetricPolicy: e[EXTRACTION_METRIC_HOSTS_ENV],
    backfillRecordConcurrency: e.BACKFILL_RECORD_CONCURRENCY,
    athenaWorkGroup: e.ATHENA_WORKGROUP,
    athenaDatabase: e.ATHENA_DATABASE,
  });
}
