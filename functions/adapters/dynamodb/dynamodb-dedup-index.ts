import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  ArticleRecord,
  ArticleRef,
  CopyLink,
  ObjectRange,
  StoryOrigin,
  StoryRoot,
} from '../../core/article';
import { InvalidInputError, NotFoundError } from '../../errors';
import type {
  DedupIndex,
  ListArticlesQuery,
  Page,
  ParagraphInfo,
  ParagraphSighting,
} from '../../ports/dedup-index';
import { BoundedSet } from '../bounded-set';
import { mapWithConcurrency } from '../concurrency';
import { batchGetItems, batchPutItems, putIfAbsent } from './batch-operations';
import { findByFingerprintKeys, putFingerprintKeys } from './fingerprint-keys';
import { readAllPages } from './paged-reads';

export { FINGERPRINT_QUERY_CONCURRENCY, MAX_CANDIDATES_PER_FINGERPRINT_KEY } from './fingerprint-keys';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { decodeCursor, encodeCursor } from './page-cursor';
import { RequestStats, type DynamoDbStats } from './request-stats';
import { GSI1 } from './table-schema';
import {
  ARTICLE_SK,
  articleIdOfKey,
  CLEAN_POINTER_ATTRIBUTES,
  storedCleanKey,
  articleKey,
  CLUSTER_ID_ATTRIBUTE,
  COPY_OF_ATTRIBUTE,
  COPY_SK_PREFIX,
  copyItem,
  copyKey,
  encodeCopyLink,
  hostGsiPk,
  HOSTS_PK,
  paragraphKey,
  toArticle,
  toArticleItem,
  toInfo,
  type Item,
} from './dedup-index-items';
import { ParagraphRecorder } from './paragraph-recorder';
import { StoryOrigins } from './story-origins';

export { PARAGRAPH_ARTICLE_IDS_CAP, RECORD_CONCURRENCY } from './paragraph-recorder';

/** Largest page listArticles serves (DynamoDB returns at most 1 MB per query anyway). */
export const MAX_LIST_LIMIT = 1000;
/**
 * Article partitions queried in flight per getArticles / listArticles call. Dedup reads up to ~40
 * candidates per article: 16 keeps that to ~3 round trips, well inside the SDK's socket pool (50).
 */
export const ARTICLE_QUERY_CONCURRENCY = 16;
/** Copy items written in flight per putArticle (a record rarely brings more than a few new links). */
const COPY_WRITE_CONCURRENCY = 4;
/**
 * Copy order key: milliseconds since the epoch times this, plus the link's place in one
 * putArticle call, so links stored together keep the record's order (still < 2^53).
 */
const SEQ_STEPS_PER_MS = 1000;
/**
 * Article items and copy items this instance has seen (never deleted, so a remembered one still
 * exists): bounded memory, cleared when full.
 */
const KNOWN_ITEMS_CACHE_SIZE = 50_000;

