/**
 * Syndication decision: which other publishers' articles are copies of the same story as a new
 * article, which one is the likely origin, and which story cluster they belong to. Pure: the
 * caller gathers candidates from the dedup index and applies the result.
 */
import type { ArticleRef, CopyLink, StoryOrigin, StoryRelation } from '../article';
import { comparePrefix, decodeLead, type LeadFingerprint } from './lead-prefix';
import { estimateOverlap, type DecodedSketch } from './near-duplicate';
import { normalizeParagraph, paragraphWords } from './normalize-paragraph';
import { creditMatches } from './source-credit';
import { bestOrigin, type OriginCandidate } from './story-origin';

/**
 * Share of the smaller article's evidence paragraphs that must occur, exactly, in the other.
 * A copy with a reworded sentence, a cut tail or an added paragraph keeps well above half of its
 * paragraphs byte-identical after normalisation; two different stories share at most a stock
 * paragraph or two (a background line, "X did not respond to a request for comment"), which is
 * below half of any article with four or more evidence paragraphs.
 */
export const EXACT_MIN_OVERLAP = 0.5;

/**
 * Shared evidence paragraphs needed for an exact link (or all of the smaller article's, when it
 * has fewer): one shared paragraph can be a stock phrase; two independent shared paragraphs at
 * half the article are not a coincidence.
 */
export const MIN_SHARED_PARAGRAPHS = 2;

/**
 * Estimated share of the smaller article's word 4-shingles found in the other, for a
 * near-duplicate link. On the bench:dedup stream heavily edited copies (a reworded sentence in
 * every paragraph, paragraphs merged and split) measure 0.7-0.9 for 80% of copies, and no
 * different-story pair sharing a paragraph reaches 0.5 (99.6% below 0.4). The estimate's
 * standard error from a 48-value sketch is at most about 0.07.
 */
export const NEAR_MIN_CONTAINMENT = 0.5;

/**
 * Estimated number of shared shingles needed for a near-duplicate link: about two sentences.
 * Keeps very short articles (a few dozen shingles) from joining on one shared stock sentence.
 */
export const NEAR_MIN_SHARED_SHINGLES = 24;

/**
 * Estimated Jaccard similarity needed as well for a near-duplicate link. Containment alone cannot
 * tell a copy from a long story that reuses a short one's background paragraphs: there the
 * shorter side is a small fraction of the longer. On the bench:dedup stream no different-story
 * pair sharing a paragraph reached 0.2 (max 0.18), while 3 of 789 edited copies that needed the
 * near-duplicate path fell below it. A copy trimmed below a fifth of its original is still linked
 * when its paragraphs are unchanged (exact path).
 */
export const NEAR_MIN_JACCARD = 0.2;

/**
 * Sketch values of the smaller article the containment estimate must rest on. Comparing a short
 * article with one ten times longer leaves only a few of the short one's values inside the long
 * one's sketch range; with fewer than 12 the estimate moves by 0.08+ per value and one shared
 * stock sentence can swing it past the threshold, so such pairs are judged on exact paragraphs.
 */
export const NEAR_MIN_SKETCH_SAMPLES = 12;

/** The article being deduplicated. */
export interface SyndicationSubject {
  ref: ArticleRef;
  publishedAt?: string;
  modifiedAt?: string;
  title?: string;
  /** Leading-words fingerprint of the evidence text ({@link leadFingerprint}). */
  lead?: Omit<LeadFingerprint, 'key'>;
  /** Evidence paragraph hashes (unique). */
  paragraphHashes: readonly string[];
  /** Words of each evidence paragraph, by hash. */
  paragraphWords?: ReadonlyMap<string, number>;
  sketch?: DecodedSketch;
  /**
   * The subject's sketch without the given paragraphs (by hash). Used to judge a near-duplicate
   * on what is NOT byte-identical: see {@link compareCandidate}.
   */
  sketchExcluding?: (hashes: ReadonlySet<string>) => DecodedSketch | undefined;
  /** The page's canonical link (may point to another host's original). */
  canonicalUrl?: string;
  /** The source the page credits as its origin (`isBasedOn`). */
  basedOnUrl?: string;
  /** Source names credited in the text ({@link creditedSources}). */
  credits: readonly string[];
  /** The cluster id stored for the subject by an earlier run (kept while it is an origin). */
  previousClusterId?: string;
  /**
   * For in-flight candidates (no record yet, so no publication time): how many of the subject's
   * paragraphs shared with them each article (subject or in-flight candidate) recorded first.
   * Both workers read the same first-seen values, so both pick the same crawl-first article.
   */
  firstSeenCounts?: ReadonlyMap<string, number>;
}

