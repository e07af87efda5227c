import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cleanBundleKey, rawBundleKey, renderingKey } from '../../functions/core/archive-keys';
import { RAW_TRANSITION_MIN_OBJECT_BYTES } from '../settings';

/** First path segment of a key, with its slash: the prefix IAM grants and lifecycle rules use. */
const topPrefix = (key: string) => `${key.split('/')[0]}/`;

/**
 * Key prefixes of the archive bucket. raw/clean/text come from the key functions in
 * functions/core/archive-keys.ts, so grants and lifecycle rules follow the layout the code writes.
 */
export const ARCHIVE_PREFIX = {
  raw: topPrefix(rawBundleKey('2000-01-01T00:00:00.000Z', '0')),
  clean: topPrefix(cleanBundleKey('2000-01-01', '2000-01-01T00:00:00.000Z', '0')),
  text: topPrefix(renderingKey('2000-01-01', 'example.com', 'x', 'md')),
  config: 'config/',
  athenaResults: 'athena-results/',
} as const;

/** Incomplete multipart uploads are pure waste after a day or two; a week is generous. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
/** Access logs are for incident review; three months covers a quarter's audit. */
const ACCESS_LOG_RETENTION_DAYS = 90;

export interface ArchiveBucketProps {
  readonly rawTransitionDays: number;
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
        {
          id: 'raw-pages-to-glacier-ir',
          prefix: ARCHIVE_PREFIX.raw,
          // Raw pages are re-read only when extraction is re-run, which Glacier IR serves in ms.
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.rawTransitionDays),
            },
          ],
          // Objects under 128 KB would be billed as 128 KB in Glacier IR and cost a transition
          // request each, so the typical compressed page (tens of KB) is better left in Standard.
          objectSizeGreaterThan: RAW_TRANSITION_MIN_OBJECT_BYTES,
          expiration: props.rawExpirationDays === null ? undefined : Duration.days(props.rawExpirationDays),
        },
        ...(props.rawExpirationDays === null
          ? []
          : [
              {
                // The size filter above hides small pages from that rule; expire them as well.
                id: 'raw-pages-expire-small',
                prefix: ARCHIVE_PREFIX.raw,
                objectSizeLessThan: RAW_TRANSITION_MIN_OBJECT_BYTES + 1,
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
    Validations.of(this.bucket).acknowledge({
      id: 'CloudFormation-Validate::W9003',
      reason: 'aws-cdk-lib writes ObjectSizeGreaterThan as a number; CloudFormation coerces it to the string it expects, with the same meaning.',
    });
  }
}
