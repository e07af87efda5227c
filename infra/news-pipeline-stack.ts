import { CfnOutput, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  CRAWL_SERVICE_NAME,
  DISCOVER_SERVICE_NAME,
  EXTRACTION_METRIC_HOSTS_ENV,
  METRICS_NAMESPACE,
  QUERY_SERVICE_NAME,
  REPROCESS_SERVICE_NAME,
} from '../functions/observability/names';
import { Analytics, CLEAN_LATEST_VIEW } from './constructs/analytics';
import { Backfill } from './constructs/backfill';
import { ARCHIVE_PREFIX, ArchiveBucket } from './constructs/archive-bucket';
import { createIndexTable } from './constructs/index-table';
import { Monitoring } from './constructs/monitoring';
import { PipelineFunction } from './constructs/pipeline-function';
import type { PipelineSettings } from './settings';

/**
 * AWS recommends an SQS visibility timeout of at least six times the consuming function's
 * timeout, so a batch retried after throttling is not redelivered while still being processed.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Failed URLs stay in the DLQ two weeks (the SQS maximum) for inspection and redrive. */
const DLQ_RETENTION = Duration.days(14);
/** Scheduler retries a failed discover delivery a few times within an hour, then dead-letters it. */
const SCHEDULE_RETRY_ATTEMPTS = 3;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);
/**
 * Receives of one reprocess message before it is dead-lettered. A slice resumes from its DynamoDB
 * checkpoint, so a retry only redoes the pages since it; three failures in a row mean the day
 * itself is the problem (a listing or store outage), which an operator should look at.
 */
const REPROCESS_MAX_RECEIVE_COUNT = 3;
export interface NewsPipelineStackProps extends StackProps {
  readonly settings: PipelineSettings;
}

/**
 * The whole pipeline in one stack: archive bucket, index table, crawl and reprocess queues (+ DLQs),
 * the discover, crawl, reprocess and query functions, the schedule, the Glue/Athena catalog, alarms and a dashboard.
 * Environment-agnostic: it synthesizes without credentials and deploys to the CLI's account/region.
 */
export class NewsPipelineStack extends Stack {
  readonly archive: ArchiveBucket;
  readonly table: dynamodb.Table;
  readonly crawlQueue: sqs.Queue;
  readonly crawlDeadLetterQueue: sqs.Queue;
  readonly failedInvocationsQueue: sqs.Queue;
  readonly reprocessQueue: sqs.Queue;
  readonly reprocessDeadLetterQueue: sqs.Queue;
  readonly discover: PipelineFunction;
  readonly crawl: PipelineFunction;
  readonly reprocess: PipelineFunction;
  readonly query: PipelineFunction;
  readonly queryUrl: lambda.FunctionUrl;
  readonly schedule: scheduler.Schedule;
  readonly analytics: Analytics;
  readonly monitoring: Monitoring;
  readonly backfill: Backfill;

