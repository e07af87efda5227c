import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoryOrigin, StoryRoot } from '../../core/article';
import { StorageError } from '../../errors';
import { batchGetItems } from './batch-operations';
import {
  clusterIdOfStoryKey,
  STORY_ATTRIBUTES,
  STORY_MERGED_INTO_ATTRIBUTE,
  storyKey,
  toStoryOrigin,
  type Item,
} from './dedup-index-items';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import type { ItemReader } from './paragraph-recorder';
import type { RequestStats } from './request-stats';

/**
 * Redirects followed from one cluster id. Merges only point into a smaller id, so chains cannot
 * loop; a story whose first members were processed at the same moment rarely starts more than a
 * few clusters, so a longer chain means a corrupt table.
 */
const MAX_REDIRECTS = 64;
/** Rounds of a merge re-read after another writer redirected one of its clusters meanwhile. */
const MAX_MERGE_ROUNDS = 16;

const NAMES = {
  '#o': STORY_ATTRIBUTES.articleId,
  '#u': STORY_ATTRIBUTES.url,
  '#h': STORY_ATTRIBUTES.host,
  '#r': STORY_ATTRIBUTES.rank,
  '#i': STORY_MERGED_INTO_ATTRIBUTE,
};

/**
 * The story-origin items of the DynamoDB dedup index: `STORY#<clusterId>` / `S` holds either the
 * cluster's origin (id, URL, host, rank) or, once the cluster was merged, `i`: the cluster it was
 * merged into. Every write is conditional, so concurrent proposals and merges converge:
 * - a proposal sets the origin only while the item is not redirected and ranks better;
 * - a merge redirects a cluster only while it is not redirected yet, and only into a smaller id,
 *   taking the origin it held at that moment (returned by the same update) to the target.
 */
export class StoryOrigins {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly counters: RequestStats,
    private readonly readItem: ItemReader,
  ) {}

  /** Origins by requested cluster id, redirects followed (one BatchGetItem per redirect level). */
  async get(clusterIds: readonly string[], consistentRead = false): Promise<Map<string, StoryOrigin>> {
    const roots = await this.resolve(clusterIds, consistentRead);
    const out = new Map<string, StoryOrigin>();
    for (const [id, root] of roots) if (root.origin) out.set(id, root.origin);
    return out;
  }

  /**
   * One conditional update in the common case; refused (redirected or outranked), a consistent
   * read says which: a redirect is followed, an outranking origin returned.
   */
  async propose(clusterId: string, origin: StoryOrigin): Promise<StoryOrigin> {
    let target = clusterId;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      try {
        const response = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: storyKey(target),
            UpdateExpression: 'SET #o = :o, #u = :u, #h = :h, #r = :r',
            ConditionExpression: 'attribute_not_exists(#i) AND (attribute_not_exists(#r) OR #r > :r)',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: {
              ':o': origin.articleId,
              ':u': origin.url,
              ':h': origin.host,
              ':r': origin.rank,
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        this.counters.record('write', response.ConsumedCapacity);
        return {
          articleId: origin.articleId,
          url: origin.url,
          host: origin.host,
          rank: origin.rank,
          clusterId: target,
        };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
        this.counters.recordRejectedWrite();
      }
      const current = await this.readItem(storyKey(target), true);
      if (!current) throw new StorageError(`story ${target} refused an origin but has no item`);
      const into = current[STORY_MERGED_INTO_ATTRIBUTE];
      if (typeof into === 'string') {
        target = into;
        continue;
      }
      return { ...toStoryOrigin(current), clusterId: target };
    }
    throw new StorageError(`story ${clusterId}: more than ${MAX_REDIRECTS} merge redirects`);
  }

  /**
   * Joins the clusters into the one with the smallest id among their current ends. Each other end
   * is redirected by one conditional update (refused when another writer redirected it first: the
   * ends are then re-read and the merge goes on), and the origin it held is proposed to the target.
   */
  async merge(clusterIds: readonly string[]): Promise<StoryRoot> {
    if (clusterIds.length === 0) throw new RangeError('mergeStories needs at least one cluster id');
    for (let round = 0; round < MAX_MERGE_ROUNDS; round++) {
      const roots = await this.resolve(clusterIds, true);
      const ends = [...new Set([...roots.values()].map((r) => r.clusterId))].sort();
      const [target, ...others] = ends;
      let refused = false;
      for (const other of others) {
        const moved = await this.redirect(other, target);
        if (moved === 'refused') refused = true;
        else if (moved) await this.propose(target, moved);
      }
      if (refused) continue;
      const [end] = (await this.resolve([target], true)).values();
      return { clusterId: end.clusterId, ...(end.origin ? { origin: end.origin } : {}) };
    }
    throw new StorageError(
      `mergeStories(${clusterIds.join(', ')}) did not settle in ${MAX_MERGE_ROUNDS} rounds`,
    );
  }

  /** Redirects `from` into `into` unless it is redirected already; returns the origin it held. */
  private async redirect(from: string, into: string): Promise<StoryOrigin | undefined | 'refused'> {
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: storyKey(from),
          UpdateExpression: 'SET #i = :i REMOVE #o, #u, #h, #r',
          ConditionExpression: 'attribute_not_exists(#i)',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':i': into },
          ReturnValues: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.record('write', response.ConsumedCapacity);
      const old = response.Attributes as Item | undefined;
      return old && old[STORY_ATTRIBUTES.rank] !== undefined ? toStoryOrigin(old) : undefined;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStorageError('UpdateItem', error);
      this.counters.recordRejectedWrite();
      return 'refused';
    }
  }

  /** The end of each cluster's redirect chain and the origin it holds (a cluster without an item is its own end). */
  private async resolve(
    clusterIds: readonly string[],
    consistentRead: boolean,
  ): Promise<Map<string, StoryRoot>> {
    const items = new Map<string, Item | undefined>();
    let pending = [...new Set(clusterIds)];
    for (let hop = 0; pending.length > 0; hop++) {
      if (hop > MAX_REDIRECTS) throw new StorageError(`story redirects deeper than ${MAX_REDIRECTS}`);
      const found = await batchGetItems(this.doc, this.counters, this.tableName, pending.map(storyKey), {
        consistentRead,
      });
      for (const id of pending) items.set(id, undefined);
      for (const item of found) items.set(clusterIdOfStoryKey(String(item.pk)), item);
      pending = [];
      for (const item of found) {
        const into = item[STORY_MERGED_INTO_ATTRIBUTE];
        if (typeof into === 'string' && !items.has(into)) pending.push(into);
      }
      pending = [...new Set(pending)];
    }
    const out = new Map<string, StoryRoot>();
    for (const id of new Set(clusterIds)) {
      let end = id;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const into = items.get(end)?.[STORY_MERGED_INTO_ATTRIBUTE];
        if (typeof into !== 'string') break;
        end = into;
      }
      const item = items.get(end);
      const origin =
        item && item[STORY_ATTRIBUTES.rank] !== undefined
          ? { ...toStoryOrigin(item), clusterId: end }
          : undefined;
      out.set(id, { clusterId: end, ...(origin ? { origin } : {}) });
    }
    return out;
  }
}
