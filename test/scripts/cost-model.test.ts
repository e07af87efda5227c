import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../infra/settings';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AGGREGATE_METRIC_SERIES,
  alarmMetricCount,
  computeCosts,
  crawlBatchFill,
  crawlBilledMsPerArticle,
  EVENT_SOURCE_MAPPINGS,
  GOAL_DOLLARS_PER_MILLION,
  LAMBDA_MB_PER_VCPU,
  READ_UNITS_PER_PARAGRAPH,
  SERIES_PER_HOST,
  WRITE_UNITS_PER_PARAGRAPH,
} from '../../scripts/lib/cost/compute';
import { DEFAULT_INPUTS, defaultInputs, readMeasurements, runsPerDayOf } from '../../scripts/lib/cost/inputs';
import { PRICES } from '../../scripts/lib/cost/prices';
import { synthPipeline } from '../infra/synth';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-model-'));
const write = (name: string, body: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
};

const inputsWith = (overrides: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(DEFAULT_INPUTS).map(([k, d]) => [
      k,
      { ...d, value: overrides[k] ?? d.value, source: 'assumed' },
    ]),
  );

describe('readMeasurements', () => {
  it('maps a flat dedup.json onto dynamodb.* and reports unknown fields', () => {
    const m = readMeasurements(
      write('dedup.json', { source: 'bench', writeUnitsPerArticle: 12.5, readUnitsPerArticle: 3, bogus: 1 }),
    );
    expect(m.values).toEqual({ 'dynamodb.writeUnitsPerArticle': 12.5, 'dynamodb.readUnitsPerArticle': 3 });
    expect(m.unknown).toEqual(['dynamodb.bogus']);
    expect(m.label).toContain('bench');
  });

  it('recognises a flat bench:dedup file under another name by its source', () => {
    const m = readMeasurements(
      write('dedup-300.json', {
        source: 'bench:dedup --articles 300 --store dynalite',
        writeUnitsPerArticle: 16.31,
      }),
    );
    expect(m.values).toEqual({ 'dynamodb.writeUnitsPerArticle': 16.31 });
  });

  it('reads nested sections from any file name, including override-only inputs', () => {
    const m = readMeasurements(
      write('run-1.json', { crawl: { billedMsPerArticle: 420 }, s3: { putsPerArticle: 1 } }),
    );
    expect(m.values).toEqual({ 'crawl.billedMsPerArticle': 420, 's3.putsPerArticle': 1 });
  });

  /** The shape scripts/bench-crawl.ts writes to bench-results/crawl.json. */
  const crawlBench = (over: Record<string, unknown> = {}) => ({
    articles: 2000,
    hosts: 20,
    articlesStored: 2000,
    wallSeconds: 125.72,
    articlesPerSecond: 15.91,
    msPerArticle: 62.86,
    peakRssMb: 470,
    requests: 2060,
    maxRequestsPerHostPerSecond: 9,
    configuredLimitPerHostPerSecond: 10,
    failures: 0,
    skipped: 0,
    concurrency: 16,
    hostIntervalMs: 100,
    measuredAt: '2026-11-25T01:19:14.974Z',
    note: 'Local pipeline ...',
    ...over,
  });

  it('takes bench:crawl busy time per article as the CPU figure and reports its other fields', () => {
    const m = readMeasurements(write('crawl.json', crawlBench()));
    expect(m.values).toEqual({ 'crawl.cpuMsPerArticle': 62.86 });
    expect(m.unknown).toEqual([]);
    expect(m.label).toContain('2026-11-25T01:19:14.974Z');
    expect(m.notes.join('\n')).toMatch(/peak RSS 470 MB/);
    expect(m.notes.join('\n')).toMatch(/1\.03 HTTP requests per stored article/);
  });

  it('does not take a politeness-bound bench:crawl run as CPU time', () => {
    // 100 pages per host x 100 ms = a 10 s floor: 12 s of wall time is mostly waiting.
    const m = readMeasurements(write('crawl.json', crawlBench({ wallSeconds: 12, msPerArticle: 6 })));
    expect(m.values).toEqual({});
    expect(m.notes.join('\n')).toMatch(/politeness floor/);
  });

  it('reports fields bench:crawl may add later instead of ignoring them silently', () => {
    const m = readMeasurements(write('crawl.json', crawlBench({ p95MsPerArticle: 120 })));
    expect(m.unknown).toEqual(['crawl.p95MsPerArticle']);
  });
});

