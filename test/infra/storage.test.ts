import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTableInput,
  GSI1,
  TABLE_KEY,
  TTL_ATTRIBUTE,
} from '../../functions/adapters/dynamodb/table-schema';
import { synthPipeline, VARIANT_CONTEXT } from './synth';

let template: Template;
let variant: Template;
beforeAll(() => {
  template = synthPipeline().template;
  variant = synthPipeline({ context: VARIANT_CONTEXT }).template;
});

/** The archive bucket: the only bucket with versioning (the access-log bucket has none). */
function archiveBucket(): { id: string; props: Record<string, any>; resource: Record<string, any> } {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { VersioningConfiguration: { Status: 'Enabled' } },
  });
  const ids = Object.keys(buckets);
  expect(ids).toHaveLength(1);
  return { id: ids[0], props: buckets[ids[0]].Properties, resource: buckets[ids[0]] };
}

describe('S3 buckets', () => {
  it('are all encrypted, fully private and retained', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBe(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('deny every request without TLS', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies).length).toBe(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('archive bucket logs access to the log bucket and keeps versions', () => {
    const { props } = archiveBucket();
    expect(props.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^ArchiveAccessLogs/) },
      LogFilePrefix: 'archive/',
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('has no storage-class transition or Intelligent-Tiering archive configuration, and keeps raw pages by default', () => {
    const { props } = archiveBucket();
    const rules: any[] = props.LifecycleConfiguration.Rules;
    // Raw bundles are written INTELLIGENT_TIERING by the crawl, which tiers them down itself; a
    // lifecycle transition would bill a request per bundle (and Glacier IR a fee per read).
    for (const rule of rules) {
      expect(rule.Transitions, rule.Id).toBeUndefined();
      expect(rule.NoncurrentVersionTransitions, rule.Id).toBeUndefined();
    }
    // The optional Archive Access / Deep Archive Access tiers need hours of restore before a read,
    // which reprocessing cannot wait for: they stay off.
    expect(props.IntelligentTieringConfigurations).toBeUndefined();
    // Default keeps raw pages forever: re-extraction needs them.
    expect(rules.filter((r) => r.Prefix === 'raw/')).toEqual([]);
    expect(rules.map((r) => r.Id).sort()).toEqual([
      'athena-results-expire',
      'noncurrent-versions-and-uploads',
    ]);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 30 }),
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }),
      ]),
    );
  });

  it('rawExpirationDays expires every raw page, whatever its size', () => {
    const buckets = variant.findResources('AWS::S3::Bucket', {
      Properties: { VersioningConfiguration: { Status: 'Enabled' } },
    });
    const { LifecycleConfiguration, IntelligentTieringConfigurations } = Object.values(buckets)[0].Properties;
    const raw = (LifecycleConfiguration.Rules as any[]).filter((r) => r.Prefix === 'raw/');
    expect(raw).toEqual([
      { Id: 'raw-pages-expire', Prefix: 'raw/', Status: 'Enabled', ExpirationInDays: 400 },
    ]);
    expect(IntelligentTieringConfigurations).toBeUndefined();
  });
});