/** An article that may be a copy of the same story. */
export interface SyndicationCandidate {
  ref: ArticleRef;
  publishedAt?: string;
  modifiedAt?: string;
  title?: string;
  /** Encoded leading-words fingerprint (`ArticleRecord.lead`). */
  lead?: string;
  /** The candidate's record says it declares itself a copy. */
  declaresCopy?: boolean;
  /** Its evidence paragraph hashes, when its record is available (absent while it is in flight). */
  paragraphHashes?: readonly string[];
  /** Paragraphs of the subject the index says this article also contains (a lower bound). */
  sharedFromIndex: number;
  sketch?: DecodedSketch;
  canonicalUrl?: string;
  siteName?: string;
  clusterId?: string;
}

/** Outcome of the decision. */
export interface SyndicationDecision {
  /**
   * Every candidate judged a member of the same story, as links from the subject's point of view
   * (`relation`: the candidate's relation to the story if the subject is its origin).
   */
  matches: CopyLink[];
  /** Story cluster id for the subject. */
  clusterId: string;
  /** The origin the subject proposes for the cluster (absent without matches). */
  proposedOrigin?: StoryOrigin;
  /** Whether the subject declares itself a copy (canonical/isBasedOn elsewhere, credits a match). */
  subjectDeclaresCopy: boolean;
  /** Per matched candidate: the subject's link to it and the subject's relation if it is the origin. */
  subjectRelations?: ReadonlyMap<string, { link: CopyLink; relation: StoryRelation }>;
  /**
   * Every cluster the subject's story may already be held in: `clusterId`, each stored match's
   * cluster id (else its id) and, with matches still in flight, their ids and the subject's own
   * (they may start a cluster of that id at the same moment). More than one: the caller joins them
   * (`DedupIndex.mergeStories`), so members processed at once never leave two origins.
   */
  storyClusters: string[];
}

/** How one candidate compares with the subject. */
export interface CandidateComparison {
  exactOverlap: number;
  sharedParagraphs: number;
  containment: number;
  sharedShingles: number;
  link?: CopyLink;
}

/**
 * Compares a candidate with the subject; returns a link when they belong to one story: shared
 * exact paragraphs, an edited copy (near-duplicate sketch), or one page's text the start of the
 * other's (an excerpt, {@link comparePrefix}). On one host only the same publisher's second
 * version of a story links (an update: same headline, or most paragraphs unchanged; stored
 * records only); a paragraph repeated on one host is otherwise boilerplate, not syndication.
 */
