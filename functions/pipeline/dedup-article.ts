/**
 * Dedup step of the crawl pipeline: paragraph provenance, learned host boilerplate, syndicated
 * and edited copies, excerpts and same-publisher updates, story clusters and their origin. Talks
 * to storage only through the {@link DedupIndex} port; each numbered step is a helper of its own
 * under `./dedup/`.
 */
import type {
  ArticleMetadata,
  ArticleRecord,
  ArticleRef,
  CopyLink,
  Paragraph,
  StoredParagraph,
  StoryRelation,
} from '../core/article';
import { carrierOf, firstAppearance, type Carrier } from '../core/dedup/first-appearance';
import { decodeLead, encodeLead, leadFingerprint } from '../core/dedup/lead-prefix';
import { encodeSketch, nearDuplicateSketch, sketchIndexKeys, toDecoded } from '../core/dedup/near-duplicate';
import { paragraphWords } from '../core/dedup/normalize-paragraph';
import { creditedSources } from '../core/dedup/source-credit';
import { decideSyndication, type SyndicationSubject } from '../core/dedup/syndication';
import type { DedupIndex, ParagraphInfo } from '../ports/dedup-index';
import { leadDiffersFromOrigin, placeInStory, type StoryPlacement } from './dedup/apply-decision';
import { prepareParagraphs, unique, type PreparedParagraph } from './dedup/prepare-paragraphs';
import {
  awaitInFlightMatches,
  type CandidatePool,
  exactCandidates,
  similarTextCandidates,
  type WaitDeps,
} from './dedup/read-candidates';
import { recordSightings } from './dedup/record-sightings';

export {
  IN_FLIGHT_RECHECK_DELAYS_MS,
  MAX_EXACT_CANDIDATES,
  MAX_FINGERPRINT_CANDIDATES,
} from './dedup/read-candidates';

/** What `dedupArticle` needs: the index, and the sleep its in-flight waits use. */
export interface DedupDeps extends WaitDeps {
  index: DedupIndex;
}

/** Input of {@link dedupArticle}. */
export interface DedupArticleInput {
  ref: ArticleRef;
  publishedAt?: string;
  /** Extracted paragraphs in page order (repeats within the page already removed). */
  paragraphs: Paragraph[];
  metadata: ArticleMetadata;
  /** The stored record of this article from an earlier run, if any (keeps reprocessing idempotent). */
  previous?: ArticleRecord;
}

/** What the caller stores in the article record and clean copy. */
export interface DedupOutcome {
  /**
   * Paragraphs with host boilerplate removed; evidence paragraphs carry their hash and, when the
   * earliest-published article carrying them is another one, `firstSeen` (and `firstCrawled`).
   */
  paragraphs: StoredParagraph[];
  /** Unique evidence paragraph hashes of the kept paragraphs, in page order. */
  paragraphHashes: string[];
  copyOf?: CopyLink;
  /** Other members linked from this article when it is the origin (merged with the previous record's). */
  copies: CopyLink[];
  clusterId: string;
  /** The story's origin as the index holds it after this article (its own id when it is the origin). */
  originId: string;
  relation: StoryRelation;
  /** Set when the page declares itself a copy of another member. */
  declaresCopy?: boolean;
  /** Encoded near-duplicate sketch for `ArticleRecord.minhash` (absent without evidence paragraphs). */
  minhash?: string;
  /** Encoded leading-words fingerprint for `ArticleRecord.lead` (absent without evidence paragraphs). */
  lead?: string;
  stats: {
    boilerplateParagraphsRemoved: number;
    paragraphsFirstSeenElsewhere: number;
  };
}

