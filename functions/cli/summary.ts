import type { IngestSummary } from '../pipeline/run-ingest';

/** Renders rows as an aligned two-column table. */
export function table(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => String(v).length));
  const rule = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  return [
    rule,
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${String(v).padStart(valueWidth)} |`),
    rule,
  ].join('\n');
}

/**
 * True when a run stored nothing, found nothing already known, and met failures: every source
 * failed. The CLI then says so and exits non-zero instead of pointing at an empty archive.
 */
export function everySourceFailed(summary: IngestSummary): boolean {
  return (
    summary.articlesStored === 0 &&
    summary.articlesUnchanged === 0 &&
    summary.documentsUnchanged === 0 &&
    summary.urlsAlreadyKnown === 0 &&
    summary.failed.length + summary.discoverErrors.length > 0
  );
}

/** Options of {@link formatSummary}. */
export interface SummaryPlaces {
  archiveDir: string;
  dataDir: string;
  /** A label for a problem whose URL is a known test case (the demo's deliberate faults), shown in brackets. */
  testCaseOf?: (url: string) => string | undefined;
}

/**
 * The run summary a user reads after an ingest: totals, then every problem with its reason (the
 * URL once, no class names), whether it will be retried, and its test-case label if it has one.
 */
export function formatSummary(summary: IngestSummary, where: SummaryPlaces): string {
  const out: string[] = [];
  out.push(
    table([
      ['sources', summary.sources],
      ['feeds and sitemaps read', summary.documentsFetched],
      ['feeds and sitemaps unchanged (304)', summary.documentsUnchanged],
      ['URLs queued (new or changed)', summary.urlsQueued],
      ['URLs already seen (not queued)', summary.urlsAlreadyKnown],
      ['pages fetched', summary.pagesFetched],
      ['articles stored', summary.articlesStored],
      ['articles unchanged', summary.articlesUnchanged],
      ['paragraphs stored', summary.paragraphs],
      ['repeated paragraphs removed within pages', summary.repeatedParagraphsRemoved],
      ['learned boilerplate paragraphs removed', summary.boilerplateParagraphsRemoved],
      ['paragraphs first seen elsewhere', summary.paragraphsFirstSeenElsewhere],
      ['syndicated articles', summary.syndicatedArticles.length],
      ['skipped (not an article, robots)', summary.skipped.length],
      ['failed', summary.failed.length + summary.discoverErrors.length],
    ]),
  );
  if (summary.articlesStored === 0) {
    const seen = [
      summary.documentsUnchanged
        ? `${summary.documentsUnchanged} feeds and sitemaps unchanged since the last run`
        : '',
      summary.urlsAlreadyKnown ? `${summary.urlsAlreadyKnown} discovered URLs already seen` : '',
      summary.articlesUnchanged ? `${summary.articlesUnchanged} articles re-fetched with unchanged text` : '',
    ].filter(Boolean);
    if (seen.length) out.push('', `Nothing new: everything was already seen (${seen.join('; ')}).`);
  }
  for (const s of summary.syndicatedArticles) {
    out.push(
      `copy: ${s.host} article ${s.articleId} is a copy of ${s.copyOf.host} ${s.copyOf.articleId} (overlap ${(s.copyOf.overlap * 100).toFixed(0)}%, ${s.copyOf.method})`,
    );
  }
  const label = (url: string) => {
    const testCase = where.testCaseOf?.(url);
    return testCase ? ` [${testCase}]` : '';
  };
  const problems = [
    ...summary.discoverErrors.map(
      (e) => `discovery ${e.sourceId}: ${e.url}: ${e.reason}: ${e.detail}${label(e.url)}`,
    ),
    ...summary.failed.map(
      (f) =>
        `failed: ${f.url}: ${f.reason}: ${f.detail} (${f.retryAt ? `recorded; retried by a run from ${f.retryAt}` : 'recorded; not retried'})${label(f.url)}`,
    ),
    ...summary.skipped.map((s) => `skipped: ${s.url}: ${s.reason}: ${s.detail}${label(s.url)}`),
  ];
  if (problems.length) out.push('', ...problems);
  if (everySourceFailed(summary)) {
    out.push(
      '',
      `Nothing was stored: every source failed (${problems.length} problem${problems.length === 1 ? '' : 's'} above).`,
    );
    return out.join('\n');
  }
  out.push(
    '',
    `Clean copies: ${where.archiveDir}/clean/ (JSON Lines bundles), ${where.archiveDir}/text/ (Markdown and text)`,
  );
  return out.join('\n');
}
