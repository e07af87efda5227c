/**
 * The cost model's arithmetic: dollars per million articles (processing), per million kept per
 * month (storage) and per month (fixed), from inputs (scripts/lib/cost/inputs.ts) and list prices.
 */
import type { PipelineSettings } from '../../../infra/settings';
import type { Input } from './inputs';
import { PRICES } from './prices';

/**
 * Lambda allocates CPU in proportion to memory: 1,769 MB is one full vCPU (AWS Lambda docs,
 * "Configure Lambda function memory"). Below it, single-threaded JavaScript runs proportionally slower.
 */
export const LAMBDA_MB_PER_VCPU = 1_769;

/**
 * Alarm metrics the stack creates (each standard alarm bills per metric it evaluates):
 * 3 DLQ alarms, crawl backlog age, 2 recursion-drop alarms (crawl, reprocess), no-articles
 * (1 metric each); 4 error-rate alarms (errors / invocations: 2 metrics each); the aggregate
 * extraction alarm; one per watched host; the backfill's run failed, run timed out and item
 * throttled alarms (1 each). test/scripts/cost-model.test.ts checks this against the synthesized stack.
 */
export function alarmMetricCount(watchedHosts: number, noArticlesAlarm = true): number {
  return 3 + 1 + 2 + (noArticlesAlarm ? 1 : 0) + 4 * 2 + 1 + watchedHosts + 3;
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

/** Dollars for printing: whole above $100, cents above $1, four decimals below. */
export const money = (n: number) =>
  n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`;

export interface CostOptions {
  articlesPerDay: number;
  /** The stage's DynamoDB capacity mode and auto-scaling bounds (infra/settings.ts tableCapacity). */
  tableCapacity: PipelineSettings['tableCapacity'];
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
export function crawlBilledMsPerArticle(
  inputs: Record<string, Input>,
  batch = inputs['crawl.batchSize'].value,
): { ms: number; detail: string } {
  const v = (key: string) => inputs[key].value;
  if (inputs['crawl.billedMsPerArticle']) {
    return {
      ms: v('crawl.billedMsPerArticle'),
      detail: `crawl.billedMsPerArticle (${inputs['crawl.billedMsPerArticle'].source})`,
    };
  }
  const cpuSlowdown = Math.max(1, LAMBDA_MB_PER_VCPU / v('crawl.memoryMb'));
  const cpuMs = batch * v('crawl.cpuMsPerArticle') * cpuSlowdown;
  const invocationMs =
    v('crawl.fetchWallMsPerBatch') +
    v('crawl.storeWallMsPerBatch') +
    v('crawl.politenessWaitMsPerBatch') +
    cpuMs;
  const ms = (invocationMs / batch) * v('crawl.fetchAttemptsPerArticle');
  return {
    ms,
    detail: `${invocationMs.toFixed(0)} ms per invocation of ${Number(batch.toFixed(1))} URLs (CPU ${cpuMs.toFixed(0)} ms at ${(1 / cpuSlowdown).toFixed(2)} vCPU) x ${v('crawl.fetchAttemptsPerArticle')} messages/article`,
  };
}

/**
 * URLs per crawl invocation. Without a discovery spread, each run's URLs arrive together and
 * batches fill (what bench:pipeline measured). With one, URLs arrive evenly, and each of the
 * mapping's pollers fills its own batch for at most the batching window: the batch holds what
 * arrives at that poller within the window, at least one URL.
 */
export function crawlBatchFill(inputs: Record<string, Input>, articlesPerDay: number): number {
  const v = (key: string) => inputs[key].value;
  const batchSize = v('crawl.batchSize');
  if (!(v('discover.spreadSeconds') > 0)) return batchSize;
  const messagesPerSecond = (articlesPerDay * v('crawl.fetchAttemptsPerArticle')) / 86_400;
  const perPoller = (messagesPerSecond * v('crawl.maxBatchingWindowSeconds')) / v('sqs.pollersPerMapping');
  return Math.min(batchSize, Math.max(1, perPoller));
}

/** Hours in the model's 30-day month. */
const HOURS_PER_MONTH = 30 * 24;

/**
 * Provisioned capacity for a steady consumption: units = consumed per second / utilisation, but
 * never below the auto-scaling minimum. Returns dollars per consumed unit at that utilisation and
 * the month's extra cost when the minimum is above what the volume needs (a fixed cost).
 */
export function provisionedCapacity(
  unitsPerMonth: number,
  minUnits: number,
  pricePerUnitHour: number,
  utilization: number,
) {
  const neededUnits = unitsPerMonth / (HOURS_PER_MONTH * 3_600) / utilization;
  const dollarsPerUnit = pricePerUnitHour / 3_600 / utilization;
  const floorDollarsPerMonth = Math.max(0, minUnits - neededUnits) * HOURS_PER_MONTH * pricePerUnitHour;
  return { neededUnits, dollarsPerUnit, floorDollarsPerMonth };
}

/**
 * Processing cost per million articles, storage cost per month, fixed monthly costs, and the daily
 * volume from which all-in meets the goal.
 */
export function computeCosts(o: CostOptions) {
  return { ...costsAt(o), breakEvenArticlesPerDay: breakEvenArticlesPerDay(o) };
}

/**
 * The smallest daily volume (to 0.1 %) at which all-in is under the goal, by bisection: processing
 * depends on volume too (discover runs, partial batches, a capacity floor), so fixed / (goal -
 * processing) has no closed form. `undefined` when even a billion articles a day miss it.
 */
function breakEvenArticlesPerDay(o: CostOptions): number | undefined {
  const meets = (articlesPerDay: number) =>
    costsAt({ ...o, articlesPerDay }).allInPerMillion < GOAL_DOLLARS_PER_MILLION;
  let high = 1e9;
  if (!meets(high)) return undefined;
  let low = 1;
  if (meets(low)) return low;
  while (high / low > 1.001) {
    const mid = Math.sqrt(low * high);
    if (meets(mid)) high = mid;
    else low = mid;
  }
  return Math.ceil(high);
}

function costsAt(o: CostOptions) {
  const v = (key: string) => o.inputs[key].value;
  const perArticle: CostLine[] = [];
  const add = (component: string, dollarsPerArticle: number, detail: string) =>
    perArticle.push({ component, dollars: dollarsPerArticle * 1e6, detail });

  // Per-invocation figures were measured with full batches; partial batches repeat them more often.
  const batchSize = v('crawl.batchSize');
  const fill = crawlBatchFill(o.inputs, o.articlesPerDay);
  const perBatchFactor = batchSize / fill;
  const fillNote =
    fill < batchSize
      ? ` (batches of ${fill.toFixed(1)}: discovery spread over ${v('discover.spreadSeconds')} s, ${v('crawl.maxBatchingWindowSeconds')} s batching window)`
      : '';
  const crawlMs = crawlBilledMsPerArticle(o.inputs, fill);
  const crawlGbS = (crawlMs.ms / 1000) * (v('crawl.memoryMb') / 1024);
  add(
    'Lambda crawl (GB-s)',
    crawlGbS * PRICES.lambdaArmPerGbSecond,
    `${crawlMs.ms.toFixed(0)} ms = ${crawlGbS.toFixed(3)} GB-s/article: ${crawlMs.detail}`,
  );
  // Each source is read on its schedule, whether or not it yields new URLs.
  const discoverMsPerArticle =
    (v('discover.sourceRunsPerDay') * o.hosts * v('discover.billedMsPerSourceRun')) /
    Math.max(o.articlesPerDay, 1e-9);
  const discoverGbS = (discoverMsPerArticle / 1000) * (v('discover.memoryMb') / 1024);
  add(
    'Lambda discover (GB-s)',
    discoverGbS * PRICES.lambdaArmPerGbSecond,
    `${discoverMsPerArticle.toFixed(0)} ms = ${discoverGbS.toFixed(3)} GB-s/article: ${v('discover.sourceRunsPerDay')} runs/day x ${o.hosts} sources x ${v('discover.billedMsPerSourceRun')} ms over ${o.articlesPerDay} articles/day`,
  );
  const invocations = v('crawl.fetchAttemptsPerArticle') / fill;
  add(
    'Lambda requests',
    (invocations * PRICES.lambdaPerMillionRequests) / 1e6,
    `${invocations.toFixed(2)} invocations/article`,
  );

  // The benchmark's articles are shorter or longer than real pages: each evidence paragraph more
  // is one more paragraph-item write and one more lookup read.
  const extraParagraphs =
    v('dedup.evidenceParagraphsPerArticle') - v('dynamodb.paragraphsPerArticleMeasured');
  const wru = v('dynamodb.writeUnitsPerArticle') + extraParagraphs * WRITE_UNITS_PER_PARAGRAPH;
  const rru = v('dynamodb.readUnitsPerArticle') + extraParagraphs * READ_UNITS_PER_PARAGRAPH;
  const scaled =
    extraParagraphs === 0
      ? ''
      : ` (${v('dynamodb.writeUnitsPerArticle')} measured at ${v('dynamodb.paragraphsPerArticleMeasured')} paragraphs ${extraParagraphs > 0 ? '+' : '-'} ${Math.abs(extraParagraphs).toFixed(2)} x ${WRITE_UNITS_PER_PARAGRAPH} for ${v('dedup.evidenceParagraphsPerArticle')} paragraphs)`;
  const articlesPerMonth = o.articlesPerDay * 30;
  const capacity = o.tableCapacity;
  const capacityFixed: CostLine[] = [];
  if (capacity.billing === 'provisioned') {
    // The table and its index each scale from their own minimum (the index's is 1 unit).
    const utilization = v('dynamodb.provisionedUtilization');
    const writes = provisionedCapacity(
      wru * articlesPerMonth,
      capacity.minWriteUnits + 1,
      PRICES.dynamodbPerWriteCapacityUnitHour,
      utilization,
    );
    const reads = provisionedCapacity(
      rru * articlesPerMonth,
      capacity.minReadUnits + 1,
      PRICES.dynamodbPerReadCapacityUnitHour,
      utilization,
    );
    const how = (units: number) =>
      `provisioned at ${(100 * utilization).toFixed(0)} % use: ${units.toFixed(1)} units on average at this volume`;
    add(
      'DynamoDB writes',
      wru * writes.dollarsPerUnit,
      `${wru.toFixed(1)} WRU/article${scaled}, ${how(writes.neededUnits)}`,
    );
    add(
      'DynamoDB reads',
      rru * reads.dollarsPerUnit,
      `${rru.toFixed(1)} RRU/article, ${how(reads.neededUnits)}`,
    );
    capacityFixed.push({
      component: 'DynamoDB capacity floor',
      dollars: writes.floorDollarsPerMonth + reads.floorDollarsPerMonth,
      detail: `auto-scaling minimum (${capacity.minWriteUnits}+1 write, ${capacity.minReadUnits}+1 read units for table+index) above what this volume needs`,
    });
  } else {
    add(
      'DynamoDB writes',
      (wru * PRICES.dynamodbPerMillionWriteUnits) / 1e6,
      `${wru.toFixed(1)} WRU/article${scaled}, on-demand`,
    );
    add(
      'DynamoDB reads',
      (rru * PRICES.dynamodbPerMillionReadUnits) / 1e6,
      `${rru.toFixed(1)} RRU/article, on-demand`,
    );
  }

  // Raw and clean bundles are written once per invocation: partial batches write more of them.
  const puts = v('s3.putsPerArticle') * perBatchFactor;
  const gets = v('s3.getsPerArticle');
  add('S3 PUT', (puts * PRICES.s3PutPerThousand) / 1e3, `${puts.toFixed(2)} PUT/article${fillNote}`);
  add('S3 GET', (gets * PRICES.s3GetPerThousand) / 1e3, `${gets.toFixed(2)} GET/article`);
  // A receive and a delete per invocation instead of per full batch.
  const sqsRequests =
    v('sqs.requestsPerArticle') + 2 * v('crawl.fetchAttemptsPerArticle') * (1 / fill - 1 / batchSize);
  add(
    'SQS requests',
    (sqsRequests * PRICES.sqsPerMillionRequests) / 1e6,
    `${sqsRequests.toFixed(3)} requests/article`,
  );
  add(
    'CloudWatch Logs ingest',
    (v('logs.bytesPerArticle') / 1e9) * PRICES.logsIngestPerGb,
    `${v('logs.bytesPerArticle')} B/article`,
  );
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
  const rawObjectsPerArticle = v('s3.rawObjectsPerArticle') * perBatchFactor;
  const rawMonitoringMonthly =
    ((rawObjectsPerArticle * 1e6) / 1e3) * PRICES.s3IntelligentTieringMonitoringPerThousandObjects;
  const rawYoungExtra = (months: number) =>
    rawGbPerMillion *
    ((PRICES.s3StandardPerGbMonth - PRICES.s3IntelligentTieringArchiveInstantPerGbMonth) *
      Math.min(months, 1) +
      (PRICES.s3IntelligentTieringInfrequentPerGbMonth -
        PRICES.s3IntelligentTieringArchiveInstantPerGbMonth) *
        Math.min(Math.max(months - 1, 0), 2));
  const storagePerMillionPerMonth: CostLine[] = [
    {
      component: 'S3 Standard (clean copies)',
      dollars: cleanGbPerMillion * PRICES.s3StandardPerGbMonth,
      detail: `${cleanGbPerMillion.toFixed(1)} GB per million`,
    },
    {
      component: 'S3 raw pages',
      dollars: rawArchiveMonthly + rawMonitoringMonthly,
      detail:
        `${rawGbPerMillion.toFixed(1)} GB per million in Intelligent-Tiering, Archive Instant Access after 90 days unread (${money(rawArchiveMonthly)}; ` +
        `the newest three months cost +${money(rawYoungExtra(3))} per M per month) + monitoring of ${(rawObjectsPerArticle * 1e6).toFixed(0)} bundles (${money(rawMonitoringMonthly)})`,
    },
    {
      component: 'DynamoDB storage',
      dollars: ddbGb * 1e6 * PRICES.dynamodbStoragePerGbMonth,
      detail: `${(ddbGb * 1e6).toFixed(1)} GB per million`,
    },
    {
      component: 'DynamoDB PITR',
      dollars: ddbGb * 1e6 * PRICES.dynamodbPitrPerGbMonth,
      detail: 'continuous backups of the table size',
    },
  ];

  const hostsWithSeries = o.perHostMetrics === 'all' ? o.hosts : o.watchedHosts;
  const metricCount = AGGREGATE_METRIC_SERIES + v('metrics.reasonSeries') + SERIES_PER_HOST * hostsWithSeries;
  const alarmMetrics = alarmMetricCount(o.watchedHosts);
  // Each idle mapping long-polls with its pollers, one 20 s receive each.
  const pollerRequestsPerMonth = EVENT_SOURCE_MAPPINGS * v('sqs.pollersPerMapping') * 3 * 60 * 24 * 30;
  const fixedMonthly: CostLine[] = [
    {
      component: 'Custom metrics',
      dollars: metricCount * PRICES.customMetricPerMonth,
      detail: `${metricCount} series: ${AGGREGATE_METRIC_SERIES} aggregate + ${v('metrics.reasonSeries')} by failure reason + ${SERIES_PER_HOST} x ${hostsWithSeries} ${o.perHostMetrics === 'all' ? 'hosts (perHostMetrics=all)' : 'watched hosts'}`,
    },
    {
      component: 'Alarms',
      dollars: alarmMetrics * PRICES.alarmMetricPerMonth,
      detail: `${alarmMetrics} alarm metrics`,
    },
    {
      component: 'Dashboard',
      dollars: PRICES.dashboardPerMonth,
      detail: 'free if the account has fewer than 4 dashboards',
    },
    {
      component: 'SQS idle polling',
      dollars: (pollerRequestsPerMonth * PRICES.sqsPerMillionRequests) / 1e6,
      detail: `${pollerRequestsPerMonth} empty receives (${EVENT_SOURCE_MAPPINGS} event source mappings, ${v('sqs.pollersPerMapping')} pollers each)`,
    },
    {
      component: 'Scheduler',
      dollars: ((v('discover.runsPerDay') * 30) / 1e6) * PRICES.schedulerPerMillion,
      detail: `${v('discover.runsPerDay') * 30} invocations`,
    },
    ...capacityFixed,
  ];

  const sum = (lines: CostLine[]) => lines.reduce((n, l) => n + l.dollars, 0);
  const processingPerMillion = sum(perArticle);
  const storagePerMillionMonth = sum(storagePerMillionPerMonth);
  const fixedPerMonth = sum(fixedMonthly);
  const millionsPerMonth = articlesPerMonth / 1e6;
  const logsStorage = ((articlesPerMonth * v('logs.bytesPerArticle')) / 1e9) * PRICES.logsStoragePerGbMonth;
  const monthly = {
    processing: processingPerMillion * millionsPerMonth,
    storageFirstMonth:
      (storagePerMillionMonth + rawYoungExtra(1)) * millionsPerMonth * 0.5 + logsStorage * 0.5,
    storageAfterMonths:
      (storagePerMillionMonth * o.months + rawYoungExtra(o.months)) * millionsPerMonth + logsStorage,
    fixed: fixedPerMonth,
  };
  // Ingesting a million articles: processing plus their share of this month's fixed costs.
  // Keeping them is a separate, monthly holding cost (storagePerMillionMonth).
  const allInPerMillion = processingPerMillion + fixedPerMonth / Math.max(millionsPerMonth, 1e-9);
  return {
    perArticle,
    storagePerMillionPerMonth,
    fixedMonthly,
    processingPerMillion,
    storagePerMillionMonth,
    fixedPerMonth,
    articlesPerMonth,
    monthly,
    allInPerMillion,
    crawlBilledMs: crawlMs,
    crawlBatchFill: fill,
  };
}

/** The goal: dollars per million articles, all-in. */
export const GOAL_DOLLARS_PER_MILLION = 20;

/**
 * One evidence paragraph more in an article: one conditional UpdateItem of its paragraph item
 * (under 1 KB: one write unit; functions/adapters/dynamodb/paragraph-recorder.ts) and one
 * eventually consistent item in the lookup BatchGetItem (half a read unit).
 */
export const WRITE_UNITS_PER_PARAGRAPH = 1;
export const READ_UNITS_PER_PARAGRAPH = 0.5;
