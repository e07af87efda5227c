/**
 * The backfill state machine in the stack: a Distributed Map over WARC keys (a prefix of Common
 * Crawl's bucket, or a CSV manifest in the archive bucket), each item a loop of the backfill
 * Lambda until `done`, with the concurrency, retries, failed-items report and alarms the settings
 * say, least-privilege reads of the WARC sources, and settings overrides that take effect.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_SERVICE_NAME } from '../../functions/observability/names';
import { BACKFILL_PREFIX, NON_RETRYABLE_ERRORS } from '../../infra/constructs/backfill';
import { DEFAULT_SETTINGS, resolveSettings } from '../../infra/settings';
import { synthPipeline } from './synth';

type Resource = { Properties: Record<string, any> };

/** The state machine's definition with intrinsics rendered as short placeholders. */
function definitionOf(template: Template): any {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const backfill = Object.entries(machines).filter(([id]) => id.startsWith('Backfill'));
  expect(backfill).toHaveLength(1);
  const parts = (backfill[0][1] as Resource).Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(
    parts
      .map((p) => (typeof p === 'string' ? p : `<${Object.values(p as object)[0]}>`.replace(/"/g, '')))
      .join(''),
  );
}

function backfillFunction(template: Template): { id: string; props: Record<string, any> } {
  const found = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: BACKFILL_SERVICE_NAME } } },
  });
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], props: (found[ids[0]] as Resource).Properties };
}

