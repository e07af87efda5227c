import { describe, expect, it } from 'vitest';
import { BACKFILL_ASSUMPTIONS, backfillCosts } from '../../scripts/lib/cost/backfill';
import { defaultInputs } from '../../scripts/lib/cost/inputs';
import { PRICES } from '../../scripts/lib/cost/prices';
import { DEFAULT_SETTINGS } from '../../infra/settings';

describe('backfill cost per million WARC records', () => {
  const inputs = defaultInputs(DEFAULT_SETTINGS);
  const measured = { readCpuMsPerRecord: 0.2, indexWriteShare: 0.8, indexReadShare: 0.9, sources: [] };
  const result = backfillCosts(inputs, DEFAULT_SETTINGS, measured);
  const line = (name: string) => result.lines.find((l) => l.component === name)!;

  it('prices the index writes of processed pages only (no frontier, rate limiter or raw pages)', () => {
    const processed = BACKFILL_ASSUMPTIONS.processedShare.value;
    const wru = inputs['dynamodb.writeUnitsPerArticle'].value * 0.8;
    expect(line('DynamoDB writes').dollars).toBeCloseTo(
      processed * wru * PRICES.dynamodbPerMillionWriteUnits,
      6,
    );
    // One clean-copy PUT per stored article, none for raw pages.
    const stored = processed * BACKFILL_ASSUMPTIONS.articleShare.value;
    expect(line('S3 PUT').dollars).toBeCloseTo(stored * 1e3 * PRICES.s3PutPerThousand, 6);
  });

  it('bills the CPU of parsing plus processing, and costs more per record with a slower parse', () => {
    const cpu = 0.2 + BACKFILL_ASSUMPTIONS.processedShare.value * inputs['crawl.cpuMsPerArticle'].value;
    expect(line('Lambda backfill (GB-s)').detail).toContain(`${cpu.toFixed(1)} ms`);
    const slower = backfillCosts(inputs, DEFAULT_SETTINGS, { ...measured, readCpuMsPerRecord: 5 });
    expect(slower.perMillionRecords).toBeGreaterThan(result.perMillionRecords);
    expect(result.perMillionArticles).toBeGreaterThan(result.perMillionRecords);
  });
});
