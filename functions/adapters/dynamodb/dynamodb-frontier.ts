import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Frontier, PendingQuery, SourceRun, UrlState } from '../../ports/frontier';
import { batchGetItems } from './batch-operations';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { RequestStats, type DynamoDbStats } from './request-stats';
import { GSI1 } from './table-schema';

/**
 * A URL still `queued` this long after its claim is considered lost (the crawl message went to
 * the dead-letter queue or the process died) and may be claimed again. SQS retention and the
 * crawl Lambda's retries finish well within 6 hours.
 */
export const DEFAULT_QUEUED_STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/** gsi1 partition holding every URL whose last outcome was a failure (sort: `<nextRetryAt>#<urlKey>`). */
const FAILED_GSI_PK = 'FAILED';
/**
 * gsi1 partition holding every URL that is `queued` (sort: `<claimedAt>#<urlKey>`), so work a dead
 * process or a lost message left behind can be found and re-enqueued. The key is sparse: an item
 * leaves the partition when its crawl records an outcome.
 */
const PENDING_GSI_PK = 'PENDING';
const URL_SK = 'U';
const SOURCE_RUN_SK = 'RUN';
/**
 * Upper bound for "sort key at or before time T": `<T>$` sorts after `<T>#<anything>` ('$' follows
 * '#') and before any later time. A failure without `nextRetryAt` has sort key `#<urlKey>`, below
 * the lower bound `0` that every ISO year passes, so permanent failures are never listed as due.
 */
const atOrBefore = (iso: string) => `${iso}$`;
const DUE_LOWER_BOUND = '0';