describe('backfill state machine', () => {
  let template: Template;
  let definition: any;
  beforeAll(() => {
    template = synthPipeline().template;
    definition = definitionOf(template);
  });

  it('chooses a prefix listing or a CSV manifest, after defaulting the filters', () => {
    expect(definition.StartAt).toBe('Defaults');
    expect(definition.States.Defaults.Result).toEqual({ filters: {} });
    const choice = definition.States.ManifestOrPrefix;
    expect(choice.Choices).toEqual([
      { Variable: '$.manifestKey', IsPresent: true, Next: 'FromManifest' },
      { Variable: '$.prefix', IsPresent: true, Next: 'FromPrefix' },
    ]);
    expect(definition.States[choice.Default]).toMatchObject({ Type: 'Fail', Error: 'InvalidInputError' });

    const prefix = definition.States.FromPrefix;
    expect(prefix.ItemReader.Resource).toMatch(/states:::s3:listObjectsV2$/);
    expect(prefix.ItemReader.Parameters).toEqual({ Bucket: 'commoncrawl', 'Prefix.$': '$.prefix' });
    expect(prefix.ItemSelector).toEqual({
      bucket: 'commoncrawl',
      'key.$': '$$.Map.Item.Value.Key',
      'filters.$': '$.filters',
    });

    const manifest = definition.States.FromManifest;
    expect(manifest.ItemReader.Resource).toMatch(/states:::s3:getObject$/);
    expect(manifest.ItemReader.ReaderConfig).toEqual({
      InputType: 'CSV',
      CSVHeaderLocation: 'GIVEN',
      CSVHeaders: ['key'],
    });
    expect(manifest.ItemReader.Parameters['Key.$']).toBe('$.manifestKey');
    expect(manifest.ItemSelector['bucket.$']).toBe('$.bucket');
  });

  it('runs each WARC as a child workflow that calls the Lambda until done, with retries per item', () => {
    for (const name of ['FromPrefix', 'FromManifest']) {
      const map = definition.States[name];
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.MaxConcurrency).toBe(DEFAULT_SETTINGS.backfill.maxConcurrency);
      expect(map.ToleratedFailurePercentage).toBe(DEFAULT_SETTINGS.backfill.toleratedFailurePercentage);
      expect(map.ResultWriter.Parameters.Prefix).toBe(BACKFILL_PREFIX.results);
      const states = map.ItemProcessor.States;
      const task = states[map.ItemProcessor.StartAt];
      expect(task.Type).toBe('Task');
      const retries = task.Retry as any[];
      const nonRetryable = retries.findIndex((r) => r.ErrorEquals.includes('InvalidInputError'));
      const all = retries.findIndex((r) => r.ErrorEquals.includes('States.ALL'));
      // Bad input is matched first and never retried; everything else (throttling included) is.
      expect(retries[nonRetryable]).toEqual({ ErrorEquals: NON_RETRYABLE_ERRORS, MaxAttempts: 0 });
      expect(nonRetryable).toBeLessThan(all);
      expect(retries[all]).toMatchObject({
        MaxAttempts: DEFAULT_SETTINGS.backfill.itemMaxAttempts - 1,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      });
      const loop = states[task.Next];
      expect(loop.Type).toBe('Choice');
      expect(loop.Choices[0]).toMatchObject({ Variable: '$.done', BooleanEquals: true });
      expect(states[loop.Choices[0].Next].Type).toBe('Succeed');
      expect(loop.Default).toBe(map.ItemProcessor.StartAt);
    }
  });

  it('gives the item Lambda its settings and only the reads and writes it needs', () => {
    const { id, props } = backfillFunction(template);
    expect(props.MemorySize).toBe(DEFAULT_SETTINGS.backfill.memoryMb);
    expect(props.Timeout).toBe(DEFAULT_SETTINGS.backfill.timeoutSeconds);
    expect(props.Environment.Variables.BACKFILL_RECORD_CONCURRENCY).toBe(
      String(DEFAULT_SETTINGS.backfill.recordConcurrency),
    );
    const roleRef = props.Role['Fn::GetAtt'][0];
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleRef }] } }),
    ).flatMap((p) => (p as Resource).Properties.PolicyDocument.Statement as any[]);
    const text = JSON.stringify(statements);
    expect(text).toContain(':s3:::commoncrawl/crawl-data/CC-NEWS/*');
    expect(text).toContain('/backfill/warc/*');
    expect(text).toContain('/clean/*');
    // Never writes raw pages: a backfilled page is a pointer into its WARC.
    expect(text).not.toContain('/raw/');
    const commonCrawl = statements.find((s) => JSON.stringify(s.Resource).includes('commoncrawl'));
    expect(commonCrawl.Action).toBe('s3:GetObject');
    expect(id).toMatch(/^Backfill/);
  });

  it('logs every execution event and alarms on failed runs, timeouts and throttled items', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Threshold: 0,
        AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('AlarmTopic') })],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: backfillFunction(template).id } }],
    });
    template.hasOutput('BackfillStateMachineArn', {});
  });

  it('takes overrides from the context and rejects reserved concurrency below the map concurrency', () => {
    const tuned = synthPipeline({
      context: {
        backfill:
          '{"maxConcurrency":40,"itemMaxAttempts":6,"listBucket":"my-warcs","sourcePrefixes":[{"bucket":"my-warcs","prefix":"crawls/"}]}',
      },
    }).template;
    const d = definitionOf(tuned);
    expect(d.States.FromPrefix.MaxConcurrency).toBe(40);
    expect(d.States.FromPrefix.ItemReader.Parameters.Bucket).toBe('my-warcs');
    const task = d.States.FromManifest.ItemProcessor.States.FromManifestReadWarc;
    expect(task.Retry.find((r: any) => r.ErrorEquals.includes('States.ALL')).MaxAttempts).toBe(5);
    const text = JSON.stringify(tuned.findResources('AWS::IAM::Policy'));
    expect(text).toContain(':s3:::my-warcs/crawls/*');
    expect(text).not.toContain('commoncrawl');
    expect(() =>
      resolveSettings((key) =>
        key === 'backfill' ? '{"maxConcurrency":20,"reservedConcurrency":5}' : undefined,
      ),
    ).toThrow(/backfill.reservedConcurrency \(5\) must be >= backfill.maxConcurrency \(20\)/);
  });
});
