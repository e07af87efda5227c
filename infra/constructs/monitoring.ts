import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CRAWL_SERVICE_NAME,
  METRICS_NAMESPACE,
  PARAGRAPHS_PER_ARTICLE_METRIC,
} from '../../functions/observability/names';

/** Error rates are judged over 15 minutes: long enough to smooth one bad batch of pages. */
const ERROR_RATE_PERIOD = Duration.minutes(15);
/** Extraction health is judged hourly: a host publishes a handful of articles per hour. */
const EXTRACTION_PERIOD = Duration.hours(1);
/** Three low hours in a row before alarming: one short-brief hour is not a broken extractor. */
const EXTRACTION_EVALUATION_PERIODS = 3;

export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
  /**
   * The function sends messages to the queue that triggers it (crawl's deferred URLs, reprocess's
   * continuations): Lambda's loop detection may drop such chains, so drops are alarmed on.
   */
  readonly sendsToOwnQueue?: boolean;
}

export interface MonitoringProps {
  readonly stage: string;
  readonly functions: readonly MonitoredFunction[];
  readonly crawlQueue: sqs.IQueue;
  /** Queues whose messages mean work that failed for good (alarm when not empty). */
  readonly deadLetterQueues: ReadonlyArray<{ name: string; queue: sqs.IQueue }>;
  readonly table: dynamodb.ITable;
  readonly alarmEmail?: string;
  readonly errorRateThresholdPercent: number;
  readonly minParagraphsPerArticle: number;
  readonly extractionWatchHosts: readonly string[];
  readonly crawlBacklogAlarmHours: number;
  /** Hours without a stored article before alarming; undefined disables (schedule off). */
  readonly noArticlesAlarmHours?: number;
}

