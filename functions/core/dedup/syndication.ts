/**
 * Syndication decision: which other publishers' articles are copies of the same story as a new
 * article, which one is the likely origin, and which story cluster they belong to. Pure: the
 * caller gathers candidates from the dedup index and applies the result.
 */
import type { ArticleRef, CopyLink } from '../article';
import { creditMatches } from './source-credit';
import { estimateOverlap, type DecodedSketch } from './near-duplicate';

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

/**
 * Publication times closer than this are treated as a tie: partners publish wire copies within
 * minutes of the wire, and CMS timestamps are coarse, so a few minutes say nothing about who
 * copied whom; credits and copy status decide instead.
 */
export const PUBLISH_TIE_TOLERANCE_MS = 10 * 60 * 1000;

/** The article being deduplicated. */
export interface SyndicationSubject {
  ref: ArticleRef;
  publishedAt?: string;
  /** Evidence paragraph hashes (unique). */
  paragraphHashes: readonly string[];
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
  /** Its evidence paragraph hashes, when its record is available (absent while it is in flight). */
  paragraphHashes?: readonly string[];
  /** Paragraphs of the subject the index says this article also contains (a lower bound). */
  sharedFromIndex: number;
  sketch?: DecodedSketch;
  canonicalUrl?: string;
  siteName?: string;
  /** Set when this candidate is itself known to be a copy of another article. */
  copyOf?: CopyLink;
  clusterId?: string;
}

/** Outcome of the decision. */
export interface SyndicationDecision {
  /** Every candidate judged a copy of the same story, as links from the subject's point of view. */
  matches: CopyLink[];
  /** The likely origin when it is another article. */
  copyOf?: CopyLink;
  /** Copies of the subject when the subject is the likely origin. */
  copies: CopyLink[];
  /** Story cluster id for the subject. */
  clusterId: string;
  /** Link to add to the origin's `copies` (when the origin is another article). */
  originCopyLink?: { originId: string; link: CopyLink };
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
 * Compares a candidate with the subject; returns a link when they are copies of one story.
 * Same-host candidates never link (a paragraph repeated on one host is boilerplate or a
 * re-publication under a second URL, not syndication).
 */
export function compareCandidate(subject: SyndicationSubject, candidate: SyndicationCandidate): CandidateComparison {
  const none = { exactOverlap: 0, sharedParagraphs: 0, containment: 0, sharedShingles: 0 };
  if (candidate.ref.articleId === subject.ref.articleId) return none;
  if (candidate.ref.host === subject.ref.host) return none;

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
      const needed = rest ? Math.min(NEAR_MIN_SHARED_SHINGLES, NEAR_MIN_CONTAINMENT * rest.shingleCount) : Number.POSITIVE_INFINITY;
      if (restShared < needed) {
        containment = 0;
        sharedShingles = 0;
      }
    }
  }

  const ref = candidate.ref;
  const base = { articleId: ref.articleId, url: ref.url, host: ref.host };
  let link: CopyLink | undefined;
  if (exactOverlap >= EXACT_MIN_OVERLAP && sharedParagraphs >= Math.min(MIN_SHARED_PARAGRAPHS, smaller) && sharedParagraphs > 0) {
    link = { ...base, overlap: round3(exactOverlap), method: 'exact' };
  } else if (containment >= NEAR_MIN_CONTAINMENT && sharedShingles >= NEAR_MIN_SHARED_SHINGLES) {
    link = { ...base, overlap: round3(containment), method: 'near-duplicate' };
  }
  return { exactOverlap, sharedParagraphs, containment, sharedShingles, link };
}

/** Containment and shared-shingle estimates, zero when the sketches cannot support a link. */
function nearDuplicateEvidence(a: DecodedSketch, b: DecodedSketch): { containment: number; sharedShingles: number } {
  const estimate = estimateOverlap(a, b);
  if (estimate.samples < NEAR_MIN_SKETCH_SAMPLES || estimate.jaccard < NEAR_MIN_JACCARD) return { containment: 0, sharedShingles: 0 };
  return { containment: estimate.containment, sharedShingles: estimate.containment * Math.min(a.shingleCount, b.shingleCount) };
}

/** Estimated number of shingles two articles share (no guards: used as a floor check only). */
function sharedShingleEstimate(a: DecodedSketch, b: DecodedSketch): number {
  return estimateOverlap(a, b).containment * Math.min(a.shingleCount, b.shingleCount);
}

interface Participant {
  id: string;
  ref: ArticleRef;
  timeMs: number;
  isSubject: boolean;
  /** Declared itself a copy (canonical elsewhere, isBasedOn) or is known as a copy. */
  declaredCopy: boolean;
  /** The subject points at it with canonical/isBasedOn. */
  pointedAtBySubject: boolean;
  /** The subject credits it in the text. */
  creditedBySubject: boolean;
  /** Its record is not stored yet (processed at the same moment): no publication time known. */
  inFlight: boolean;
  clusterId?: string;
  link?: CopyLink;
}

/**
 * Decides copy links, the likely origin and the cluster id.
 *
 * Origin rules, in order:
 * 1. A candidate the subject points at with its canonical link or `isBasedOn` URL is the origin
 *    (a publisher naming its source is direct evidence; timestamps of copies are often wrong by
 *    a time zone, so this outranks time).
 * 2. Otherwise the earliest publication (publishedAt, else when we first saw it) wins; articles
 *    that declare themselves copies (canonical link to another host, isBasedOn, or known copyOf)
 *    only win when nothing else is left.
 * 3. Publications within {@link PUBLISH_TIE_TOLERANCE_MS} of the earliest are a tie, broken by:
 *    credited in the subject's text (dateline or credit line), not itself a copy, earlier time,
 *    earlier first sighting, smaller id (deterministic).
 *
 * The cluster id propagates from the origin (its cluster id, else its id). When the subject is
 * the origin it keeps the cluster id it already had; a new origin whose matched articles already
 * belong to a cluster joins that cluster (so clusters stay stable when an earlier original is
 * crawled after its copies).
 */
