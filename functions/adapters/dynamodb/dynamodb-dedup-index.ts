import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ArticleRecord, ArticleRef, CopyLink } from '../../core/article';
import { InvalidInputError, NotFoundError } from '../../errors';
import type {
  DedupIndex,
  ListArticlesQuery,
  Page,
  ParagraphInfo,
  ParagraphSighting,
} from '../../ports/dedup-index';
import { mapWithConcurrency } from '../concurrency';
import { batchGetItems, batchPutItems } from './batch-operations';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { decodeCursor, encodeCursor } from './page-cursor';
import { RequestStats, type DynamoDbStats } from './request-stats';
import { GSI1 } from './table-schema';
import { articleIdOfKey, articleKey, fingerprintPk, hostGsiPk, HOSTS_PK, paragraphKey, toArticle, toInfo, type Item } from './dedup-index-items';
import { ParagraphRecorder } from './paragraph-recorder';

export { PARAGRAPH_ARTICLE_IDS_CAP, RECORD_CONCURRENCY } from './paragraph-recorder';

/** Fingerprint-key queries in flight per findByFingerprintKeys call (same reasoning). */
export const FINGERPRINT_QUERY_CONCURRENCY = 8;
/**
 * Candidates read per fingerprint key. A key shared by more articles than this is not
 * discriminative (a boilerplate band), and reading it all would make one article cost
 * unbounded reads.
 */
export const MAX_CANDIDATES_PER_FINGERPRINT_KEY = 200;
/** Largest page listArticles serves (DynamoDB returns at most 1 MB per query anyway). */
export const MAX_LIST_LIMIT = 1000;
/** Options of {@link DynamoDbDedupIndex}. */
export interface DynamoDbDedupIndexOptions {
  /** The single table created from `createTableInput` / the stack. */
  tableName: string;
  /** A configured client (region, endpoint, credentials); the caller owns its lifecycle. */
  client: DynamoDBClient;
}

/**
 * {@link DedupIndex} on the single DynamoDB table (see `table-schema.ts`).
 *
 * Items:
 * - `PARA#<hash>` / `P`: firstSeen (set once with `if_not_exists`), normVersion, articleCount,
 *   articleIds (string set, capped), and `h_<host>` per-host distinct page counters.
 * - `PARA#<hash>` / `M#<articleId>`: membership marker, only for articles past the id cap.
 * - `FP#<key>` / `<articleId>`: near-duplicate candidate keys.
 * - `ART#<id>` / `A`: the article record with gsi1 = `HOST#<host>` / `<day>#<id>`; copies are
 *   kept as a map keyed by copy article id so adding one is idempotent.
 * - `HOSTS` / `<host>`: one item per host with articles.
 *
 * @example
 * const index = new DynamoDbDedupIndex({ tableName: 'news', client: new DynamoDBClient({}) });
 * const sightings = await index.recordParagraphs(ref, hashes, 1);
 */
export class DynamoDbDedupIndex implements DedupIndex {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly counters = new RequestStats();
  /** Hosts whose `HOSTS` entry this instance has written: the entry never changes, so once is enough. */
  private readonly knownHosts = new Set<string>();

  private readonly paragraphs: ParagraphRecorder;

  constructor(options: DynamoDbDedupIndexOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.paragraphs = new ParagraphRecorder(this.doc, this.tableName, this.counters, (key, consistent) => this.getItem(key, consistent));
  }

  /** Requests sent and capacity consumed by this instance so far. */
  stats(): DynamoDbStats {
    return this.counters.snapshot();
  }

  /** Records the paragraphs of one article (see {@link ParagraphRecorder.record}). */
  recordParagraphs(article: ArticleRef, hashes: readonly string[], normVersion: number): Promise<ParagraphSighting[]> {
    return this.paragraphs.record(article, hashes, normVersion);
  }