export function compareCandidate(
  subject: SyndicationSubject,
  candidate: SyndicationCandidate,
): CandidateComparison {
  const none = { exactOverlap: 0, sharedParagraphs: 0, containment: 0, sharedShingles: 0 };
  if (candidate.ref.articleId === subject.ref.articleId) return none;
  if (candidate.ref.host === subject.ref.host) return compareSameHost(subject, candidate);

  const n = subject.paragraphHashes.length;
  let sharedParagraphs: number;
  let smaller: number;
  if (candidate.paragraphHashes) {
    const theirs = new Set(candidate.paragraphHashes);
    sharedParagraphs = subject.paragraphHashes.filter((h) => theirs.has(h)).length;
    smaller = Math.min(n, theirs.size);
  } else {
    // Record not stored yet (processed concurrently): only the subject's size is known, so the
    // ratio below is a lower bound of the true one.
    sharedParagraphs = Math.min(candidate.sharedFromIndex, n);
    smaller = n;
  }
  const exactOverlap = smaller > 0 ? sharedParagraphs / smaller : 0;

  let containment = 0;
  let sharedShingles = 0;
  if (subject.sketch && candidate.sketch) {
    ({ containment, sharedShingles } = nearDuplicateEvidence(subject.sketch, candidate.sketch));
    // Paragraphs shared byte-identically were already weighed by the exact rule (and failed it).
    // If the near-duplicate signal comes from them alone (a long stock or cold-start boilerplate
    // paragraph that is most of a short article), it is the same weak evidence counted twice:
    // require near-identical text outside them as well: half of the rest, or two sentences.
    if (containment > 0 && sharedParagraphs > 0 && candidate.paragraphHashes && subject.sketchExcluding) {
      const rest = subject.sketchExcluding(new Set(candidate.paragraphHashes));
      const restShared = rest ? sharedShingleEstimate(rest, candidate.sketch) : 0;
      const needed = rest
        ? Math.min(NEAR_MIN_SHARED_SHINGLES, NEAR_MIN_CONTAINMENT * rest.shingleCount)
        : Number.POSITIVE_INFINITY;
      if (restShared < needed) {
        containment = 0;
        sharedShingles = 0;
      }
    }
  }

  const ref = candidate.ref;
  const base = { articleId: ref.articleId, url: ref.url, host: ref.host };
  let link: CopyLink | undefined;
  if (
    exactOverlap >= EXACT_MIN_OVERLAP &&
    sharedParagraphs >= Math.min(MIN_SHARED_PARAGRAPHS, smaller) &&
    sharedParagraphs > 0 &&
    !oneLongParagraphCarries(subject, candidate, sharedParagraphs, smaller)
  ) {
    link = { ...base, overlap: round3(exactOverlap), method: 'exact' };
  } else {
    // The text of one the start of the other's (an excerpt) is exact evidence: checked before the estimate.
    const theirs = decodeLead(candidate.lead);
    const prefix = subject.lead && theirs ? comparePrefix(subject.lead, theirs) : undefined;
    if (prefix?.isPrefix)
      link = {
        ...base,
        overlap: round3(Math.min(1, prefix.prefixWords / prefix.shorterWords)),
        method: 'prefix',
      };
    else if (containment >= NEAR_MIN_CONTAINMENT && sharedShingles >= NEAR_MIN_SHARED_SHINGLES) {
      link = { ...base, overlap: round3(containment), method: 'near-duplicate' };
    }
  }
  return { exactOverlap, sharedParagraphs, containment, sharedShingles, link };
}

/**
 * Whether the shared paragraphs are one long paragraph plus little else (a press release quoted
 * at length and a stock sentence, in two different stories): without the longest shared one, the
 * rest must still be {@link EXACT_MIN_REST_WORD_SHARE} of the smaller article's evidence words.
 * Not applied when every paragraph of the smaller article is shared (it is contained in the other).
 */
function oneLongParagraphCarries(
  subject: SyndicationSubject,
  candidate: SyndicationCandidate,
  sharedParagraphs: number,
  smaller: number,
): boolean {
  const wordsByHash = subject.paragraphWords;
  if (!wordsByHash || !candidate.paragraphHashes || sharedParagraphs >= smaller) return false;
  const theirs = new Set(candidate.paragraphHashes);
  const shared = subject.paragraphHashes.filter((h) => theirs.has(h)).map((h) => wordsByHash.get(h) ?? 0);
  const subjectWords = subject.paragraphHashes.reduce((n, h) => n + (wordsByHash.get(h) ?? 0), 0);
  const candidateWords = candidate.lead ? decodeLead(candidate.lead)?.words : undefined;
  const smallerWords = Math.min(subjectWords, candidateWords ?? subjectWords);
  const rest = shared.reduce((n, w) => n + w, 0) - Math.max(0, ...shared);
  return rest < EXACT_MIN_REST_WORD_SHARE * smallerWords;
}

/**
 * Share of the smaller article's evidence words the shared paragraphs other than the longest one
 * must cover for an exact link (see {@link oneLongParagraphCarries}).
 */
export const EXACT_MIN_REST_WORD_SHARE = 0.2;

/**
 * A same-host candidate links only as another version of the same story: at least
 * {@link MIN_SHARED_PARAGRAPHS} exact paragraphs and half of the smaller version, and the same
 * headline ({@link sameHeadline}) or {@link UPDATE_MIN_OVERLAP_OTHER_TITLE} of it unchanged.
 */
