import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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

/**
 * Article ids kept on a paragraph item. Each id costs ~35 bytes and DynamoDB bills writes per
 * started KB of the item (the larger of before/after), so 12 ids plus the first-seen reference
 * keep a typical paragraph item under 1 KB: one write unit per recorded paragraph. Articles past
 * the cap are still counted exactly, through a per-article membership item (see
 * {@link DynamoDbDedupIndex.recordParagraphs}).
 */
export const PARAGRAPH_ARTICLE_IDS_CAP = 12;
/**
 * UpdateItem calls in flight per recordParagraphs call. 16 keeps an article of 60 paragraphs at
 * ~4 round trips while staying far below the SDK's default socket pool (50).
 */
export const RECORD_CONCURRENCY = 16;
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
/** Hashes remembered as "article id set full" per adapter instance (bounded memory). */
const KNOWN_FULL_CACHE_SIZE = 10_000;

const PARAGRAPH_SK = 'P';
const ARTICLE_SK = 'A';
const HOSTS_PK = 'HOSTS';
/** Prefix of the per-host page counter attributes of a paragraph item. */
const HOST_COUNT_PREFIX = 'h_';

const paragraphKey = (hash: string) => ({ pk: `PARA#${hash}`, sk: PARAGRAPH_SK });
const membershipKey = (hash: string, articleId: string) => ({ pk: `PARA#${hash}`, sk: `M#${articleId}` });
const articleKey = (id: string) => ({ pk: `ART#${id}`, sk: ARTICLE_SK });
const fingerprintPk = (key: string) => `FP#${key}`;
const hostGsiPk = (host: string) => `HOST#${host}`;

/** Options of {@link DynamoDbDedupIndex}. */
export interface DynamoDbDedupIndexOptions {
  /** The single table created from `createTableInput` / the stack. */
  tableName: string;
  /** A configured client (region, endpoint, credentials); the caller owns its lifecycle. */
  client: DynamoDBClient;
}

