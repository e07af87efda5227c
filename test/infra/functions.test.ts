import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanKey, rawKey, renderingKey } from '../../functions/core/archive-keys';
import { DEFAULT_SETTINGS } from '../../infra/settings';
import { synthPipeline, VARIANT_CONTEXT } from './synth';

let template: Template;
let variant: Template;
beforeAll(() => {
  template = synthPipeline().template;
  variant = synthPipeline({ context: VARIANT_CONTEXT }).template;
});

type Resource = { Properties: Record<string, any> };

/** The function whose Powertools service name is `service`, with its logical id. */
function fn(service: string): { id: string; props: Record<string, any> } {
  const found = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
  });
  const ids = Object.keys(found);
  expect(ids, `one function for ${service}`).toHaveLength(1);
  return { id: ids[0], props: (found[ids[0]] as Resource).Properties };
}

/** Policy statements attached to the role the given function runs as. */
function statementsOf(service: string): any[] {
  const roleRef = fn(service).props.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleRef }] },
  });
  expect(Object.keys(policies).length).toBeGreaterThan(0);
  return Object.values(policies).flatMap((p) => (p as Resource).Properties.PolicyDocument.Statement);
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Renders a resource (string or intrinsic) to a comparable string. */
function renderResource(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, any>;
  if (r['Fn::GetAtt']) return `<${r['Fn::GetAtt'][0]}.${r['Fn::GetAtt'][1]}>`;
  if (r['Fn::Join']) return (r['Fn::Join'][1] as unknown[]).map(renderResource).join(r['Fn::Join'][0]);
  if (r.Ref) return `<${r.Ref}>`;
  return JSON.stringify(r);
}

const SERVICES = ['news-discover', 'news-crawl', 'news-query'] as const;

/** IAM-style match: `*` spans any characters, including `/`. */
const globMatches = (pattern: string, key: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(key);

describe('Lambda functions', () => {
  it.each([
    ['news-discover', DEFAULT_SETTINGS.discover],
    ['news-crawl', DEFAULT_SETTINGS.crawl],
    ['news-query', DEFAULT_SETTINGS.query],
  ] as const)('%s: Node 22+ on arm64 with its memory, timeout and reserved concurrency', (service, sizing) => {
    const { props } = fn(service);
    const major = Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.MemorySize).toBe(sizing.memoryMb);
    expect(props.Timeout).toBe(sizing.timeoutSeconds);
    expect(props.ReservedConcurrentExecutions).toBe(sizing.reservedConcurrency);
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    expect(props.RecursiveLoop).toBe('Terminate');
  });

  it('sizes come from context', () => {
    const other = variant;
    const crawl = Object.values(
      other.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'news-crawl' } } },
      }),
    )[0] as Resource;
    expect(crawl.Properties.MemorySize).toBe(2048);
    expect(crawl.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(crawl.Properties.TracingConfig).toBeUndefined();
    other.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 20 } });
    // perHostMetrics=watched: only the watched hosts get a per-host metric series.
    expect(crawl.Properties.Environment.Variables.EXTRACTION_METRIC_HOSTS).toBe('www.example.com,news.example.org');
  });

  it('every function logs to its own log group with a retention', () => {
    for (const service of SERVICES) {
      const { props } = fn(service);
      const groupId = props.LoggingConfig.LogGroup.Ref;
      template.hasResource('AWS::Logs::LogGroup', {});
      const group = template.findResources('AWS::Logs::LogGroup')[groupId] as Resource;
      expect(group.Properties.RetentionInDays).toBe(14); // dev stage in cdk.json
    }
  });

  it('sets the config variables functions/config.ts reads', () => {
    const crawlVars = fn('news-crawl').props.Environment.Variables;
    for (const name of [
      'TABLE_NAME',
      'BUCKET_NAME',
      'CRAWL_QUEUE_URL',
      'SOURCES_URI',
      'HOST_MIN_INTERVAL_MS',
      'FETCH_CONNECT_TIMEOUT_MS',
      'FETCH_TOTAL_TIMEOUT_MS',
      'FETCH_MAX_BODY_BYTES',
      'FETCH_MAX_REDIRECTS',
      'MAX_FETCH_ATTEMPTS',
      'POWERTOOLS_METRICS_NAMESPACE',
    ]) {
      expect(crawlVars, name).toHaveProperty(name);
    }
    expect(crawlVars.POWERTOOLS_METRICS_NAMESPACE).toBe('NewsPipeline');
    expect(crawlVars.EXTRACTION_METRIC_HOSTS).toBe('*');
    expect(renderResource(crawlVars.SOURCES_URI)).toMatch(/^s3:\/\/<ArchiveBucket\w+>\/config\/sources\.yaml$/);
    expect(fn('news-discover').props.Environment.Variables).toHaveProperty('CRAWL_QUEUE_URL');
    // The query function needs no crawler settings.
    expect(fn('news-query').props.Environment.Variables).not.toHaveProperty('CRAWL_QUEUE_URL');
  });
});

