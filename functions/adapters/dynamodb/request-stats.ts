import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/** Request and capacity counters of one adapter instance (benchmarks print them). */
export interface DynamoDbStats {
  /** DynamoDB requests sent (each retry of unprocessed batch items counts). */
  requests: number;
  /** Read capacity units reported by DynamoDB (`ReturnConsumedCapacity: 'TOTAL'`). */
  readUnits: number;
  /**
   * Write capacity units reported by DynamoDB, plus an estimate of one unit for every write
   * rejected by its condition: AWS bills those too but returns no ConsumedCapacity with the error.
   */
  writeUnits: number;
}

/** Accumulates {@link DynamoDbStats}; shared by the adapters of this folder. */
export class RequestStats {
  private requests = 0;
  private readUnits = 0;
  private writeUnits = 0;

  /** Counts one request and the capacity it reported. */
  record(kind: 'read' | 'write', consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    this.requests += 1;
    const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + (c.CapacityUnits ?? 0),
      0,
    );
    if (kind === 'read') this.readUnits += units;
    else this.writeUnits += units;
  }

  /** Counts a conditional write that was rejected (see {@link DynamoDbStats.writeUnits}). */
  recordRejectedWrite(): void {
    this.requests += 1;
    this.writeUnits += 1;
  }

  snapshot(): DynamoDbStats {
    return { requests: this.requests, readUnits: this.readUnits, writeUnits: this.writeUnits };
  }
}