function compareSameHost(subject: SyndicationSubject, candidate: SyndicationCandidate): CandidateComparison {
  const none = { exactOverlap: 0, sharedParagraphs: 0, containment: 0, sharedShingles: 0 };
  if (!candidate.paragraphHashes) return none;
  const theirs = new Set(candidate.paragraphHashes);
  const sharedParagraphs = subject.paragraphHashes.filter((h) => theirs.has(h)).length;
  const smaller = Math.min(subject.paragraphHashes.length, theirs.size);
  const exactOverlap = smaller > 0 ? sharedParagraphs / smaller : 0;
  const needed = sameHeadline(subject.title, candidate.title)
    ? EXACT_MIN_OVERLAP
    : UPDATE_MIN_OVERLAP_OTHER_TITLE;
  if (sharedParagraphs < MIN_SHARED_PARAGRAPHS || exactOverlap < needed)
    return { ...none, exactOverlap, sharedParagraphs };
  const ref = candidate.ref;
  const link: CopyLink = {
    articleId: ref.articleId,
    url: ref.url,
    host: ref.host,
    overlap: round3(exactOverlap),
    method: 'exact',
  };
  return { ...none, exactOverlap, sharedParagraphs, link };
}

/** Whether two headlines name the same story: {@link SAME_TITLE_MIN_WORD_SHARE} of the shorter's words in the other. */
export function sameHeadline(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const wa = new Set(paragraphWords(normalizeParagraph(a)));
  const wb = new Set(paragraphWords(normalizeParagraph(b)));
  const smaller = Math.min(wa.size, wb.size);
  if (smaller === 0) return false;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / smaller >= SAME_TITLE_MIN_WORD_SHARE;
}

/** Containment and shared-shingle estimates, zero when the sketches cannot support a link. */
function nearDuplicateEvidence(
  a: DecodedSketch,
  b: DecodedSketch,
): { containment: number; sharedShingles: number } {
  const estimate = estimateOverlap(a, b);
  if (estimate.samples < NEAR_MIN_SKETCH_SAMPLES || estimate.jaccard < NEAR_MIN_JACCARD)
    return { containment: 0, sharedShingles: 0 };
  return {
    containment: estimate.containment,
    sharedShingles: estimate.containment * Math.min(a.shingleCount, b.shingleCount),
  };
}

/** Estimated number of shingles two articles share (no guards: used as a floor check only). */
function sharedShingleEstimate(a: DecodedSketch, b: DecodedSketch): number {
  return estimateOverlap(a, b).containment * Math.min(a.shingleCount, b.shingleCount);
}

/**
 * A copy this much shorter than the article it matched (evidence words) is an excerpt of it: copies
 * that trim a tail keep most of the text, excerpts keep the first two to four paragraphs of a
 * story that is usually three or more times longer.
 */
export const EXCERPT_MAX_WORD_SHARE = 0.6;
/**
 * A page whose text is the other's opening (lead prefix) is an excerpt up to this much more of the
 * other's words: its own tail ("Read the full story at …", furniture) counts in its words.
 */
export const EXCERPT_PREFIX_EXTRA_SHARE = 0.1;

/**
 * Same-publisher versions (a second URL for the same story) need this share of the smaller
 * version's evidence paragraphs byte-identical when their headlines differ; with the same
 * headline the cross-host rule suffices. A publisher's two different stories share background
 * paragraphs more often than two publishers do, so the bar is higher without the headline.
 */
export const UPDATE_MIN_OVERLAP_OTHER_TITLE = 0.8;

/**
 * Share of title words (normalised) two versions must share to count as the same headline
 * ("Fire closes ring road" vs "UPDATE: Fire closes ring road for a second day").
 */
export const SAME_TITLE_MIN_WORD_SHARE = 0.6;

interface Participant {
  id: string;
  ref: ArticleRef;
  candidate: OriginCandidate;
  isSubject: boolean;
  /** Its record is not stored yet (processed at the same moment): no publication time known. */
  inFlight: boolean;
  clusterId?: string;
  link?: CopyLink;
  /** The subject's relation to the story if this participant is its origin. */
  subjectRelation?: StoryRelation;
}

