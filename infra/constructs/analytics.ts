import { Aws } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHIVE_PREFIX } from './archive-bucket';

const copyLinkType = 'struct<articleid:string,url:string,host:string,overlap:double,method:string>';
const articleRefType = 'struct<articleid:string,url:string,host:string,seenat:string>';

/**
 * Columns of the clean-copy table (lower case: the OpenX SerDe matches JSON keys case-insensitively).
 * `host` is not here: it is the partition column, filled from the key (the JSON `host` field
 * carries the same value). Times are ISO 8601 strings; use `from_iso8601_timestamp()` in queries.
 * There is no `copies` column: a clean copy is written once per version and does not list the
 * copies that arrive later (the index and the query API do); find an article's copies with
 * `WHERE copyof.articleid = '<id>'`.
 */
export const CLEAN_COPY_COLUMNS: ReadonlyArray<{ name: string; type: string; comment?: string }> = [
  { name: 'id', type: 'string', comment: 'article id (hash of the canonical URL)' },
  { name: 'url', type: 'string' },
  { name: 'canonicalurl', type: 'string' },
  { name: 'fetchedat', type: 'string', comment: 'ISO 8601' },
  { name: 'day', type: 'string', comment: 'YYYY-MM-DD of publishedAt or fetchedAt' },
  { name: 'title', type: 'string' },
  { name: 'authors', type: 'array<string>' },
  { name: 'publishedat', type: 'string', comment: 'ISO 8601' },
  { name: 'modifiedat', type: 'string', comment: 'ISO 8601' },
  { name: 'language', type: 'string' },
  { name: 'sitename', type: 'string' },
  { name: 'section', type: 'string' },
  { name: 'description', type: 'string' },
  { name: 'image', type: 'string' },
  { name: 'pagekind', type: 'string' },
  { name: 'contenthash', type: 'string' },
  { name: 'version', type: 'int' },
  { name: 'paragraphcount', type: 'int' },
  { name: 'paragraphs', type: `array<struct<kind:string,text:string,hash:string,firstseen:${articleRefType}>>` },
  { name: 'text', type: 'string' },
  { name: 'copyof', type: copyLinkType },
  { name: 'clusterid', type: 'string' },
];

export interface AnalyticsProps {
  readonly bucket: s3.IBucket;
  readonly stage: string;
  /** First day the `dt` projection enumerates (YYYY-MM-DD); earlier partitions are invisible. */
  readonly firstDay: string;
}

/**
 * Glue catalog over the clean copies (`clean/dt=YYYY-MM-DD/host=<host>/<articleId>.json`, one
 * JSON object per line) with partition projection, so new days and hosts need no crawler and no
 * MSCK REPAIR; and an Athena workgroup that forces encrypted results into the archive bucket.
 *
 * `host` uses injected projection: every query must filter on it (`WHERE host = 'example.com'`
 * or `host IN (...)`); `dt` is a date range from `firstDay` to today.
 */
export class Analytics extends Construct {
  readonly databaseName: string;
  readonly tableName = 'clean_articles';
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    // Glue names allow lower case, digits and underscores only.
    this.databaseName = `news_pipeline_${props.stage.replace(/-/g, '_')}`;
    const cleanRoot = `s3://${props.bucket.bucketName}/${ARCHIVE_PREFIX.clean}`;

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'News pipeline clean article copies' },
    });

    const table = new glue.CfnTable(this, 'CleanArticles', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Clean article copies, one JSON object per line',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.firstDay},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.host.type': 'injected',
          'storage.location.template': `${cleanRoot}dt=\${dt}/host=\${host}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string', comment: 'UTC day, YYYY-MM-DD' },
          { name: 'host', type: 'string', comment: 'publisher host name' },
        ],
        storageDescriptor: {
          location: cleanRoot,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: {
              'case.insensitive': 'true',
              // A half-written or foreign object must not fail the whole query.
              'ignore.malformed.json': 'true',
            },
          },
          columns: CLEAN_COPY_COLUMNS.map((c) => ({ ...c })),
        },
      },
    });
    table.node.addDependency(database);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `news-pipeline-${props.stage}`,
      description: 'Queries over the news pipeline clean copies',
      state: 'ENABLED',
      // Stack deletion removes the workgroup even if it has saved queries/history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // One runaway query over the full text column should not scan the whole archive: 10 GB.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${ARCHIVE_PREFIX.athenaResults}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      },
    });
  }
}
