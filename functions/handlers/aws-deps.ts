import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3ArchiveStore } from '../adapters/archive/s3-archive-store';
import { DynamoDbDedupIndex } from '../adapters/dynamodb/dynamodb-dedup-index';
import { DynamoDbFrontier } from '../adapters/dynamodb/dynamodb-frontier';
import { DynamoDbHostRateLimiter } from '../adapters/dynamodb/host-rate-limiter';
import { SqsCrawlQueue } from '../adapters/sqs/sqs-crawl-queue';
import { ArchiveByteSource } from '../adapters/warc/byte-source';
import { WarcioRecordSource } from '../adapters/warc/warcio-record-source';
import type { Config } from '../config';
import { ConfigError } from '../errors';
import { RobotsCache } from '../fetch/robots';
import { fetchOptionsFrom, type PipelineDeps, type PipelineLog } from '../pipeline/deps';

/**
 * Politeness waits up to this long are slept inside the Lambda; longer ones go back to SQS with a
 * delay, since sleeping is billed and SQS delays are free.
 */
const MAX_INLINE_WAIT_MS = 2_000;

/**
 * DynamoDB client retries. A throttled request (provisioned capacity while auto scaling catches up,
 * or on-demand past twice its previous peak) is retried with backoff; adaptive mode also slows the
 * client's own request rate while throttles last. Eight attempts ride out a scaling step of a
 * minute or two; the SDK default of three would fail the URL and retry the whole page via SQS.
 */
export const DYNAMODB_CLIENT_RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/** The production composition root: AWS clients built once per container and reused. */
export function createAwsDeps(
  config: Config,
  log: PipelineLog,
): PipelineDeps & { s3: S3Client; archiveRecords: WarcioRecordSource } {
  if (!config.crawlQueueUrl) throw new ConfigError('CRAWL_QUEUE_URL is required on AWS');
  const dynamo = new DynamoDBClient({
    region: config.awsRegion,
    endpoint: config.dynamodbEndpoint,
    ...DYNAMODB_CLIENT_RETRY,
  });
  const s3 = new S3Client({
    region: config.awsRegion,
    endpoint: config.s3Endpoint,
    forcePathStyle: Boolean(config.s3Endpoint),
  });
  const sqs = new SQSClient({ region: config.awsRegion });
  // WARC files of a backfill may sit in another region's bucket (Common Crawl's is in us-east-1).
  const warcS3 = new S3Client({
    region: config.awsRegion,
    endpoint: config.s3Endpoint,
    forcePathStyle: Boolean(config.s3Endpoint),
    followRegionRedirects: true,
  });
  const fetchOptions = fetchOptionsFrom(config);
  return {
    s3,
    archive: new S3ArchiveStore({ bucket: config.bucketName, client: s3 }),
    archiveRecords: new WarcioRecordSource({ bytes: new ArchiveByteSource({ s3Client: warcS3 }) }),
    index: new DynamoDbDedupIndex({ tableName: config.tableName, client: dynamo }),
    // No list of queued URLs: a Scan of the whole table would be the only way (docs/crawling.md).
    frontier: new DynamoDbFrontier({ tableName: config.tableName, client: dynamo, queuedListing: 'none' }),
    queue: new SqsCrawlQueue({ queueUrl: config.crawlQueueUrl, client: sqs }),
    robots: new RobotsCache({ fetchOptions }),
    rateLimiter: new DynamoDbHostRateLimiter({ tableName: config.tableName, client: dynamo }),
    fetchOptions,
    hostMinIntervalMs: config.hostMinIntervalMs,
    maxFetchAttempts: config.maxFetchAttempts,
    discoverSpreadMs: config.discoverSpreadMs,
    maxInlineWaitMs: MAX_INLINE_WAIT_MS,
    writeRenderings: false,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log,
  };
}