const copyMark = (originId: string, copyId: string) => {
  const key = copyKey(originId, copyId);
  return `${key.pk}|${key.sk}`;
};

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
 * - `ART#<id>` / `A`: the article record (compact attributes, see `dedup-index-items.ts`) with
 *   gsi1 = `HOST#<host>` / `<day>#<id>` (keys-only index).
 * - `ART#<id>` / `C#<copyId>`: one small item per copy link, written with a conditional put so
 *   the first link per copy wins; one Query on the partition reads the record with its copies.
 * - `HOSTS` / `<host>`: one item per host with articles.
 * - `STORY#<clusterId>` / `S`: the cluster's current origin (id, URL, host, rank), replaced only by
 *   a better-ranked proposal (conditional update), or `i`, the cluster it was merged into.
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
  /** Article (`ART#<id>`) and copy (`ART#<id>|C#<copyId>`) items known to exist. */
  private readonly known = new BoundedSet(KNOWN_ITEMS_CACHE_SIZE);

  private readonly paragraphs: ParagraphRecorder;
  private readonly stories: StoryOrigins;

  constructor(options: DynamoDbDedupIndexOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.paragraphs = new ParagraphRecorder(this.doc, this.tableName, this.counters, (key, consistent) =>
      this.getItem(key, consistent),
    );
    this.stories = new StoryOrigins(this.doc, this.tableName, this.counters, (key, consistent) =>
      this.getItem(key, consistent),
    );
  }

  /** Requests sent and capacity consumed by this instance so far. */
  stats(): DynamoDbStats {
    return this.counters.snapshot();
  }

  /** Records the paragraphs of one article (see {@link ParagraphRecorder.record}). */
  recordParagraphs(
    article: ArticleRef,
    hashes: readonly string[],
    normVersion: number,
  ): Promise<ParagraphSighting[]> {
    return this.paragraphs.record(article, hashes, normVersion);
  }

  private async getItem(
    key: Record<string, string>,
    consistentRead: boolean,
    projection?: string,
  ): Promise<Item | undefined> {
    try {
      const response = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: consistentRead,
          ProjectionExpression: projection,
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

  putFingerprintKeys(articleId: string, keys: readonly string[]): Promise<void> {
    return putFingerprintKeys(this.doc, this.counters, this.tableName, articleId, keys);
  }

  findByFingerprintKeys(articleId: string, keys: readonly string[]): Promise<string[]> {
    return findByFingerprintKeys(this.doc, this.counters, this.tableName, articleId, keys);
  }

  /**
   * Stores the article item (a plain overwrite: copies are not in it, so a concurrent addCopy is
   * never lost) and a copy item for each link of `record.copies` not known to exist yet, each
   * with a conditional put (first link wins; existing copy items are never rewritten or removed).
   * Links read by this instance or written by it are known: re-storing a record read before
   * writes no copy item. Copy items go first: a crash in between leaves links that show once the
   * record is stored (a retry stores it), never a stored record missing links it was given.
   */
  async putArticle(record: ArticleRecord): Promise<void> {
    const seen = new Set<string>();
    const missing = record.copies.filter((copy) => {
      const fresh = !seen.has(copy.articleId) && !this.known.has(copyMark(record.id, copy.articleId));
      seen.add(copy.articleId);
      return fresh;
    });
    // One time base for the call, one step per link: new links keep the record's order.
    const seqBase = Date.now() * SEQ_STEPS_PER_MS;
    await mapWithConcurrency(missing, COPY_WRITE_CONCURRENCY, (copy, i) =>
      this.putCopyItem(record.id, copy, seqBase + i),
    );
    // One batch request for the article and, the first time this instance sees the host, its host
    // entry (both plain overwrites; rewriting the host entry on every article cost a write unit each).
    const items: Item[] = [toArticleItem(record)];
    if (!this.knownHosts.has(record.host)) items.push({ pk: HOSTS_PK, sk: record.host });
    await batchPutItems(this.doc, this.counters, this.tableName, items);
    this.knownHosts.add(record.host);
    this.known.add(articleKey(record.id).pk);
  }

  async getArticle(id: string): Promise<ArticleRecord | undefined> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': articleKey(id).pk },
    });
    const articleItem = items.find((item) => item.sk === ARTICLE_SK);
    if (!articleItem) return undefined;
    const copyItems = items.filter((item) => String(item.sk).startsWith(COPY_SK_PREFIX));
    this.known.add(articleKey(id).pk);
    for (const copy of copyItems) this.known.add(copyMark(id, String(copy.sk).slice(COPY_SK_PREFIX.length)));
    return toArticle(articleItem, copyItems);
  }

  /**
   * Complete records (copies included) in input order, missing ids skipped: one partition Query
   * per distinct id, {@link ARTICLE_QUERY_CONCURRENCY} in flight. A Query of a small partition
   * costs the same read units as a BatchGetItem key, only more requests.
   */
  async getArticles(ids: readonly string[]): Promise<ArticleRecord[]> {
    const distinct = [...new Set(ids)];
    const records = await mapWithConcurrency(distinct, ARTICLE_QUERY_CONCURRENCY, (id) =>
      this.getArticle(id),
    );
    const byId = new Map(distinct.map((id, i) => [id, records[i]]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  getStoryOrigins(clusterIds: readonly string[]): Promise<Map<string, StoryOrigin>> {
    return this.stories.get(clusterIds);
  }

  /** One conditional update; a refused proposal (billed as a write, as on AWS) reads the winner or follows a merge. */
  proposeStoryOrigin(clusterId: string, origin: StoryOrigin): Promise<StoryOrigin> {
    return this.stories.propose(clusterId, origin);
  }

  /** Consistent reads of the clusters' ends; one conditional update per cluster redirected (see {@link StoryOrigins}). */
  mergeStories(clusterIds: readonly string[]): Promise<StoryRoot> {
    return this.stories.merge(clusterIds);
  }

  /**
   * Adds a copy link once per copy article id (first write wins: a later call with the same copy
   * id is a no-op): a conditional put of a small copy item in the origin's partition, after a
   * consistent read that the article exists (skipped when this instance knows it does). Throws
   * {@link NotFoundError} when the article does not exist.
   */
  async addCopy(articleId: string, copy: CopyLink): Promise<void> {
    if (this.known.has(copyMark(articleId, copy.articleId))) return;
    if (!this.known.has(articleKey(articleId).pk)) {
      const existing = await this.getItem(articleKey(articleId), true, 'pk');
      if (!existing) throw new NotFoundError(`article ${articleId} not found`);
      this.known.add(articleKey(articleId).pk);
    }
    // seq orders copies by the time they were added.
    await this.putCopyItem(articleId, copy, Date.now() * SEQ_STEPS_PER_MS);
  }

  /** Writes a copy item unless one for that copy exists (then it is left as it is). */
  private async putCopyItem(originId: string, copy: CopyLink, seq: number): Promise<void> {
    await putIfAbsent(this.doc, this.counters, this.tableName, copyItem(originId, copy, seq));
    this.known.add(copyMark(originId, copy.articleId));
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
          UpdateExpression:
            clusterId === undefined ? 'SET #copyOf = :copyOf' : 'SET #copyOf = :copyOf, #cluster = :cluster',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#copyOf)',
          ExpressionAttributeNames: {
            '#copyOf': COPY_OF_ATTRIBUTE,
            ...(clusterId === undefined ? {} : { '#cluster': CLUSTER_ID_ATTRIBUTE }),
          },
          ExpressionAttributeValues: {
            ':copyOf': encodeCopyLink(copyOf),
            ...(clusterId === undefined ? {} : { ':cluster': clusterId }),
          },
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
   * Moves the clean-copy pointer with one conditional update: only while the item still holds
   * `current`'s key and offset (none for a copy stored before bundling), so a record re-stored
   * meanwhile with a newer line keeps it. A rejected update is a billed write, as on AWS.
   */
  async setCleanCopy(
    current: Pick<ArticleRecord, 'id' | 'host' | 'day' | 'cleanKey' | 'cleanOffset'>,
    next: ObjectRange,
  ): Promise<boolean> {
    const sameOffset =
      current.cleanOffset === undefined ? 'attribute_not_exists(#offset)' : '#offset = :currentOffset';
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: articleKey(current.id),
          UpdateExpression: 'SET #key = :key, #offset = :offset, #length = :length',
          ConditionExpression: `attribute_exists(pk) AND #key = :currentKey AND ${sameOffset}`,
          ExpressionAttributeNames: {
            '#key': CLEAN_POINTER_ATTRIBUTES.key,
            '#offset': CLEAN_POINTER_ATTRIBUTES.offset,
            '#length': CLEAN_POINTER_ATTRIBUTES.length,
          },
          ExpressionAttributeValues: {
            ':key': storedCleanKey(current, next.key),
            ':offset': next.offset,
            ':length': next.length,
            ':currentKey': storedCleanKey(current, current.cleanKey),
            ...(current.cleanOffset === undefined ? {} : { ':currentOffset': current.cleanOffset }),
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
      return false;
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
  private queryAll(input: QueryCommandInput, maxItems = Number.POSITIVE_INFINITY): Promise<Item[]> {
    return readAllPages(this.doc, this.counters, { query: input }, maxItems);
  }
}