describe('crawl Lambda time (batch processed in parallel)', () => {
  const inputs = (over: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(defaultInputs()).map(([k, d]) => [k, { ...d, value: over[k] ?? d.value }]),
    );

  it("an invocation lasts its slowest fetch + storage + waits + the batch's CPU at the memory's vCPU share", () => {
    const r = crawlBilledMsPerArticle(
      inputs({
        'crawl.fetchWallMsPerBatch': 1000,
        'crawl.storeWallMsPerBatch': 200,
        'crawl.politenessWaitMsPerBatch': 0,
        'crawl.cpuMsPerArticle': 50,
        'crawl.batchSize': 5,
        'crawl.memoryMb': LAMBDA_MB_PER_VCPU / 2,
        'crawl.fetchAttemptsPerArticle': 1,
      }),
    );
    // 1000 + 200 + 5 x 50 ms x 2 (half a vCPU) = 1700 ms per 5 URLs.
    expect(r.ms).toBeCloseTo(340, 6);
  });

  it('more memory than one vCPU does not speed up the single JavaScript thread', () => {
    const at = (memoryMb: number) => crawlBilledMsPerArticle(inputs({ 'crawl.memoryMb': memoryMb })).ms;
    expect(at(LAMBDA_MB_PER_VCPU * 2)).toBeCloseTo(at(LAMBDA_MB_PER_VCPU), 6);
    expect(at(512)).toBeGreaterThan(at(1024));
  });

  it('a measured billed time replaces the derivation', () => {
    const all = {
      ...defaultInputs(),
      'crawl.billedMsPerArticle': {
        value: 420,
        unit: 'ms',
        why: '',
        basis: 'assumed' as const,
        source: 'measured (x)',
      },
    };
    expect(crawlBilledMsPerArticle(all).ms).toBe(420);
  });
});

