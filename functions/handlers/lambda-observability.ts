import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit, recordExtractionHealth, type PerHostMetricPolicy } from '../observability/metrics';
import type { CrawlOutcome } from '../pipeline/crawl-url';
import type { PipelineLog } from '../pipeline/deps';

/** Adapts a Powertools logger to the pipeline's log port (structured JSON lines). */
export function pipelineLogFrom(logger: Logger): PipelineLog {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
  };
}

/**
 * Turns one crawl outcome into metrics: pages fetched, failures by reason, paragraphs new and
 * repeated, syndicated articles, and per host the paragraphs per article (extraction health) and
 * the boilerplate ratio. Per-host series follow the same policy as extraction health, since each
 * host dimension is a billed custom metric.
 */
export function recordCrawlMetrics(
  metrics: Metrics,
  outcome: CrawlOutcome,
  policy: PerHostMetricPolicy,
): void {
  switch (outcome.kind) {
    case 'stored': {
      metrics.addMetric('PagesFetched', MetricUnit.Count, 1);
      metrics.addMetric('ArticlesStored', MetricUnit.Count, 1);
      metrics.addMetric('ParagraphsRepeated', MetricUnit.Count, outcome.paragraphsFirstSeenElsewhere);
      metrics.addMetric(
        'ParagraphsNew',
        MetricUnit.Count,
        Math.max(0, outcome.paragraphs - outcome.paragraphsFirstSeenElsewhere),
      );
      if (outcome.copyOf) metrics.addMetric('SyndicatedArticles', MetricUnit.Count, 1);
      recordExtractionHealth(metrics, outcome.host, outcome.paragraphs, policy);
      if (policy.kind === 'all' || policy.hosts.has(outcome.host)) {
        const total = outcome.paragraphs + outcome.boilerplateParagraphsRemoved;
        const perHost = metrics.singleMetric();
        perHost.addDimension('host', outcome.host);
        perHost.addMetric(
          'BoilerplateRatio',
          MetricUnit.Percent,
          total ? (100 * outcome.boilerplateParagraphsRemoved) / total : 0,
        );
      }
      return;
    }
    case 'unchanged':
      if (outcome.reason === 'same-content') metrics.addMetric('PagesFetched', MetricUnit.Count, 1);
      metrics.addMetric('PagesUnchanged', MetricUnit.Count, 1);
      return;
    case 'skipped':
    case 'failed': {
      const failure = metrics.singleMetric();
      failure.addDimension('reason', outcome.reason);
      failure.addMetric(outcome.kind === 'failed' ? 'Failures' : 'Skipped', MetricUnit.Count, 1);
      return;
    }
    case 'deferred':
      metrics.addMetric('Deferred', MetricUnit.Count, 1);
  }
}