/**
 * Deduplicates one article against the index, records its paragraphs and places it in its story.
 *
 * Workflow:
 * 1. Normalise and hash evidence paragraphs ({@link prepareParagraphs}).
 * 2-4. Look up, drop host boilerplate, record what this page has not recorded yet
 *    ({@link recordSightings}).
 * 5. Exact candidates from the sightings, read with `getArticles`; matched candidates still in
 *    flight are re-read after short waits ({@link awaitInFlightMatches}).
 * 6. Candidates from the lead key (excerpts) and, only when no exact match, from near-duplicate
 *    keys ({@link similarTextCandidates}).
 * 7. Syndication decision ({@link decideSyndication}), then the story's origin settled in the index
 *    and the links written ({@link placeInStory}); fingerprint keys when this article is the origin
 *    (copies are found through it), its lead key also when its opening differs from the origin's
 *    ({@link indexFingerprintKeys}).
 * 8. Each kept paragraph's first appearance: the earliest-published carrier known
 *    ({@link firstAppearance}), the first-crawled sighting beside it ({@link firstAppearances}).
 *
 * DynamoDB requests per article are bounded (see docs/dedup.md).
 *
 * @example
 * const outcome = await dedupArticle({ index, sleep }, { ref, publishedAt, paragraphs, metadata });
 * await index.putArticle({ ...record, paragraphHashes: outcome.paragraphHashes, originId: outcome.originId, ... });
 */
export async function dedupArticle(deps: DedupDeps, input: DedupArticleInput): Promise<DedupOutcome> {
  const { index } = deps;
  const { ref, previous } = input;
  const selfId = ref.articleId;

  const prepared = prepareParagraphs(input.paragraphs);
  if (!prepared.some((p) => p.hash))
    return unlinked(
      prepared.map((p) => ({ ...p.paragraph })),
      [],
      previous,
      selfId,
      0,
    );

  const { infoByHash, boilerplate } = await recordSightings(index, ref, prepared, previous);
  const kept = prepared.filter((p) => !(p.hash && boilerplate.has(p.hash)));
  const boilerplateRemoved = prepared.length - kept.length;
  const evidence = kept.filter((p): p is PreparedParagraph & { hash: string } => p.hash !== undefined);
  const paragraphHashes = unique(evidence.map((p) => p.hash));
  if (paragraphHashes.length === 0)
    return unlinked(
      kept.map((p) => ({ ...p.paragraph })),
      [],
      previous,
      selfId,
      boilerplateRemoved,
    );

  const texts = unique(evidence.map((p) => p.normalized));
  const sketch = nearDuplicateSketch(texts, true);
  const minhash = encodeSketch(sketch);
  const leadPrint = leadFingerprint(evidence.map((p) => p.normalized));
  const lead = encodeLead(leadPrint);
  const subject: SyndicationSubject = {
    ref,
    publishedAt: input.publishedAt,
    modifiedAt: input.metadata.modifiedAt,
    title: input.metadata.title,
    lead: leadPrint,
    paragraphHashes,
    paragraphWords: new Map(evidence.map((p) => [p.hash, paragraphWords(p.normalized).length])),
    sketch: toDecoded(sketch),
    sketchExcluding: (hashes) => {
      const rest = evidence.filter((p) => !hashes.has(p.hash));
      return rest.length > 0
        ? toDecoded(nearDuplicateSketch(unique(rest.map((p) => p.normalized)), true))
        : undefined;
    },
    canonicalUrl: input.metadata.canonicalUrl,
    basedOnUrl: input.metadata.basedOnUrl,
    credits: creditedSources(input.paragraphs.map((p) => p.text)),
    previousClusterId: previous?.clusterId,
  };

  // 5. Exact candidates, waiting briefly for matched ones in flight.
  const pool = await exactCandidates(index, selfId, paragraphHashes, infoByHash);
  const decide = () =>
    decideSyndication(
      { ...subject, firstSeenCounts: firstSeenCounts(pool.candidates, paragraphHashes, infoByHash) },
      pool.candidates,
    );
  let decision = await awaitInFlightMatches(index, deps, pool, decide);

  // 6. Edited copies (sketch keys, only when exact paragraphs found no member of the story) and
  // excerpts (the lead key, always: an excerpt whose paragraphs were run together or cut shares no
  // paragraph with a story found through its other members).
  const withSketch = decision.matches.length === 0;
  if (await similarTextCandidates(index, selfId, pool, withSketch ? sketch : undefined, leadPrint.key))
    decision = decide();

  // 7. The story's origin and links.
  const placement = await placeInStory(index, { ...ref }, decision, pool.recordsById, previous);
  await indexFingerprintKeys(
    index,
    { selfId, previous, minhash, lead, leadPrint, sketch },
    decision,
    pool,
    placement,
  );

  // 8. First appearance of each kept paragraph, by publication.
  const { paragraphs, firstSeenElsewhere } = firstAppearances(input, kept, paragraphHashes, infoByHash, pool);
  return {
    paragraphs,
    paragraphHashes,
    copyOf: placement.copyOf,
    copies: mergeCopies(placement.copies, previous?.copies ?? [], selfId),
    clusterId: placement.clusterId,
    originId: placement.originId,
    relation: placement.relation,
    ...(decision.subjectDeclaresCopy ? { declaresCopy: true } : {}),
    minhash,
    lead,
    stats: {
      boilerplateParagraphsRemoved: boilerplateRemoved,
      paragraphsFirstSeenElsewhere: firstSeenElsewhere,
    },
  };
}