type Item = Record<string, unknown>;

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
  /** Hashes whose id set is known to be full: skip the first (failing) update for them. */
  private readonly knownFull = new Set<string>();
  /** Hosts whose `HOSTS` entry this instance has written: the entry never changes, so once is enough. */
  private readonly knownHosts = new Set<string>();

  constructor(options: DynamoDbDedupIndexOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** Requests sent and capacity consumed by this instance so far. */
  stats(): DynamoDbStats {
    return this.counters.snapshot();
  }

  /**
   * Records the paragraphs of one article: one conditional UpdateItem per distinct hash, at most
   * {@link RECORD_CONCURRENCY} in flight. Returns one sighting per input hash, in input order.
   *
   * Correctness: the update sets firstSeen with `if_not_exists` and adds the article id to the
   * item's id set under the condition that the id is not there yet, so concurrent writers agree on
   * one first-seen article and a repeated call changes no count.
   *
   * Past {@link PARAGRAPH_ARTICLE_IDS_CAP} ids the set cannot prove idempotency any more; then a
   * conditional put of a small `M#<articleId>` membership item decides whether this article is new,
   * and only a new article increments the counts. That path costs ~3 write units instead of 1,
   * but only for paragraphs found in more than the cap of articles (syndicated widely, or a host's
   * boilerplate). A crash between the membership put and the count update under-counts by one;
   * never over-counts.
   */
  async recordParagraphs(
    article: ArticleRef,
    hashes: readonly string[],
    normVersion: number,
  ): Promise<ParagraphSighting[]> {
    const distinct = [...new Set(hashes)];
    const sightings = await mapWithConcurrency(distinct, RECORD_CONCURRENCY, (hash) =>
      this.recordOne(article, hash, normVersion),
    );
    const byHash = new Map(distinct.map((hash, i) => [hash, sightings[i]]));
    return hashes.map((hash) => byHash.get(hash)!);
  }

  private async recordOne(article: ArticleRef, hash: string, normVersion: number): Promise<ParagraphSighting> {
    if (!this.knownFull.has(hash)) {
      const outcome = await this.addToIdSet(article, hash, normVersion);
      if (outcome.kind === 'recorded' || outcome.kind === 'already-recorded') {
        return toSighting(hash, outcome.item, article.articleId);
      }
      if (this.knownFull.size >= KNOWN_FULL_CACHE_SIZE) this.knownFull.clear();
      this.knownFull.add(hash);
    }
    return this.recordPastCap(article, hash);
  }

  /** The common path: one UpdateItem adding the article to the paragraph's id set. */
  private async addToIdSet(
    article: ArticleRef,
    hash: string,
    normVersion: number,
  ): Promise<{ kind: 'recorded' | 'already-recorded'; item: Item } | { kind: 'full' }> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: paragraphKey(hash),
          UpdateExpression:
            'SET firstSeen = if_not_exists(firstSeen, :ref), normVersion = if_not_exists(normVersion, :nv) ' +
            'ADD articleCount :one, articleIds :ids, #h :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (NOT contains(articleIds, :id) AND size(articleIds) < :cap)',
          ExpressionAttributeNames: { '#h': HOST_COUNT_PREFIX + article.host },
          ExpressionAttributeValues: {
            ':ref': refItem(article),
            ':nv': normVersion,
            ':one': 1,
            ':ids': new Set([article.articleId]),
            ':id': article.articleId,
            ':cap': PARAGRAPH_ARTICLE_IDS_CAP,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      return { kind: 'recorded', item: response.Attributes ?? {} };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
      const old = (await this.itemFromConditionFailure(error, paragraphKey(hash)))!;
      if (idSet(old).has(article.articleId)) return { kind: 'already-recorded', item: old };
      return { kind: 'full' };
    }
  }

  /** Counts an article on a paragraph whose id set is full (see recordParagraphs). */
  private async recordPastCap(article: ArticleRef, hash: string): Promise<ParagraphSighting> {
    try {
      const response = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: membershipKey(hash, article.articleId),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('PutItem', error);
      this.counters.recordRejectedWrite();
      // Already a member: counted before (or the count update of an earlier call was lost).
      return toSighting(hash, (await this.getItem(paragraphKey(hash), true))!, article.articleId);
    }
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: paragraphKey(hash),
          UpdateExpression: 'ADD articleCount :one, #h :one',
          // The id may sit in the set when the "full" cache skipped the first update.
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(articleIds, :id)',
          ExpressionAttributeNames: { '#h': HOST_COUNT_PREFIX + article.host },
          ExpressionAttributeValues: { ':one': 1, ':id': article.articleId },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      return toSighting(hash, response.Attributes ?? {}, article.articleId);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
      const old = (await this.itemFromConditionFailure(error, paragraphKey(hash)))!;
      return toSighting(hash, old, article.articleId);
    }
  }

  /**
   * The item a failed conditional write saw: from `ReturnValuesOnConditionCheckFailure` when the
   * server supports it (DynamoDB, DynamoDB Local), else read back (dynalite ignores the option).
   */
  private async itemFromConditionFailure(error: unknown, key: Record<string, string>): Promise<Item | undefined> {
    const raw = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    if (raw && Object.keys(raw).length > 0) return unmarshall(raw) as Item;
    return this.getItem(key, true);
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

  /** Articles of one host, newest day first, paginated with an opaque cursor. */
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
    try {
      const response = await this.doc.send(
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
      this.counters.record('read', response.ConsumedCapacity);
      return { items: (response.Items ?? []).map(toArticle), cursor: encodeCursor(response.LastEvaluatedKey) };
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      // A syntactically valid cursor that does not fit this query is the caller's mistake.
      if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
        throw new InvalidInputError('page cursor does not match this query', { cause: error });
      }
      throw toStorageError('Query', error);
    }
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

function refItem(ref: ArticleRef): ArticleRef {
  return { articleId: ref.articleId, url: ref.url, host: ref.host, seenAt: ref.seenAt };
}

function idSet(item: Item): Set<string> {
  const ids = item.articleIds;
  return ids instanceof Set ? (ids as Set<string>) : new Set(Array.isArray(ids) ? (ids as string[]) : []);
}

function toInfo(hash: string, item: Item): ParagraphInfo {
  const hostPageCounts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(HOST_COUNT_PREFIX)) hostPageCounts[name.slice(HOST_COUNT_PREFIX.length)] = Number(value);
  }
  return {
    hash,
    normVersion: Number(item.normVersion),
    firstSeen: refItem(item.firstSeen as ArticleRef),
    articleCount: Number(item.articleCount),
    articleIds: [...idSet(item)].sort(),
    hostPageCounts,
  };
}

function toSighting(hash: string, item: Item, articleId: string): ParagraphSighting {
  const info = toInfo(hash, item);
  return { ...info, isFirstSeen: info.firstSeen.articleId === articleId };
}

function toArticle(item: Item): ArticleRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _gpk, gsi1sk: _gsk, copyMap, ...rest } = item;
  const copies = Object.values((copyMap ?? {}) as Record<string, CopyLink & { seq: number }>)
    .sort((a, b) => a.seq - b.seq || a.articleId.localeCompare(b.articleId))
    .map(({ seq: _seq, ...copy }) => copy);
  return { ...(rest as unknown as Omit<ArticleRecord, 'copies'>), copies };
}
