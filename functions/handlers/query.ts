import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveStore } from '../adapters/archive/s3-archive-store';
import { DynamoDbDedupIndex } from '../adapters/dynamodb/dynamodb-dedup-index';
import { loadConfig } from '../config';
import { handleApiRequest } from '../query/http-api';
import { QueryCore } from '../query/query-core';

/** Query Lambda behind a Function URL (IAM auth): maps the URL event onto the shared HTTP API. */
export function makeHandler(core: QueryCore) {
  return async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    const query = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}));
    const response = await handleApiRequest(core, { method: event.requestContext.http.method, path: event.rawPath, query });
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: LambdaFunctionURLEvent) => {
  if (!cached) {
    const config = loadConfig(process.env);
    const client = new DynamoDBClient({ region: config.awsRegion, endpoint: config.dynamodbEndpoint });
    const s3 = new S3Client({ region: config.awsRegion, endpoint: config.s3Endpoint, forcePathStyle: Boolean(config.s3Endpoint) });
    cached = makeHandler(new QueryCore({
      index: new DynamoDbDedupIndex({ tableName: config.tableName, client }),
      archive: new S3ArchiveStore({ bucket: config.bucketName, client: s3 }),
    }));
  }
  return cached(event);
};
