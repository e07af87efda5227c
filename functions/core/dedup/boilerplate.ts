/**
 * Learned host boilerplate: a paragraph that recurs on many distinct pages of one host is that
 * host's chrome (newsletter pitches, legal lines, "about us" blurbs, recurring promos), not
 * article text. Counts come from the dedup index (`hostPageCounts`), which counts distinct pages
 * (article ids) per host, so reprocessing one page never inflates them.
 *
 * Cold start: the first pages of a host keep such a paragraph, because when they are processed
 * the paragraph has not yet been seen on enough pages. From the page that brings the count to
 * {@link BOILERPLATE_MIN_HOST_PAGES} on, it is removed; a later reprocess of the first pages
 * (same article ids) sees the full count and removes it there too. To make that reprocess work,
 * boilerplate paragraphs keep being recorded until the stored count reaches the threshold, and
 * then are no longer written at all (no write cost for known boilerplate).
 *
 * Pure: no I/O.
 */

/**
 * Distinct pages of one host (this page included) on which a paragraph must appear to be that
 * host's boilerplate. Syndicated or original story text appears once per host (one page per
 * story); the same story under two URLs of one host (section + AMP, or a re-slugged update)
 * gives two. Three is the smallest count that is never reached by one story's copies on one
 * host in practice, and it keeps the cold-start window (pages still carrying the paragraph) to
 * two pages per host. Trade-off: a background paragraph a newsroom pastes into three or more of
 * its own stories ("The war began in February 2022 ...") is treated as that host's boilerplate
 * too; it stays attributed to its first article.
 */
export const BOILERPLATE_MIN_HOST_PAGES = 3;

/** What is known about one paragraph on the page's host. */
export interface HostParagraphCount {
  /** Distinct pages of the host known to the index to contain the paragraph. */
  hostPageCount: number;
  /** Whether this page is already among those counted (it was recorded by an earlier run). */
  countedThisPage: boolean;
}

/**
 * Whether a paragraph is the host's boilerplate.
 * @example
 * isHostBoilerplate({ hostPageCount: 2, countedThisPage: false }) // => true (3 pages with this one)
 * isHostBoilerplate({ hostPageCount: 2, countedThisPage: true })  // => false (2 pages in all)
 */
export function isHostBoilerplate(count: HostParagraphCount): boolean {
  return pagesIncludingThis(count) >= BOILERPLATE_MIN_HOST_PAGES;
}

/**
 * Whether the page should still record the paragraph (so its host count grows). True while the
 * stored count is below the threshold and this page is not yet counted: after that the count
 * already proves boilerplate and further writes would buy nothing.
 */
export function shouldRecordForHostCount(count: HostParagraphCount): boolean {
  return !count.countedThisPage && count.hostPageCount < BOILERPLATE_MIN_HOST_PAGES;
}

function pagesIncludingThis(count: HostParagraphCount): number {
  return count.hostPageCount + (count.countedThisPage ? 0 : 1);
}
