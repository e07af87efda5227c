import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BACKFILL_SERVICE_NAME } from '../../functions/observability/names';
import { ARCHIVE_PREFIX } from './archive-bucket';
import { PipelineFunction } from './pipeline-function';
import type { PipelineSettings } from '../settings';

/** Where a run's manifests, uploaded WARC files and Map run reports live in the archive bucket. */
export const BACKFILL_PREFIX = {
  manifests: `${ARCHIVE_PREFIX.backfill}manifests/`,
  warc: `${ARCHIVE_PREFIX.backfill}warc/`,
  results: `${ARCHIVE_PREFIX.backfill}results/`,
} as const;

/** Errors of the item function that a retry cannot fix: bad input stays bad. */
export const NON_RETRYABLE_ERRORS = ['InvalidInputError', 'ConfigError'];
/** First retry of an item after this; each next one waits twice as long (with jitter). */
const ITEM_RETRY_INTERVAL = Duration.seconds(15);
const ITEM_RETRY_BACKOFF_RATE = 2;

export interface BackfillProps {
  readonly settings: PipelineSettings;
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly environment: Record<string, string>;
  readonly alarmTopic: sns.ITopic;
}

/**
 * The backfill state machine: a Step Functions Distributed Map over WARC files, each read by the
 * backfill Lambda through the same process step as the crawl Lambda (functions/handlers/backfill.ts).
 *
 * Input (docs/backfill.md): `{"prefix": "crawl-data/CC-NEWS/2026/11/"}` lists the objects under a
 * prefix of `backfill.listBucket` (Common Crawl's public bucket); `{"manifestKey":
 * "backfill/manifests/x.csv", "bucket": "..."}` reads a CSV of keys (one column, no header, like
 * CC-NEWS's `warc.paths`) from the archive bucket; both take optional `filters` (hosts, languages,
 * from, to). Each item is a child workflow that calls the Lambda until it says `done`, passing the
 * checkpoint it returned, so a WARC larger than one invocation can read is continued without
 * double counts. A failed call is retried with backoff (`backfill.itemMaxAttempts`; throttled
 * DynamoDB requests are retried first by the client, adaptive mode, then here); an item that still
 * fails is reported in the Map run's results (`backfill/results/`) and the others go on, up to
 * `backfill.toleratedFailurePercentage`.
 */
export class Backfill extends Construct {
  readonly function: PipelineFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly warcBucket: s3.IBucket;
  private readonly sourcePrefixes: PipelineSettings['backfill']['sourcePrefixes'];