export function decideSyndication(
  subject: SyndicationSubject,
  candidates: readonly SyndicationCandidate[],
): SyndicationDecision {
  const participants: Participant[] = [];
  const seen = new Set<string>([subject.ref.articleId]);
  for (const candidate of candidates) {
    if (seen.has(candidate.ref.articleId)) continue;
    const { link } = compareCandidate(subject, candidate);
    if (!link) continue;
    seen.add(candidate.ref.articleId);
    participants.push({
      id: candidate.ref.articleId,
      ref: candidate.ref,
      timeMs: timeOf(candidate.publishedAt, candidate.ref.seenAt),
      isSubject: false,
      declaredCopy: Boolean(candidate.copyOf) || pointsElsewhere(candidate.canonicalUrl, candidate.ref.host),
      pointedAtBySubject: pointsAt(subject.canonicalUrl, candidate) || pointsAt(subject.basedOnUrl, candidate),
      creditedBySubject: subject.credits.some((c) => creditMatches(c, candidate.ref.host, candidate.siteName)),
      inFlight: candidate.paragraphHashes === undefined,
      clusterId: candidate.clusterId,
      link,
    });
  }
  const matches = participants.map((p) => p.link as CopyLink);
  if (participants.length === 0) {
    return { matches, copies: [], clusterId: subject.ref.articleId };
  }

  const subjectParticipant: Participant = {
    id: subject.ref.articleId,
    ref: subject.ref,
    timeMs: timeOf(subject.publishedAt, subject.ref.seenAt),
    isSubject: true,
    declaredCopy: Boolean(subject.basedOnUrl) || pointsElsewhere(subject.canonicalUrl, subject.ref.host),
    pointedAtBySubject: false,
    creditedBySubject: false,
    inFlight: false,
  };
  const origin = chooseOrigin(resolveInFlight(subjectParticipant, participants, subject.firstSeenCounts));

  if (origin.isSubject) {
    // An origin keeps the cluster id it already has: copies follow the origin's id, so an origin
    // that followed one of its copies instead would make the two swap ids on every reprocess.
    // The kept id must still be supported by a match (or be the subject's own), so a wrong merge
    // from an earlier run does not stick once the evidence is gone.
    const clusterSource = chooseOrigin(participants);
    const previous = subject.previousClusterId;
    const supported =
      previous !== undefined && (previous === subject.ref.articleId || participants.some((p) => p.id === previous || p.clusterId === previous));
    return {
      matches,
      copies: matches,
      clusterId: supported ? previous : (clusterSource.clusterId ?? clusterSource.id),
    };
  }
  const copyOf = origin.link as CopyLink;
  return {
    matches,
    copyOf,
    copies: [],
    clusterId: origin.clusterId ?? origin.id,
    originCopyLink: {
      originId: origin.id,
      link: { articleId: subject.ref.articleId, url: subject.ref.url, host: subject.ref.host, overlap: copyOf.overlap, method: copyOf.method },
    },
  };
}

/**
 * Candidates in flight have no publication time, and their crawl time is always later than any
 * publication time, so comparing it with the subject's would always make the subject the origin
 * (and the other worker, seeing our record, would agree wrongly). Instead the subject and the
 * in-flight candidates are ranked by crawl order (who recorded most of the shared paragraphs
 * first; ties by id, so both workers agree). The crawl-first one stands for the group, with the
 * subject's publication time as its proxy; the others leave the origin race.
 */
function resolveInFlight(
  subject: Participant,
  participants: readonly Participant[],
  firstSeenCounts: ReadonlyMap<string, number> = new Map(),
): Participant[] {
  const inFlight = participants.filter((p) => p.inFlight);
  const settled = participants.filter((p) => !p.inFlight);
  if (inFlight.length === 0) return [subject, ...settled];
  const group = [subject, ...inFlight].sort(
    (a, b) => (firstSeenCounts.get(b.id) ?? 0) - (firstSeenCounts.get(a.id) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const crawlFirst = group[0];
  const standIn = crawlFirst.isSubject ? subject : { ...crawlFirst, timeMs: subject.timeMs, declaredCopy: subject.declaredCopy };
  return [standIn, ...settled];
}

function chooseOrigin(all: readonly Participant[]): Participant {
  const pointed = all.find((p) => p.pointedAtBySubject);
  if (pointed) return pointed;
  const undeclared = all.filter((p) => !p.declaredCopy);
  const pool = undeclared.length > 0 ? undeclared : [...all];
  const earliest = Math.min(...pool.map((p) => p.timeMs));
  const tied = pool.filter((p) => p.timeMs - earliest <= PUBLISH_TIE_TOLERANCE_MS);
  tied.sort(
    (a, b) =>
      Number(b.creditedBySubject) - Number(a.creditedBySubject) ||
      a.timeMs - b.timeMs ||
      Date.parse(a.ref.seenAt) - Date.parse(b.ref.seenAt) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return tied[0];
}

function timeOf(publishedAt: string | undefined, seenAt: string): number {
  const published = publishedAt ? Date.parse(publishedAt) : NaN;
  if (Number.isFinite(published)) return published;
  const seen = Date.parse(seenAt);
  return Number.isFinite(seen) ? seen : Number.MAX_SAFE_INTEGER;
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
  return target === comparableUrl(candidate.ref.url) || (candidate.canonicalUrl !== undefined && target === comparableUrl(candidate.canonicalUrl));
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
