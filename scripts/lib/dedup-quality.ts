/**
 * Quality figures of bench:dedup against the generator's truth: pair precision/recall per copy
 * kind, false pairs on stock phrases and shared long quotations, stories merged together, origin
 * accuracy over every member of a syndicated story, and updates counted as syndication.
 */
import type { ArticleRecord, StoryOrigin } from '../../functions/core/article';
import { clusterOf, withCurrentOrigin } from '../../functions/core/dedup/current-origin';
import { normalizeParagraph } from '../../functions/core/dedup/normalize-paragraph';
import { STOCK_SENTENCES, type CopyKind, type SyntheticArticle } from './synthetic-news';

/** Pair labels, most specific first: a pair is labelled by the "strongest" kind among its two members. */
export const PAIR_KINDS = ['excerpt', 'update', 'aggregator', 'edited', 'exact'] as const;
export type PairKind = (typeof PAIR_KINDS)[number];

export interface PairCounts {
  truth: number;
  predicted: number;
  correct: number;
}

export interface DedupQuality {
  pairs: Record<PairKind, PairCounts>;
  all: PairCounts;
  /** Predicted pairs of different stories, and those whose two articles share a stock sentence / a quotation. */
  falsePairs: number;
  falsePairsSharingStock: number;
  falsePairsSharingQuotation: number;
  /** Clusters holding more than one story. */
  mixedClusters: number;
  /** Pairs of different stories sharing a stock sentence or a long quotation (the traps). */
  trapPairs: { stock: number; quotation: number };
  /** Members of stories with at least two articles whose view names the true origin. */
  origin: {
    members: number;
    correct: number;
    byKind: Record<CopyKind, { members: number; correct: number }>;
  };
  /** Updates whose relation is not `update` (counted as syndication to another publisher). */
  updatesAsSyndication: number;
  updates: number;
  /** Excerpts whose relation is `excerpt`. */
  excerptsLabelled: number;
  excerpts: number;
}

function pairKind(a: SyntheticArticle, b: SyntheticArticle): PairKind {
  for (const kind of PAIR_KINDS) {
    if (kind === 'exact') return 'exact';
    if (a.kind === kind || b.kind === kind) return kind;
  }
  return 'exact';
}

/**
 * Computes the figures. `records` are the stored records; `origins` the index's current origin per
 * cluster id (`getStoryOrigins`), so clusters merged since a record was written count as one and
 * every member is judged by the origin the views show.
 */