const urlKeyOf = (urlKey: string) => ({ pk: `URL#${urlKey}`, sk: URL_SK });
const sourceRunKeyOf = (sourceId: string) => ({ pk: `SOURCE#${sourceId}`, sk: SOURCE_RUN_SK });

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
 * (`URL#<urlKey>` / `U`). Failed URLs carry gsi1pk `FAILED` (gsi1sk `<nextRetryAt>#<urlKey>`) and
 * queued ones gsi1pk `PENDING` (gsi1sk `<claimedAt>#<urlKey>`), so listing due retries or work a
 * dead worker left behind is one index query each (keys only) plus a BatchGetItem per page. A
 * source's last discovery run is `SOURCE#<id>` / `RUN`.
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
    return this.updateIfAllowed({
      TableName: this.tableName,
      Key: urlKeyOf(input.urlKey),
      // A re-queued URL moves from the failed list to the pending one; reason/detail of the
      // last failure stay for the record.
      UpdateExpression: `${set}, urlKey = :urlKey, #gpk = :pending, #gsk = :pendingSk REMOVE nextRetryAt`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#url': 'url', '#host': 'host', '#status': 'status', '#gpk': GSI1.partitionKey, '#gsk': GSI1.sortKey },
      ExpressionAttributeValues: { ...values, ':urlKey': input.urlKey, ':pending': PENDING_GSI_PK, ':pendingSk': `${input.nowIso}#${input.urlKey}` },
    });
  }

  /** One conditional UpdateItem returning the new state, or `undefined` when the condition refused it. */
  private async updateIfAllowed(input: Omit<UpdateCommandInput, 'ReturnValues' | 'ReturnConsumedCapacity'>): Promise<UrlState | undefined> {
    try {
      const response = await this.doc.send(new UpdateCommand({ ...input, ReturnValues: 'ALL_NEW', ReturnConsumedCapacity: 'TOTAL' }));
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
    } else if (state.status === 'queued') {
      item[GSI1.partitionKey] = PENDING_GSI_PK;
      item[GSI1.sortKey] = `${state.updatedAt}#${state.urlKey}`;
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
    return this.queryGsi(FAILED_GSI_PK, undefined, Number.POSITIVE_INFINITY);
  }

  /**
   * Queued URLs (claimed at or before `queuedBeforeIso` when given), oldest claim first, then
   * failed URLs whose retry is due, soonest first: two queries on the sparse gsi1 partitions.
   */
  async listPending(query: PendingQuery): Promise<UrlState[]> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const queued = await this.queryGsi(
      PENDING_GSI_PK,
      query.queuedBeforeIso === undefined ? undefined : { upper: atOrBefore(query.queuedBeforeIso) },
      limit,
    );
    if (queued.length >= limit) return queued.slice(0, limit);
    const due = await this.queryGsi(FAILED_GSI_PK, { lower: DUE_LOWER_BOUND, upper: atOrBefore(query.nowIso) }, limit - queued.length);
    return [...queued, ...due];
  }

  /** One conditional UpdateItem on the listed version (status and `updatedAt`). */
  async requeue(listed: UrlState, nowIso: string): Promise<UrlState | undefined> {
    let condition = '#status = :listedStatus AND updatedAt = :listedAt';
    if (listed.status === 'failed') condition += ' AND nextRetryAt <= :now';
    else if (listed.status !== 'queued') return undefined;
    return this.updateIfAllowed({
      TableName: this.tableName,
      Key: urlKeyOf(listed.urlKey),
      UpdateExpression: 'SET #status = :queued, updatedAt = :now, #gpk = :pending, #gsk = :pendingSk REMOVE nextRetryAt',
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#status': 'status', '#gpk': GSI1.partitionKey, '#gsk': GSI1.sortKey },
      ExpressionAttributeValues: {
        ':listedStatus': listed.status,
        ':listedAt': listed.updatedAt,
        ':queued': 'queued',
        ':now': nowIso,
        ':pending': PENDING_GSI_PK,
        ':pendingSk': `${nowIso}#${listed.urlKey}`,
      },
    });
  }

  async getSourceRun(sourceId: string): Promise<SourceRun | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: sourceRunKeyOf(sourceId), ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.counters.record('read', response.ConsumedCapacity);
      if (!response.Item) return undefined;
      const { pk: _pk, sk: _sk, ...run } = response.Item;
      return run as SourceRun;
    } catch (error) {
      throw toStorageError('GetItem', error);
    }
  }

  async recordSourceRun(run: SourceRun): Promise<void> {
    try {
      const response = await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { ...run, ...sourceRunKeyOf(run.sourceId) }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.counters.record('write', response.ConsumedCapacity);
    } catch (error) {
      throw toStorageError('PutItem', error);
    }
  }

  /**
   * Pages through one gsi1 partition (optionally a sort-key range) up to `limit` items. gsi1
   * projects keys only, so each page of keys is followed by one BatchGetItem for the states, in
   * index order. The reads are strongly consistent and an item whose current gsi1 key no longer
   * falls in the partition and range (its state moved on after the index was read) is left out:
   * the list shows current states only, never a stale copy.
   */
  private async queryGsi(partition: string, range: { lower?: string; upper: string } | undefined, limit: number): Promise<UrlState[]> {
    const states: UrlState[] = [];
    let startKey: Record<string, unknown> | undefined;
    const values: Record<string, unknown> = { ':pk': partition };
    let keyCondition = `${GSI1.partitionKey} = :pk`;
    if (range?.lower !== undefined) {
      keyCondition += ` AND ${GSI1.sortKey} BETWEEN :lower AND :upper`;
      values[':lower'] = range.lower;
      values[':upper'] = range.upper;
    } else if (range) {
      keyCondition += ` AND ${GSI1.sortKey} <= :upper`;
      values[':upper'] = range.upper;
    }
    const stillListed = (item: Item) => {
      const sk = item[GSI1.sortKey];
      if (item[GSI1.partitionKey] !== partition || typeof sk !== 'string') return false;
      return (range?.lower === undefined || sk >= range.lower) && (range === undefined || sk <= range.upper);
    };
    do {
      let response;
      try {
        response = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI1.indexName,
            KeyConditionExpression: keyCondition,
            ExpressionAttributeValues: values,
            ExclusiveStartKey: startKey,
            ...(Number.isFinite(limit) ? { Limit: Math.max(1, limit - states.length) } : {}),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      } catch (error) {
        throw toStorageError('Query', error);
      }
      this.counters.record('read', response.ConsumedCapacity);
      const keys = (response.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
      const items = await batchGetItems(this.doc, this.counters, this.tableName, keys, { consistentRead: true });
      const byPk = new Map(items.map((item) => [String(item.pk), item]));
      for (const key of keys) {
        const item = byPk.get(key.pk);
        if (item && stillListed(item)) states.push(toState(item));
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey && states.length < limit);
    return states.slice(0, limit);
  }
}

function toState(item: Item): UrlState {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, ...rest } = item;
  return rest as unknown as UrlState;
}
