import type { ArticleRecord, ArticleRef } from '../../core/article';
import { isHostBoilerplate, shouldRecordForHostCount } from '../../core/dedup/boilerplate';
import { NORMALIZATION_VERSION } from '../../core/dedup/normalize-paragraph';
import type { DedupIndex, ParagraphInfo } from '../../ports/dedup-index';
import { unique, type PreparedParagraph } from './prepare-paragraphs';

/** What the index knows about the page's paragraphs once they are recorded. */
export interface RecordedSightings {
  /** Every hash of the page the index knows, after this page's sightings. */
  infoByHash: Map<string, ParagraphInfo>;
  /** Hashes that are the host's boilerplate (removed from the clean copy). */
  boilerplate: Set<string>;
}

/**
 * Steps 2-4 of `dedupArticle`: one batched `lookupParagraphs` with the host's page counts; the
 * host's boilerplate ({@link isHostBoilerplate}), still recorded until its count proves it so a
 * reprocess of the cold-start pages removes it there too; `recordParagraphs` for the hashes this
 * page has not recorded yet (first-seen decided atomically by the store; a reprocess records
 * nothing and changes no count).
 */
export async function recordSightings(
  index: DedupIndex,
  ref: ArticleRef,
  prepared: readonly PreparedParagraph[],
  previous: ArticleRecord | undefined,
): Promise<RecordedSightings> {
  const selfId = ref.articleId;
  const allHashes = unique(prepared.flatMap((p) => (p.hash ? [p.hash] : [])));
  const known = await index.lookupParagraphs(allHashes, ref.host);
  const previouslyRecorded = new Set(previous?.paragraphHashes ?? []);
  const boilerplate = new Set<string>();
  const toRecord: string[] = [];
  for (const hash of allHashes) {
    const info = known.get(hash);
    const countedThisPage =
      previouslyRecorded.has(hash) ||
      (info !== undefined && (info.firstSeen.articleId === selfId || info.articleIds.includes(selfId)));
    const count = { hostPageCount: info?.hostPageCounts[ref.host] ?? 0, countedThisPage };
    const isBoilerplate = isHostBoilerplate(count);
    if (isBoilerplate) boilerplate.add(hash);
    if (isBoilerplate ? shouldRecordForHostCount(count) : !countedThisPage) toRecord.push(hash);
  }
  const sightings =
    toRecord.length > 0 ? await index.recordParagraphs(ref, toRecord, NORMALIZATION_VERSION) : [];
  const infoByHash = new Map<string, ParagraphInfo>(known);
  for (const sighting of sightings) infoByHash.set(sighting.hash, sighting);
  return { infoByHash, boilerplate };
}