  private async getItem(key: Record<string, string>, consistentRead: boolean): Promise<Item | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: consistentRead,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('read', response.ConsumedCapacity);
      return response.Item;
    } catch (error) {
      throw toStorageError('GetItem', error);
    }
  }

  async lookupParagraphs(hashes: readonly string[], host?: string): Promise<Map<string, ParagraphInfo>> {
    const distinct = [...new Set(hashes)];
    const items = await batchGetItems(this.doc, this.counters, this.tableName, distinct.map(paragraphKey));
    const result = new Map<string, ParagraphInfo>();
    for (const item of items) {
      const hash = String(item.pk).slice('PARA#'.length);
      const info = toInfo(hash, item);
      if (host !== undefined) {
        info.hostPageCounts = { [host]: info.hostPageCounts[host] ?? 0 };
      }
      result.set(hash, info);
    }
    return result;
  }

  async putFingerprintKeys(articleId: string, keys: readonly string[]): Promise<void> {
    const items = [...new Set(keys)].map((key) => ({ pk: fingerprintPk(key), sk: articleId }));
    await batchPutItems(this.doc, this.counters, this.tableName, items);
  }

  async findByFingerprintKeys(articleId: string, keys: readonly string[]): Promise<string[]> {
    const perKey = await mapWithConcurrency([...new Set(keys)], FINGERPRINT_QUERY_CONCURRENCY, (key) =>
      this.queryAll(
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': fingerprintPk(key) },
          ProjectionExpression: 'sk',
        },
        MAX_CANDIDATES_PER_FINGERPRINT_KEY,
      ),
    );
    const ids = new Set<string>();
    for (const items of perKey) for (const item of items) ids.add(String(item.sk));
    ids.delete(articleId);
    return [...ids].sort();
  }

  async putArticle(record: ArticleRecord): Promise<void> {
    const { copies, ...rest } = record;
    const articleItem = {
      ...rest,
      ...articleKey(record.id),
      [GSI1.partitionKey]: hostGsiPk(record.host),
      [GSI1.sortKey]: `${record.day}#${record.id}`,
      copyMap: Object.fromEntries(copies.map((copy, i) => [copy.articleId, { ...copy, seq: i }])),
    };
    // One batch request for the article and, the first time this instance sees the host, its host
    // entry (both plain overwrites; rewriting the host entry on every article cost a write unit each).
    const items: Record<string, unknown>[] = [articleItem];
    if (!this.knownHosts.has(record.host)) items.push({ pk: HOSTS_PK, sk: record.host });
    await batchPutItems(this.doc, this.counters, this.tableName, items);
    this.knownHosts.add(record.host);
  }

  async getArticle(id: string): Promise<ArticleRecord | undefined> {
    const item = await this.getItem(articleKey(id), false);
    return item ? toArticle(item) : undefined;
  }

  async getArticles(ids: readonly string[]): Promise<ArticleRecord[]> {
    const items = await batchGetItems(this.doc, this.counters, this.tableName, [...new Set(ids)].map(articleKey));
    const byId = new Map(items.map((item) => [String(item.id), toArticle(item)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Adds a copy link once per copy article id (first write wins: a later call with the same copy
   * id is a no-op). Throws {@link NotFoundError} when the article does not exist.
   */
  async addCopy(articleId: string, copy: CopyLink): Promise<void> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: articleKey(articleId),
          UpdateExpression: 'SET copyMap.#id = :copy',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(copyMap.#id)',
          ExpressionAttributeNames: { '#id': copy.articleId },
          // seq orders copies by the time they were added, after those given to putArticle.
          ExpressionAttributeValues: { ':copy': { ...copy, seq: Date.now() } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
      const existing = await this.getItem(articleKey(articleId), true);
      if (!existing) throw new NotFoundError(`article ${articleId} not found`);
    }
  }

  /**
   * Marks an article as a copy of an earlier one, once: a copy crawled before its origin learns
   * its origin when the origin is processed. A conditional update, so it never overwrites a
   * copyOf already set and never races with a concurrent putArticle's other fields.
   */
  async setCopyOf(articleId: string, copyOf: CopyLink, clusterId?: string): Promise<void> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: articleKey(articleId),
          UpdateExpression: clusterId === undefined ? 'SET copyOf = :copyOf' : 'SET copyOf = :copyOf, clusterId = :cluster',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(copyOf)',
          ExpressionAttributeValues: { ':copyOf': copyOf, ...(clusterId === undefined ? {} : { ':cluster': clusterId }) },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
    }
  }

  /**
   * Articles of one host, newest day first, paginated with an opaque cursor (the index query's
   * last key). One keys-only index query per page, then the records are read from the table.
   */
  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleRecord>> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIST_LIMIT) {
      throw new InvalidInputError(`limit must be an integer in 1..${MAX_LIST_LIMIT}`);
    }
    const values: Record<string, string> = { ':pk': hostGsiPk(query.host) };
    let condition = `${GSI1.partitionKey} = :pk`;
    // '\uffff' sorts after every "#<id>" suffix, so the upper bound includes the whole last day.
    if (query.fromDay !== undefined && query.toDay !== undefined) {
      condition += ` AND ${GSI1.sortKey} BETWEEN :from AND :to`;
      values[':from'] = query.fromDay;
      values[':to'] = `${query.toDay}\uffff`;
    } else if (query.fromDay !== undefined) {
      condition += ` AND ${GSI1.sortKey} >= :from`;
      values[':from'] = query.fromDay;
    } else if (query.toDay !== undefined) {
      condition += ` AND ${GSI1.sortKey} <= :to`;
      values[':to'] = `${query.toDay}\uffff`;
    }
    let response;
    try {
      response = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1.indexName,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit,
          ExclusiveStartKey: decodeCursor(query.cursor),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      // A syntactically valid cursor that does not fit this query is the caller's mistake.
      if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
        throw new InvalidInputError('page cursor does not match this query', { cause: error });
      }
      throw toStorageError('Query', error);
    }
    this.counters.record('read', response.ConsumedCapacity);
    // gsi1 projects keys only: the records come from the table, in index order.
    const ids = (response.Items ?? []).map((item) => articleIdOfKey(String(item.pk)));
    return { items: await this.getArticles(ids), cursor: encodeCursor(response.LastEvaluatedKey) };
  }

  async listHosts(): Promise<string[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': HOSTS_PK },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => String(item.sk));
  }

  /** Runs a query through all its pages, stopping after `maxItems`. */
  private async queryAll(input: QueryCommandInput, maxItems = Number.POSITIVE_INFINITY): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let response;
      try {
        response = await this.doc.send(
          new QueryCommand({
            ...input,
            ExclusiveStartKey: startKey,
            Limit: Number.isFinite(maxItems) ? maxItems - items.length : undefined,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      } catch (error) {
        throw toStorageError('Query', error);
      }
      this.counters.record('read', response.ConsumedCapacity);
      items.push(...(response.Items ?? []));
      startKey = response.LastEvaluatedKey;
    } while (startKey && items.length < maxItems);
    return items;
  }
}