export function measureQuality(
  stream: readonly SyntheticArticle[],
  records: ReadonlyMap<string, ArticleRecord>,
  origins: ReadonlyMap<string, StoryOrigin>,
): DedupQuality {
  const view = new Map<string, ArticleRecord>();
  for (const [id, record] of records) view.set(id, withCurrentOrigin(record, origins.get(clusterOf(record))));
  const clusterOfId = (id: string) => view.get(id)?.clusterId ?? id;

  const byCluster = new Map<string, SyntheticArticle[]>();
  const byStory = new Map<string, SyntheticArticle[]>();
  for (const a of stream) {
    const c = clusterOfId(a.id);
    byCluster.set(c, [...(byCluster.get(c) ?? []), a]);
    byStory.set(a.storyId, [...(byStory.get(a.storyId) ?? []), a]);
  }
  const zero = (): PairCounts => ({ truth: 0, predicted: 0, correct: 0 });
  const pairs = Object.fromEntries(PAIR_KINDS.map((k) => [k, zero()])) as Record<PairKind, PairCounts>;
  const stock = new Set(STOCK_SENTENCES.map(normalizeParagraph));
  const texts = new Map(
    stream.map((a) => [a.id, new Set(a.paragraphs.map((p) => normalizeParagraph(p.text)))]),
  );
  const sharesStock = (a: SyntheticArticle, b: SyntheticArticle) => {
    const tb = texts.get(b.id) as Set<string>;
    for (const t of texts.get(a.id) as Set<string>) if (stock.has(t) && tb.has(t)) return true;
    return false;
  };
  const sharesQuotation = (a: SyntheticArticle, b: SyntheticArticle) =>
    a.quotation !== undefined && a.quotation === b.quotation;

  let falsePairs = 0;
  let falseStock = 0;
  let falseQuotation = 0;
  let mixedClusters = 0;
  for (const members of byCluster.values()) {
    if (new Set(members.map((m) => m.storyId)).size > 1) mixedClusters++;
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) {
        const [a, b] = [members[i], members[j]];
        const c = pairs[pairKind(a, b)];
        c.predicted++;
        if (a.storyId === b.storyId) c.correct++;
        else {
          falsePairs++;
          if (sharesStock(a, b)) falseStock++;
          if (sharesQuotation(a, b)) falseQuotation++;
        }
      }
  }
  for (const members of byStory.values())
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) pairs[pairKind(members[i], members[j])].truth++;

  // The traps: different-story pairs that share a quotation (all) or a stock sentence (counted by sentence).
  const trapPairs = { stock: 0, quotation: 0 };
  const byQuotation = new Map<string, SyntheticArticle[]>();
  for (const a of stream)
    if (a.quotation) byQuotation.set(a.quotation, [...(byQuotation.get(a.quotation) ?? []), a]);
  for (const group of byQuotation.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++)
        if (group[i].storyId !== group[j].storyId) trapPairs.quotation++;
  const byStock = new Map<string, SyntheticArticle[]>();
  for (const a of stream)
    for (const t of texts.get(a.id) as Set<string>)
      if (stock.has(t)) byStock.set(t, [...(byStock.get(t) ?? []), a]);
  for (const group of byStock.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) if (group[i].storyId !== group[j].storyId) trapPairs.stock++;

  const kinds: CopyKind[] = ['original', 'exact', 'edited', 'aggregator', 'excerpt', 'update'];
  const origin = {
    members: 0,
    correct: 0,
    byKind: Object.fromEntries(
      kinds.map((k) => [k, { members: 0, correct: 0 }]),
    ) as DedupQuality['origin']['byKind'],
  };
  const present = new Set(stream.map((a) => a.id));
  for (const members of byStory.values()) {
    if (members.length < 2 || !present.has(members[0].originId)) continue;
    for (const a of members) {
      const right = (view.get(a.id)?.originId ?? a.id) === a.originId;
      origin.members++;
      origin.byKind[a.kind].members++;
      if (right) {
        origin.correct++;
        origin.byKind[a.kind].correct++;
      }
    }
  }
  const updates = stream.filter((a) => a.kind === 'update' && present.has(a.originId));
  const excerpts = stream.filter((a) => a.kind === 'excerpt' && present.has(a.originId));
  const all = PAIR_KINDS.reduce(
    (sum, k) => ({
      truth: sum.truth + pairs[k].truth,
      predicted: sum.predicted + pairs[k].predicted,
      correct: sum.correct + pairs[k].correct,
    }),
    zero(),
  );
  return {
    pairs,
    all,
    falsePairs,
    falsePairsSharingStock: falseStock,
    falsePairsSharingQuotation: falseQuotation,
    mixedClusters,
    trapPairs,
    origin,
    updatesAsSyndication: updates.filter((a) => view.get(a.id)?.relation !== 'update').length,
    updates: updates.length,
    excerptsLabelled: excerpts.filter((a) => view.get(a.id)?.relation === 'excerpt').length,
    excerpts: excerpts.length,
  };
}

/** The figures as the bench prints them. */
export function formatQuality(q: DedupQuality): string {
  const ratio = (x: number, n: number) => (n === 0 ? '   n/a' : (x / n).toFixed(4));
  const lines = ['pairs (same story cluster)   true pairs  predicted  correct  precision  recall'];
  for (const key of [...PAIR_KINDS, 'all'] as const) {
    const c = key === 'all' ? q.all : q.pairs[key];
    lines.push(
      `${key.padEnd(28)}${String(c.truth).padStart(11)}${String(c.predicted).padStart(11)}${String(c.correct).padStart(9)}  ${ratio(c.correct, c.predicted).padStart(9)}  ${ratio(c.correct, c.truth).padStart(6)}`,
    );
  }
  lines.push(
    `false pairs: ${q.falsePairs} (sharing a stock sentence: ${q.falsePairsSharingStock} of ${q.trapPairs.stock} such different-story pairs; sharing a long quotation: ${q.falsePairsSharingQuotation} of ${q.trapPairs.quotation}); clusters mixing stories: ${q.mixedClusters}`,
  );
  const kinds = Object.entries(q.origin.byKind)
    .filter(([, v]) => v.members > 0)
    .map(([k, v]) => `${k} ${ratio(v.correct, v.members)} (${v.members})`)
    .join(', ');
  lines.push(
    `origin accuracy (originId = true origin, every member of a syndicated story): ${ratio(q.origin.correct, q.origin.members)} of ${q.origin.members}; by kind: ${kinds}`,
  );
  lines.push(
    `relations: excerpts labelled excerpt ${q.excerptsLabelled}/${q.excerpts}; updates counted as syndication ${q.updatesAsSyndication}/${q.updates}`,
  );
  return lines.join('\n');
}