describe('computeCosts', () => {
  const base = {
    articlesPerDay: 100_000,
    hosts: 300,
    perHostMetrics: 'all' as const,
    watchedHosts: 0,
    months: 12,
    tableCapacity: DEFAULT_SETTINGS.tableCapacity,
  };

  it('prices each per-article figure at list price', () => {
    const r = computeCosts({
      ...base,
      inputs: {
        ...inputsWith({
          's3.putsPerArticle': 1,
          'dynamodb.writeUnitsPerArticle': 10,
          'crawl.memoryMb': 1024,
        }),
        'crawl.billedMsPerArticle': {
          value: 1200,
          unit: 'ms',
          why: '',
          basis: 'assumed',
          source: 'measured (test)',
        },
      },
    });
    const line = (name: string) => r.perArticle.find((l) => l.component === name)!.dollars;
    expect(line('S3 PUT')).toBeCloseTo(PRICES.s3PutPerThousand * 1000, 6); // 1M PUTs
    expect(line('DynamoDB writes')).toBeCloseTo(10 * PRICES.dynamodbPerMillionWriteUnits, 6);
    // 1.2 s at 1 GB = 1.2 GB-s per article.
    expect(line('Lambda crawl (GB-s)')).toBeCloseTo(1.2 * 1e6 * PRICES.lambdaArmPerGbSecond, 4);
  });

  it('reads a nested bench:pipeline file, skipping its descriptive info', () => {
    const m = readMeasurements(
      write('pipeline.json', {
        source: 'bench:pipeline --articles 10',
        dynamodb: { writeUnitsPerArticle: 14.2, readUnitsPerArticle: 4 },
        s3: { putsPerArticle: 1.1 },
        info: { storedArticles: 10, writeUnitsByPart: { index: 9 } },
      }),
    );
    expect(m.values).toEqual({
      'dynamodb.writeUnitsPerArticle': 14.2,
      'dynamodb.readUnitsPerArticle': 4,
      's3.putsPerArticle': 1.1,
    });
    expect(m.unknown).toEqual([]);
  });

  it('gives the daily volume from which all-in meets the goal, and none when processing alone misses it', () => {
    const dear = computeCosts({ ...base, inputs: inputsWith({ 'dynamodb.writeUnitsPerArticle': 40 }) });
    expect(dear.processingPerMillion).toBeGreaterThan(GOAL_DOLLARS_PER_MILLION);
    expect(dear.breakEvenArticlesPerDay).toBeUndefined();
    const cheap = inputsWith({
      'dynamodb.writeUnitsPerArticle': 4,
      's3.putsPerArticle': 0.5,
      'crawl.fetchWallMsPerBatch': 200,
    });
    const r = computeCosts({ ...base, inputs: cheap });
    expect(r.processingPerMillion).toBeLessThan(GOAL_DOLLARS_PER_MILLION);
    const at = computeCosts({ ...base, articlesPerDay: r.breakEvenArticlesPerDay!, inputs: cheap });
    const below = computeCosts({
      ...base,
      articlesPerDay: Math.floor(r.breakEvenArticlesPerDay! * 0.9),
      inputs: cheap,
    });
    expect(at.allInPerMillion).toBeLessThanOrEqual(GOAL_DOLLARS_PER_MILLION);
    expect(below.allInPerMillion).toBeGreaterThan(GOAL_DOLLARS_PER_MILLION);
  });

  it('raw bundles in Intelligent-Tiering: Archive Instant price when old, frequent/infrequent prices while young, plus monitoring', () => {
    const r = computeCosts({
      ...base,
      articlesPerDay: 1e6 / 30,
      months: 12,
      inputs: inputsWith({
        's3.rawBytesPerArticle': 1_000,
        's3.cleanBytesPerArticle': 0,
        'dynamodb.storageBytesPerArticle': 0,
        's3.rawObjectsPerArticle': 0.1,
      }),
    });
    // 1 GB of raw pages and 100,000 bundles per million articles.
    const monitoring = 100 * PRICES.s3IntelligentTieringMonitoringPerThousandObjects;
    const steady = PRICES.s3IntelligentTieringArchiveInstantPerGbMonth + monitoring;
    expect(r.storagePerMillionPerMonth.find((l) => l.component === 'S3 raw pages')!.dollars).toBeCloseTo(
      steady,
      9,
    );
    const young =
      PRICES.s3StandardPerGbMonth -
      PRICES.s3IntelligentTieringArchiveInstantPerGbMonth +
      2 *
        (PRICES.s3IntelligentTieringInfrequentPerGbMonth -
          PRICES.s3IntelligentTieringArchiveInstantPerGbMonth);
    const logsStorage =
      ((1e6 * DEFAULT_INPUTS['logs.bytesPerArticle'].value) / 1e9) * PRICES.logsStoragePerGbMonth;
    expect(r.monthly.storageAfterMonths).toBeCloseTo(12 * steady + young + logsStorage, 9);
    // No lifecycle transitions are paid per article any more.
    expect(r.perArticle.some((l) => /transition/i.test(l.component))).toBe(false);
  });

  it('scales the measured DynamoDB units to the paragraphs of real pages: one write and half a read per paragraph', () => {
    const at = (real: number) =>
      computeCosts({
        ...base,
        inputs: inputsWith({
          'dynamodb.writeUnitsPerArticle': 18,
          'dynamodb.readUnitsPerArticle': 5,
          'dynamodb.paragraphsPerArticleMeasured': 12,
          'dedup.evidenceParagraphsPerArticle': real,
        }),
      });
    const line = (r: ReturnType<typeof at>, name: string) =>
      r.perArticle.find((l) => l.component === name)!.dollars;
    expect(line(at(12), 'DynamoDB writes')).toBeCloseTo(18 * PRICES.dynamodbPerMillionWriteUnits, 6);
    expect(line(at(18), 'DynamoDB writes')).toBeCloseTo(
      (18 + 6 * WRITE_UNITS_PER_PARAGRAPH) * PRICES.dynamodbPerMillionWriteUnits,
      6,
    );
    expect(line(at(18), 'DynamoDB reads')).toBeCloseTo(
      (5 + 6 * READ_UNITS_PER_PARAGRAPH) * PRICES.dynamodbPerMillionReadUnits,
      6,
    );
    expect(line(at(8), 'DynamoDB writes')).toBeLessThan(line(at(12), 'DynamoDB writes'));
  });

  it('per-host metrics are a fixed monthly cost that the watched policy removes', () => {
    const all = computeCosts({ ...base, inputs: inputsWith({ 'metrics.reasonSeries': 10 }) });
    const watched = computeCosts({
      ...base,
      perHostMetrics: 'watched',
      watchedHosts: 5,
      inputs: inputsWith({ 'metrics.reasonSeries': 10 }),
    });
    const metrics = (r: typeof all) => r.fixedMonthly.find((l) => l.component === 'Custom metrics')!.dollars;
    // Two series per host (ParagraphsPerArticle, BoilerplateRatio) on top of the aggregate ones.
    expect(metrics(all)).toBeCloseTo(
      (AGGREGATE_METRIC_SERIES + 10 + 2 * 300) * PRICES.customMetricPerMonth,
      6,
    );
    expect(metrics(watched)).toBeCloseTo(
      (AGGREGATE_METRIC_SERIES + 10 + 2 * 5) * PRICES.customMetricPerMonth,
      6,
    );
    expect(SERIES_PER_HOST).toBe(2);
  });

  it('all-in cost per million falls with volume (fixed costs spread)', () => {
    const small = computeCosts({ ...base, articlesPerDay: 1_000, inputs: inputsWith({}) });
    const large = computeCosts({ ...base, articlesPerDay: 1_000_000, inputs: inputsWith({}) });
    expect(small.allInPerMillion).toBeGreaterThan(large.allInPerMillion);
    expect(large.allInPerMillion).toBeGreaterThan(large.processingPerMillion);
  });
});

