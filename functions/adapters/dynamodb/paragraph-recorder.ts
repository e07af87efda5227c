import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { putIfAbsent } from './batch-operations';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ArticleRef } from '../../core/article';
import type { ParagraphSighting } from '../../ports/dedup-index';
import { BoundedSet } from '../bounded-set';
import { mapWithConcurrency } from '../concurrency';
import {
  HOST_COUNT_PREFIX,
  idSet,
  membershipKey,
  paragraphKey,
  refItem,
  toSighting,
  type Item,
} from './dedup-index-items';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import type { RequestStats } from './request-stats';

/**
 * Article ids kept on a paragraph item. Each id costs ~35 bytes and DynamoDB bills writes per
 * started KB of the item (the larger of before/after), so 12 ids plus the first-seen reference
 * keep a typical paragraph item under 1 KB: one write unit per recorded paragraph. Articles past
 * the cap are still counted exactly, through a per-article membership item (see
 * {@link ParagraphRecorder.record}).
 */
export const PARAGRAPH_ARTICLE_IDS_CAP = 12;
/**
 * UpdateItem calls in flight per recordParagraphs call. 16 keeps an article of 60 paragraphs at
 * ~4 round trips while staying far below the SDK's default socket pool (50).
 */
export const RECORD_CONCURRENCY = 16;
/** Hashes remembered as "article id set full" per adapter instance (bounded memory). */
const KNOWN_FULL_CACHE_SIZE = 10_000;

/** Reads one item (consistently when asked); the index's own reader, so requests are counted once. */
export type ItemReader = (key: Record<string, string>, consistentRead: boolean) => Promise<Item | undefined>;

/**
 * The paragraph-provenance writes of the DynamoDB dedup index: first-seen, article counts and
 * per-host page counts, decided by conditional updates so concurrent writers agree and a repeated
 * call changes no count.
 */
export class ParagraphRecorder {
  /** Hashes whose id set is known to be full: skip the first (failing) update for them. */
  private readonly knownFull = new BoundedSet(KNOWN_FULL_CACHE_SIZE);

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly counters: RequestStats,
    private readonly readItem: ItemReader,
  ) {}

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
  async record(
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

  /** Records one hash (see {@link ParagraphRecorder.record}). */
  private async recordOne(
    article: ArticleRef,
    hash: string,
    normVersion: number,
  ): Promise<ParagraphSighting> {
    if (!this.knownFull.has(hash)) {
      const outcome = await this.addToIdSet(article, hash, normVersion);
      if (outcome.kind === 'recorded' || outcome.kind === 'already-recorded') {
        return toSighting(hash, outcome.item, article.articleId);
      }
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
          ConditionExpression:
            'attribute_not_exists(pk) OR (NOT contains(articleIds, :id) AND size(articleIds) < :cap)',
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
    if (
      !(await putIfAbsent(this.doc, this.counters, this.tableName, membershipKey(hash, article.articleId)))
    ) {
      // Already a member: counted before (or the count update of an earlier call was lost).
      return toSighting(hash, (await this.readItem(paragraphKey(hash), true))!, article.articleId);
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
  private async itemFromConditionFailure(
    error: unknown,
    key: Record<string, string>,
  ): Promise<Item | undefined> {
    const raw = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    if (raw && Object.keys(raw).length > 0) return unmarshall(raw) as Item;
    return this.readItem(key, true);
  }
}