/** What {@link indexFingerprintKeys} needs to know about this article. */
interface FingerprintSubject {
  selfId: string;
  previous?: ArticleRecord;
  minhash: string | undefined;
  lead: string | undefined;
  leadPrint: ReturnType<typeof leadFingerprint>;
  sketch: ReturnType<typeof nearDuplicateSketch>;
}

/**
 * Step 7, second half: fingerprint keys when this article is the origin (copies are found through
 * it), its lead key also when its opening differs from the origin's; nothing when the previous
 * version already indexed the same keys.
 */
async function indexFingerprintKeys(
  index: DedupIndex,
  { selfId, previous, minhash, lead, leadPrint, sketch }: FingerprintSubject,
  decision: ReturnType<typeof decideSyndication>,
  pool: CandidatePool,
  placement: StoryPlacement,
): Promise<void> {
  const isOrigin = placement.originId === selfId;
  const indexedBefore = previous !== undefined && previous.minhash === minhash && previous.lead === lead;
  if (isOrigin) {
    if (!(indexedBefore && (previous.originId ?? previous.id) === selfId && !previous.copyOf)) {
      // An origin replacing one that carries nearly its whole text (an exact copy crawled first)
      // finds later copies through that one's keys: only a different opening needs its lead key.
      const replaced = placement.replacedOriginId
        ? pool.recordsById.get(placement.replacedOriginId)
        : undefined;
      const covered = replaced !== undefined && coversText(decision.matches, replaced, leadPrint.words);
      const keys = covered
        ? leadPrint.key && leadDiffersFromOrigin(lead, replaced)
          ? [leadPrint.key]
          : []
        : [...sketchIndexKeys(sketch), ...(leadPrint.key ? [leadPrint.key] : [])];
      if (keys.length > 0) await index.putFingerprintKeys(selfId, keys);
    }
  } else if (
    leadPrint.key &&
    !indexedBefore &&
    leadDiffersFromOrigin(lead, pool.recordsById.get(placement.originId))
  ) {
    await index.putFingerprintKeys(selfId, [leadPrint.key]);
  }
}

/** Step 8: each kept paragraph's first appearance, by publication, and the first-crawled sighting beside it. */
function firstAppearances(
  input: DedupArticleInput,
  kept: readonly PreparedParagraph[],
  paragraphHashes: string[],
  infoByHash: Map<string, ParagraphInfo>,
  pool: CandidatePool,
): { paragraphs: StoredParagraph[]; firstSeenElsewhere: number } {
  const { ref } = input;
  const selfId = ref.articleId;
  const self: Carrier = {
    ref: { ...ref, ...(input.publishedAt ? { publishedAt: input.publishedAt } : {}) },
    publishedAt: input.publishedAt,
    paragraphHashes,
  };
  const carriers: Carrier[] = [self, ...[...pool.recordsById.values()].map(carrierOf)];
  let firstSeenElsewhere = 0;
  const paragraphs = kept.map((p): StoredParagraph => {
    const out: StoredParagraph = { ...p.paragraph };
    if (!p.hash) return out;
    out.hash = p.hash;
    const crawled = infoByHash.get(p.hash)?.firstSeen;
    const extra: Carrier[] =
      crawled && !pool.recordsById.has(crawled.articleId) && crawled.articleId !== selfId
        ? [{ ref: crawled, paragraphHashes: [p.hash] }]
        : [];
    const first = firstAppearance(p.hash, [...carriers, ...extra]);
    if (first && first.articleId !== selfId) {
      out.firstSeen = first;
      firstSeenElsewhere++;
    }
    if (crawled && crawled.articleId !== selfId && crawled.articleId !== first?.articleId)
      out.firstCrawled = crawled;
    return out;
  });
  return { paragraphs, firstSeenElsewhere };
}