  constructor(scope: Construct, id: string, props: NewsPipelineStackProps) {
    super(scope, id, props);
    const s = props.settings;

    this.archive = new ArchiveBucket(this, 'Archive', {
      rawExpirationDays: s.rawExpirationDays,
      noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
      athenaResultsExpirationDays: s.athenaResultsExpirationDays,
    });
    const bucket = this.archive.bucket;

    this.table = createIndexTable(this, {
      capacity: s.tableCapacity,
      deletionProtection: s.tableDeletionProtection,
    });

    this.crawlDeadLetterQueue = new sqs.Queue(this, 'CrawlDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    this.crawlQueue = new sqs.Queue(this, 'CrawlQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        s.crawl.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR + s.crawl.maxBatchingWindowSeconds,
      ),
      deadLetterQueue: { queue: this.crawlDeadLetterQueue, maxReceiveCount: s.fetch.maxFetchAttempts },
    });
    // Failed asynchronous discover invocations and undeliverable schedule events land here.
    this.failedInvocationsQueue = new sqs.Queue(this, 'FailedInvocationsQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(this.failedInvocationsQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the terminal failure destination of discover and its schedule; a further DLQ would have nothing to catch.',
    });
    this.reprocessDeadLetterQueue = new sqs.Queue(this, 'ReprocessDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    this.reprocessQueue = new sqs.Queue(this, 'ReprocessQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Batch size 1 and no batching window: the same rule as the crawl queue, on one slice.
      visibilityTimeout: Duration.seconds(s.reprocess.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      // A run's slices wait here while earlier days use the concurrency; 14 days covers a long run.
      retentionPeriod: DLQ_RETENTION,
      deadLetterQueue: { queue: this.reprocessDeadLetterQueue, maxReceiveCount: REPROCESS_MAX_RECEIVE_COUNT },
    });
    for (const deadLetterQueue of [
      this.crawlDeadLetterQueue,
      this.failedInvocationsQueue,
      this.reprocessDeadLetterQueue,
    ]) {
      Validations.of(deadLetterQueue).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'A dead-letter queue is the end of the redrive chain; it is alarmed on and redriven by an operator.',
      });
    }

    const sourcesUri = s.sourcesUri ?? `s3://${bucket.bucketName}/${s.sourcesKey}`;
    const fetchEnvironment: Record<string, string> = {
      HOST_MIN_INTERVAL_MS: String(s.fetch.hostMinIntervalMs),
      FETCH_CONNECT_TIMEOUT_MS: String(s.fetch.connectTimeoutMs),
      FETCH_TOTAL_TIMEOUT_MS: String(s.fetch.totalTimeoutMs),
      FETCH_MAX_BODY_BYTES: String(s.fetch.maxBodyBytes),
      FETCH_MAX_REDIRECTS: String(s.fetch.maxRedirects),
      MAX_FETCH_ATTEMPTS: String(s.fetch.maxFetchAttempts),
      ...(s.fetch.userAgent ? { USER_AGENT: s.fetch.userAgent } : {}),
    };
    const commonEnvironment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      BUCKET_NAME: bucket.bucketName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      STAGE: s.stage,
    };
    const common = { logRetentionDays: s.logRetentionDays, tracing: s.tracing };

    this.discover = new PipelineFunction(this, 'Discover', {
      ...common,
      entry: 'functions/handlers/discover.ts',
      description: 'Reads feeds and sitemaps of due sources, claims new URLs and enqueues them',
      serviceName: DISCOVER_SERVICE_NAME,
      memoryMb: s.discover.memoryMb,
      timeoutSeconds: s.discover.timeoutSeconds,
      reservedConcurrency: s.discover.reservedConcurrency,
      environment: {
        ...commonEnvironment,
        ...fetchEnvironment,
        CRAWL_QUEUE_URL: this.crawlQueue.queueUrl,
        SOURCES_URI: sourcesUri,
        DISCOVER_SPREAD_SECONDS: String(s.discover.spreadSeconds),
      },
    });
    // Scheduler invokes asynchronously: one Lambda retry, then the failure record goes to SQS.
    new lambda.EventInvokeConfig(this, 'DiscoverAsyncConfig', {
      function: this.discover.function,
      retryAttempts: 1,
      maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.failedInvocationsQueue),
    });

    this.crawl = new PipelineFunction(this, 'Crawl', {
      ...common,
      entry: 'functions/handlers/crawl.ts',
      description: 'Fetches, extracts, dedups and stores one batch of URLs from the crawl queue',
      serviceName: CRAWL_SERVICE_NAME,
      memoryMb: s.crawl.memoryMb,
      timeoutSeconds: s.crawl.timeoutSeconds,
      reservedConcurrency: s.crawl.reservedConcurrency,
      environment: {
        ...commonEnvironment,
        ...fetchEnvironment,
        CRAWL_QUEUE_URL: this.crawlQueue.queueUrl,
        SOURCES_URI: sourcesUri,
        [EXTRACTION_METRIC_HOSTS_ENV]: s.perHostMetrics === 'all' ? '*' : s.extractionWatchHosts.join(','),
      },
    });
    this.crawl.function.addEventSource(
      new SqsEventSource(this.crawlQueue, {
        batchSize: s.crawl.batchSize,
        maxBatchingWindow: Duration.seconds(s.crawl.maxBatchingWindowSeconds),
        // Only the failed URLs of a batch are retried, not the whole batch.
        reportBatchItemFailures: true,
        maxConcurrency: s.crawl.maxConcurrency,
      }),
    );

    // Reprocess: re-extracts and re-dedups archived raw pages after an extractor change, one fetch
    // day per message; started by sending a `start` message to its queue (docs/deploy.md). It reads
    // the queue URL for its continuations from the event source ARN, so it needs no queue variable,
    // and it fetches nothing, so no fetch settings or sources file either.
    this.reprocess = new PipelineFunction(this, 'Reprocess', {
      ...common,
      entry: 'functions/handlers/reprocess.ts',
      description:
        'Re-extracts and re-dedups archived raw pages, one fetch day per message, continuing itself until done',
      serviceName: REPROCESS_SERVICE_NAME,
      memoryMb: s.reprocess.memoryMb ?? s.crawl.memoryMb,
      timeoutSeconds: s.reprocess.timeoutSeconds,
      reservedConcurrency: s.reprocess.reservedConcurrency,
      environment: commonEnvironment,
    });
    this.reprocess.function.addEventSource(
      new SqsEventSource(this.reprocessQueue, {
        // One slice (a day of raw pages) per invocation: it runs until close to the timeout.
        batchSize: 1,
        // The handler reports a failed message as a batch item failure rather than throwing.
        reportBatchItemFailures: true,
        maxConcurrency: s.reprocess.maxConcurrency,
      }),
    );

    this.query = new PipelineFunction(this, 'Query', {
      ...common,
      entry: 'functions/handlers/query.ts',
      description: 'Answers article, paragraph and cluster queries over the index and clean copies',
      serviceName: QUERY_SERVICE_NAME,
      memoryMb: s.query.memoryMb,
      timeoutSeconds: s.query.timeoutSeconds,
      reservedConcurrency: s.query.reservedConcurrency,
      environment: commonEnvironment,
    });
    this.queryUrl = this.query.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

    this.grantPermissions(s);

    // An own role (rather than the target's shared singleton) so its one finding can be acknowledged here.
    const schedulerRole = new iam.Role(this, 'DiscoverScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler invoke the discover function',
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.discover.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'grantInvoke also names the function ARN with ":*" so published versions/aliases of this one function can be invoked; nothing else is reachable.',
    });
    this.schedule = new scheduler.Schedule(this, 'DiscoverSchedule', {
      description: `Runs news discovery (${s.stage})`,
      schedule: scheduleExpression(s.scheduleExpression, s.scheduleTimeZone),
      enabled: s.scheduleEnabled,
      target: new targets.LambdaInvoke(this.discover.function, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule', stage: s.stage }),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: this.failedInvocationsQueue,
      }),
    });

    this.analytics = new Analytics(this, 'Analytics', { bucket, stage: s.stage, firstDay: s.athenaFirstDay });
    this.grantQuerySearch();

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: s.stage,
      functions: [
        { name: 'Discover', function: this.discover.function },
        { name: 'Crawl', function: this.crawl.function, sendsToOwnQueue: true },
        { name: 'Reprocess', function: this.reprocess.function, sendsToOwnQueue: true },
        { name: 'Query', function: this.query.function },
      ],
      crawlQueue: this.crawlQueue,
      deadLetterQueues: [
        { name: 'CrawlDeadLetterQueue', queue: this.crawlDeadLetterQueue },
        { name: 'FailedInvocationsQueue', queue: this.failedInvocationsQueue },
        { name: 'ReprocessDeadLetterQueue', queue: this.reprocessDeadLetterQueue },
      ],
      table: this.table,
      alarmEmail: s.alarmEmail,
      errorRateThresholdPercent: s.errorRateThresholdPercent,
      minParagraphsPerArticle: s.minParagraphsPerArticle,
      extractionWatchHosts: s.extractionWatchHosts,
      crawlBacklogAlarmHours: s.crawlBacklogAlarmHours,
      noArticlesAlarmHours: s.scheduleEnabled ? s.noArticlesAlarmHours : undefined,
    });

    this.backfill = new Backfill(this, 'Backfill', {
      settings: s,
      bucket,
      table: this.table,
      environment: commonEnvironment,
      alarmTopic: this.monitoring.topic,
    });
    // Reprocessing reads a backfilled article's raw page from its WARC record.
    this.backfill.grantReadWarc(this.reprocess.function);
    this.backfill.acknowledgeWarcRead(this.reprocess.role);

    this.acknowledgeFindings();

    new CfnOutput(this, 'ArchiveBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'SourcesUri', { value: sourcesUri });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'CrawlQueueUrl', { value: this.crawlQueue.queueUrl });
    new CfnOutput(this, 'CrawlDeadLetterQueueUrl', { value: this.crawlDeadLetterQueue.queueUrl });
    // Operators start a reprocess run by sending a message here (docs/deploy.md).
    new CfnOutput(this, 'ReprocessQueueUrl', { value: this.reprocessQueue.queueUrl });
    new CfnOutput(this, 'ReprocessDeadLetterQueueUrl', { value: this.reprocessDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'DiscoverFunctionName', { value: this.discover.function.functionName });
    new CfnOutput(this, 'QueryFunctionUrl', { value: this.queryUrl.url });
    // Callers need lambda:InvokeFunctionUrl and lambda:InvokeFunction on this ARN (docs/deploy.md).
    new CfnOutput(this, 'QueryFunctionArn', { value: this.query.function.functionArn });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.analytics.workGroup.ref });
    new CfnOutput(this, 'AthenaDatabase', { value: this.analytics.databaseName });
    new CfnOutput(this, 'AthenaTable', {
      value: `${this.analytics.databaseName}.${this.analytics.tableName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    // Operators start a backfill run here (docs/backfill.md).
    new CfnOutput(this, 'BackfillStateMachineArn', { value: this.backfill.stateMachine.stateMachineArn });
  }

  /** Least privilege, via grants only: each function gets the prefixes and calls it needs. */
  private grantPermissions(s: PipelineSettings): void {
    const bucket = this.archive.bucket;
    const discover = this.discover.function;
    const crawl = this.crawl.function;
    const query = this.query.function;

    // Discover: reads the sources file, claims URLs in the frontier, enqueues crawl messages.
    // The sources file is one object: in the archive bucket by default, or s3://<bucket>/<key> elsewhere.
    const [, sourcesBucketName, sourcesObjectKey] = s.sourcesUri
      ? (/^s3:\/\/([^/]+)\/(.+)$/.exec(s.sourcesUri) ?? [])
      : [];
    const sourcesBucket = s.sourcesUri
      ? s3.Bucket.fromBucketName(this, 'SourcesBucket', sourcesBucketName)
      : bucket;
    const grantReadSources = (grantee: lambda.IFunction) =>
      sourcesBucket.grantRead(grantee, s.sourcesUri ? sourcesObjectKey : s.sourcesKey);
    grantReadSources(discover);
    this.table.grantReadWriteData(discover);
    this.crawlQueue.grantSendMessages(discover);

    // Crawl: stores raw pages and clean copies (and deletes a clean copy an article moved away
    // from), reads them back, updates the index, and re-enqueues URLs it must delay (per-host
    // politeness). Receiving is granted by the event source. No text/ renderings: on AWS
    // (functions/handlers/aws-deps.ts, writeRenderings: false) they are rendered on read by query.
    bucket.grantReadWrite(crawl, `${ARCHIVE_PREFIX.raw}*`);
    bucket.grantReadWrite(crawl, `${ARCHIVE_PREFIX.clean}*`);
    grantReadSources(crawl);
    this.table.grantReadWriteData(crawl);
    this.crawlQueue.grantSendMessages(crawl);

    // Reprocess: reads raw pages (never writes them: it passes the existing raw key), replaces
    // and deletes clean copies, updates the index and its own checkpoints in the table, and sends
    // continuation slices to its own queue (receiving is granted by the event source).
    bucket.grantRead(this.reprocess.function, `${ARCHIVE_PREFIX.raw}*`);
    bucket.grantReadWrite(this.reprocess.function, `${ARCHIVE_PREFIX.clean}*`);
    this.table.grantReadWriteData(this.reprocess.function);
    this.reprocessQueue.grantSendMessages(this.reprocess.function);

    // Query: read-only.
    this.table.grantReadData(query);
    bucket.grantRead(query, `${ARCHIVE_PREFIX.clean}*`);
  }

  /**
   * The query function's `/search` runs one Athena query in the stack's workgroup over the
   * `clean_latest` view (docs/query.md): it may start, watch, read and stop queries in that
   * workgroup only, read the catalog entries the query names, and write results under the
   * workgroup's result prefix (Athena writes them with the caller's permissions).
   */
  private grantQuerySearch(): void {
    const fn = this.query.function;
    const workGroup = this.analytics.workGroup.name;
    const database = this.analytics.databaseName;
    fn.addEnvironment('ATHENA_WORKGROUP', workGroup);
    fn.addEnvironment('ATHENA_DATABASE', database);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [this.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup })],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          this.formatArn({ service: 'glue', resource: 'catalog' }),
          this.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
          ...[this.analytics.tableName, CLEAN_LATEST_VIEW].map((table) =>
            this.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/${table}` }),
          ),
        ],
      }),
    );
    // Athena writes the results (and the query reads them back) with the caller's permissions.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.archive.bucket.arnForObjects(`${ARCHIVE_PREFIX.athenaResults}*`)],
      }),
    );
  }

  /**
   * Findings that remain after the fixes, each acknowledged with its reason. Finding ids embed
   * CloudFormation logical ids, so they are computed here rather than spelled out.
   */
  private acknowledgeFindings(): void {
    const bucketArn = `<${this.getLogicalId(this.archive.bucket.node.defaultChild as never)}.Arn>`;
    const tableArn = `<${this.getLogicalId(this.table.node.defaultChild as never)}.Arn>`;
    const bucketPrefixReason =
      'Object-level actions on one key prefix of the archive bucket: the prefix wildcard scopes the grant to the keys this function owns.';
    const s3ActionReason =
      'Wildcard suffixes come from bucket.grantRead/grantReadWrite (GetObject*, List*, DeleteObject*, Abort*): each expands only within S3 object read/write actions on the scoped prefix.';
    const indexReason =
      'Queries on the table GSI (gsi1: articles by host and day) need the index ARN; /index/* is how grants name it.';

    // (Serverless-LambdaStarPermissions only inspects inline role policies; grants go to a
    // separate policy resource, so only AwsSolutions-IAM5 reports them.)
    const acknowledge = (fn: PipelineFunction, ids: readonly string[], reason: string) => {
      for (const id of ids) Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[${id}]`, reason });
    };
    for (const fn of [this.discover, this.crawl, this.reprocess, this.query]) {
      acknowledge(fn, [`Resource::${tableArn}/index/*`], indexReason);
      acknowledge(fn, ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*'], s3ActionReason);
    }
    for (const fn of [this.crawl, this.reprocess]) {
      acknowledge(fn, ['Action::s3:DeleteObject*', 'Action::s3:Abort*'], s3ActionReason);
      acknowledge(
        fn,
        [ARCHIVE_PREFIX.raw, ARCHIVE_PREFIX.clean].map((prefix) => `Resource::${bucketArn}/${prefix}*`),
        bucketPrefixReason,
      );
    }
    acknowledge(
      this.query,
      [ARCHIVE_PREFIX.clean, ARCHIVE_PREFIX.athenaResults].map(
        (prefix) => `Resource::${bucketArn}/${prefix}*`,
      ),
      // athena-results/*: where the workgroup puts query results (one object per search).
      bucketPrefixReason,
    );

    // Function-level rules that do not apply to how each function is invoked.
    const sqsFed = [
      {
        fn: this.crawl,
        what: 'failed URLs go to the crawl queue DLQ',
        receives: 'maxReceiveCount = MAX_FETCH_ATTEMPTS',
      },
      {
        fn: this.reprocess,
        what: 'failed slices go to the reprocess queue DLQ',
        receives: `maxReceiveCount = ${REPROCESS_MAX_RECEIVE_COUNT}`,
      },
    ];
    for (const { fn, what, receives } of sqsFed) {
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `Invoked synchronously by the SQS event source mapping; ${what} through its redrive policy.`,
      });
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: `Event source mappings support on-failure destinations for stream and Kafka sources only; for SQS the queue redrive policy (${receives}) sends ${what.replace(/ go to .*/, '')} to the DLQ.`,
      });
    }
    Validations.of(this.query.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously through its Function URL; the caller receives the error, nothing is retried asynchronously.',
    });
    Validations.of(this.discover.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Async failures go to an on-failure destination (the failed-invocations queue), which records more context than a DLQ.',
    });
  }
}

/** `rate(...)`, `cron(...)` and `at(...)` strings as Scheduler expressions (cron/at in `timeZone`). */
function scheduleExpression(expression: string, timeZone: string): scheduler.ScheduleExpression {
  if (expression.startsWith('rate(')) return scheduler.ScheduleExpression.expression(expression);
  return scheduler.ScheduleExpression.expression(expression, TimeZone.of(timeZone));
}