  constructor(scope: Construct, id: string, props: BackfillProps) {
    super(scope, id);
    const s = props.settings;
    const b = s.backfill;
    this.sourcePrefixes = b.sourcePrefixes;

    this.function = new PipelineFunction(this, 'Item', {
      entry: 'functions/handlers/backfill.ts',
      description:
        'Backfills one WARC file (a Distributed Map item) through the process step, from a checkpoint',
      serviceName: BACKFILL_SERVICE_NAME,
      memoryMb: b.memoryMb,
      timeoutSeconds: b.timeoutSeconds,
      reservedConcurrency: b.reservedConcurrency,
      logRetentionDays: s.logRetentionDays,
      tracing: s.tracing,
      environment: { ...props.environment, BACKFILL_RECORD_CONCURRENCY: String(b.recordConcurrency) },
    });
    const fn = this.function.function;
    // Reads WARC files where they are (pointers, never copies), writes clean copies and the index.
    this.warcBucket = props.bucket;
    this.grantReadWarc(fn);
    props.bucket.grantReadWrite(fn, `${ARCHIVE_PREFIX.clean}*`);
    props.table.grantReadWriteData(fn);

    const listBucket = s3.Bucket.fromBucketName(this, 'ListBucket', b.listBucket);
    const mapOptions = { settings: b, resultsBucket: props.bucket };
    const prefixMap = this.itemMap('FromPrefix', mapOptions, {
      itemReader: new sfn.S3ObjectsItemReader({
        bucket: listBucket,
        prefix: sfn.JsonPath.stringAt('$.prefix'),
      }),
      bucket: { bucket: b.listBucket },
      keyPath: '$$.Map.Item.Value.Key',
    });
    const manifestMap = this.itemMap('FromManifest', mapOptions, {
      itemReader: new sfn.S3CsvItemReader({
        bucket: props.bucket,
        key: sfn.JsonPath.stringAt('$.manifestKey'),
        csvHeaders: sfn.CsvHeaders.use(['key']),
      }),
      bucket: { 'bucket.$': '$.bucket' },
      keyPath: '$$.Map.Item.Value.key',
    });

    // Filters default to none; the execution input's own `filters` wins the shallow merge.
    const defaults = new sfn.Pass(this, 'Defaults', {
      result: sfn.Result.fromObject({ filters: {} }),
      resultPath: '$.defaults',
    });
    const merged = new sfn.Pass(this, 'ApplyDefaults', {
      parameters: { 'run.$': 'States.JsonMerge($.defaults, $, false)' },
      outputPath: '$.run',
    });
    const definition = defaults.next(merged).next(
      new sfn.Choice(this, 'ManifestOrPrefix')
        .when(sfn.Condition.isPresent('$.manifestKey'), manifestMap)
        .when(sfn.Condition.isPresent('$.prefix'), prefixMap)
        .otherwise(
          new sfn.Fail(this, 'NoWarcList', {
            error: 'InvalidInputError',
            cause: 'Start a backfill with {"prefix": "..."} or {"manifestKey": "...", "bucket": "..."}',
          }),
        ),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: s.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Backfills the pipeline from WARC files (Common Crawl CC-NEWS or own archives)',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(b.runTimeoutHours),
      tracingEnabled: s.tracing,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    if (!s.tracing)
      for (const id of ['AwsSolutions-SF2', 'Serverless-StepFunctionStateMachineXray'])
        Validations.of(this.stateMachine).acknowledge({
          id,
          reason:
            'X-Ray tracing was switched off for this stage with the `tracing` setting (cost); execution logs remain.',
        });

    this.acknowledgeFindings(props.bucket, props.table);

    const alarmAction = new actions.SnsAction(props.alarmTopic);
    const alarm = (name: string, metric: cloudwatch.Metric, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(alarmAction);
      a.addOkAction(alarmAction);
      this.alarms.push(a);
    };
    const period = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    alarm(
      'RunFailed',
      this.stateMachine.metricFailed(period),
      'A backfill run (or one of its WARC items) failed: see the Map run report under backfill/results/ and docs/backfill.md.',
    );
    alarm(
      'RunTimedOut',
      this.stateMachine.metricTimedOut(period),
      `A backfill run took longer than ${b.runTimeoutHours} h: raise backfill.maxConcurrency or split the run.`,
    );
    alarm(
      'ItemThrottled',
      fn.metricThrottles(period),
      'Backfill item invocations were throttled: the account or reserved concurrency is below backfill.maxConcurrency.',
    );
  }

  /** What cdk-nag reports on these roles after the grants, each with its reason. */
  private acknowledgeFindings(bucket: s3.IBucket, table: dynamodb.ITable): void {
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as never)}.Arn>`;
    const bucketName = `<${stack.getLogicalId(bucket.node.defaultChild as never)}>`;
    const tableArn = `<${stack.getLogicalId(table.node.defaultChild as never)}.Arn>`;
    const fnArn = `<${stack.getLogicalId(this.function.function.node.defaultChild as never)}.Arn>`;
    const itemRole = this.function.role;
    const ack = (scope: Construct, ids: readonly string[], reason: string) => {
      for (const id of ids) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${id}]`, reason });
    };
    ack(
      itemRole,
      [
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
      ],
      'Wildcard suffixes come from bucket.grantRead/grantReadWrite: each expands only within S3 object read/write actions on the scoped prefix.',
    );
    ack(
      itemRole,
      [`Resource::${bucketArn}/${ARCHIVE_PREFIX.clean}*`],
      'Object-level actions on the clean-copy prefix: the backfill stores clean copies like the crawl function.',
    );
    ack(
      itemRole,
      [`Resource::${tableArn}/index/*`],
      'Queries on the table GSI need the index ARN; /index/* is how grants name it.',
    );
    this.acknowledgeWarcRead(itemRole);
    Validations.of(this.function.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by the backfill state machine: it retries a failed call and reports an item that still fails in the Map run results.',
    });
    const smRole = this.stateMachine.role;
    ack(
      smRole,
      [`Resource::arn:<AWS::Partition>:s3:::${bucketName}/*`],
      'Distributed Map ItemReader (a manifest key given at start) and ResultWriter: Step Functions grants object reads and report writes on the bucket; manifests and reports live under backfill/.',
    );
    ack(
      smRole,
      [`Resource::${fnArn}:*`],
      'lambda:InvokeFunction on the item function and its versions/aliases only.',
    );
    ack(
      smRole,
      ['Resource::*'],
      'CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray sampling/segments do not support resource-level permissions.',
    );
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    if (mapPolicy) {
      const smName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(this.stateMachine.node.defaultChild as never)}"}]}]}`;
      ack(
        mapPolicy,
        [
          `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${smName}:*`,
          `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${smName}/*:*`,
        ],
        "A Distributed Map describes, stops and redrives its own child executions, whose names Step Functions generates: the ARN pattern is this state machine's executions only.",
      );
    }
  }

  /** The WARC-read grant's findings on `role` (the item function's, or reprocess's). */
  acknowledgeWarcRead(role: Construct): void {
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(this.warcBucket.node.defaultChild as never)}.Arn>`;
    const ids = [
      `Resource::${bucketArn}/${BACKFILL_PREFIX.warc}*`,
      ...this.sourcePrefixes.map((p) => `Resource::arn:<AWS::Partition>:s3:::${p.bucket}/${p.prefix}*`),
    ];
    for (const id of ids)
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${id}]`,
        reason:
          'Read-only access to the WARC files backfilled articles point into: one key prefix per configured source (backfill.sourcePrefixes) and the archive bucket backfill/warc/.',
      });
  }

  /**
   * Lets `grantee` read the WARC files backfilled articles point into: the archive bucket's
   * `backfill/warc/` and each configured source prefix (reprocessing reads raw pages there too).
   */
  grantReadWarc(grantee: iam.IGrantable): void {
    this.warcBucket.grantRead(grantee, `${BACKFILL_PREFIX.warc}*`);
    if (this.sourcePrefixes.length === 0) return;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: this.sourcePrefixes.map(
        (source) => `arn:${Stack.of(this).partition}:s3:::${source.bucket}/${source.prefix}*`,
      ),
    });
  }

  /**
   * One Distributed Map over WARC keys. Each item is a child workflow: call the Lambda with the
   * item (and, from the second call on, the checkpoint it returned) until it answers `done`.
   */
  private itemMap(
    id: string,
    options: { settings: PipelineSettings['backfill']; resultsBucket: s3.IBucket },
    items: { itemReader: sfn.IItemReader; bucket: Record<string, string>; keyPath: string },
  ): sfn.DistributedMap {
    const b = options.settings;
    const map = new sfn.DistributedMap(this, id, {
      comment: 'One child workflow per WARC file',
      itemReader: items.itemReader,
      maxConcurrency: b.maxConcurrency,
      toleratedFailurePercentage: b.toleratedFailurePercentage,
      itemSelector: { ...items.bucket, 'key.$': items.keyPath, 'filters.$': '$.filters' },
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultWriterV2: new sfn.ResultWriterV2({
        bucket: options.resultsBucket,
        prefix: BACKFILL_PREFIX.results,
      }),
    });
    const invoke = new tasks.LambdaInvoke(this, `${id}ReadWarc`, {
      lambdaFunction: this.function.function,
      comment: 'Reads the WARC from its checkpoint until done or close to the timeout',
      payloadResponseOnly: true,
    });
    invoke.addRetry({ errors: NON_RETRYABLE_ERRORS, maxAttempts: 0 });
    invoke.addRetry({
      errors: [sfn.Errors.ALL],
      interval: ITEM_RETRY_INTERVAL,
      backoffRate: ITEM_RETRY_BACKOFF_RATE,
      maxAttempts: b.itemMaxAttempts - 1,
      jitterStrategy: sfn.JitterType.FULL,
    });
    const done = new sfn.Choice(this, `${id}WarcDone`)
      .when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(this, `${id}WarcRead`))
      .otherwise(invoke);
    map.itemProcessor(invoke.next(done));
    return map;
  }
}
