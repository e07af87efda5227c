import type { ArticleRecord, ArticleRef, CopyLink, StoryOrigin, StoryRelation } from '../../core/article';
import { decodeLead } from '../../core/dedup/lead-prefix';
import type { SyndicationDecision } from '../../core/dedup/syndication';
import { NotFoundError } from '../../errors';
import type { DedupIndex } from '../../ports/dedup-index';

/** The story facts the caller stores in the record. */
export interface StoryPlacement {
  clusterId: string;
  /** The story's origin as the index holds it now (this article's id when it is the origin). */
  originId: string;
  relation: StoryRelation;
  /** Link to the origin when it is another article. */
  copyOf?: CopyLink;
  /** Members linked from this article when it is the origin (merged with the previous record's by the caller). */
  copies: CopyLink[];
  /** The story's origin before this article took its place (when it did). */
  replacedOriginId?: string;
}

/**
 * Step 7 of `dedupArticle`: settle the story's origin in the index and link this article.
 *
 * 1. Read the cluster's origin; propose ours ({@link SyndicationDecision.proposedOrigin}) when the
 *    cluster has none yet or ours ranks better (`proposeStoryOrigin` is a conditional write: of
 *    proposals racing, the best stays). The answer is the current origin.
 * 2. A copy adds its link to the origin's copies (`addCopy`, skipped when the origin's record
 *    already lists it; an origin still in flight is left: our `copyOf` names it).
 * 3. An origin gives each matched article processed before it without a `copyOf` one
 *    (`setCopyOf`, with the member's relation), so stored records say who they copied.
 *
 * Without matches the article keeps what an earlier run found (data only grows, so a link missed
 * now is a capped-candidate artefact), else it is a story of its own.
 */
export async function placeInStory(
  index: DedupIndex,
  ref: ArticleRef,
  decision: SyndicationDecision,
  recordsById: ReadonlyMap<string, ArticleRecord>,
  previous: ArticleRecord | undefined,
): Promise<StoryPlacement> {
  const selfId = ref.articleId;
  const proposed = decision.proposedOrigin;
  if (!proposed) {
    const clusterId = previous?.copyOf ? (previous.clusterId ?? decision.clusterId) : decision.clusterId;
    const stored =
      previous?.copyOf || clusterId !== selfId
        ? (await index.getStoryOrigins([clusterId])).get(clusterId)
        : undefined;
    const originId = stored?.articleId ?? (previous?.copyOf ? previous.copyOf.articleId : selfId);
    const heldIn = stored?.clusterId ?? clusterId;
    if (originId === selfId) return { clusterId: heldIn, originId, relation: 'original', copies: [] };
    const copyOf = previous?.copyOf ? retarget(previous.copyOf, stored) : undefined;
    return {
      clusterId: heldIn,
      originId,
      relation: previous?.relation ?? copyOf?.relation ?? 'exact',
      copyOf,
      copies: [],
    };
  }

  const joined = await joinStory(index, decision);
  const stored = joined.stored;
  const origin =
    !stored || proposed.rank < stored.rank
      ? await index.proposeStoryOrigin(joined.clusterId, proposed)
      : stored;
  const clusterId = origin.clusterId ?? joined.clusterId;

  if (origin.articleId === selfId) {
    for (const link of decision.matches) {
      const record = recordsById.get(link.articleId);
      if (!record || record.copyOf) continue;
      await index.setCopyOf(
        link.articleId,
        {
          articleId: selfId,
          url: ref.url,
          host: ref.host,
          overlap: link.overlap,
          method: link.method,
          relation: link.relation,
        },
        clusterId,
      );
    }
    return {
      clusterId,
      originId: selfId,
      relation: 'original',
      copies: decision.matches,
      ...(stored && stored.articleId !== selfId ? { replacedOriginId: stored.articleId } : {}),
    };
  }

  const relations = decision.subjectRelations ?? new Map();
  const direct = relations.get(origin.articleId);
  const best = direct ?? [...relations.values()].sort((a, b) => b.link.overlap - a.link.overlap)[0];
  const copyOf: CopyLink = { ...retarget(best.link, origin), relation: best.relation };
  const originRecord = recordsById.get(origin.articleId);
  const alreadyLinked = originRecord?.copies.some((c) => c.articleId === selfId) ?? false;
  if (!alreadyLinked) {
    const link: CopyLink = {
      articleId: selfId,
      url: ref.url,
      host: ref.host,
      overlap: copyOf.overlap,
      method: copyOf.method,
      relation: best.relation,
    };
    try {
      await index.addCopy(origin.articleId, link);
    } catch (error) {
      // The origin is in flight (paragraphs recorded, record not stored yet): our copyOf names
      // it; its copies list learns us on its next reprocess.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return { clusterId, originId: origin.articleId, relation: best.relation, copyOf, copies: [] };
}

/**
 * The cluster that holds the subject's story and its origin: with one candidate cluster, a read;
 * with several (members processed at the same moment started more than one, or a cluster was
 * merged since a member's record was written), `mergeStories` joins them (conditional writes only
 * when they are not joined yet).
 */
async function joinStory(
  index: DedupIndex,
  decision: SyndicationDecision,
): Promise<{ clusterId: string; stored?: StoryOrigin }> {
  const clusters = decision.storyClusters.length > 0 ? decision.storyClusters : [decision.clusterId];
  if (clusters.length > 1) {
    const root = await index.mergeStories(clusters);
    return { clusterId: root.clusterId, stored: root.origin };
  }
  const stored = (await index.getStoryOrigins([decision.clusterId])).get(decision.clusterId);
  return { clusterId: stored?.clusterId ?? decision.clusterId, stored };
}

/** A link re-aimed at the story's current origin (overlap and method stay those of the evidence). */
function retarget(link: CopyLink, origin: StoryOrigin | undefined): CopyLink {
  if (!origin || origin.articleId === link.articleId) return { ...link };
  return { ...link, articleId: origin.articleId, url: origin.url, host: origin.host };
}

/**
 * Whether this article must write its lead key although it is not the story's origin: its opening
 * differs from the origin's (a reworded first paragraph), so excerpts of its version would not find
 * the story through the origin's key.
 */
export function leadDiffersFromOrigin(lead: string | undefined, origin: ArticleRecord | undefined): boolean {
  const own = decodeLead(lead);
  if (!own || own.checkpoints.length === 0) return false;
  const theirs = decodeLead(origin?.lead);
  return theirs === undefined || theirs.checkpoints[0] !== own.checkpoints[0];
}
