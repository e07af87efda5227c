/** List prices the cost model uses (scripts/cost-model.ts); sources and dates in docs/cost.md. */
// ---------------------------------------------------------------------------------------------
// List prices, us-east-1, checked 2026-11-25 (sources and dates in docs/cost.md).
// ---------------------------------------------------------------------------------------------
export const PRICES = {
  /** Lambda arm64, first 7.5 billion GB-s per month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** DynamoDB on-demand, after the November 2024 price cut (50 % on throughput). */
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  /**
   * DynamoDB provisioned capacity, per unit-hour: one write unit per second (3,600 WRU an hour) or
   * one strongly consistent read per second (3,600 RRU an hour; eventually consistent reads count half).
   */
  dynamodbPerWriteCapacityUnitHour: 0.00065,
  dynamodbPerReadCapacityUnitHour: 0.00013,
  dynamodbStoragePerGbMonth: 0.25,
  dynamodbPitrPerGbMonth: 0.2,
  /** S3 Standard. */
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  s3StandardPerGbMonth: 0.023,
  /**
   * S3 Intelligent-Tiering (raw bundles are written into it): objects not read for 30 days move to
   * the Infrequent Access tier, after 90 days to Archive Instant Access; no transition or retrieval
   * fees; objects of 128 KB or more pay a monitoring fee per 1,000 objects per month.
   */
  s3IntelligentTieringInfrequentPerGbMonth: 0.0125,
  s3IntelligentTieringArchiveInstantPerGbMonth: 0.004,
  s3IntelligentTieringMonitoringPerThousandObjects: 0.0025,
  /** SQS standard queue, per million requests (64 KB chunks) beyond the free tier. */
  sqsPerMillionRequests: 0.4,
  /** CloudWatch Logs standard class. */
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  /** CloudWatch custom metric (first 10,000), prorated hourly; EMF ingestion is billed as logs. */
  customMetricPerMonth: 0.3,
  /** Standard-resolution alarm, per metric it evaluates (a 2-metric math alarm costs 2). */
  alarmMetricPerMonth: 0.1,
  /** Per dashboard beyond the first three in the account. */
  dashboardPerMonth: 3,
  /** X-Ray traces recorded, per million. */
  xrayPerMillionTraces: 5,
  /** EventBridge Scheduler, per million invocations. */
  schedulerPerMillion: 1,
} as const;
