import { describe, expect, it } from 'vitest';
import { everySourceFailed, formatSummary } from '../../functions/cli/summary';
import { describeFailure, FetchError, RobotsDisallowedError } from '../../functions/errors';
import type { IngestSummary } from '../../functions/pipeline/run-ingest';

function summaryOf(change: Partial<IngestSummary>): IngestSummary {
  return {
    sources: 1,
    sourcesNotDue: [],
    urlsRecovered: 0,
    documentsFetched: 0,
    documentsUnchanged: 0,
    urlsQueued: 0,
    urlsAlreadyKnown: 0,
    pagesFetched: 0,
    articlesStored: 0,
    articlesUnchanged: 0,
    paragraphs: 0,
    repeatedParagraphsRemoved: 0,
    boilerplateParagraphsRemoved: 0,
    paragraphsFirstSeenElsewhere: 0,
    syndicatedArticles: [],
    skipped: [],
    failed: [],
    discoverErrors: [],
    ...change,
  };
}

const where = { archiveDir: '/d/archive', dataDir: '/d' };
const PAGE = 'http://news.example/a.html';
const failure = (error: FetchError) => ({ url: PAGE, reason: error.reason, detail: describeFailure(error) });

describe('formatSummary: the lines a new user reads', () => {
  it('names each failed URL once, without class names, and says whether it is retried', () => {
    const gone = new FetchError(PAGE, 'http-404', 'HTTP 404', { status: 404 });
    const pdf = new FetchError(
      PAGE,
      'unsupported-content-type',
      'content type application/pdf is not one of text/html',
    );
    const busy = new FetchError(PAGE, 'http-503', 'HTTP 503', { retryable: true });
    const text = formatSummary(
      summaryOf({
        articlesStored: 1,
        failed: [failure(gone), failure(pdf), { ...failure(busy), retryAt: '2026-12-08T01:00:00.000Z' }],
        skipped: [
          {
            url: PAGE,
            reason: 'robots-disallowed',
            detail: describeFailure(new RobotsDisallowedError(PAGE)),
          },
        ],
      }),
      where,
    );
    const problems = text.split('\n').filter((l) => /^(failed|skipped|discovery)/.test(l));
    expect(problems).toEqual([
      `failed: ${PAGE}: http-404: HTTP 404 (recorded; not retried)`,
      `failed: ${PAGE}: unsupported-content-type: content type application/pdf is not one of text/html (recorded; not retried)`,
      `failed: ${PAGE}: http-503: HTTP 503 (recorded; retried by a run from 2026-12-08T01:00:00.000Z)`,
      `skipped: ${PAGE}: robots-disallowed: disallowed by robots.txt`,
    ]);
    expect(text).not.toMatch(/Error:|if transient/);
    expect(text).toContain('Clean copies: /d/archive/clean/');
  });

  it('says so, and points at no archive, when nothing was stored and every source failed', () => {
    const summary = summaryOf({
      discoverErrors: [
        {
          sourceId: 'news',
          url: 'http://news.example/feed.xml',
          reason: 'robots-unavailable',
          detail: 'http://news.example/robots.txt could not be read (connection-refused)',
        },
      ],
    });
    expect(everySourceFailed(summary)).toBe(true);
    const text = formatSummary(summary, where);
    expect(text).toContain('Nothing was stored: every source failed (1 problem above).');
    expect(text).not.toContain('Clean copies');
  });

  it('a run that stored nothing new because everything was seen is not a failure', () => {
    expect(everySourceFailed(summaryOf({ urlsAlreadyKnown: 5 }))).toBe(false);
    expect(
      everySourceFailed(
        summaryOf({ documentsUnchanged: 2, failed: [failure(new FetchError(PAGE, 'http-404', 'HTTP 404'))] }),
      ),
    ).toBe(false);
    expect(everySourceFailed(summaryOf({}))).toBe(false);
    expect(
      everySourceFailed(
        summaryOf({ articlesStored: 1, failed: [failure(new FetchError(PAGE, 'http-404', 'HTTP 404'))] }),
      ),
    ).toBe(false);
  });

  it('labels known test cases', () => {
    const text = formatSummary(
      summaryOf({ articlesStored: 1, failed: [failure(new FetchError(PAGE, 'http-404', 'HTTP 404'))] }),
      { ...where, testCaseOf: (url) => (url === PAGE ? 'demo test case: a page that is gone' : undefined) },
    );
    expect(text).toContain(
      `failed: ${PAGE}: http-404: HTTP 404 (recorded; not retried) [demo test case: a page that is gone]`,
    );
  });
});

describe('describeFailure', () => {
  it('drops the URL a FetchError starts with, and class names; a bug says it is one', () => {
    expect(describeFailure(new FetchError(PAGE, 'http-404', 'HTTP 404'))).toBe('HTTP 404');
    expect(describeFailure(new TypeError('x is undefined'))).toBe('internal error: x is undefined');
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'a.tsv'"), {
      code: 'ENOENT',
      path: 'a.tsv',
    });
    expect(describeFailure(missing)).toBe('a.tsv: no such file or directory');
  });
});
