import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../../infra/settings';
import { cdkJsonContext } from './synth';

const lookup = (context: Record<string, unknown>) => (key: string) => context[key];

describe('resolveSettings', () => {
  it('uses the defaults when the context is empty', () => {
    expect(resolveSettings(lookup({}))).toEqual(DEFAULT_SETTINGS);
  });

  it('applies cdk.json stage overrides, then -c flags (strings, as the CLI passes them)', () => {
    const context = {
      ...cdkJsonContext(),
      stage: 'prod',
      scheduleExpression: 'rate(15 minutes)',
      errorRateThresholdPercent: '2',
    };
    const settings = resolveSettings(lookup(context));
    expect(settings.stage).toBe('prod');
    expect(settings.tableDeletionProtection).toBe(true); // from cdk.json stages.prod
    expect(settings.logRetentionDays).toBe(90); // from cdk.json stages.prod
    expect(settings.scheduleExpression).toBe('rate(15 minutes)'); // -c wins over the stage table
    expect(settings.errorRateThresholdPercent).toBe(2);
  });

  it('merges nested groups field by field, from objects or JSON strings', () => {
    const settings = resolveSettings(
      lookup({ crawl: '{"batchSize":2}', fetch: { hostMinIntervalMs: 3000 } }),
    );
    expect(settings.crawl).toEqual({ ...DEFAULT_SETTINGS.crawl, batchSize: 2 });
    expect(settings.fetch).toEqual({ ...DEFAULT_SETTINGS.fetch, hostMinIntervalMs: 3000 });
  });

  it('parses booleans, nulls and host lists given as strings', () => {
    const settings = resolveSettings(
      lookup({ tracing: 'false', rawExpirationDays: 'null', extractionWatchHosts: 'a.example,b.example' }),
    );
    expect(settings.tracing).toBe(false);
    expect(settings.extractionWatchHosts).toEqual(['a.example', 'b.example']);
    expect(settings.rawExpirationDays).toBeNull();
  });

  it('the steady stage is provisioned, spreads discovery over its 15-minute schedule and batches for up to 5 minutes', () => {
    const settings = resolveSettings(lookup({ ...cdkJsonContext(), stage: 'steady' }));
    expect(settings.tableCapacity).toEqual({ ...DEFAULT_SETTINGS.tableCapacity, billing: 'provisioned' });
    expect(settings.scheduleExpression).toBe('rate(15 minutes)');
    expect(settings.discover.spreadSeconds).toBe(900);
    expect(settings.crawl.maxBatchingWindowSeconds).toBe(300);
    expect(DEFAULT_SETTINGS.tableCapacity.billing).toBe('on-demand');
    expect(DEFAULT_SETTINGS.discover.spreadSeconds).toBe(0);
  });

  it('refuses provisioned capacity without a discovery spread, and min units above max', () => {
    expect(() => resolveSettings(lookup({ tableCapacity: { billing: 'provisioned' } }))).toThrow(
      /tableCapacity\.billing=provisioned needs discover\.spreadSeconds/,
    );
    expect(() =>
      resolveSettings(lookup({ tableCapacity: { minWriteUnits: 50, maxWriteUnits: 10 } })),
    ).toThrow(/min units must not exceed max units/);
    expect(() => resolveSettings(lookup({ tableCapacity: '{"billing":"reserved"}' }))).toThrow(
      /tableCapacity\.billing/,
    );
    expect(() => resolveSettings(lookup({ discover: { spreadSeconds: 1200 } }))).toThrow(
      /discover\.spreadSeconds/,
    );
  });

  it('rejects invalid values, naming each', () => {
    expect(() =>
      resolveSettings(
        lookup({ stage: 'Prod!', scheduleExpression: 'every hour', crawl: '{"maxConcurrency":1}' }),
      ),
    ).toThrow(/stage.*scheduleExpression.*crawl\.maxConcurrency|scheduleExpression.*stage/s);
  });

  it('rejects a reprocess concurrency reservation below its poller concurrency', () => {
    expect(() =>
      resolveSettings(lookup({ reprocess: '{"maxConcurrency":4,"reservedConcurrency":2}' })),
    ).toThrow(/reprocess.reservedConcurrency \(2\) must be >= reprocess.maxConcurrency \(4\)/);
    expect(
      resolveSettings(lookup({ reprocess: '{"maxConcurrency":4,"reservedConcurrency":4}' })).reprocess
        .reservedConcurrency,
    ).toBe(4);
  });

  it('refuses the removed rawTransitionDays, from -c or from a stage in cdk.json, saying why', () => {
    expect(() => resolveSettings(lookup({ rawTransitionDays: '90' }))).toThrow(
      /rawTransitionDays is no longer a setting: .*Intelligent-Tiering/,
    );
    expect(() =>
      resolveSettings(lookup({ stage: 'prod', stages: { prod: { rawTransitionDays: 30 } } })),
    ).toThrow(/rawTransitionDays/);
    expect(DEFAULT_SETTINGS).not.toHaveProperty('rawTransitionDays');
  });

  it('rejects a crawl concurrency reservation below the poller concurrency', () => {
    expect(() =>
      resolveSettings(lookup({ crawl: '{"maxConcurrency":20,"reservedConcurrency":10}' })),
    ).toThrow(/reservedConcurrency \(10\) must be >= crawl.maxConcurrency \(20\)/);
  });
});
