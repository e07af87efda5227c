import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_COPY_COLUMNS, CLEAN_LATEST_VIEW, prestoType } from '../../infra/constructs/analytics';
import { synthPipeline, VARIANT_CONTEXT } from './synth';

let template: Template;
let variant: Template;
beforeAll(() => {
  template = synthPipeline().template;
  variant = synthPipeline({ context: VARIANT_CONTEXT }).template;
});

type Resource = { Properties: Record<string, any> };

describe('Glue catalog and Athena', () => {
  const cleanTable = () =>
    Object.values(
      template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: 'clean_articles' } } }),
    )[0] as Resource;
  const latestView = () =>
    Object.values(
      template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: CLEAN_LATEST_VIEW } } }),
    )[0] as Resource;

  it('clean-copy table uses partition projection on dt (a date) only: bundles hold several hosts', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'news_pipeline_dev',
      TableInput: Match.objectLike({
        Name: 'clean_articles',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2000-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
        }),
      }),
    });
    expect(
      Object.keys(cleanTable().Properties.TableInput.Parameters).filter((k) =>
        k.startsWith('projection.host'),
      ),
    ).toEqual([]);
  });

  it('storage template matches the clean/dt=YYYY-MM-DD/ bundle layout in the archive bucket', () => {
    const locationTemplate = cleanTable().Properties.TableInput.Parameters['storage.location.template'];
    expect(locationTemplate).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^ArchiveBucket/) }, '/clean/dt=${dt}/']],
    });
  });

  it('the clean_latest view (Presto encoding) keeps the newest line per article and day, with every table column', () => {
    const view = latestView().Properties;
    expect(view.DatabaseName).toBe('news_pipeline_dev');
    expect(view.TableInput).toMatchObject({
      TableType: 'VIRTUAL_VIEW',
      ViewExpandedText: '/* Presto View */',
      Parameters: { presto_view: 'true', comment: 'Presto View' },
    });
    const text: string = view.TableInput.ViewOriginalText;
    const encoded = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text)![1];
    const definition = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as {
      originalSql: string;
      catalog: string;
      schema: string;
      columns: Array<{ name: string; type: string }>;
    };
    expect(definition.catalog).toBe('awsdatacatalog');
    expect(definition.schema).toBe('news_pipeline_dev');
    expect(definition.originalSql).toContain('FROM "news_pipeline_dev"."clean_articles"');
    expect(definition.originalSql).toMatch(
      /row_number\(\) OVER \(PARTITION BY dt, id ORDER BY version DESC, storedat DESC NULLS LAST\)/,
    );
    expect(definition.originalSql).toMatch(/WHERE line_rank = 1$/);
    // The view's columns: the table's, then dt; the same in the SQL, the Presto JSON and the Glue schema.
    const names = [...CLEAN_COPY_COLUMNS.map((c) => c.name), 'dt'];
    expect(definition.columns.map((c) => c.name)).toEqual(names);
    expect(definition.originalSql.startsWith(`SELECT ${names.join(', ')} FROM`)).toBe(true);
    expect(view.TableInput.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual(names);
    expect(definition.columns.find((c) => c.name === 'copyof')!.type).toBe(
      'row(articleid varchar, url varchar, host varchar, overlap double, method varchar, relation varchar)',
    );
    expect(definition.columns.find((c) => c.name === 'version')!.type).toBe('integer');
    expect(definition.columns.find((c) => c.name === 'authors')!.type).toBe('array(varchar)');
    // Created after the table it reads.
    expect((latestView() as unknown as { DependsOn: string[] }).DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/CleanArticles/)]),
    );
  });

  it('maps Hive column types to Presto types', () => {
    expect(
      prestoType('array<struct<kind:string,text:string,firstseen:struct<articleid:string,seenat:string>>>'),
    ).toBe('array(row(kind varchar, text varchar, firstseen row(articleid varchar, seenat varchar)))');
    expect(() => prestoType('map<string,string>')).toThrow(RangeError);
  });

  it('reads one JSON object per line with the case-insensitive OpenX SerDe', () => {
    const table = cleanTable();
    const sd = table.Properties.TableInput.StorageDescriptor;
    expect(sd.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(sd.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(sd.SerdeInfo.Parameters['case.insensitive']).toBe('true');
  });

  it('has the issue-6 columns (but no copies list), lower case, and no column clashing with a partition key', () => {
    const table = cleanTable();
    const columns: Array<{ Name: string; Type: string }> =
      table.Properties.TableInput.StorageDescriptor.Columns;
    const names = columns.map((c) => c.Name);
    for (const required of [
      'id',
      'url',
      'canonicalurl',
      'fetchedat',
      'title',
      'authors',
      'publishedat',
      'modifiedat',
      'language',
      'sitename',
      'section',
      'description',
      'image',
      'pagekind',
      'contenthash',
      'version',
      'paragraphcount',
      'text',
      'copyof',
      'clusterid',
    ]) {
      expect(names).toContain(required);
    }
    // Clean copies are written once per version, without the list of later copies (see analytics.ts).
    expect(names).not.toContain('copies');
    for (const name of names) expect(name).toBe(name.toLowerCase());
    // host is a regular column now; Athena rejects a table whose data and partition columns share a name.
    expect(names).toContain('host');
    expect(names).toContain('storedat');
    expect(names).not.toContain('dt');
    expect(columns.find((c) => c.Name === 'authors')?.Type).toBe('array<string>');
    expect(columns.find((c) => c.Name === 'copyof')?.Type).toMatch(
      /^struct<articleid:string,url:string,host:string,overlap:double,method:string,relation:string>$/,
    );
    expect(names.length).toBe(CLEAN_COPY_COLUMNS.length);
  });

  it('Athena workgroup enforces encrypted results inside the archive bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'news-pipeline-dev',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: Match.stringLikeRegexp('^ArchiveBucket') }, '/athena-results/'],
            ],
          },
        },
      }),
    });
  });
});