/**
 * Decides copy links, the origin this article proposes for its story, and the cluster id.
 *
 * The origin proposed is the best-ranked ({@link originRank}) of the subject and its matched
 * candidates whose records are stored: a member that another names as its source (canonical
 * link, `isBasedOn`, a credit in the text), else the earliest publication, a page declaring itself
 * a copy last. The caller proposes it to the index, which keeps the best proposal per cluster,
 * so the story's origin follows the evidence, not the crawl order. Candidates in flight (record
 * not stored yet) propose themselves when their worker finishes.
 *
 * The cluster id is stable: the subject keeps the id it had while a match still supports it;
 * otherwise it joins the cluster of its best-ranked stored match; with only in-flight matches,
 * the crawl-first article of the group (the same answer for every worker of the group).
 */
export function decideSyndication(
  subject: SyndicationSubject,
  candidates: readonly SyndicationCandidate[],
): SyndicationDecision {
  const participants: Participant[] = [];
  const seen = new Set<string>([subject.ref.articleId]);
  const subjectWords = subject.lead?.words;
  const subjectPoints: string[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.ref.articleId)) continue;
    const { link } = compareCandidate(subject, candidate);
    if (!link) continue;
    seen.add(candidate.ref.articleId);
    const sameHost = candidate.ref.host === subject.ref.host;
    const theirLead = candidate.lead ? decodeLead(candidate.lead) : undefined;
    const theirWords = theirLead?.words;
    const prefix = subject.lead && theirLead ? comparePrefix(subject.lead, theirLead) : undefined;
    const subjectIsStart =
      prefix?.isPrefix === true && subjectWords !== undefined && subjectWords <= (theirWords ?? 0);
    const theirsIsStart = prefix?.isPrefix === true && !subjectIsStart;
    // A page much shorter than the other whose text is not the other's opening carries a passage
    // of it (background reused by another story, a quotation), not the story: an excerpt is the
    // start of the story. No story link then (paragraph provenance still records the reuse).
    if (!sameHost && link.method !== 'prefix') {
      const short = (own?: number, other?: number) =>
        own !== undefined && other !== undefined && own <= EXCERPT_MAX_WORD_SHARE * other;
      // Same opening: the first checkpoint (16 words) agrees.
      const sameOpening = (prefix?.prefixWords ?? 0) > 0;
      if ((short(subjectWords, theirWords) || short(theirWords, subjectWords)) && !sameOpening) continue;
    }
    const pointed = pointsAt(subject.canonicalUrl, candidate) || pointsAt(subject.basedOnUrl, candidate);
    const credited = subject.credits.some((c) => creditMatches(c, candidate.ref.host, candidate.siteName));
    if (pointed || credited) subjectPoints.push(candidate.ref.articleId);
    participants.push({
      id: candidate.ref.articleId,
      ref: candidate.ref,
      candidate: {
        ref: candidate.ref,
        publishedAt: candidate.publishedAt,
        modifiedAt: candidate.modifiedAt,
        words: theirWords,
        declaresCopy:
          Boolean(candidate.declaresCopy) || pointsElsewhere(candidate.canonicalUrl, candidate.ref.host),
        // Only a link naming this very page (canonical, isBasedOn) outranks time: a credit in the
        // text names a publisher, which may carry the story twice (its original and its update).
        namedAsSource: pointed,
      },
      isSubject: false,
      inFlight: candidate.paragraphHashes === undefined,
      clusterId: candidate.clusterId,
      link: { ...link, relation: relationOf(link.method, sameHost, theirWords, subjectWords, theirsIsStart) },
      subjectRelation: relationOf(link.method, sameHost, subjectWords, theirWords, subjectIsStart),
    });
  }
  const subjectDeclaresCopy =
    Boolean(subject.basedOnUrl) ||
    pointsElsewhere(subject.canonicalUrl, subject.ref.host) ||
    subjectPoints.length > 0;
  const matches = participants.map((p) => p.link as CopyLink);
  if (participants.length === 0)
    return {
      matches,
      clusterId: subject.ref.articleId,
      subjectDeclaresCopy,
      storyClusters: [subject.ref.articleId],
    };

  const subjectParticipant: Participant = {
    id: subject.ref.articleId,
    ref: subject.ref,
    candidate: {
      ref: subject.ref,
      publishedAt: subject.publishedAt,
      modifiedAt: subject.modifiedAt,
      words: subjectWords,
      declaresCopy: subjectDeclaresCopy,
      namedAsSource: false,
    },
    isSubject: true,
    inFlight: false,
  };
  const settled = participants.filter((p) => !p.inFlight);
  const proposed = bestOrigin([subjectParticipant, ...settled].map((p) => p.candidate)).origin;

  const previous = subject.previousClusterId;
  const supported =
    previous !== undefined &&
    (previous === subject.ref.articleId ||
      participants.some((p) => p.id === previous || p.clusterId === previous));
  let clusterId: string;
  if (supported) clusterId = previous;
  else if (settled.length > 0) {
    const source = bestOrigin(settled.map((p) => p.candidate)).candidate.ref.articleId;
    const p = settled.find((x) => x.id === source) as Participant;
    clusterId = p.clusterId ?? p.id;
  } else clusterId = crawlFirst(subjectParticipant, participants, subject.firstSeenCounts).id;

  const subjectRelations = new Map(
    participants.map((p) => [
      p.id,
      { link: p.link as CopyLink, relation: p.subjectRelation as StoryRelation },
    ]),
  );
  const inFlight = participants.filter((p) => p.inFlight);
  const storyClusters = [
    ...new Set([
      clusterId,
      ...settled.map((p) => p.clusterId ?? p.id),
      ...(inFlight.length > 0 ? [subject.ref.articleId, ...inFlight.map((p) => p.id)] : []),
    ]),
  ];
  return {
    matches,
    clusterId,
    proposedOrigin: proposed,
    subjectDeclaresCopy,
    subjectRelations,
    storyClusters,
  };
}