describe('DynamoDB table', () => {
  it('matches the CreateTable input the local stores use (no drift between AWS and embedded)', () => {
    const local = createTableInput('any');
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
      Properties: Record<string, any>;
    };
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) =>
      a.AttributeName.localeCompare(b.AttributeName);
    expect([...table.Properties.AttributeDefinitions].sort(byName)).toEqual(
      [...local.AttributeDefinitions].sort(byName),
    );
    expect(table.Properties.KeySchema).toEqual(local.KeySchema);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.Properties.BillingMode).toBe(local.BillingMode);
  });

  it('uses the shared key schema, GSI and TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: GSI1.indexName,
          KeySchema: [
            { AttributeName: GSI1.partitionKey, KeyType: 'HASH' },
            { AttributeName: GSI1.sortKey, KeyType: 'RANGE' },
          ],
          // Keys only: article and frontier writes are not paid a second time at full item size.
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is on-demand, encrypted, with point-in-time recovery, and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('on the steady stage: provisioned table and index, each scaling reads and writes by target tracking', () => {
    const steady = synthPipeline({ context: { stage: 'steady' } }).template;
    const table = Object.values(steady.findResources('AWS::DynamoDB::Table'))[0] as {
      Properties: Record<string, any>;
    };
    // CDK leaves BillingMode out for provisioned tables: CloudFormation's default.
    expect(table.Properties.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(table.Properties.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    expect(table.Properties.GlobalSecondaryIndexes[0].ProvisionedThroughput).toEqual({
      ReadCapacityUnits: 1,
      WriteCapacityUnits: 1,
    });
    const targets = Object.values(steady.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).map(
      (r: any) => r.Properties,
    );
    const dimensions = targets.map((t) => t.ScalableDimension).sort();
    expect(dimensions).toEqual([
      'dynamodb:index:ReadCapacityUnits',
      'dynamodb:index:WriteCapacityUnits',
      'dynamodb:table:ReadCapacityUnits',
      'dynamodb:table:WriteCapacityUnits',
    ]);
    const tableWrites = targets.find((t) => t.ScalableDimension === 'dynamodb:table:WriteCapacityUnits');
    expect([tableWrites.MinCapacity, tableWrites.MaxCapacity]).toEqual([5, 400]);
    const policies = Object.values(steady.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map(
      (r: any) => r.Properties,
    );
    expect(policies).toHaveLength(4);
    for (const policy of policies)
      expect(policy.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(70);
    // Discovery spreads each 15-minute run over the interval to the next.
    const discover = Object.values(
      steady.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'news-discover' } } },
      }),
    )[0] as { Properties: Record<string, any> };
    expect(discover.Properties.Environment.Variables.DISCOVER_SPREAD_SECONDS).toBe('900');
    // The default stage has no capacity to scale.
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  it('has deletion protection in prod only', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    variant.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
    });
  });
});

describe('SQS queues', () => {
  it('crawl queue redrives to its DLQ after MAX_FETCH_ATTEMPTS receives', () => {
    const dlq = template.findResources('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 1_209_600 },
    });
    const crawlDlqId = Object.keys(dlq).find((id) => id.startsWith('CrawlDeadLetterQueue'));
    expect(crawlDlqId).toBeDefined();
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [crawlDlqId, 'Arn'] }, maxReceiveCount: 4 },
    });
  });

  it.each([
    ['news-crawl', 'CrawlQueue'],
    ['news-reprocess', 'ReprocessQueue'],
  ])("%s: its queue's visibility timeout is at least six function timeouts", (service, queueId) => {
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
      }),
    )[0];
    const queues = template.findResources('AWS::SQS::Queue', {
      Properties: { RedrivePolicy: Match.anyValue() },
    });
    const id = Object.keys(queues).find((k) => k.startsWith(queueId));
    expect(id, queueId).toBeDefined();
    expect(queues[id!].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it('reprocess queue redrives to its own DLQ after three receives', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const dlqId = Object.keys(queues).find((id) => id.startsWith('ReprocessDeadLetterQueue'));
    const queueId = Object.keys(queues).find((id) => id.startsWith('ReprocessQueue'));
    expect(queues[queueId!].Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 3,
    });
    // Dead letters are kept the SQS maximum for inspection and redrive.
    expect(queues[dlqId!].Properties.MessageRetentionPeriod).toBe(1_209_600);
  });

  it('every queue is encrypted and TLS-only', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    // crawl + DLQ, reprocess + DLQ, failed invocations.
    expect(Object.keys(queues).length).toBe(5);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies.length).toBe(5);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('maxReceiveCount follows the fetch attempts setting', () => {
    variant.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 7 }),
    });
  });
});
