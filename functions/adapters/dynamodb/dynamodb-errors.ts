import { StorageError } from '../../errors';

/** Error names after which the same request may succeed later. */
const RETRYABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
]);

/** True when DynamoDB rejected a write because its ConditionExpression was false. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Wraps an SDK failure in a {@link StorageError} that says whether a retry may help. */
export function toStorageError(operation: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  const retryable = RETRYABLE_ERROR_NAMES.has(name) || (metadata?.httpStatusCode ?? 0) >= 500 || !metadata;
  return new StorageError(`DynamoDB ${operation} failed: ${name}: ${message}`, { cause: error, retryable });
}
