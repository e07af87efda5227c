import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConfigError } from '../../errors';
import type {
  ClaimAttempt,
  ClaimInput,
  Frontier,
  PendingQuery,
  SourceRun,
  UrlState,
} from '../../ports/frontier';
import { batchGetItems } from './batch-operations';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { readAllPages } from './paged-reads';
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

/**
 * How {@link DynamoDbFrontier.listPending} finds `queued` URLs. Queued URLs are in no index: an
 * index entry set by every claim and removed by every crawl outcome cost 2 of the 4 write units a
 * crawled URL spent in the frontier.
 *
 * - `'none'`: it does not; asking for them throws a {@link ConfigError}. For the AWS table, where
 *   work whose crawl message was lost is found otherwise: re-discovery re-claims a URL still queued
 *   {@link DEFAULT_QUEUED_STALE_AFTER_MS} after its claim, and a message that failed its receives
 *   waits in the crawl DLQ for a redrive (docs/crawling.md, "Never silently dropped").
 * - `'scan'`: one Scan of the whole table (paragraph and article items included) filtered on the
 *   status, per call. For the embedded local store, read once at the start of a run (its in-process
 *   queue died with the last process, so every queued URL is owed); never for a large billed table.
 */
export type QueuedListing = 'none' | 'scan';

/** Options of {@link DynamoDbFrontier}. */
export interface DynamoDbFrontierOptions {
  tableName: string;
  client: DynamoDBClient;
  /** See {@link DEFAULT_QUEUED_STALE_AFTER_MS}. */
  queuedStaleAfterMs?: number;
  /** See {@link QueuedListing}. Default `'none'`: no listing that reads the whole table unless asked for. */
  queuedListing?: QueuedListing;
}

type Item = Record<string, unknown>;

/**
 * {@link Frontier} on the single DynamoDB table: one item per canonical URL
 * (`URL#<urlKey>` / `U`). Failed URLs carry gsi1pk `FAILED` (gsi1sk `<nextRetryAt>#<urlKey>`), so
 * listing due retries is one index query (keys only) plus a BatchGetItem per page. Queued URLs are
 * in no index (see {@link QueuedListing}): a claim and the crawl outcome that follows it cost one
 * write unit each. A source's last discovery run is `SOURCE#<id>` / `RUN`.
 *
 * @example
 * const frontier = new DynamoDbFrontier({ tableName: 'news', client, queuedListing: 'none' });
 * const state = await frontier.claim({ urlKey, url, host, sourceId: 'bbc', nowIso: new Date().toISOString() });
 * if (state) await queue.send([{ url, urlKey, sourceId: 'bbc', attempt: state.attempts + 1 }]);
 */
export class DynamoDbFrontier implements Frontier {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly queuedStaleAfterMs: number;
  private readonly queuedListing: QueuedListing;
  private readonly counters = new RequestStats();

  constructor(options: DynamoDbFrontierOptions) {
    this.tableName = options.tableName;
    this.queuedStaleAfterMs = options.queuedStaleAfterMs ?? DEFAULT_QUEUED_STALE_AFTER_MS;
    this.queuedListing = options.queuedListing ?? 'none';
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
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
  async claim(input: ClaimInput): Promise<UrlState | undefined> {
    return (await this.claimOnce(input, false)).claimed;
  }

  /**
   * {@link claim}, with the refused claim's reason: DynamoDB returns the item that failed the
   * condition with the error at no extra cost (`ReturnValuesOnConditionCheckFailure`); servers that
   * ignore that option (dynalite) cost one strongly consistent GetItem per refusal.
   */
  async tryClaim(input: ClaimInput): Promise<ClaimAttempt> {
    return this.claimOnce(input, true);
  }

  private async claimOnce(input: ClaimInput, explain: boolean): Promise<ClaimAttempt> {
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
      ':urlKey': input.urlKey,
    };
    let set =
      'SET #url = :url, #host = :host, sourceId = :source, #status = :queued, updatedAt = :now, ' +
      'attempts = if_not_exists(attempts, :zero), urlKey = :urlKey';
    let changedLastmod = '';
    if (input.lastmod !== undefined) {
      values[':lastmod'] = input.lastmod;
      set += ', discoveredLastmod = :lastmod';
      changedLastmod =
        ' OR (#status <> :queued AND (attribute_not_exists(discoveredLastmod) OR discoveredLastmod <> :lastmod))';
    }
    const condition =
      'attribute_not_exists(pk)' +
      // A failure without nextRetryAt is permanent (404, refused): only a changed lastmod revives it.
      ' OR (#status = :failed AND nextRetryAt <= :now)' +
      ' OR (#status = :queued AND updatedAt <= :stale)' +
      changedLastmod;
    const key = urlKeyOf(input.urlKey);
    const result = await this.updateIfAllowed(
      {
        TableName: this.tableName,
        Key: key,
        // A re-queued failure leaves the failed list (reason/detail of the last failure stay for
        // the record). Removing the gsi1 keys also drops an index entry written by an older version.
        UpdateExpression: `${set} REMOVE nextRetryAt, #gpk, #gsk`,
        ConditionExpression: condition,
        ExpressionAttributeNames: {
          '#url': 'url',
          '#host': 'host',
          '#status': 'status',
          '#gpk': GSI1.partitionKey,
          '#gsk': GSI1.sortKey,
        },
        ExpressionAttributeValues: values,
      },
      explain,
    );
    if (result.state) return { claimed: result.state };
    if (!explain) return {};
    const refusedBy = result.refusedBy ?? (await this.readItem(key));
    return { refusedStatus: refusedBy?.status as UrlState['status'] | undefined };
  }

