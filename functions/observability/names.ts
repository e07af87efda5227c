/**
 * Names shared by the handlers (which publish logs and metrics) and the CDK stack (which sets
 * them as environment and builds alarms on them), so the two cannot drift apart.
 * Pure constants: safe to import from infra/ and from Lambda code.
 */

/** CloudWatch namespace of every custom metric (`POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'NewsPipeline';

/** Powertools service names: the `service` log field and metric dimension of each function. */
export const DISCOVER_SERVICE_NAME = 'news-discover';
export const CRAWL_SERVICE_NAME = 'news-crawl';
export const QUERY_SERVICE_NAME = 'news-query';
/** The reprocess function publishes no metrics; the name is its `service` log field. */
export const REPROCESS_SERVICE_NAME = 'news-reprocess';
export const BACKFILL_SERVICE_NAME = 'news-backfill';

/** Paragraphs kept per stored article; a sudden drop for a host means its layout changed. */
export const PARAGRAPHS_PER_ARTICLE_METRIC = 'ParagraphsPerArticle';
/** Dimension naming the publisher host on per-host metrics. */
export const HOST_DIMENSION = 'host';

/**
 * Env var the stack sets on the crawl function: `*` for every host, else a comma-separated host
 * list (empty: none). Read by the config loader into `config.perHostMetricPolicy`.
 */
export const EXTRACTION_METRIC_HOSTS_ENV = 'EXTRACTION_METRIC_HOSTS';