describe('alarms and dashboard', () => {
  const alarms = () =>
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as Array<[string, Resource]>;

  /** The single metric an alarm watches, whichever of the two CloudFormation forms it uses. */
  const watchedMetric = (alarm: Resource) => {
    const p = alarm.Properties;
    if (p.MetricName)
      return { namespace: p.Namespace, name: p.MetricName, dimensions: p.Dimensions, stat: p.Statistic };
    const stat = p.Metrics?.length === 1 ? p.Metrics[0].MetricStat : undefined;
    return stat
      ? {
          namespace: stat.Metric.Namespace,
          name: stat.Metric.MetricName,
          dimensions: stat.Metric.Dimensions,
          stat: stat.Stat,
        }
      : undefined;
  };

  it('every alarm notifies the alarm topic', () => {
    const list = alarms();
    expect(list.length).toBeGreaterThanOrEqual(6);
    for (const [, alarm] of list) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { Ref: expect.stringMatching(/^MonitoringAlarmTopic/) },
      ]);
    }
  });

  it('alarms when any dead-letter queue holds a message', () => {
    for (const queue of ['CrawlDeadLetterQueue', 'FailedInvocationsQueue', 'ReprocessDeadLetterQueue']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'QueueName'] } },
        ],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
  });

  it('alarms when Lambda drops a crawl or reprocess chain that re-sends to its own queue', () => {
    const dropped = alarms().filter(([, a]) => a.Properties.MetricName === 'RecursiveInvocationsDropped');
    const functionIds = dropped.map(([, a]) => a.Properties.Dimensions[0].Value.Ref as string).sort();
    expect(functionIds).toEqual([
      expect.stringMatching(/^CrawlFunction/),
      expect.stringMatching(/^ReprocessFunction/),
    ]);
    for (const [, a] of dropped)
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms when the oldest crawl message is older than the backlog limit', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CrawlQueue'), 'QueueName'] } },
      ],
      Threshold: 6 * 3600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when no article was stored for a day (missing data breaches)', () => {
    const silence = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
      (a) => watchedMetric(a)?.name === 'ParagraphsPerArticle' && watchedMetric(a)?.stat === 'SampleCount',
    );
    expect(silence).toHaveLength(1);
    expect(silence[0].Properties).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(silence[0].Properties.Metrics[0].MetricStat.Period).toBe(24 * 3600);
  });

  it('alarms when Lambda drops a recursive crawl -> queue -> crawl chain', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RecursiveInvocationsDropped',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^CrawlFunction') } }],
      Threshold: 0,
    });
  });

  it('has an error-rate alarm per function', () => {
    const errorRate = alarms().filter(([id]) => /ErrorRate/.test(id));
    expect(errorRate.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'MonitoringCrawlErrorRate',
      'MonitoringDiscoverErrorRate',
      'MonitoringQueryErrorRate',
      'MonitoringReprocessErrorRate',
    ]);
    for (const [, alarm] of errorRate) {
      expect(alarm.Properties.Threshold).toBe(5);
      const expression = alarm.Properties.Metrics.find((m: any) => m.Expression)?.Expression;
      expect(expression).toBe('IF(invocations > 0, 100 * errors / invocations, 0)');
    }
  });

  it('alarms on low ParagraphsPerArticle across hosts and for each watched host', () => {
    const extraction = (t: Template) =>
      (Object.values(t.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
        (a) => watchedMetric(a)?.name === 'ParagraphsPerArticle' && watchedMetric(a)?.stat === 'Average',
      );
    const aggregate = extraction(template);
    expect(aggregate).toHaveLength(1);
    expect(watchedMetric(aggregate[0])).toEqual({
      namespace: 'NewsPipeline',
      name: 'ParagraphsPerArticle',
      dimensions: [{ Name: 'service', Value: 'news-crawl' }],
      stat: 'Average',
    });
    expect(aggregate[0].Properties).toMatchObject({ ComparisonOperator: 'LessThanThreshold', Threshold: 3 });

    const watched = extraction(variant);
    const hosts = watched.map((a) => watchedMetric(a)?.dimensions.find((d: any) => d.Name === 'host')?.Value);
    expect(hosts.map(String).sort()).toEqual(['news.example.org', 'undefined', 'www.example.com']);
  });

  it('subscribes the alarm e-mail only when given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    variant.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('has a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('outputs', () => {
  it('exports what an operator needs after deploy', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of [
      'ArchiveBucketName',
      'TableName',
      'CrawlQueueUrl',
      'QueryFunctionUrl',
      'AthenaWorkGroup',
      'AthenaDatabase',
      'SourcesUri',
      'DiscoverFunctionName',
    ]) {
      expect(outputs).toContain(name);
    }
    template.hasOutput('QueryFunctionUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueryFunctionFunctionUrl'), 'FunctionUrl'] },
    });
  });
});
