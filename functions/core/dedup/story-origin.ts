/**
 * The origin rule of a story cluster as a total order: every member gets a rank (a string, smaller
 * is more likely the origin) from its own facts and what the proposing member knows about it, and
 * the index keeps the smallest rank proposed for the cluster (`DedupIndex.proposeStoryOrigin`).
 * Because the order does not depend on who was crawled first, the origin converges on the same
 * member whatever the crawl order, and concurrent proposals need only a conditional write.
 *
 * Pure: no I/O.
 */
import type { ArticleRef, StoryOrigin } from '../article';

/** What ranking one member needs. */
export interface OriginCandidate {
  ref: ArticleRef;
  publishedAt?: string;
  modifiedAt?: string;
  /** Evidence words (the longer text wins a tie in publication time: copies trim, rarely add). */
  words?: number;
  /** The page declares itself a copy (canonical/isBasedOn elsewhere, or credits another member). */
  declaresCopy: boolean;
  /** Another member names it as its source (canonical link, `isBasedOn`, or a credit in its text). */
  namedAsSource: boolean;
}

/**
 * Rank tiers. A member another member names as its source outranks everything (a publisher's own
 * statement of its source beats timestamps, which copies often get wrong by a time zone); a page
 * that declares itself a copy wins only when no other member is left.
 */
const TIER_NAMED_SOURCE = 0;
const TIER_PLAIN = 1;
const TIER_DECLARED_COPY = 2;

/** Fixed width of a millisecond time in a rank (covers dates up to the year 5138). */
const TIME_DIGITS = 14;
/** Fixed width of the word-count complement in a rank. */
const WORD_DIGITS = 7;
const MAX_WORDS = 10 ** WORD_DIGITS - 1;

/**
 * The rank of a member: tier, then publication time (`publishedAt`, which carries its offset, so
 * pages in different time zones compare correctly; a page without one counts from when we first
 * saw it, which is never earlier than its publication), then modification time (a first version
 * before its update), then the longer text, then first sighting, then id (deterministic).
 *
 * @example
 * originRank({ ref, publishedAt: '2026-11-24T09:00:00+02:00', declaresCopy: false, namedAsSource: false });
 * // => '1.00001763967600000.00001763967600000.9999650.00001763971200000.<id>'
 */
export function originRank(candidate: OriginCandidate): string {
  const tier = candidate.namedAsSource
    ? TIER_NAMED_SOURCE
    : candidate.declaresCopy
      ? TIER_DECLARED_COPY
      : TIER_PLAIN;
  const seenMs = timeMs(candidate.ref.seenAt) ?? Number.MAX_SAFE_INTEGER;
  const publishedMs = timeMs(candidate.publishedAt) ?? seenMs;
  const modifiedMs = Math.max(publishedMs, timeMs(candidate.modifiedAt) ?? publishedMs);
  const wordsComplement = MAX_WORDS - Math.min(MAX_WORDS, Math.max(0, candidate.words ?? 0));
  return [
    tier,
    pad(publishedMs, TIME_DIGITS),
    pad(modifiedMs, TIME_DIGITS),
    pad(wordsComplement, WORD_DIGITS),
    pad(seenMs, TIME_DIGITS),
    candidate.ref.articleId,
  ].join('.');
}

/**
 * The evidence words a rank was built with (its word-count field), undefined for a malformed rank.
 *
 * @example
 * wordsOfRank(originRank({ ref, words: 350, declaresCopy: false, namedAsSource: false })); // => 350
 */
export function wordsOfRank(rank: string): number | undefined {
  const field = rank.split('.')[3];
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  const words = MAX_WORDS - Number(field);
  return words > 0 ? words : undefined;
}

/** The story origin entry proposed for a member. */
export function storyOriginOf(candidate: OriginCandidate): StoryOrigin {
  return {
    articleId: candidate.ref.articleId,
    url: candidate.ref.url,
    host: candidate.ref.host,
    rank: originRank(candidate),
  };
}

/** The best-ranked of several candidates (at least one). */
export function bestOrigin(candidates: readonly OriginCandidate[]): {
  candidate: OriginCandidate;
  origin: StoryOrigin;
} {
  let best: { candidate: OriginCandidate; origin: StoryOrigin } | undefined;
  for (const candidate of candidates) {
    const origin = storyOriginOf(candidate);
    if (!best || origin.rank < best.origin.rank) best = { candidate, origin };
  }
  if (!best) throw new RangeError('bestOrigin needs at least one candidate');
  return best;
}

function timeMs(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function pad(value: number, digits: number): string {
  const clamped = Math.min(Math.max(0, Math.floor(value)), 10 ** digits - 1);
  return String(clamped).padStart(digits, '0');
}