/**
 * Share of this article's paragraphs and words an earlier member must carry (exact link) for its
 * fingerprint keys to stand in for this article's: its keys are then almost the same shingles.
 */
const COVERED_MIN_OVERLAP = 0.9;
const COVERED_MIN_WORD_SHARE = 0.9;

function coversText(matches: readonly CopyLink[], replaced: ArticleRecord, ownWords: number): boolean {
  const link = matches.find((m) => m.articleId === replaced.id);
  const theirWords = decodeLead(replaced.lead)?.words ?? 0;
  return (
    link !== undefined &&
    link.method === 'exact' &&
    link.overlap >= COVERED_MIN_OVERLAP &&
    theirWords >= COVERED_MIN_WORD_SHARE * ownWords
  );
}

/** The outcome of a page without evidence paragraphs: it keeps what an earlier run said. */
function unlinked(
  paragraphs: StoredParagraph[],
  paragraphHashes: string[],
  previous: ArticleRecord | undefined,
  selfId: string,
  boilerplateRemoved: number,
): DedupOutcome {
  const originId = previous?.originId ?? previous?.copyOf?.articleId ?? selfId;
  return {
    paragraphs,
    paragraphHashes,
    copyOf: previous?.copyOf,
    copies: previous?.copies ?? [],
    clusterId: previous?.clusterId ?? selfId,
    originId,
    relation: originId === selfId ? 'original' : (previous?.relation ?? 'exact'),
    stats: { boilerplateParagraphsRemoved: boilerplateRemoved, paragraphsFirstSeenElsewhere: 0 },
  };
}

/**
 * For in-flight candidates: how many of the subject's shared paragraphs each article of the group
 * (subject or in-flight candidate) recorded first. Every worker reads the same first-seen values.
 */
function firstSeenCounts(
  candidates: ReadonlyArray<{ ref: ArticleRef; paragraphHashes?: readonly string[] }>,
  paragraphHashes: readonly string[],
  infoByHash: ReadonlyMap<string, ParagraphInfo>,
): Map<string, number> {
  const inFlight = new Set(candidates.filter((c) => !c.paragraphHashes).map((c) => c.ref.articleId));
  const counts = new Map<string, number>();
  if (inFlight.size === 0) return counts;
  for (const hash of paragraphHashes) {
    const info = infoByHash.get(hash);
    if (!info || !(inFlight.has(info.firstSeen.articleId) || info.articleIds.some((id) => inFlight.has(id))))
      continue;
    counts.set(info.firstSeen.articleId, (counts.get(info.firstSeen.articleId) ?? 0) + 1);
  }
  return counts;
}

function mergeCopies(fresh: readonly CopyLink[], previous: readonly CopyLink[], selfId: string): CopyLink[] {
  const byId = new Map<string, CopyLink>();
  for (const link of previous) if (link.articleId !== selfId) byId.set(link.articleId, link);
  for (const link of fresh) byId.set(link.articleId, link);
  return [...byId.values()];
}

/** The fields of an article record that dedup decides, as the caller stores them. */
export type DedupRecordFields = Pick<
  ArticleRecord,
  | 'paragraphHashes'
  | 'copyOf'
  | 'copies'
  | 'clusterId'
  | 'originId'
  | 'relation'
  | 'declaresCopy'
  | 'minhash'
  | 'lead'
>;

/**
 * The record fields an outcome sets (one mapping for the crawl pipeline, the bench and tests).
 *
 * @example
 * await index.putArticle({ ...pageFields, ...dedupRecordFields(outcome), stats: { ...outcome.stats, repeatedParagraphsRemoved } });
 */
export function dedupRecordFields(outcome: DedupOutcome): DedupRecordFields {
  return {
    paragraphHashes: outcome.paragraphHashes,
    copyOf: outcome.copyOf,
    copies: outcome.copies,
    clusterId: outcome.clusterId,
    originId: outcome.originId,
    relation: outcome.relation,
    ...(outcome.declaresCopy ? { declaresCopy: true } : {}),
    ...(outcome.minhash ? { minhash: outcome.minhash } : {}),
    ...(outcome.lead ? { lead: outcome.lead } : {}),
  };
}