/**
 * A member's relation to the story when `other` is its origin: same host is an update (a
 * publisher's second version); much shorter than the other is an excerpt; else how it was found.
 */
function relationOf(
  method: CopyLink['method'],
  sameHost: boolean,
  ownWords: number | undefined,
  otherWords: number | undefined,
  ownIsStartOfOther = false,
): StoryRelation {
  if (sameHost) return 'update';
  if (ownWords !== undefined && otherWords !== undefined) {
    const share = EXCERPT_MAX_WORD_SHARE + (ownIsStartOfOther ? EXCERPT_PREFIX_EXTRA_SHARE : 0);
    if (ownWords <= share * otherWords) return 'excerpt';
  }
  return method === 'near-duplicate' ? 'near-duplicate' : 'exact';
}

/**
 * With only in-flight matches (no record stored, so no publication time or cluster yet), the
 * cluster id is the crawl-first article of the group: who recorded most of the shared paragraphs
 * first (ties by id). Every worker of the group reads the same first-seen values, so all pick the
 * same id and propose their origins to the same cluster.
 */
function crawlFirst(
  subject: Participant,
  participants: readonly Participant[],
  firstSeenCounts: ReadonlyMap<string, number> = new Map(),
): Participant {
  const group = [subject, ...participants.filter((p) => p.inFlight)].sort(
    (a, b) =>
      (firstSeenCounts.get(b.id) ?? 0) - (firstSeenCounts.get(a.id) ?? 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return group[0];
}

/** Comparable form of a URL: host lower-cased without `www.`, no scheme, query kept, no trailing slash or fragment. */
export function comparableUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    const host = u.hostname.toLowerCase().replace(/^www\./, '');
    const path = u.pathname.replace(/\/+$/, '');
    return `${host}${path}${u.search}`;
  } catch {
    return undefined;
  }
}

function pointsAt(url: string | undefined, candidate: SyndicationCandidate): boolean {
  if (!url) return false;
  const target = comparableUrl(url);
  if (!target) return false;
  return (
    target === comparableUrl(candidate.ref.url) ||
    (candidate.canonicalUrl !== undefined && target === comparableUrl(candidate.canonicalUrl))
  );
}

function pointsElsewhere(canonicalUrl: string | undefined, host: string): boolean {
  if (!canonicalUrl) return false;
  try {
    const canonicalHost = new URL(canonicalUrl).hostname.toLowerCase().replace(/^www\./, '');
    return canonicalHost !== host.toLowerCase().replace(/^www\./, '');
  } catch {
    return false;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
