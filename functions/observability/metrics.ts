import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HOST_DIMENSION, METRICS_NAMESPACE, PARAGRAPHS_PER_ARTICLE_METRIC } from './names';

export interface CreateMetricsOptions {
  /** Powertools service name (the `service` dimension); defaults to `POWERTOOLS_SERVICE_NAME`. */
  serviceName?: string;
  /** Defaults to {@link METRICS_NAMESPACE}. */
  namespace?: string;
}

/**
 * Creates the metrics buffer of one Lambda function (Powertools Metrics, CloudWatch embedded
 * metric format written to stdout: no PutMetricData calls and no extra IAM permission).
 * Call `metrics.publishStoredMetrics()` at the end of each invocation.
 * @example
 * const metrics = createMetrics({ serviceName: CRAWL_SERVICE_NAME });
 * metrics.addMetric('PagesFetched', MetricUnit.Count, 1);
 * metrics.publishStoredMetrics();
 */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  return new Metrics({
    namespace: options.namespace ?? METRICS_NAMESPACE,
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
  });
}

/**
 * Which hosts get their own `ParagraphsPerArticle` time series. Each host is a CloudWatch custom
 * metric billed monthly (about $0.30 each), so a deployment with many sources may limit it to
 * the hosts it alarms on. `all` is the default. Read from `EXTRACTION_METRIC_HOSTS` by the config
 * loader (`config.perHostMetricPolicy`).
 */
export type PerHostMetricPolicy = { kind: 'all' } | { kind: 'listed'; hosts: ReadonlySet<string> };

/**
 * Records extraction health for one stored article: `ParagraphsPerArticle` once with the default
 * dimensions (the aggregate the stack alarms on) and, when the policy allows the host, once with
 * the `host` dimension as well (per-host alarms and the dashboard's worst-hosts list). The
 * per-host value is emitted at once as a single metric, so hosts in one batch never share a
 * dimension set.
 * @example
 * recordExtractionHealth(metrics, 'www.example.com', article.paragraphCount);
 */
export function recordExtractionHealth(
  metrics: Metrics,
  host: string,
  paragraphCount: number,
  policy: PerHostMetricPolicy = { kind: 'all' },
): void {
  metrics.addMetric(PARAGRAPHS_PER_ARTICLE_METRIC, MetricUnit.Count, paragraphCount);
  if (policy.kind === 'listed' && !policy.hosts.has(host.toLowerCase())) return;
  const perHost = metrics.singleMetric();
  perHost.addDimension(HOST_DIMENSION, host);
  perHost.addMetric(PARAGRAPHS_PER_ARTICLE_METRIC, MetricUnit.Count, paragraphCount);
}

export { MetricUnit };
