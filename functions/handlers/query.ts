import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveStore } from '../adapters/archive/s3-archive-store';
import { DynamoDbDedupIndex } from '../adapters/dynamodb/dynamodb-dedup-index';
import { AthenaArchiveSearch } from '../adapters/athena/athena-archive-search';
import { athenaSdkRunner } from '../adapters/athena/athena-sdk-runner';
import { loadConfig } from '../config';
import { describeError } from '../errors';
import { handleApiRequest, type ApiResponse } from '../query/http-api';
import { QueryCore } from '../query/query-core';

/**
 * Bytes of JSON Lines one export response may carry. A buffered Function URL response is capped at
 * 6 MB; 5 MB leaves room for headers and multi-byte characters. Past it the response ends early
 * with an `x-next-cursor` header to continue from.
 */
export const LAMBDA_EXPORT_MAX_BYTES = 5 * 1024 * 1024;

/** Longest wait for an Athena search: the query function times out at 15 s. */
export const ATHENA_SEARCH_TIMEOUT_MS = 12_000;

/** Turns a (possibly streamed) API response into a buffered Function URL result. */
export async function toFunctionUrlResult(
  response: ApiResponse,
  maxBytes = LAMBDA_EXPORT_MAX_BYTES,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  if ('body' in response)
    return { statusCode: response.status, headers: response.headers, body: response.body };
  const parts: string[] = [];
  let bytes = 0;
  let lastCursor: string | undefined;
  let nextCursor: string | undefined;
  for await (const { line, cursor } of response.stream) {
    const size = Buffer.byteLength(line);
    if (bytes + size > maxBytes && parts.length > 0) {
      // This line did not fit: resume right after the last line sent.
      nextCursor = lastCursor;
      break;
    }
    parts.push(line);
    bytes += size;
    lastCursor = cursor;
  }
  return {
    statusCode: response.status,
    headers: { ...response.headers, ...(nextCursor ? { 'x-next-cursor': nextCursor } : {}) },
    body: parts.join(''),
  };
}

/** Query Lambda behind a Function URL (IAM auth): maps the URL event onto the shared HTTP API. */
export function makeHandler(core: QueryCore, options: { maxExportBytes?: number } = {}) {
  return async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    // rawQueryString decodes exactly as the local server does (URLSearchParams).
    const query = Object.fromEntries(new URLSearchParams(event.rawQueryString ?? ''));
    const response = await handleApiRequest(
      core,
      { method: event.requestContext.http.method, path: event.rawPath, query },
      {
        logError: (error) =>
          console.error(
            JSON.stringify({
              level: 'ERROR',
              message: 'query failed',
              path: event.rawPath,
              error: describeError(error),
            }),
          ),
      },
    );
    if (event.requestContext.http.method === 'HEAD')
      return { statusCode: response.status, headers: response.headers, body: '' };
    return toFunctionUrlResult(response, options.maxExportBytes);
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: LambdaFunctionURLEvent) => {
  if (!cached) {
    const config = loadConfig(process.env);
    const client = new DynamoDBClient({ region: config.awsRegion, endpoint: config.dynamodbEndpoint });
    const s3 = new S3Client({
      region: config.awsRegion,
      endpoint: config.s3Endpoint,
      forcePathStyle: Boolean(config.s3Endpoint),
    });
    const index = new DynamoDbDedupIndex({ tableName: config.tableName, client });
    const search =
      config.athenaWorkGroup && config.athenaDatabase
        ? new AthenaArchiveSearch({
            database: config.athenaDatabase,
            run: athenaSdkRunner({
              region: config.awsRegion,
              workGroup: config.athenaWorkGroup,
              database: config.athenaDatabase,
              timeoutMs: ATHENA_SEARCH_TIMEOUT_MS,
            }),
            hasHost: async (host) => (await index.listHosts()).includes(host),
          })
        : undefined;
    cached = makeHandler(
      new QueryCore({
        index,
        archive: new S3ArchiveStore({ bucket: config.bucketName, client: s3 }),
        search,
      }),
    );
  }
  return cached(event);
};
