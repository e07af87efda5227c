import { Aws } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CLEAN_COPY_COLUMNS,
  CLEAN_LATEST_VIEW,
  CLEAN_PARTITION_COLUMN,
  CLEAN_TABLE_NAME,
  cleanLatestSelect,
} from '../../functions/core/clean-copy-table';
import { ARCHIVE_PREFIX } from './archive-bucket';

/** The table's columns, derived from the one definition the local DuckDB views use too. */
export { CLEAN_COPY_COLUMNS, CLEAN_LATEST_VIEW };

/**
 * A Hive column type as Presto/Trino spells it (Athena views store Trino types):
 * `array<struct<a:string>>` → `array(row(a varchar))`.
 */
export function prestoType(hive: string): string {
  let pos = 0;
  const read = (): string => {
    const name = /^[a-z]+/.exec(hive.slice(pos))![0];
    pos += name.length;
    if (name === 'array') {
      pos += 1;
      const of = read();
      pos += 1;
      return `array(${of})`;
    }
    if (name === 'struct') {
      pos += 1;
      const fields: string[] = [];
      while (hive[pos] !== '>') {
        const field = /^[a-z0-9_]+/.exec(hive.slice(pos))![0];
        pos += field.length + 1;
        fields.push(`${field} ${read()}`);
        if (hive[pos] === ',') pos += 1;
      }
      pos += 1;
      return `row(${fields.join(', ')})`;
    }
    const primitive: Record<string, string> = {
      string: 'varchar',
      int: 'integer',
      bigint: 'bigint',
      double: 'double',
      boolean: 'boolean',
    };
    if (!primitive[name]) throw new RangeError(`no Presto type for Hive type ${name}`);
    return primitive[name];
  };
  const type = read();
  if (pos !== hive.length) throw new RangeError(`trailing text in Hive type ${hive}`);
  return type;
}

/**
 * SQL of the {@link CLEAN_LATEST_VIEW} view: the newest line of each article per day partition.
 * Partitioned by (dt, id) so that a query's `dt` filter is pushed below the window function and
 * prunes partitions; an article whose publication day was corrected keeps its old line in the old
 * day until that day is reprocessed (docs/query.md gives the exact query across days).
 */
export function cleanLatestSql(databaseName: string, tableName: string): string {
  return cleanLatestSelect(`"${databaseName}"."${tableName}"`);
}

/** The Glue encoding of an Athena (Presto) view: base64 JSON of the SQL and its output columns. */
export function prestoViewText(
  databaseName: string,
  sql: string,
  columns: ReadonlyArray<{ name: string; type: string }>,
): string {
  const definition = {
    originalSql: sql,
    catalog: 'awsdatacatalog',
    schema: databaseName,
    columns: columns.map((c) => ({ name: c.name, type: prestoType(c.type) })),
  };
  return `/* Presto View: ${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')} */`;
}

export interface AnalyticsProps {
  readonly bucket: s3.IBucket;
  readonly stage: string;
  /** First day the `dt` projection enumerates (YYYY-MM-DD); earlier partitions are invisible. */
  readonly firstDay: string;
}

/**
 * Glue catalog over the clean copies (JSON Lines bundles `clean/dt=YYYY-MM-DD/bundle-*.jsonl`,
 * one article per line) with partition projection on `dt` (a date range from `firstDay` to
 * today), so new days need no crawler and no MSCK REPAIR; the view `clean_latest` with only the
 * current line of each article; and an Athena workgroup that forces encrypted results into the
 * archive bucket.
 */
export class Analytics extends Construct {
  readonly databaseName: string;
  readonly tableName = CLEAN_TABLE_NAME;
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
        description:
          'Clean article copies, one JSON object per line; an article may have older lines (use clean_latest)',
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
          'storage.location.template': `${cleanRoot}dt=\${dt}/`,
        },
        partitionKeys: [
          {
            name: CLEAN_PARTITION_COLUMN,
            type: 'string',
            comment: 'UTC day of publication (else of fetching), YYYY-MM-DD',
          },
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

    // The current line of each article: a changed re-crawl or a copy learning its origin adds a
    // newer line while the old one stays in its bundle until the day is reprocessed.
    const viewColumns = [...CLEAN_COPY_COLUMNS, { name: CLEAN_PARTITION_COLUMN, type: 'string' }];
    const view = new glue.CfnTable(this, 'CleanLatestView', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: CLEAN_LATEST_VIEW,
        description:
          'Current line of each article per day (highest version, then latest storedat) of clean_articles',
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: prestoViewText(
          this.databaseName,
          cleanLatestSql(this.databaseName, this.tableName),
          viewColumns,
        ),
        viewExpandedText: '/* Presto View */',
        storageDescriptor: { columns: viewColumns.map((c) => ({ name: c.name, type: c.type })) },
      },
    });
    view.node.addDependency(table);

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