  /**
   * One conditional UpdateItem returning the new state, or, when the condition refused it, the item
   * that refused it if asked for and the server returned it.
   */
  private async updateIfAllowed(
    input: Omit<
      UpdateCommandInput,
      'ReturnValues' | 'ReturnConsumedCapacity' | 'ReturnValuesOnConditionCheckFailure'
    >,
    wantRefusingItem = false,
  ): Promise<{ state?: UrlState; refusedBy?: Item }> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          ...input,
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
          ...(wantRefusingItem ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      return { state: toState(response.Attributes ?? {}) };
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        this.counters.recordRejectedWrite();
        // The document client does not unmarshall errors: the item comes as attribute values.
        const raw = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
        return raw && Object.keys(raw).length > 0 ? { refusedBy: unmarshall(raw) as Item } : {};
      }
      throw toStorageError('UpdateItem', error);
    }
  }

  async get(urlKey: string): Promise<UrlState | undefined> {
    const item = await this.readItem(urlKeyOf(urlKey), false);
    return item ? toState(item) : undefined;
  }

  private async readItem(key: { pk: string; sk: string }, consistentRead = true): Promise<Item | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: consistentRead || undefined,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('read', response.ConsumedCapacity);
      return response.Item;
    } catch (error) {
      throw toStorageError('GetItem', error);
    }
  }

  /**
   * Replaces the URL's state with the outcome of a crawl attempt (one PutItem). Only a failure is
   * indexed (gsi1 `FAILED`); any other state writes no index entry and removes one it had.
   */
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
    return this.queryGsi(FAILED_GSI_PK, undefined, Number.POSITIVE_INFINITY);
  }

  /**
   * Queued URLs (claimed at or before `queuedBeforeIso` when given), oldest claim first, then
   * failed URLs whose retry is due, soonest first. The due failures are one query on the sparse
   * gsi1 partition `FAILED`; the queued URLs need `queuedListing: 'scan'` (one Scan of the table),
   * else asking for them throws a {@link ConfigError}.
   */
  async listPending(query: PendingQuery): Promise<UrlState[]> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let queued: UrlState[] = [];
    if (query.includeQueued !== false) {
      if (this.queuedListing !== 'scan') {
        throw new ConfigError(
          "this frontier keeps no list of queued URLs (queuedListing: 'none'): list due failures only (includeQueued: false), " +
            "or build it with queuedListing: 'scan' (local store)",
        );
      }
      queued = await this.scanQueued(query.queuedBeforeIso, limit);
      if (queued.length >= limit) return queued;
    }
    const due = await this.queryGsi(
      FAILED_GSI_PK,
      { lower: DUE_LOWER_BOUND, upper: atOrBefore(query.nowIso) },
      limit - queued.length,
    );
    return [...queued, ...due];
  }

  /**
   * Every queued URL item (claimed at or before `beforeIso` when given), oldest claim first, up to
   * `limit`: a strongly consistent Scan of the whole table with a filter, so its read units follow
   * the table's size, not the number of queued URLs (see {@link QueuedListing}).
   */
  private async scanQueued(beforeIso: string | undefined, limit: number): Promise<UrlState[]> {
    const values: Record<string, unknown> = { ':u': URL_SK, ':queued': 'queued' };
    let filter = 'sk = :u AND #status = :queued';
    if (beforeIso !== undefined) {
      filter += ' AND updatedAt <= :before';
      values[':before'] = beforeIso;
    }
    const items = await readAllPages(this.doc, this.counters, {
      scan: {
        TableName: this.tableName,
        FilterExpression: filter,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ConsistentRead: true,
      },
    });
    const states = items.map(toState);
    // The order the PENDING index gave: claim time, then key.
    const order = (s: UrlState) => `${s.updatedAt}#${s.urlKey}`;
    states.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    return states.slice(0, limit);
  }

  /**
   * One conditional UpdateItem on the listed version (status and `updatedAt`): the URL becomes
   * `queued` (and leaves the failed list) only if nobody moved it on since it was listed.
   */
  async requeue(listed: UrlState, nowIso: string): Promise<UrlState | undefined> {
    let condition = '#status = :listedStatus AND updatedAt = :listedAt';
    if (listed.status === 'failed') condition += ' AND nextRetryAt <= :now';
    else if (listed.status !== 'queued') return undefined;
    return (
      await this.updateIfAllowed({
        TableName: this.tableName,
        Key: urlKeyOf(listed.urlKey),
        UpdateExpression: 'SET #status = :queued, updatedAt = :now REMOVE nextRetryAt, #gpk, #gsk',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status', '#gpk': GSI1.partitionKey, '#gsk': GSI1.sortKey },
        ExpressionAttributeValues: {
          ':listedStatus': listed.status,
          ':listedAt': listed.updatedAt,
          ':queued': 'queued',
          ':now': nowIso,
        },
      })
    ).state;
  }

  async getSourceRun(sourceId: string): Promise<SourceRun | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: sourceRunKeyOf(sourceId),
          ReturnConsumedCapacity: 'TOTAL',
        }),
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
        new PutCommand({
          TableName: this.tableName,
          Item: { ...run, ...sourceRunKeyOf(run.sourceId) },
          ReturnConsumedCapacity: 'TOTAL',
        }),
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
  private async queryGsi(
    partition: string,
    range: { lower?: string; upper: string } | undefined,
    limit: number,
  ): Promise<UrlState[]> {
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
      const items = await batchGetItems(this.doc, this.counters, this.tableName, keys, {
        consistentRead: true,
      });
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
