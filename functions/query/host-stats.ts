import type { ArticleRecord } from '../core/article';

/** Extraction and dedup figures of one host over a day range (see `hostStatsSchema`). */
export interface HostStats {
  host: string;
  from?: string;
  to?: string;
  articles: number;
  paragraphsKept: number;
  repeatedParagraphsRemoved: number;
  boilerplateParagraphsRemoved: number;
  paragraphsFirstSeenElsewhere: number;
  repeatedParagraphRatio: number;
  boilerplateRatio: number;
  firstSeenElsewhereRatio: number;
  syndicatedArticles: number;
  syndicatedShare: number;
  articlesWithCopies: number;
  complete: boolean;
}

/**
 * Sums article records into host figures, one page at a time, so a scan holds one page in memory.
 *
 * @example
 * const totals = new HostStatsAccumulator();
 * for (const page of pages) totals.add(page.items);
 * totals.result({ host: 'example.com', complete: true });
 */
export class HostStatsAccumulator {
  private articles = 0;
  private kept = 0;
  private repeated = 0;
  private boilerplate = 0;
  private firstSeenElsewhere = 0;
  private syndicated = 0;
  private withCopies = 0;

  /** Number of records added so far. */
  get count(): number {
    return this.articles;
  }

  add(records: readonly ArticleRecord[]): void {
    for (const r of records) {
      this.articles += 1;
      this.kept += r.paragraphCount;
      this.repeated += r.stats.repeatedParagraphsRemoved;
      this.boilerplate += r.stats.boilerplateParagraphsRemoved;
      this.firstSeenElsewhere += r.stats.paragraphsFirstSeenElsewhere;
      if (r.copyOf) this.syndicated += 1;
      if (r.copies.length > 0) this.withCopies += 1;
    }
  }

  result(scope: { host: string; from?: string; to?: string; complete: boolean }): HostStats {
    const extracted = this.kept + this.repeated + this.boilerplate;
    return {
      host: scope.host,
      ...(scope.from ? { from: scope.from } : {}),
      ...(scope.to ? { to: scope.to } : {}),
      articles: this.articles,
      paragraphsKept: this.kept,
      repeatedParagraphsRemoved: this.repeated,
      boilerplateParagraphsRemoved: this.boilerplate,
      paragraphsFirstSeenElsewhere: this.firstSeenElsewhere,
      repeatedParagraphRatio: share(this.repeated, extracted),
      boilerplateRatio: share(this.boilerplate, extracted),
      firstSeenElsewhereRatio: share(this.firstSeenElsewhere, this.kept),
      syndicatedArticles: this.syndicated,
      syndicatedShare: share(this.syndicated, this.articles),
      articlesWithCopies: this.withCopies,
      complete: scope.complete,
    };
  }
}

/** A ratio rounded to 4 decimals; 0 when there is nothing to divide. */
function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}
