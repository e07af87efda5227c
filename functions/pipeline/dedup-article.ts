/**
 * Dedup step of the crawl pipeline: paragraph provenance, learned host boilerplate, syndicated
 * and edited copies, story clusters. Talks to storage only through the {@link DedupIndex} port.
 */
import type { ArticleMetadata, ArticleRecord, ArticleRef, CopyLink, Paragraph, StoredParagraph } from '../core/article';
import { isHostBoilerplate, shouldRecordForHostCount } from '../core/dedup/boilerplate';
import {
  decodeSketch,
  encodeSketch,
  nearDuplicateSketch,
  sketchIndexKeys,
  sketchQueryKeys,
  toDecoded,
} from '../core/dedup/near-duplicate';
import { NORMALIZATION_VERSION, normalizeParagraph } from '../core/dedup/normalize-paragraph';
import { hashNormalized, isEvidenceNormalized } from '../core/dedup/paragraph-hash';
import { creditedSources } from '../core/dedup/source-credit';
import { decideSyndication, type SyndicationCandidate, type SyndicationSubject } from '../core/dedup/syndication';
import { NotFoundError } from '../errors';
import type { DedupIndex, ParagraphInfo } from '../ports/dedup-index';

/**
 * Articles sharing exact paragraphs that are read back for verification, best first (most shared
 * paragraphs). Syndicated stories are found through their first few sightings; the cap bounds
 * the read when a stock paragraph sits in hundreds of articles. One BatchGetItem holds 100 keys.
 */
export const MAX_EXACT_CANDIDATES = 20;

/**
 * Near-duplicate candidates read back, best first (most shared keys). Bounds the read when a key
 * is a common shingle (a stock phrase's shingle happened to hash low).
 */
export const MAX_FINGERPRINT_CANDIDATES = 20;

/**
 * Waits before re-reading matched candidates whose record is not stored yet (their worker is
 * between recording paragraphs and storing the record, which follows the clean-copy writes:
 * typically well under a second). Their publication time decides the origin, so it is worth a
 * short wait; only this race pays it, at most 1 s in all. When two workers see each other in
 * flight neither record can appear while both wait, and the crawl-order rule decides.
 */
export const IN_FLIGHT_RECHECK_DELAYS_MS = [150, 350, 500] as const;

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
  /** Paragraphs with host boilerplate removed; evidence paragraphs carry their hash and, when first seen elsewhere, `firstSeen`. */
  paragraphs: StoredParagraph[];
  /** Unique evidence paragraph hashes of the kept paragraphs, in page order. */
  paragraphHashes: string[];
  copyOf?: CopyLink;
  /** Other publishers' copies of this article (merged with the previous record's). */
  copies: CopyLink[];
  clusterId: string;
  /** Encoded near-duplicate sketch for `ArticleRecord.minhash` (absent without evidence paragraphs). */
  minhash?: string;
  stats: {
    boilerplateParagraphsRemoved: number;
    paragraphsFirstSeenElsewhere: number;
  };
}

interface PreparedParagraph {
  paragraph: Paragraph;
  normalized: string;
  hash?: string;
}

