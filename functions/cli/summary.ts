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

/** The run summary a user reads after an ingest: totals, then every problem with its reason. */
export function formatSummary(
  summary: IngestSummary,
  where: { archiveDir: string; dataDir: string },
): string {
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
  const problems = [
    ...summary.discoverErrors.map((e) => `discovery ${e.sourceId}: ${e.url}: ${e.reason}: ${e.detail}`),
    ...summary.failed.map(
      (f) =>
        `failed: ${f.url}: ${f.reason}: ${f.detail} (${f.retryAt ? `recorded; retried by a run from ${f.retryAt}` : 'recorded; not retried: this failure is permanent'})`,
    ),
    ...summary.skipped.map((s) => `skipped: ${s.url}: ${s.reason}: ${s.detail}`),
  ];
  if (problems.length) out.push('', ...problems);
  out.push(
    '',
    `Clean copies: ${where.archiveDir}/clean/ (JSON Lines bundles), ${where.archiveDir}/text/ (Markdown and text)`,
  );
  return out.join('\n');
}
