import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import { cleanBundleKey, cleanKey, rawBundleKey, renderingKey } from '../../functions/archive-format/keys';
import { createAwsDeps } from '../../functions/handlers/aws-deps';
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

const SERVICES = ['news-discover', 'news-crawl', 'news-reprocess', 'news-query'] as const;

/** Whether the AWS composition root writes Markdown/text renderings (it decides which keys crawl and reprocess write). */
const AWS_WRITES_RENDERINGS = createAwsDeps(
  loadConfig({ CRAWL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/crawl' }),
  { info: () => {}, warn: () => {} },
).writeRenderings;

/** S3 object ARNs (rendered, bucket prefix stripped) the function's role may call one of `actions` on. */
function objectPatterns(service: string, actions: readonly string[]): string[] {
  return statementsOf(service)
    .filter((s) => asList(s.Action as string | string[]).some((a) => actions.includes(a)))
    .flatMap((s) => asList(s.Resource).map(renderResource))
    .filter((r) => /^<ArchiveBucket\w+\.Arn>\//.test(r))
    .map((r) => r.replace(/^<ArchiveBucket\w+\.Arn>\//, ''));
}

/** IAM-style match: `*` spans any characters, including `/`. */
const globMatches = (pattern: string, key: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(key);

describe('Lambda functions', () => {
  it.each([
    ['news-discover', DEFAULT_SETTINGS.discover],
    ['news-crawl', DEFAULT_SETTINGS.crawl],
    ['news-query', DEFAULT_SETTINGS.query],
  ] as const)(
    '%s: Node 22+ on arm64 with its memory, timeout and reserved concurrency',
    (service, sizing) => {
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
    },
  );

  it("news-reprocess: Node 22+ on arm64, crawl's memory, a 300 s timeout, no reservation", () => {
    const { props } = fn('news-reprocess');
    expect(Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.MemorySize).toBe(DEFAULT_SETTINGS.crawl.memoryMb);
    expect(props.Timeout).toBe(300);
    expect(props.ReservedConcurrentExecutions).toBeUndefined();
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    expect(props.RecursiveLoop).toBe('Terminate');
    expect(props.Handler).toBe('index.handler');
  });

  it("reprocess sizing comes from context; its memory follows crawl's unless set", () => {
    const reprocess = Object.values(
      variant.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'news-reprocess' } } },
      }),
    )[0] as Resource;
    expect(reprocess.Properties.MemorySize).toBe(2048); // the variant's crawl memory
    expect(reprocess.Properties.Timeout).toBe(600);
    expect(reprocess.Properties.ReservedConcurrentExecutions).toBe(3);
    variant.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
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
    other.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    // perHostMetrics=watched: only the watched hosts get a per-host metric series.
    expect(crawl.Properties.Environment.Variables.EXTRACTION_METRIC_HOSTS).toBe(
      'www.example.com,news.example.org',
    );
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
    // Default: no host is watched, so crawl publishes the aggregate series only (settings.ts says why).
    expect(crawlVars.EXTRACTION_METRIC_HOSTS).toBe('');
    expect(renderResource(crawlVars.SOURCES_URI)).toMatch(
      /^s3:\/\/<ArchiveBucket\w+>\/config\/sources\.yaml$/,
    );
    expect(fn('news-discover').props.Environment.Variables).toHaveProperty('CRAWL_QUEUE_URL');
    // The query function needs no crawler settings.
    expect(fn('news-query').props.Environment.Variables).not.toHaveProperty('CRAWL_QUEUE_URL');
  });

  it('reprocess gets the table and bucket, and nothing it does not read', () => {
    const vars = fn('news-reprocess').props.Environment.Variables;
    expect(vars.TABLE_NAME).toEqual({ Ref: expect.stringMatching(/^Index/) });
    expect(vars.BUCKET_NAME).toEqual({ Ref: expect.stringMatching(/^ArchiveBucket/) });
    // Continuations go to the queue named by the event's eventSourceARN; no fetching, no sources.
    for (const name of [
      'CRAWL_QUEUE_URL',
      'REPROCESS_QUEUE_URL',
      'SOURCES_URI',
      'USER_AGENT',
      'EXTRACTION_METRIC_HOSTS',
    ]) {
      expect(vars, name).not.toHaveProperty(name);
    }
    // What the handler does with a missing CRAWL_QUEUE_URL: the config it builds must load.
    const env = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : 'resolved-at-deploy']),
    );
    expect(() => loadConfig(env)).not.toThrow();
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
          const actions = asList(statement.Action as string | string[]).sort();
          // The backfill state machine also delivers its logs to CloudWatch Logs (log delivery
          // actions have no resource-level permissions either) and samples X-Ray traces.
          if (actions.includes('logs:CreateLogDelivery'))
            expect(
              actions.every((a) =>
                /^(logs:[A-Za-z]*(LogDelivery|LogDeliveries|LogGroups|ResourcePolic(y|ies))|xray:\w+)$/.test(
                  a,
                ),
              ),
              actions.join(','),
            ).toBe(true);
          else expect(actions).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('wildcard resources are limited to scoped bucket prefixes, the GSI and function versions', () => {
    const allowed = [
      /^<ArchiveBucket\w+\.Arn>\/(raw|clean|text|athena-results)\/\*$/,
      /^<Index\w+\.Arn>\/index\/\*$/,
      /^<DiscoverFunction\w+\.Arn>:\*$/,
      // Backfill: WARC files it reads (uploads, Common Crawl's CC-NEWS), the item function's
      // versions, the Map's child executions, and the manifest read / results write of the Map.
      /^<ArchiveBucket\w+\.Arn>\/backfill\/warc\/\*$/,
      /^arn:<AWS::Partition>:s3:::commoncrawl\/crawl-data\/CC-NEWS\/\*$/,
      /^<BackfillItemFunction\w+\.Arn>:\*$/,
      /^arn:<AWS::Partition>:states:.*:execution:.*\*$/,
      /^arn:<AWS::Partition>:s3:::<ArchiveBucket\w+>\/\*$/,
    ];
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as Resource).Properties.PolicyDocument.Statement) {
        for (const resource of asList(statement.Resource).map(renderResource)) {
          if (resource === '*' || !resource.includes('*')) continue;
          expect(
            allowed.some((re) => re.test(resource)),
            resource,
          ).toBe(true);
        }
      }
    }
  });

  it('the query function is read-only (it writes only the Athena results of its searches)', () => {
    const statements = statementsOf('news-query');
    const writes = statements
      .filter(
        (s) =>
          !asList(s.Resource)
            .map(renderResource)
            .every((r) => r.endsWith('/athena-results/*')),
      )
      .flatMap((s) => asList(s.Action as string | string[]))
      .filter((a) => /^(s3:(Put|Delete|Abort)|dynamodb:(Put|Update|Delete|BatchWrite)|sqs:)/.test(a));
    expect(writes).toEqual([]);
    const s3Resources = statements
      .filter((s) => asList(s.Action as string | string[]).some((a) => a.startsWith('s3:')))
      .flatMap((s) => asList(s.Resource).map(renderResource));
    // Bucket ARN (for List), the clean/ prefix and Athena's results only: no raw pages, no config.
    expect(s3Resources.filter((r) => r.includes('/')).sort()).toEqual([
      expect.stringMatching(/\/athena-results\/\*$/),
      expect.stringMatching(/\/clean\/\*$/),
    ]);
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

  // The keys process-page.ts writes (and deletes when an article moves) on AWS: renderings only
  // when the AWS composition root asks for them.
  const renderings = AWS_WRITES_RENDERINGS
    ? [
        renderingKey('2026-11-24', 'www.example.com', 'id1', 'md'),
        renderingKey('2026-11-24', 'www.example.com', 'id1', 'txt'),
      ]
    : [];
  const mayTouch = (patterns: string[], key: string) => patterns.some((pattern) => globMatches(pattern, key));

  it('crawl may write and delete every key it writes on AWS (archive-format/keys.ts, aws-deps.ts) and nothing else', () => {
    const writes = objectPatterns('news-crawl', ['s3:PutObject']);
    const deletes = objectPatterns('news-crawl', ['s3:DeleteObject*']);
    const rawPage = rawBundleKey('2026-11-24T10:00:00.000Z', '0123456789ab');
    const clean = cleanBundleKey('2026-11-20', '2026-11-24T10:00:00.000Z', '0123456789ab');
    // A copy stored before bundling is deleted once its article's line moved to a bundle.
    const legacyClean = cleanKey('2026-11-24', 'www.example.com', 'id1');
    for (const key of [rawPage, clean, ...renderings]) expect(mayTouch(writes, key), key).toBe(true);
    for (const key of [legacyClean, ...renderings]) expect(mayTouch(deletes, key), key).toBe(true);
    // raw/ and clean/, plus text/ only if renderings are written.
    expect(writes).toHaveLength(2 + (AWS_WRITES_RENDERINGS ? 1 : 0));
    if (!AWS_WRITES_RENDERINGS)
      expect(mayTouch(writes, renderingKey('2026-11-24', 'www.example.com', 'id1', 'md'))).toBe(false);
  });

  it('reprocess reads raw pages, writes clean bundles and deletes unreferenced ones, and writes nothing else in S3', () => {
    const reads = objectPatterns('news-reprocess', ['s3:GetObject*']);
    const writes = objectPatterns('news-reprocess', ['s3:PutObject', 's3:DeleteObject*', 's3:Abort*']);
    const rawPage = rawBundleKey('2026-11-24T10:00:00.000Z', '0123456789ab');
    const clean = cleanBundleKey('2026-11-20', '2026-11-24T10:00:00.000Z', '0123456789ab');
    expect(mayTouch(reads, rawPage)).toBe(true);
    expect(mayTouch(reads, clean)).toBe(true);
    for (const key of [clean, ...renderings]) expect(mayTouch(writes, key), key).toBe(true);
    // Reprocessing passes the existing raw range, so raw bundles are never rewritten.
    expect(mayTouch(writes, rawPage)).toBe(false);
    expect(mayTouch(reads, 'config/sources.yaml')).toBe(false);
    expect(new Set(writes).size).toBe(1 + (AWS_WRITES_RENDERINGS ? 1 : 0));
  });

  it('reprocess uses the table and sends only to its own queue', () => {
    const statements = statementsOf('news-reprocess');
    const sqsStatements = statements.filter((s) =>
      asList(s.Action as string | string[]).some((a) => a.startsWith('sqs:')),
    );
    const sqsResources = sqsStatements.flatMap((s) => asList(s.Resource).map(renderResource));
    expect(new Set(sqsResources)).toEqual(new Set([expect.stringMatching(/^<ReprocessQueue\w+\.Arn>$/)]));
    const sqsActions = sqsStatements.flatMap((s) => asList(s.Action as string | string[]));
    // Sending (continuations, fan-out) from the grant; receiving/deleting from the event source mapping.
    expect(sqsActions).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    const dynamo = statements.filter((s) =>
      asList(s.Action as string | string[]).some((a) => a.startsWith('dynamodb:')),
    );
    const dynamoActions = dynamo.flatMap((s) => asList(s.Action as string | string[]));
    expect(dynamoActions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ]),
    );
    for (const r of dynamo.flatMap((s) => asList(s.Resource).map(renderResource)))
      expect(r).toMatch(/^<Index\w+\.Arn>(\/index\/\*)?$|^<AWS::NoValue>$/);
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

  it('reprocess consumes its own queue one slice at a time, with bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('news-reprocess').id },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReprocessQueue'), 'Arn'] },
      // The handler returns failed messages as batch item failures: without this they would be deleted.
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: DEFAULT_SETTINGS.reprocess.maxConcurrency },
    });
  });

  it('crawl consumes the crawl queue with partial batch failures and bounded concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
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
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] },
        },
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
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocationsQueue'), 'Arn'] },
        },
      },
    });
  });
});
