import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Frontier, UrlState } from '../../ports/frontier';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { RequestStats, type DynamoDbStats } from './request-stats';
import { GSI1 } from './table-schema';

/**
 * A URL still `queued` this long after its claim is considered lost (the crawl message went to
 * the dead-letter queue or the process died) and may be claimed again. SQS retention and the
 * crawl Lambda's retries finish well within 6 hours.
 */
export const DEFAULT_QUEUED_STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/** gsi1 partition holding every URL whose last outcome was a failure. */
const FAILED_GSI_PK = 'FAILED';
const URL_SK = 'U';

const urlKeyOf = (urlKey: string) => ({ pk: `URL#${urlKey}`, sk: URL_SK });

/** Options of {@link DynamoDbFrontier}. */
export interface DynamoDbFrontierOptions {
  tableName: string;
  client: DynamoDBClient;
  /** See {@link DEFAULT_QUEUED_STALE_AFTER_MS}. */
  queuedStaleAfterMs?: number;
}

type Item = Record<string, unknown>;

/**
 * {@link Frontier} on the single DynamoDB table: one item per canonical URL
 * (`URL#<urlKey>` / `U`). Failed URLs carry gsi1pk `FAILED` (gsi1sk `<nextRetryAt>#<urlKey>`), so
 * listing them, soonest retry first, is one query.
 *
 * @example
 * const frontier = new DynamoDbFrontier({ tableName: 'news', client });
 * const state = await frontier.claim({ urlKey, url, host, sourceId: 'bbc', nowIso: new Date().toISOString() });
 * if (state) await queue.send([{ url, urlKey, sourceId: 'bbc', attempt: state.attempts + 1 }]);
 */
export class DynamoDbFrontier implements Frontier {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly queuedStaleAfterMs: number;
  private readonly counters = new RequestStats();

  constructor(options: DynamoDbFrontierOptions) {
    this.tableName = options.tableName;
    this.queuedStaleAfterMs = options.queuedStaleAfterMs ?? DEFAULT_QUEUED_STALE_AFTER_MS;
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Requests sent and capacity consumed by this instance so far. */
  stats(): DynamoDbStats {
    return this.counters.snapshot();
  }

  /**
   * One conditional UpdateItem: succeeds (and the caller must enqueue) when the URL is new, a
   * failure whose `nextRetryAt` has come (a failure without one is permanent), not queued and given a different `lastmod` than the one
   * it was last queued with, or queued so long ago that the claim is considered lost. Concurrent
   * callers cannot both win: the winner sets `status = queued`, which falsifies the condition for
   * the others.
   */
  async claim(input: {
    urlKey: string;
    url: string;
    host: string;
    sourceId: string;
    lastmod?: string;
    nowIso: string;
  }): Promise<UrlState | undefined> {
    const staleBeforeIso = new Date(Date.parse(input.nowIso) - this.queuedStaleAfterMs).toISOString();
    const values: Record<string, unknown> = {
      ':url': input.url,
      ':host': input.host,
      ':source': input.sourceId,
      ':queued': 'queued',
      ':failed': 'failed',
      ':now': input.nowIso,
      ':zero': 0,
      ':stale': staleBeforeIso,
    };
    let set =
      'SET #url = :url, #host = :host, sourceId = :source, #status = :queued, updatedAt = :now, ' +
      'attempts = if_not_exists(attempts, :zero)';
    let changedLastmod = '';
    if (input.lastmod !== undefined) {
      values[':lastmod'] = input.lastmod;
      set += ', discoveredLastmod = :lastmod';
      changedLastmod = ' OR (#status <> :queued AND (attribute_not_exists(discoveredLastmod) OR discoveredLastmod <> :lastmod))';
    }
    const condition =
      'attribute_not_exists(pk)' +
      // A failure without nextRetryAt is permanent (404, refused): only a changed lastmod revives it.
      ' OR (#status = :failed AND nextRetryAt <= :now)' +
      ' OR (#status = :queued AND updatedAt <= :stale)' +
      changedLastmod;
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: urlKeyOf(input.urlKey),
          // A re-queued URL leaves the failed list; reason/detail of the last failure stay for the record.
          UpdateExpression: `${set}, urlKey = :urlKey REMOVE ${GSI1.partitionKey}, ${GSI1.sortKey}, nextRetryAt`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#url': 'url', '#host': 'host', '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':urlKey': input.urlKey },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      return toState(response.Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        this.counters.recordRejectedWrite();
        return undefined;
      }
      throw toStorageError('UpdateItem', error);
    }
  }

  async get(urlKey: string): Promise<UrlState | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: urlKeyOf(urlKey), ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.counters.record('read', response.ConsumedCapacity);
      return response.Item ? toState(response.Item) : undefined;
    } catch (error) {
      throw toStorageError('GetItem', error);
    }
  }

  /** Replaces the URL's state with the outcome of a crawl attempt (one PutItem). */
  async update(state: UrlState): Promise<void> {
    const item: Item = { ...state, ...urlKeyOf(state.urlKey) };
    if (state.status === 'failed') {
      item[GSI1.partitionKey] = FAILED_GSI_PK;
      item[GSI1.sortKey] = `${state.nextRetryAt ?? ''}#${state.urlKey}`;
    }
    try {
      const response = await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.counters.record('write', response.ConsumedCapacity);
    } catch (error) {
      throw toStorageError('PutItem', error);
    }
  }

  /** All URLs whose last outcome was a failure, soonest retry first. */
  async listFailed(): Promise<UrlState[]> {
    const states: UrlState[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let response;
      try {
        response = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI1.indexName,
            KeyConditionExpression: `${GSI1.partitionKey} = :failed`,
            ExpressionAttributeValues: { ':failed': FAILED_GSI_PK },
            ExclusiveStartKey: startKey,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      } catch (error) {
        throw toStorageError('Query', error);
      }
      this.counters.record('read', response.ConsumedCapacity);
      states.push(...(response.Items ?? []).map(toState));
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return states;
  }
}

function toState(item: Item): UrlState {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...rest } = item;
  return rest as unknown as UrlState;
}
