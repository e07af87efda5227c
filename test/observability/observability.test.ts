import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendArticleKeys, articleLogger, createLogger } from '../../functions/observability/logger';
import { loadConfig } from '../../functions/config';
import { createMetrics, recordExtractionHealth } from '../../functions/observability/metrics';
import {
  CRAWL_SERVICE_NAME,
  METRICS_NAMESPACE,
  PARAGRAPHS_PER_ARTICLE_METRIC,
} from '../../functions/observability/names';

/** Captures JSON lines Powertools writes to stdout. */
let lines: Array<Record<string, any>>;
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLogger / articleLogger', () => {
  it('logs JSON with the service name and the article keys of the child only', () => {
    const logger = createLogger({ serviceName: CRAWL_SERVICE_NAME, logLevel: 'INFO' });
    const child = articleLogger(logger, {
      url: 'https://news.example/a',
      host: 'news.example',
      articleId: undefined,
    });
    child.info('fetched');
    logger.info('batch done');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      message: 'fetched',
      service: CRAWL_SERVICE_NAME,
      url: 'https://news.example/a',
      host: 'news.example',
    });
    expect(lines[0]).not.toHaveProperty('articleId');
    expect(lines[1]).toMatchObject({ message: 'batch done', service: CRAWL_SERVICE_NAME });
    expect(lines[1]).not.toHaveProperty('url');
  });

  it('appendArticleKeys adds keys until the returned function removes them', () => {
    const logger = createLogger({ serviceName: 'test-service', logLevel: 'INFO' });
    const remove = appendArticleKeys(logger, { articleId: 'abc123', host: 'h.example' });
    logger.info('one');
    remove();
    logger.info('two');
    expect(lines[0]).toMatchObject({ articleId: 'abc123', host: 'h.example' });
    expect(lines[1]).not.toHaveProperty('articleId');
    expect(lines[1]).not.toHaveProperty('host');
  });
});

describe('createMetrics / recordExtractionHealth', () => {
  it('emits ParagraphsPerArticle per host and in aggregate, in the NewsPipeline namespace', () => {
    const metrics = createMetrics({ serviceName: CRAWL_SERVICE_NAME });
    recordExtractionHealth(metrics, 'news.example', 7);
    metrics.publishStoredMetrics();
    const emf = lines.filter((l) => l._aws?.CloudWatchMetrics);
    expect(emf).toHaveLength(2);
    const dimensionSets = emf.map((l) => l._aws.CloudWatchMetrics[0].Dimensions[0].slice().sort());
    expect(dimensionSets).toEqual(expect.arrayContaining([['service'], ['host', 'service']]));
    for (const line of emf) {
      expect(line._aws.CloudWatchMetrics[0].Namespace).toBe(METRICS_NAMESPACE);
      expect(line._aws.CloudWatchMetrics[0].Metrics).toEqual([
        { Name: PARAGRAPHS_PER_ARTICLE_METRIC, Unit: 'Count' },
      ]);
      expect(line[PARAGRAPHS_PER_ARTICLE_METRIC]).toBe(7);
      expect(line.service).toBe(CRAWL_SERVICE_NAME);
    }
    expect(emf.find((l) => l.host)?.host).toBe('news.example');
  });
});

describe('per-host metric policy', () => {
  // Reading EXTRACTION_METRIC_HOSTS is tested with the config loader (test/config.test.ts).
  it('publishes only the aggregate for hosts outside the list', () => {
    const metrics = createMetrics({ serviceName: CRAWL_SERVICE_NAME });
    const policy = loadConfig({ EXTRACTION_METRIC_HOSTS: 'watched.example' }).perHostMetricPolicy;
    recordExtractionHealth(metrics, 'other.example', 4, policy);
    recordExtractionHealth(metrics, 'Watched.example', 9, policy);
    metrics.publishStoredMetrics();
    const emf = lines.filter((l) => l._aws?.CloudWatchMetrics);
    const perHost = emf.filter((l) => l.host);
    expect(perHost.map((l) => l.host)).toEqual(['Watched.example']);
    const aggregate = emf.filter((l) => !l.host);
    expect(aggregate).toHaveLength(1);
    expect(aggregate[0][PARAGRAPHS_PER_ARTICLE_METRIC]).toEqual([4, 9]);
  });
});
