import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_COPY_COLUMNS } from '../../infra/constructs/analytics';
import { synthPipeline, VARIANT_CONTEXT } from './synth';

let template: Template;
let variant: Template;
beforeAll(() => {
  template = synthPipeline().template;
  variant = synthPipeline({ context: VARIANT_CONTEXT }).template;
});

type Resource = { Properties: Record<string, any> };

describe('Glue catalog and Athena', () => {
  it('clean-copy table uses partition projection: dt as date, host as injected', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'news_pipeline_dev',
      TableInput: Match.objectLike({
        Name: 'clean_articles',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [
          Match.objectLike({ Name: 'dt', Type: 'string' }),
          Match.objectLike({ Name: 'host', Type: 'string' }),
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2000-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.host.type': 'injected',
        }),
      }),
    });
  });

  it('storage template matches the clean/dt=YYYY-MM-DD/host=<host>/ layout in the archive bucket', () => {
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as Resource;
    const locationTemplate = table.Properties.TableInput.Parameters['storage.location.template'];
    expect(locationTemplate).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^ArchiveBucket/) }, '/clean/dt=${dt}/host=${host}/']],
    });
  });

  it('reads one JSON object per line with the case-insensitive OpenX SerDe', () => {
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as Resource;
    const sd = table.Properties.TableInput.StorageDescriptor;
    expect(sd.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(sd.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(sd.SerdeInfo.Parameters['case.insensitive']).toBe('true');
  });

  it('has the issue-6 columns (but no copies list), lower case, and no column clashing with a partition key', () => {
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as Resource;
    const columns: Array<{ Name: string; Type: string }> = table.Properties.TableInput.StorageDescriptor.Columns;
    const names = columns.map((c) => c.Name);
    for (const required of [
      'id', 'url', 'canonicalurl', 'fetchedat', 'title', 'authors', 'publishedat', 'modifiedat', 'language',
      'sitename', 'section', 'description', 'image', 'pagekind', 'contenthash', 'version', 'paragraphcount',
      'text', 'copyof', 'clusterid',
    ]) {
      expect(names).toContain(required);
    }
    // Clean copies are written once per version, without the list of later copies (see analytics.ts).
    expect(names).not.toContain('copies');
    for (const name of names) expect(name).toBe(name.toLowerCase());
    // Athena rejects a table whose data and partition columns share a name.
    expect(names).not.toContain('host');
    expect(names).not.toContain('dt');
    expect(columns.find((c) => c.Name === 'authors')?.Type).toBe('array<string>');
    expect(columns.find((c) => c.Name === 'copyof')?.Type).toMatch(/^struct<articleid:string,url:string,host:string,overlap:double,method:string>$/);
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
            'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^ArchiveBucket') }, '/athena-results/']],
          },
        },
      }),
    });
  });
});

describe('alarms and dashboard', () => {
  const alarms = () => Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as Array<[string, Resource]>;

  /** The single metric an alarm watches, whichever of the two CloudFormation forms it uses. */
  const watchedMetric = (alarm: Resource) => {
    const p = alarm.Properties;
    if (p.MetricName) return { namespace: p.Namespace, name: p.MetricName, dimensions: p.Dimensions, stat: p.Statistic };
    const stat = p.Metrics?.length === 1 ? p.Metrics[0].MetricStat : undefined;
    return stat
      ? { namespace: stat.Metric.Namespace, name: stat.Metric.MetricName, dimensions: stat.Metric.Dimensions, stat: stat.Stat }
      : undefined;
  };


  it('every alarm notifies the alarm topic', () => {
    const list = alarms();
    expect(list.length).toBeGreaterThanOrEqual(6);
    for (const [, alarm] of list) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }]);
    }
  });

  it('alarms when any dead-letter queue holds a message', () => {
    for (const queue of ['CrawlDeadLetterQueue', 'FailedInvocationsQueue', 'ReprocessDeadLetterQueue']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
  });

  it('alarms when Lambda drops a crawl or reprocess chain that re-sends to its own queue', () => {
    const dropped = alarms().filter(([, a]) => a.Properties.MetricName === 'RecursiveInvocationsDropped');
    const functionIds = dropped.map(([, a]) => a.Properties.Dimensions[0].Value.Ref as string).sort();
    expect(functionIds).toEqual([expect.stringMatching(/^CrawlFunction/), expect.stringMatching(/^ReprocessFunction/)]);
    for (const [, a] of dropped) expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms when the oldest crawl message is older than the backlog limit', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CrawlQueue'), 'QueueName'] } }],
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
