import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCosts, DEFAULT_INPUTS, PRICES, readMeasurements } from '../../scripts/cost-model';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-model-'));
const write = (name: string, body: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
};

const inputsWith = (overrides: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(DEFAULT_INPUTS).map(([k, d]) => [k, { ...d, value: overrides[k] ?? d.value, source: 'assumed' }]),
  );

describe('readMeasurements', () => {
  it('maps a flat dedup.json onto dynamodb.* and reports unknown fields', () => {
    const m = readMeasurements(write('dedup.json', { source: 'bench', writeUnitsPerArticle: 12.5, readUnitsPerArticle: 3, bogus: 1 }));
    expect(m.values).toEqual({ 'dynamodb.writeUnitsPerArticle': 12.5, 'dynamodb.readUnitsPerArticle': 3 });
    expect(m.unknown).toEqual(['dynamodb.bogus']);
    expect(m.label).toContain('bench');
  });

  it('reads nested sections from any file name', () => {
    const m = readMeasurements(write('run-1.json', { crawl: { billedMsPerArticle: 420 }, s3: { putsPerArticle: 1 } }));
    expect(m.values).toEqual({ 'crawl.billedMsPerArticle': 420, 's3.putsPerArticle': 1 });
  });
});

describe('computeCosts', () => {
  const base = { articlesPerDay: 100_000, hosts: 300, perHostMetrics: 'all' as const, watchedHosts: 0, months: 12 };

  it('prices each per-article figure at list price', () => {
    const r = computeCosts({
      ...base,
      inputs: inputsWith({ 's3.putsPerArticle': 1, 'dynamodb.writeUnitsPerArticle': 10, 'dynamodb.frontierWriteUnitsPerArticle': 0 }),
    });
    const line = (name: string) => r.perArticle.find((l) => l.component === name)!.dollars;
    expect(line('S3 PUT')).toBeCloseTo(PRICES.s3PutPerThousand * 1000, 6); // 1M PUTs
    expect(line('DynamoDB writes')).toBeCloseTo(10 * PRICES.dynamodbPerMillionWriteUnits, 6);
    // 1.2 s at 1 GB = 1.2 GB-s per article.
    expect(line('Lambda crawl (GB-s)')).toBeCloseTo(1.2 * 1e6 * PRICES.lambdaArmPerGbSecond, 4);
  });

  it('per-host metrics are a fixed monthly cost that the watched policy removes', () => {
    const all = computeCosts({ ...base, inputs: inputsWith({}) });
    const watched = computeCosts({ ...base, perHostMetrics: 'watched', watchedHosts: 5, inputs: inputsWith({}) });
    const metrics = (r: typeof all) => r.fixedMonthly.find((l) => l.component === 'Custom metrics')!.dollars;
    expect(metrics(all)).toBeCloseTo(301 * PRICES.customMetricPerMonth, 6);
    expect(metrics(watched)).toBeCloseTo(6 * PRICES.customMetricPerMonth, 6);
  });

  it('all-in cost per million falls with volume (fixed costs spread)', () => {
    const small = computeCosts({ ...base, articlesPerDay: 1_000, inputs: inputsWith({}) });
    const large = computeCosts({ ...base, articlesPerDay: 1_000_000, inputs: inputsWith({}) });
    expect(small.allInPerMillion).toBeGreaterThan(large.allInPerMillion);
    expect(large.allInPerMillion).toBeGreaterThan(large.processingPerMillion);
  });
});