describe('capacity mode, discovery spread and schedule', () => {
  const base = {
    articlesPerDay: 100_000,
    hosts: 300,
    perHostMetrics: 'watched' as const,
    watchedHosts: 0,
    months: 12,
  };
  const provisioned = { ...DEFAULT_SETTINGS.tableCapacity, billing: 'provisioned' as const };
  const line = (r: ReturnType<typeof computeCosts>, name: string) =>
    [...r.perArticle, ...r.fixedMonthly].find((l) => l.component === name)?.dollars;

  it('provisioned capacity costs the unit-hour price over the utilisation, on-demand the request-unit price', () => {
    const inputs = inputsWith({
      'dynamodb.writeUnitsPerArticle': 20,
      'dynamodb.readUnitsPerArticle': 8,
      'dynamodb.provisionedUtilization': 0.5,
    });
    const onDemand = computeCosts({ ...base, tableCapacity: DEFAULT_SETTINGS.tableCapacity, inputs });
    const steady = computeCosts({ ...base, tableCapacity: provisioned, inputs });
    expect(line(onDemand, 'DynamoDB writes')).toBeCloseTo(20 * PRICES.dynamodbPerMillionWriteUnits, 6);
    // A million articles x 20 WRU, each WRU a 3,600th of a unit-hour, at half use.
    expect(line(steady, 'DynamoDB writes')).toBeCloseTo(
      (20e6 / 3600 / 0.5) * PRICES.dynamodbPerWriteCapacityUnitHour,
      6,
    );
    expect(line(steady, 'DynamoDB reads')).toBeCloseTo(
      (8e6 / 3600 / 0.5) * PRICES.dynamodbPerReadCapacityUnitHour,
      6,
    );
    expect(line(onDemand, 'DynamoDB capacity floor')).toBeUndefined();
    // At 100,000 articles a day the volume needs more than the minimum: no floor cost.
    expect(line(steady, 'DynamoDB capacity floor')).toBe(0);
  });

  it('a tiny volume pays the auto-scaling minimum as a fixed cost', () => {
    const inputs = inputsWith({ 'dynamodb.writeUnitsPerArticle': 20, 'dynamodb.readUnitsPerArticle': 8 });
    const r = computeCosts({ ...base, articlesPerDay: 10, tableCapacity: provisioned, inputs });
    const hours = 30 * 24;
    const minimum =
      (provisioned.minWriteUnits + 1) * hours * PRICES.dynamodbPerWriteCapacityUnitHour +
      (provisioned.minReadUnits + 1) * hours * PRICES.dynamodbPerReadCapacityUnitHour;
    expect(line(r, 'DynamoDB capacity floor')!).toBeGreaterThan(0.99 * minimum);
    expect(line(r, 'DynamoDB capacity floor')!).toBeLessThan(minimum);
  });

  it('with a discovery spread, batches fill only as far as the pollers gather URLs within the window', () => {
    const spread = (articlesPerDay: number) =>
      crawlBatchFill(
        inputsWith({
          'discover.spreadSeconds': 900,
          'crawl.maxBatchingWindowSeconds': 60,
          'sqs.pollersPerMapping': 5,
          'crawl.fetchAttemptsPerArticle': 1,
        }),
        articlesPerDay,
      );
    // 14,400 a day = 1 per 6 s; 60 s / 5 pollers = 2 per batch.
    expect(spread(14_400)).toBeCloseTo(2, 6);
    expect(spread(1_000_000)).toBe(DEFAULT_SETTINGS.crawl.batchSize);
    expect(spread(10)).toBe(1);
    expect(crawlBatchFill(inputsWith({ 'discover.spreadSeconds': 0 }), 10)).toBe(
      DEFAULT_SETTINGS.crawl.batchSize,
    );
    // Partial batches: more invocations, bundles and receives per article.
    const at = (spreadSeconds: number) =>
      computeCosts({
        ...base,
        articlesPerDay: 14_400,
        tableCapacity: DEFAULT_SETTINGS.tableCapacity,
        inputs: inputsWith({
          'discover.spreadSeconds': spreadSeconds,
          'crawl.maxBatchingWindowSeconds': 60,
          'crawl.fetchAttemptsPerArticle': 1,
        }),
      });
    const full = at(0);
    const partial = at(900);
    expect(line(partial, 'Lambda requests')!).toBeCloseTo(5 * line(full, 'Lambda requests')!, 6);
    expect(line(partial, 'S3 PUT')!).toBeCloseTo(5 * line(full, 'S3 PUT')!, 6);
    expect(line(partial, 'Lambda crawl (GB-s)')!).toBeGreaterThan(line(full, 'Lambda crawl (GB-s)')!);
  });

  it('discover is billed per source and run, spread over the articles of the day', () => {
    const at = (runsPerDay: number, articlesPerDay: number) =>
      line(
        computeCosts({
          ...base,
          articlesPerDay,
          tableCapacity: DEFAULT_SETTINGS.tableCapacity,
          inputs: inputsWith({ 'discover.sourceRunsPerDay': runsPerDay }),
        }),
        'Lambda discover (GB-s)',
      )!;
    expect(at(96, 100_000)).toBeCloseTo(4 * at(24, 100_000), 9);
    expect(at(24, 50_000)).toBeCloseTo(2 * at(24, 100_000), 9);
    expect(runsPerDayOf('rate(15 minutes)')).toEqual({ runs: 96, exact: true });
    expect(runsPerDayOf('rate(1 hour)')).toEqual({ runs: 24, exact: true });
    expect(runsPerDayOf('cron(0 */2 * * ? *)')).toEqual({ runs: 24, exact: false });
  });

  it('the CLI prices the stage it is given, with its settings, and names a stage that does not exist', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'scripts/cost-model.ts', ...args], {
        cwd: path.join(__dirname, '..', '..'),
      });
    const steady = JSON.parse(
      (await run('--stage', 'steady', '--json', '--articles-per-day', '100000')).stdout,
    ) as Record<string, any>;
    expect(steady.options.tableCapacity.billing).toBe('provisioned');
    expect(steady.options.inputs['discover.runsPerDay'].value).toBe(96);
    // Hourly sources are read once an hour however often the scheduler ticks.
    expect(steady.options.inputs['discover.sourceRunsPerDay'].value).toBe(24);
    expect(steady.options.inputs['discover.spreadSeconds'].value).toBe(900);
    const prod = JSON.parse((await run('--json', '--articles-per-day', '100000')).stdout) as Record<
      string,
      any
    >;
    expect(prod.options.tableCapacity.billing).toBe('on-demand');
    expect(steady.processingPerMillion).toBeLessThan(prod.processingPerMillion);
    await expect(run('--stage', 'nope')).rejects.toThrow(/--stage nope: no such stage in cdk.json/);
  }, 60_000);
});