/**
 * Alarms (to one SNS topic) and a dashboard.
 *
 * Extraction health: the crawl handler publishes `ParagraphsPerArticle` (namespace
 * `NewsPipeline`) twice per stored article, once with dimensions {service} (the aggregate) and
 * once with {service, host}. The aggregate alarm catches a broken extractor release; hosts listed
 * in `extractionWatchHosts` get their own alarm, which catches one publisher's redesign. The
 * dashboard lists the hosts with the lowest averages (a Metrics Insights query) for the rest.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `News pipeline ${props.stage} alarms`,
      enforceSSL: true,
    });
    // Not KMS-encrypted on purpose: alarm notifications carry metric names and thresholds, no
    // article data; CloudWatch cannot publish to a topic under the AWS managed aws/sns key, and a
    // customer managed key would cost more than the rest of the monitoring.
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'Only an e-mail subscription: a notification that cannot be delivered has no consumer to redrive to, and the alarm state stays visible in CloudWatch.',
      });
    }
    const alarmAction = new actions.SnsAction(this.topic);
    const register = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
      return alarm;
    };

    for (const dlq of props.deadLetterQueues) {
      register(
        new cloudwatch.Alarm(this, `${dlq.name}NotEmpty`, {
          alarmDescription: `${dlq.name} has messages: work failed after all retries. Inspect, fix, then redrive.`,
          metric: dlq.queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    register(
      new cloudwatch.Alarm(this, 'CrawlBacklogAge', {
        alarmDescription: `The oldest URL in the crawl queue is older than ${props.crawlBacklogAlarmHours} h: crawling cannot keep up (raise crawl.maxConcurrency) or is stuck.`,
        metric: props.crawlQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(15),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: props.crawlBacklogAlarmHours * 3600,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // Crawl re-sends deferred URLs and reprocess its continuations to the queue that triggers it;
    // Lambda's loop detection silently drops an event after ~16 such hops, so any drop is worth an alarm.
    for (const fn of props.functions.filter((f) => f.sendsToOwnQueue)) {
      register(
        new cloudwatch.Alarm(this, `${fn.name}RecursionDropped`, {
          alarmDescription: `Lambda stopped a recursive ${fn.name} -> SQS -> ${fn.name} chain and dropped its message (${fn.name === 'Crawl' ? 'URLs deferred too often' : 'work continued too often'}); see docs/deploy.md.`,
          metric: fn.function.metric('RecursiveInvocationsDropped', {
            period: Duration.minutes(15),
            statistic: cloudwatch.Stats.SUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const fn of props.functions) {
      const errorRate = new cloudwatch.MathExpression({
        label: `${fn.name} error rate (%)`,
        // IF keeps idle periods at 0 % instead of a division by zero.
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: {
          errors: fn.function.metricErrors({ statistic: cloudwatch.Stats.SUM }),
          invocations: fn.function.metricInvocations({ statistic: cloudwatch.Stats.SUM }),
        },
        period: ERROR_RATE_PERIOD,
      });
      register(
        new cloudwatch.Alarm(this, `${fn.name}ErrorRate`, {
          alarmDescription: `${fn.name} function errors above ${props.errorRateThresholdPercent}% of invocations.`,
          metric: errorRate,
          threshold: props.errorRateThresholdPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const paragraphsAggregate = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: PARAGRAPHS_PER_ARTICLE_METRIC,
      dimensionsMap: { service: CRAWL_SERVICE_NAME },
      statistic: cloudwatch.Stats.AVERAGE,
      period: EXTRACTION_PERIOD,
      label: 'paragraphs per article (all hosts)',
    });
    register(
      new cloudwatch.Alarm(this, 'ExtractionHealthAllHosts', {
        alarmDescription: `Average paragraphs per stored article below ${props.minParagraphsPerArticle} for ${EXTRACTION_EVALUATION_PERIODS} hours: the extractor is likely dropping article bodies.`,
        metric: paragraphsAggregate,
        threshold: props.minParagraphsPerArticle,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: EXTRACTION_EVALUATION_PERIODS,
        // No articles stored is not an extraction problem (the error and DLQ alarms cover it).
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    if (props.noArticlesAlarmHours !== undefined) {
      register(
        new cloudwatch.Alarm(this, 'NoArticlesStored', {
          alarmDescription: `No article stored for ${props.noArticlesAlarmHours} h: the pipeline stopped without failing (sources file, feeds, schedule?).`,
          metric: paragraphsAggregate.with({
            statistic: cloudwatch.Stats.SAMPLE_COUNT,
            period: Duration.hours(props.noArticlesAlarmHours),
            label: 'articles stored',
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // Here no data is the symptom.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        }),
      );
    }

    props.extractionWatchHosts.forEach((host, index) => {
      register(
        new cloudwatch.Alarm(this, `ExtractionHealthHost${index}`, {
          alarmDescription: `Average paragraphs per article from ${host} below ${props.minParagraphsPerArticle}: its page layout probably changed.`,
          metric: new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: PARAGRAPHS_PER_ARTICLE_METRIC,
            dimensionsMap: { service: CRAWL_SERVICE_NAME, host },
            statistic: cloudwatch.Stats.AVERAGE,
            period: EXTRACTION_PERIOD,
          }),
          threshold: props.minParagraphsPerArticle,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: EXTRACTION_EVALUATION_PERIODS,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `news-pipeline-${props.stage}`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: props.functions.map((f) => f.function.metricInvocations({ label: f.name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        left: props.functions.map((f) => f.function.metricErrors({ label: f.name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Duration p90 (ms)',
        left: props.functions.map((f) => f.function.metricDuration({ label: f.name, statistic: 'p90' })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Crawl queue',
        left: [
          props.crawlQueue.metricApproximateNumberOfMessagesVisible({ label: 'visible' }),
          props.crawlQueue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
        ],
        right: [props.crawlQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: props.deadLetterQueues.map((d) =>
          d.queue.metricApproximateNumberOfMessagesVisible({
            label: d.name,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB capacity used',
        left: [
          props.table.metricConsumedWriteCapacityUnits({ label: 'WCU', statistic: cloudwatch.Stats.SUM }),
          props.table.metricConsumedReadCapacityUnits({ label: 'RCU', statistic: cloudwatch.Stats.SUM }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Paragraphs per article (all hosts)',
        left: [paragraphsAggregate],
        leftAnnotations: [{ value: props.minParagraphsPerArticle, label: 'alarm threshold' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Hosts with the fewest paragraphs per article',
        left: [
          new cloudwatch.MathExpression({
            label: '',
            expression: `SELECT AVG(${PARAGRAPHS_PER_ARTICLE_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", host, service) GROUP BY host ORDER BY AVG() ASC LIMIT 10`,
            usingMetrics: {},
            period: EXTRACTION_PERIOD,
          }),
        ],
        width: 12,
      }),
    );
  }
}
