import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { GSI1, TABLE_KEY, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-schema';
import type { PipelineSettings } from '../settings';

export interface IndexTableProps {
  readonly capacity: PipelineSettings['tableCapacity'];
  readonly deletionProtection: boolean;
}

/**
 * Creates the index table (dedup index, frontier, rate limiter and checkpoints share it) and its
 * one global secondary index, on-demand or provisioned with auto scaling. A function rather than a
 * construct of its own: the table keeps its logical id (`Index` directly in the stack), since a new
 * id would make CloudFormation create a second table and orphan the retained one.
 */
export function createIndexTable(scope: Construct, props: IndexTableProps): dynamodb.Table {
  const { capacity } = props;
  const provisioned = capacity.billing === 'provisioned';
  const table = new dynamodb.Table(scope, 'Index', {
    partitionKey: { name: TABLE_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: TABLE_KEY.sortKey, type: dynamodb.AttributeType.STRING },
    // On-demand by default: no idle cost and nothing to tune while volume is small or bursty.
    billingMode: provisioned ? dynamodb.BillingMode.PROVISIONED : dynamodb.BillingMode.PAY_PER_REQUEST,
    ...(provisioned ? { readCapacity: capacity.minReadUnits, writeCapacity: capacity.minWriteUnits } : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // AWS managed key: key use is visible in CloudTrail; no key to administer or pay for monthly.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: props.deletionProtection,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  table.addGlobalSecondaryIndex({
    indexName: GSI1.indexName,
    partitionKey: { name: GSI1.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: GSI1.sortKey, type: dynamodb.AttributeType.STRING },
    // Same projection as the local stores create (table-schema.ts), so the two cannot drift.
    projectionType: GSI1.projectionType as dynamodb.ProjectionType,
    // The index takes a small share of the writes (article items, keys only): it starts at one
    // unit and may scale up to the table's maximum.
    ...(provisioned ? { readCapacity: 1, writeCapacity: 1 } : {}),
  });
  if (provisioned) addAutoScaling(table, capacity);
  return table;
}

/** Target tracking on the table's and the index's read and write capacity. */
function addAutoScaling(table: dynamodb.Table, capacity: PipelineSettings['tableCapacity']): void {
  const target = { targetUtilizationPercent: capacity.targetUtilizationPercent };
  table
    .autoScaleWriteCapacity({ minCapacity: capacity.minWriteUnits, maxCapacity: capacity.maxWriteUnits })
    .scaleOnUtilization(target);
  table
    .autoScaleReadCapacity({ minCapacity: capacity.minReadUnits, maxCapacity: capacity.maxReadUnits })
    .scaleOnUtilization(target);
  table
    .autoScaleGlobalSecondaryIndexWriteCapacity(GSI1.indexName, {
      minCapacity: 1,
      maxCapacity: capacity.maxWriteUnits,
    })
    .scaleOnUtilization(target);
  table
    .autoScaleGlobalSecondaryIndexReadCapacity(GSI1.indexName, {
      minCapacity: 1,
      maxCapacity: capacity.maxReadUnits,
    })
    .scaleOnUtilization(target);
}