/**
 * Deduplicates one article against the index and records its paragraphs.
 *
 * Workflow:
 * 1. Normalise and hash evidence paragraphs (short ones are kept but not hashed).
 * 2. `lookupParagraphs` (batched) with the host: host page counts and known sightings.
 * 3. Drop host boilerplate ({@link isHostBoilerplate}); boilerplate is still recorded until its
 *    count proves it, so a reprocess of the cold-start pages removes it there too.
 * 4. `recordParagraphs` for hashes this page has not recorded yet (first-seen decided atomically
 *    by the store; a reprocess records nothing and changes no count).
 * 5. Candidates from sightings (first seen / containing articles), read with `getArticles`;
 *    matched candidates still in flight (record not stored yet) are re-read after short waits
 *    ({@link IN_FLIGHT_RECHECK_DELAYS_MS}), since their publication time decides the origin.
 * 6. Only when no exact copy was found: near-duplicate candidates from fingerprint keys.
 * 7. Syndication decision ({@link decideSyndication}); `addCopy` on the origin when this article
 *    is a copy; `putFingerprintKeys` when this article is a cluster origin (copies are found
 *    through their origin, so they store no keys); when it is the origin of copies processed
 *    before it, `setCopyOf` on them if the index offers it.
 *
 * DynamoDB requests per article are bounded: one lookup, one record, at most two `getArticles`
 * (40 ids) plus three re-reads of in-flight candidates, 8 fingerprint queries (only when no exact
 * copy exists), one `addCopy`, one `putFingerprintKeys` and, with an index offering it, one
 * `setCopyOf` per matched earlier-processed copy; the adapter's batching turns each into a
 * bounded number of requests (see docs/dedup.md).
 *
 * @example
 * const outcome = await dedupArticle(index, { ref, publishedAt, paragraphs, metadata });
 * await index.putArticle({ ...record, paragraphHashes: outcome.paragraphHashes, copyOf: outcome.copyOf, ... });
 */
