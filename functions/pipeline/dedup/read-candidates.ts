import type { ArticleRecord, ArticleRef } from '../../core/article';
import { decodeSketch, sketchQueryKeys, type NearDuplicateSketch } from '../../core/dedup/near-duplicate';
import type { SyndicationCandidate, SyndicationDecision } from '../../core/dedup/syndication';
import type { DedupIndex, ParagraphInfo } from '../../ports/dedup-index';
import { unique } from './prepare-paragraphs';

/**
 * Articles sharing exact paragraphs that are read back for verification, best first (most shared
 * paragraphs). Syndicated stories are found through their first few sightings; the cap bounds
 * the read when a stock paragraph sits in hundreds of articles. One BatchGetItem holds 100 keys.
 */
export const MAX_EXACT_CANDIDATES = 20;

/**
 * Near-duplicate and excerpt candidates read back, best first (most shared keys). Bounds the read
 * when a key is a common shingle (a stock phrase's shingle happened to hash low) or a stock opening.
 */
export const MAX_FINGERPRINT_CANDIDATES = 20;

/**
 * Waits before re-reading matched candidates whose record is not stored yet (their worker is
 * between recording paragraphs and storing the record, which follows the clean-copy writes:
 * typically well under a second). Their publication time decides the origin, so it is worth a
 * short wait; only this race pays it, at most 1 s in all. When two workers see each other in
 * flight neither record can appear while both wait; each then proposes what it knows, and the
 * index keeps the better origin.
 */
export const IN_FLIGHT_RECHECK_DELAYS_MS = [150, 350, 500] as const;

/** The clock and sleep the in-flight waits use (injected, so tests control them). */
export interface WaitDeps {
  sleep(ms: number): Promise<void>;
}

/** Candidates read so far and what is known about each. */
export interface CandidatePool {
  candidates: SyndicationCandidate[];
  /** Stored records of the candidates read (in-flight ones have none). */
  recordsById: Map<string, ArticleRecord>;
  /** Shared exact paragraphs per candidate id, as the index tells. */
  sharedCount: Map<string, number>;
  /** A ref per first-seen article (what an in-flight candidate is known by). */
  refById: Map<string, ArticleRef>;
  /** Ids read as exact candidates. */
  exactIds: string[];
}

/**
 * Step 5 of `dedupArticle`: the articles the index says share our paragraphs (first seen and
 * containing articles), ranked by how many, read with one `getArticles`.
 */
export async function exactCandidates(
  index: DedupIndex,
  selfId: string,
  paragraphHashes: readonly string[],
  infoByHash: ReadonlyMap<string, ParagraphInfo>,
): Promise<CandidatePool> {
  const sharedCount = new Map<string, number>();
  const refById = new Map<string, ArticleRef>();
  for (const hash of paragraphHashes) {
    const info = infoByHash.get(hash);
    if (!info) continue;
    refById.set(info.firstSeen.articleId, refById.get(info.firstSeen.articleId) ?? info.firstSeen);
    for (const id of unique([info.firstSeen.articleId, ...info.articleIds])) {
      if (id !== selfId) sharedCount.set(id, (sharedCount.get(id) ?? 0) + 1);
    }
  }
  const exactIds = topByCount(sharedCount, MAX_EXACT_CANDIDATES);
  const pool: CandidatePool = { candidates: [], recordsById: new Map(), sharedCount, refById, exactIds };
  pool.candidates.push(...(await readCandidates(index, exactIds, pool)));
  return pool;
}

/**
 * Step 5 (continued): matched candidates still in flight (record not stored yet) are re-read after
 * short waits ({@link IN_FLIGHT_RECHECK_DELAYS_MS}), since their publication time decides the
 * origin. Returns the decision after the last re-read.
 */
export async function awaitInFlightMatches(
  index: DedupIndex,
  deps: WaitDeps,
  pool: CandidatePool,
  decide: () => SyndicationDecision,
): Promise<SyndicationDecision> {
  let decision = decide();
  for (const delayMs of IN_FLIGHT_RECHECK_DELAYS_MS) {
    const waiting = decision.matches
      .filter((m) => !pool.recordsById.has(m.articleId))
      .map((m) => m.articleId);
    if (waiting.length === 0) break;
    await deps.sleep(delayMs);
    const arrived = await readCandidates(index, waiting, pool);
    let changed = false;
    for (const candidate of arrived) {
      if (!candidate.paragraphHashes) continue;
      const i = pool.candidates.findIndex((c) => c.ref.articleId === candidate.ref.articleId);
      if (i >= 0) pool.candidates[i] = candidate;
      changed = true;
    }
    if (changed) decision = decide();
  }
  return decision;
}

/**
 * Step 6 of `dedupArticle`: candidates sharing the lead key (excerpts: the same first words) and,
 * when a sketch is given (exact paragraphs found no member of the story), near-duplicate
 * fingerprint keys (edited copies); one Query per key, at most {@link MAX_FINGERPRINT_CANDIDATES}
 * more read. Returns whether any was added.
 */
export async function similarTextCandidates(
  index: DedupIndex,
  selfId: string,
  pool: CandidatePool,
  sketch: NearDuplicateSketch | undefined,
  leadKey: string | undefined,
): Promise<boolean> {
  const keys = [...(sketch ? sketchQueryKeys(sketch) : []), ...(leadKey ? [leadKey] : [])];
  if (keys.length === 0) return false;
  const perKey = await Promise.all(keys.map((key) => index.findByFingerprintKeys(selfId, [key])));
  const keyHits = new Map<string, number>();
  const alreadyRead = new Set(pool.exactIds);
  for (const ids of perKey) {
    for (const id of unique(ids))
      if (id !== selfId && !alreadyRead.has(id)) keyHits.set(id, (keyHits.get(id) ?? 0) + 1);
  }
  const ids = topByCount(keyHits, MAX_FINGERPRINT_CANDIDATES);
  if (ids.length === 0) return false;
  pool.candidates.push(...(await readCandidates(index, ids, pool)));
  return true;
}

async function readCandidates(
  index: DedupIndex,
  ids: readonly string[],
  pool: CandidatePool,
): Promise<SyndicationCandidate[]> {
  if (ids.length === 0) return [];
  const records = await index.getArticles(ids);
  for (const record of records) pool.recordsById.set(record.id, record);
  const byId = new Map(records.map((r) => [r.id, r]));
  const candidates: SyndicationCandidate[] = [];
  for (const id of ids) {
    const record = byId.get(id);
    const sharedFromIndex = pool.sharedCount.get(id) ?? 0;
    if (record) candidates.push(candidateOf(record, sharedFromIndex));
    else {
      // In flight: another worker recorded its paragraphs but has not stored its record yet.
      const ref = pool.refById.get(id);
      if (ref) candidates.push({ ref, sharedFromIndex });
    }
  }
  return candidates;
}

/** A stored record as a syndication candidate. */
export function candidateOf(record: ArticleRecord, sharedFromIndex: number): SyndicationCandidate {
  return {
    ref: { articleId: record.id, url: record.url, host: record.host, seenAt: record.fetchedAt },
    publishedAt: record.publishedAt,
    modifiedAt: record.modifiedAt,
    title: record.title,
    lead: record.lead,
    declaresCopy: record.declaresCopy,
    paragraphHashes: record.paragraphHashes,
    sharedFromIndex,
    sketch: decodeSketch(record.minhash),
    canonicalUrl: record.canonicalUrl,
    siteName: record.siteName,
    clusterId: record.clusterId,
  };
}

function topByCount(counts: ReadonlyMap<string, number>, limit: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([id]) => id);
}
