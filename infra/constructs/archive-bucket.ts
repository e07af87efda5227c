import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cleanBundleKey, rawBundleKey, renderingKey } from '../../functions/archive-format/keys';

/** First path segment of a key, with its slash: the prefix IAM grants and lifecycle rules use. */
const topPrefix = (key: string) => `${key.split('/')[0]}/`;

/**
 * Key prefixes of the archive bucket. raw/clean/text come from the key functions in
 * functions/archive-format/keys.ts, so grants and lifecycle rules follow the layout the code writes.
 */
export const ARCHIVE_PREFIX = {
  raw: topPrefix(rawBundleKey('2000-01-01T00:00:00.000Z', '0')),
  clean: topPrefix(cleanBundleKey('2000-01-01', '2000-01-01T00:00:00.000Z', '0')),
  text: topPrefix(renderingKey('2000-01-01', 'example.com', 'x', 'md')),
  config: 'config/',
  athenaResults: 'athena-results/',
  /** Backfill runs: `manifests/` (lists of WARC keys), `warc/` (WARC files uploaded), `results/` (Map run reports). */
  backfill: 'backfill/',
} as const;

/** Incomplete multipart uploads are pure waste after a day or two; a week is generous. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
/** Access logs are for incident review; three months covers a quarter's audit. */
const ACCESS_LOG_RETENTION_DAYS = 90;

export interface ArchiveBucketProps {
  /** Days after which raw pages are deleted; `null` keeps them (re-extraction needs them). */
  readonly rawExpirationDays: number | null;
  readonly noncurrentVersionExpirationDays: number;
  readonly athenaResultsExpirationDays: number;
}

/**
 * The archive bucket (raw pages, clean copies, config, Athena results) and its access-log bucket.
 *
 * Encryption is SSE-S3 on purpose: SSE-KMS would add a KMS request per PUT/GET of every page
 * (bucket keys reduce but do not remove them) for data that is public web content; SSE-S3 still
 * encrypts at rest with no per-request cost. Both buckets are private, TLS-only and retained.
 */
export class ArchiveBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
    });
    // (No AwsSolutions-S1 finding here: cdk-nag recognises the bucket as a log destination.)

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // A bad extractor release overwrites clean copies; versions keep the previous ones a while.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        // No storage-class transition for raw/: the crawl writes raw bundles straight into
        // INTELLIGENT_TIERING (S3ArchiveStore, 'archive' hint), which moves a bundle unread for 30
        // days to its Infrequent Access tier and after 90 days to Archive Instant Access (Glacier IR
        // price), readable in milliseconds, with no lifecycle transition request and no retrieval
        // fee. A Glacier IR transition here would bill both. Bundles under 128 KB are not
        // monitored and stay at Standard price with no monitoring fee, so no size filter is needed.
        // Deliberately NO intelligentTieringConfigurations: the optional Archive Access / Deep
        // Archive Access tiers need a RestoreObject taking hours before a GET, which would break
        // reprocessing (it reads raw pages by range on demand).
        ...(props.rawExpirationDays === null
          ? []
          : [
              {
                id: 'raw-pages-expire',
                prefix: ARCHIVE_PREFIX.raw,
                expiration: Duration.days(props.rawExpirationDays),
              },
            ]),
        {
          id: 'athena-results-expire',
          prefix: ARCHIVE_PREFIX.athenaResults,
          expiration: Duration.days(props.athenaResultsExpirationDays),
        },
        {
          id: 'noncurrent-versions-and-uploads',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
  }
}