export async function dedupArticle(index: DedupIndex, input: DedupArticleInput): Promise<DedupOutcome> {
  const { ref, previous } = input;
  const selfId = ref.articleId;

  // 1. Normalise and hash.
  const prepared: PreparedParagraph[] = input.paragraphs.map((paragraph) => {
    const normalized = normalizeParagraph(paragraph.text);
    return { paragraph, normalized, hash: isEvidenceNormalized(normalized) ? hashNormalized(normalized) : undefined };
  });
  const allHashes = unique(prepared.flatMap((p) => (p.hash ? [p.hash] : [])));
  if (allHashes.length === 0) {
    return {
      paragraphs: prepared.map((p) => ({ ...p.paragraph })),
      paragraphHashes: [],
      copyOf: previous?.copyOf,
      copies: previous?.copies ?? [],
      clusterId: previous?.clusterId ?? selfId,
      stats: { boilerplateParagraphsRemoved: 0, paragraphsFirstSeenElsewhere: 0 },
    };
  }

  // 2. What the index knows, with this host's page counts.
  const known = await index.lookupParagraphs(allHashes, ref.host);
  const previouslyRecorded = new Set(previous?.paragraphHashes ?? []);

  // 3. Host boilerplate; 4. record what this page has not recorded yet.
  const boilerplate = new Set<string>();
  const toRecord: string[] = [];
  for (const hash of allHashes) {
    const info = known.get(hash);
    const countedThisPage =
      previouslyRecorded.has(hash) || (info !== undefined && (info.firstSeen.articleId === selfId || info.articleIds.includes(selfId)));
    const count = { hostPageCount: info?.hostPageCounts[ref.host] ?? 0, countedThisPage };
    const isBoilerplate = isHostBoilerplate(count);
    if (isBoilerplate) boilerplate.add(hash);
    if (isBoilerplate ? shouldRecordForHostCount(count) : !countedThisPage) toRecord.push(hash);
  }
  const sightings = toRecord.length > 0 ? await index.recordParagraphs(ref, toRecord, NORMALIZATION_VERSION) : [];
  const infoByHash = new Map<string, ParagraphInfo>(known);
  for (const sighting of sightings) infoByHash.set(sighting.hash, sighting);

  const stored: StoredParagraph[] = [];
  const kept: PreparedParagraph[] = [];
  let boilerplateParagraphsRemoved = 0;
  let paragraphsFirstSeenElsewhere = 0;
  for (const p of prepared) {
    if (p.hash && boilerplate.has(p.hash)) {
      boilerplateParagraphsRemoved++;
      continue;
    }
    const out: StoredParagraph = { ...p.paragraph };
    if (p.hash) {
      out.hash = p.hash;
      const firstSeen = infoByHash.get(p.hash)?.firstSeen;
      if (firstSeen && firstSeen.articleId !== selfId) {
        out.firstSeen = firstSeen;
        paragraphsFirstSeenElsewhere++;
      }
      kept.push(p);
    }
    stored.push(out);
  }
  const paragraphHashes = unique(kept.map((p) => p.hash as string));
  const stats = { boilerplateParagraphsRemoved, paragraphsFirstSeenElsewhere };
  if (paragraphHashes.length === 0) {
    return {
      paragraphs: stored,
      paragraphHashes,
      copyOf: previous?.copyOf,
      copies: previous?.copies ?? [],
      clusterId: previous?.clusterId ?? selfId,
      stats,
    };
  }

  const sketch = nearDuplicateSketch(
    unique(kept.map((p) => p.normalized)),
    true,
  );
  const sketchExcluding = (hashes: ReadonlySet<string>) => {
    const rest = kept.filter((p) => !hashes.has(p.hash as string));
    return rest.length > 0 ? toDecoded(nearDuplicateSketch(unique(rest.map((p) => p.normalized)), true)) : undefined;
  };
  const minhash = encodeSketch(sketch);
  const subject: SyndicationSubject = {
    ref,
    publishedAt: input.publishedAt,
    paragraphHashes,
    sketch: toDecoded(sketch),
    sketchExcluding,
    canonicalUrl: input.metadata.canonicalUrl,
    basedOnUrl: input.metadata.basedOnUrl,
    credits: creditedSources(input.paragraphs.map((p) => p.text)),
    previousClusterId: previous?.clusterId,
  };

  // 5. Exact candidates: articles that the index says share our paragraphs.
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
  const recordsById = new Map<string, ArticleRecord>();
  const candidates = await readCandidates(index, exactIds, sharedCount, refById, recordsById);
  // Per in-flight candidate set: who recorded first the paragraphs we share with them.
  const decide = () => {
    const inFlight = new Set(candidates.filter((c) => !c.paragraphHashes).map((c) => c.ref.articleId));
    const firstSeenCounts = new Map<string, number>();
    if (inFlight.size > 0) {
      for (const hash of paragraphHashes) {
        const info = infoByHash.get(hash);
        if (!info || !(inFlight.has(info.firstSeen.articleId) || info.articleIds.some((id) => inFlight.has(id)))) continue;
        firstSeenCounts.set(info.firstSeen.articleId, (firstSeenCounts.get(info.firstSeen.articleId) ?? 0) + 1);
      }
    }
    return decideSyndication({ ...subject, firstSeenCounts }, candidates);
  };
  let decision = decide();
  for (const delayMs of IN_FLIGHT_RECHECK_DELAYS_MS) {
    const waiting = decision.matches.filter((m) => !recordsById.has(m.articleId)).map((m) => m.articleId);
    if (waiting.length === 0) break;
    await delay(delayMs);
    const arrived = await readCandidates(index, waiting, sharedCount, refById, recordsById);
    let changed = false;
    for (const candidate of arrived) {
      if (!candidate.paragraphHashes) continue;
      const i = candidates.findIndex((c) => c.ref.articleId === candidate.ref.articleId);
      if (i >= 0) candidates[i] = candidate;
      changed = true;
    }
    if (changed) decision = decide();
  }

  // 6. Near-duplicate candidates, only when exact paragraphs found no copy.
  if (decision.matches.length === 0) {
    const perKey = await Promise.all(sketchQueryKeys(sketch).map((key) => index.findByFingerprintKeys(selfId, [key])));
    const keyHits = new Map<string, number>();
    const alreadyRead = new Set(exactIds);
    for (const ids of perKey) {
      for (const id of unique(ids)) if (id !== selfId && !alreadyRead.has(id)) keyHits.set(id, (keyHits.get(id) ?? 0) + 1);
    }
    const fingerprintIds = topByCount(keyHits, MAX_FINGERPRINT_CANDIDATES);
    if (fingerprintIds.length > 0) {
      candidates.push(...(await readCandidates(index, fingerprintIds, sharedCount, refById, recordsById)));
      decision = decide();
    }
  }

  // 7. Apply: mark the origin, index our keys when we are an origin.
  const originLink = decision.originCopyLink;
  // The origin's record (read as a candidate) shows whether an earlier run already linked us;
  // skipping the call then keeps a reprocess free of writes.
  const alreadyLinked = recordsById.get(originLink?.originId ?? '')?.copies.some((c) => c.articleId === selfId) ?? false;
  if (originLink && !alreadyLinked) {
    try {
      await index.addCopy(originLink.originId, originLink.link);
    } catch (error) {
      // The origin is in flight (its worker recorded paragraphs but has not stored its record):
      // our copyOf still names it; its copies list misses us until it or we are reprocessed.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  if (!decision.copyOf && index.setCopyOf) {
    // We are the origin: matched articles that were processed before us and took themselves for
    // the origin learn their origin now (they keep their cluster id, which we joined).
    for (const link of decision.copies) {
      const record = recordsById.get(link.articleId);
      if (!record || record.copyOf) continue;
      await index.setCopyOf(link.articleId, { articleId: selfId, url: ref.url, host: ref.host, overlap: link.overlap, method: link.method });
    }
  }
  let copyOf = decision.copyOf;
  let clusterId = decision.clusterId;
  if (decision.matches.length === 0 && previous?.copyOf) {
    // Data only grows, so a link found before and missed now is a capped-candidate artefact:
    // keep it rather than flip the article out of its cluster.
    copyOf = previous.copyOf;
    clusterId = previous.clusterId ?? clusterId;
  }
  if (!copyOf) {
    const alreadyIndexed = previous !== undefined && !previous.copyOf && previous.minhash === minhash;
    if (!alreadyIndexed) await index.putFingerprintKeys(selfId, sketchIndexKeys(sketch));
  }

  return {
    paragraphs: stored,
    paragraphHashes,
    copyOf,
    copies: mergeCopies(decision.copies, previous?.copies ?? [], selfId),
    clusterId,
    minhash,
    stats,
  };
}

async function readCandidates(
  index: DedupIndex,
  ids: readonly string[],
  sharedCount: ReadonlyMap<string, number>,
  refById: ReadonlyMap<string, ArticleRef>,
  recordsById: Map<string, ArticleRecord>,
): Promise<SyndicationCandidate[]> {
  if (ids.length === 0) return [];
  const records = await index.getArticles(ids);
  for (const record of records) recordsById.set(record.id, record);
  const byId = new Map(records.map((r) => [r.id, r]));
  const candidates: SyndicationCandidate[] = [];
  for (const id of ids) {
    const record = byId.get(id);
    const sharedFromIndex = sharedCount.get(id) ?? 0;
    if (record) {
      candidates.push({
        ref: { articleId: record.id, url: record.url, host: record.host, seenAt: record.fetchedAt },
        publishedAt: record.publishedAt,
        paragraphHashes: record.paragraphHashes,
        sharedFromIndex,
        sketch: decodeSketch(record.minhash),
        canonicalUrl: record.canonicalUrl,
        siteName: record.siteName,
        copyOf: record.copyOf,
        clusterId: record.clusterId,
      });
    } else {
      // In flight: another worker recorded its paragraphs but has not stored its record yet.
      const ref = refById.get(id);
      if (ref) candidates.push({ ref, sharedFromIndex });
    }
  }
  return candidates;
}

function mergeCopies(fresh: readonly CopyLink[], previous: readonly CopyLink[], selfId: string): CopyLink[] {
  const byId = new Map<string, CopyLink>();
  for (const link of previous) if (link.articleId !== selfId) byId.set(link.articleId, link);
  for (const link of fresh) byId.set(link.articleId, link);
  return [...byId.values()];
}

function topByCount(counts: ReadonlyMap<string, number>, limit: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([id]) => id);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