describe('the model matches the stack it prices', () => {
  it('alarm metrics, event source mappings and sizing are those of the synthesized stack', () => {
    const watched = ['a.example', 'b.example'];
    const { template } = synthPipeline({
      context: { stage: 'prod', extractionWatchHosts: watched.join(',') },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{
      Properties: Record<string, any>;
    }>;
    // A math alarm bills each metric it evaluates; a plain alarm one.
    const billedMetrics = alarms.reduce(
      (n, a) => n + (a.Properties.Metrics ? a.Properties.Metrics.filter((m: any) => m.MetricStat).length : 1),
      0,
    );
    expect(billedMetrics).toBe(alarmMetricCount(watched.length));
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', EVENT_SOURCE_MAPPINGS);
    const crawl = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'news-crawl' } } },
      }),
    )[0] as { Properties: Record<string, any> };
    expect(crawl.Properties.MemorySize).toBe(DEFAULT_INPUTS['crawl.memoryMb'].value);
    expect(DEFAULT_INPUTS['crawl.batchSize'].value).toBe(DEFAULT_SETTINGS.crawl.batchSize);
    // The model's per-host default mirrors the stack's: no host series unless watched or 'all'.
    expect(crawl.Properties.Environment.Variables.EXTRACTION_METRIC_HOSTS).toBe(watched.join(','));
  }, 60_000);

  it('the AWS composition root writes no renderings (s3.putsPerArticle counts the clean copy and a raw bundle per invocation)', async () => {
    const { createAwsDeps } = await import('../../functions/handlers/aws-deps');
    const { loadConfig } = await import('../../functions/config');
    const deps = createAwsDeps(
      loadConfig({ CRAWL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/crawl' }),
      { info: () => {}, warn: () => {} },
    );
    expect(deps.writeRenderings).toBe(false);
    expect(DEFAULT_INPUTS['s3.putsPerArticle'].value).toBeCloseTo(
      1 + 1 / DEFAULT_SETTINGS.crawl.batchSize,
      6,
    );
  });
});
