/**
 * A record as every view shows it: with its story's current origin. A record stores the origin
 * known when it was written; the index keeps the cluster's current origin ({@link StoryOrigin}),
 * which moves when an earlier-published member arrives later. Reading joins the two, so a copy
 * written before its original was found names the original without its record or line being
 * rewritten.
 *
 * Pure: no I/O (the caller reads the cluster's origin with `DedupIndex.getStoryOrigins`).
 */
import type { ArticleRecord, StoryOrigin, StoryRelation } from '../article';
import { decodeLead } from './lead-prefix';
import { wordsOfRank } from './story-origin';
import { EXCERPT_MAX_WORD_SHARE } from './syndication';

/**
 * The record with `originId`, `relation` and `copyOf` from the cluster's current origin
 * (`origin`, absent for a cluster without an origin entry: a story of one, or records written
 * before origins were kept, whose stored links then stand).
 *
 * @example
 * const [origin] = (await index.getStoryOrigins([record.clusterId])).values();
 * withCurrentOrigin(record, origin).originId; // the original, also when this copy was crawled first
 */
export function withCurrentOrigin<T extends ArticleRecord>(record: T, origin: StoryOrigin | undefined): T {
  const originId = origin?.articleId ?? record.originId ?? record.copyOf?.articleId ?? record.id;
  // A cluster merged into another since the record was written: the view names the one it is in.
  const cluster = origin?.clusterId ? { clusterId: origin.clusterId } : {};
  if (originId === record.id) {
    const { copyOf: _copyOf, ...rest } = record;
    return { ...rest, ...cluster, originId, relation: 'original' } as T;
  }
  const stored = record.relation && record.relation !== 'original' ? record.relation : undefined;
  // A member on the origin's own host is that publisher's other version, whichever member it was
  // linked through when its record was written (the origin may have moved since).
  const originHost = origin?.host ?? record.copyOf?.host;
  const relation: StoryRelation =
    originHost !== undefined && originHost === record.host
      ? 'update'
      : stored && stored !== 'update'
        ? stored
        : ((record.copyOf?.relation && record.copyOf.relation !== 'update'
            ? record.copyOf.relation
            : undefined) ?? (record.copyOf?.method === 'near-duplicate' ? 'near-duplicate' : 'exact'));
  // Linked through another member when its record was written, a page much shorter than the
  // origin found since is an excerpt of it (the origin's words are part of its rank).
  const ownWords = decodeLead(record.lead)?.words;
  const originWords = origin ? wordsOfRank(origin.rank) : undefined;
  const shortPage =
    relation !== 'update' &&
    ownWords !== undefined &&
    originWords !== undefined &&
    ownWords <= EXCERPT_MAX_WORD_SHARE * originWords;
  const copyOf = record.copyOf && {
    ...record.copyOf,
    ...(origin && origin.articleId !== record.copyOf.articleId
      ? { articleId: origin.articleId, url: origin.url, host: origin.host }
      : {}),
  };
  return {
    ...record,
    ...cluster,
    originId,
    relation: shortPage ? 'excerpt' : relation,
    ...(copyOf ? { copyOf } : {}),
  };
}

/** The cluster id whose origin entry a record's view needs (its own id for a story of one). */
export function clusterOf(record: Pick<ArticleRecord, 'id' | 'clusterId'>): string {
  return record.clusterId ?? record.id;
}