describe('IAM', () => {
  it('no role uses AWS managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect((role as Resource).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('no statement allows "*" or a whole-service wildcard action', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as Resource).Properties.PolicyDocument.Statement) {
        for (const action of asList(statement.Action as string | string[])) {
          expect(action).not.toBe('*');
          expect(action).not.toMatch(/:\*$/);
        }
      }
    }
  });

  it('Resource "*" appears only for X-Ray, which has no resource-level permissions', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as Resource).Properties.PolicyDocument.Statement) {
        if (asList(statement.Resource).includes('*')) {
          expect(asList(statement.Action as string | string[]).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('wildcard resources are limited to scoped bucket prefixes, the GSI and function versions', () => {
    const allowed = [
      /^<ArchiveBucket\w+\.Arn>\/(raw|clean|text)\/\*$/,
      /^<Index\w+\.Arn>\/index\/\*$/,
      /^<DiscoverFunction\w+\.Arn>:\*$/,
    ];
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as Resource).Properties.PolicyDocument.Statement) {
        for (const resource of asList(statement.Resource).map(renderResource)) {
          if (resource === '*' || !resource.includes('*')) continue;
          expect(allowed.some((re) => re.test(resource)), resource).toBe(true);
        }
      }
    }
  });

  it('the query function is read-only', () => {
    const statements = statementsOf('news-query');
    const actions = statements.flatMap((s) => asList(s.Action as string | string[]));
    const writes = actions.filter((a) =>
      /^(s3:(Put|Delete|Abort)|dynamodb:(Put|Update|Delete|BatchWrite)|sqs:)/.test(a),
    );
    expect(writes).toEqual([]);
    const s3Resources = statements
      .filter((s) => asList(s.Action as string | string[]).some((a) => a.startsWith('s3:')))
      .flatMap((s) => asList(s.Resource).map(renderResource));
    // Bucket ARN (for List) and the clean/ prefix only: no raw pages, no config.
    expect(s3Resources.filter((r) => r.includes('/')).sort()).toEqual([expect.stringMatching(/\/clean\/\*$/)]);
  });

  it('a sources file outside the archive bucket is readable by discover and crawl, and nothing else there', () => {
    for (const service of ['news-discover', 'news-crawl']) {
      const vars = (
        Object.values(
          variant.findResources('AWS::Lambda::Function', {
            Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
          }),
        )[0] as Resource
      ).Properties;
      expect(vars.Environment.Variables.SOURCES_URI).toBe('s3://shared-config-bucket/news/sources.yaml');
      const roleRef = vars.Role['Fn::GetAtt'][0];
      const statements = Object.values(
        variant.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleRef }] } }),
      ).flatMap((p) => (p as Resource).Properties.PolicyDocument.Statement);
      const shared = statements
        .flatMap((st) => asList(st.Resource).map(renderResource))
        .filter((r) => r.includes('shared-config-bucket'));
      expect(shared.sort()).toEqual([
        expect.stringMatching(/:s3:::shared-config-bucket$/),
        expect.stringMatching(/:s3:::shared-config-bucket\/news\/sources\.yaml$/),
      ]);
    }
  });

  it('crawl may write every key the pipeline writes (archive-keys.ts) and nothing else', () => {
    const crawlWrites = statementsOf('news-crawl')
      .filter((s) => asList(s.Action as string | string[]).includes('s3:PutObject'))
      .flatMap((s) => asList(s.Resource).map(renderResource))
      .filter((r) => r.includes('/'));
    const writtenKeys = [
      rawKey('www.example.com', '2026-11-24T10:00:00.000Z', 'abc'),
      cleanKey('2026-11-24', 'www.example.com', 'id1'),
      renderingKey('2026-11-24', 'www.example.com', 'id1', 'md'),
      renderingKey('2026-11-24', 'www.example.com', 'id1', 'txt'),
    ];
    for (const key of writtenKeys) {
      expect(crawlWrites.some((pattern) => globMatches(pattern.replace(/^<ArchiveBucket\w+\.Arn>\//, ''), key)), key).toBe(true);
    }
    expect(crawlWrites).toHaveLength(3);
  });

  it('discover only reads the sources file', () => {

    const discover = statementsOf('news-discover');
    const discoverActions = discover.flatMap((s) => asList(s.Action as string | string[]));
    expect(discoverActions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    const discoverObjects = discover
      .filter((s) => asList(s.Action as string | string[]).some((a) => a.startsWith('s3:')))
      .flatMap((s) => asList(s.Resource).map(renderResource))
      .filter((r) => r.includes('/'));
    expect(discoverObjects).toEqual([expect.stringMatching(/\/config\/sources\.yaml$/)]);
    expect(discoverActions).toContain('sqs:SendMessage');
  });
});

describe('invocation wiring', () => {
  it('query function URL requires IAM auth', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [fn('news-query').id, 'Arn'] },
    });
  });

  it('crawl consumes the crawl queue with partial batch failures and bounded concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('news-crawl').id },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CrawlQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: DEFAULT_SETTINGS.crawl.batchSize,
      ScalingConfig: { MaximumConcurrency: DEFAULT_SETTINGS.crawl.maxConcurrency },
    });
  });

  it('EventBridge Scheduler invokes discover on the stage schedule, with retries and a DLQ', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(6 hours)', // dev stage in cdk.json
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fn('news-discover').id, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DiscoverScheduleRole'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] } },
      },
    });
  });

  it('schedule expression and time zone come from context', () => {
    variant.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 */2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('failed asynchronous discover runs go to the failed-invocations queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn('news-discover').id },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] } },
      },
    });
  });
});
