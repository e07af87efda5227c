import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoTestCases, runDemo } from '../../functions/cli/commands/demo';
import { loadConfig } from '../../functions/config';
import { openLocalPipeline } from '../../functions/cli/local-pipeline';
import type { CleanCopy, StoredCleanCopy } from '../../functions/core/article';
import { silentLog } from '../../functions/pipeline/deps';
import type { IngestSummary } from '../../functions/pipeline/run-ingest';
import { QueryCore, type StoryView } from '../../functions/query/query-core';

/** Every file under a directory with its content, to prove a later run changed nothing stored. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.set(p, await readFile(p, 'base64'));
    }
  };
  await walk(dir);
  return out;
}

/** The current line of each article in the clean bundles (highest version, then latest storedAt). */
async function cleanCopies(archiveDir: string): Promise<StoredCleanCopy[]> {
  const files = [...(await snapshot(join(archiveDir, 'clean'))).keys()];
  const lines = (
    await Promise.all(files.map(async (f) => (await readFile(f, 'utf8')).trimEnd().split('\n')))
  ).flat();
  const newest = new Map<string, StoredCleanCopy>();
  for (const line of lines.map((l) => JSON.parse(l) as StoredCleanCopy)) {
    const best = newest.get(line.id);
    if (
      !best ||
      line.version > best.version ||
      (line.version === best.version && (line.storedAt ?? '') > (best.storedAt ?? ''))
    )
      newest.set(line.id, line);
  }
  return [...newest.values()];
}

describe('npm start demo, end to end', () => {
  let dataDir: string;
  let first: IngestSummary;
  /** Clean copies as stored, the current line of each (what Athena's clean_latest reads). */
  let copies: StoredCleanCopy[];
  /** The same articles through the query API (stored copy + the index's links), and their stories. */
  const api = new Map<string, { copy: CleanCopy; story: StoryView }>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    first = await runDemo(config, { concurrency: 4, verbose: false, progressBar: false });
    copies = await cleanCopies(join(dataDir, 'archive'));
    const pipeline = await openLocalPipeline(config, { log: silentLog });
    try {
      const core = new QueryCore({ index: pipeline.index, archive: pipeline.deps.archive });
      for (const c of copies)
        api.set(c.id, { copy: await core.getCleanCopy(c.id), story: await core.getStory(c.id) });
    } finally {
      await pipeline.close();
    }
  }, 120_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores the articles of every publisher', () => {
    expect(first.articlesStored).toBeGreaterThanOrEqual(8);
    const hosts = new Set(copies.map((c) => c.host));
    expect(hosts).toEqual(new Set(['dailyplanet.example', 'metroherald.example', 'wirewatch.example']));
    expect(copies.length).toBe(first.articlesStored);
  });

  it("keeps the aggregator's republished story once, without disclaimer, popular list or comments", () => {
    const aggregated = copies.filter(
      (c) => c.host === 'wirewatch.example' && c.copyOf?.host === 'dailyplanet.example',
    );
    expect(aggregated.length).toBeGreaterThanOrEqual(1);
    for (const copy of aggregated) {
      const origin = copies.find((c) => c.id === copy.copyOf!.articleId)!;
      expect(origin).toBeDefined();
      // The body appears exactly once: same paragraph count as the original, no paragraph twice.
      const texts = copy.paragraphs.map((p) => p.text);
      expect(new Set(texts).size).toBe(texts.length);
      expect(copy.stats.repeatedParagraphsRemoved).toBeGreaterThan(0);
      expect(copy.text).not.toMatch(/Legal Disclaimer|Most popular stories|No comment/i);
      for (const p of origin.paragraphs) expect(texts).toContain(p.text);
      // Marked both ways: the copy points at the origin, and the origin lists the copy through the
      // query API (the list lives in the index; the origin's stored copy is written once, without it).
      expect(api.get(origin.id)!.copy.copies.map((c) => c.articleId)).toContain(copy.id);
      expect(api.get(copy.id)!.copy.copyOf?.articleId).toBe(origin.id);
      expect(api.get(origin.id)!.story.members.map((m) => m.id)).toContain(copy.id);
      expect('copies' in origin).toBe(false);
      // The current stored line (what Athena's clean_latest reads) names the story's origin and
      // the copy's relation to it, whichever of the two was crawled first.
      expect(copy.originId).toBe(origin.id);
      expect(copy.relation).not.toBe('original');
      expect(origin.relation ?? 'original').toBe('original');
      // Provenance links the pair: whichever of the two was crawled first is where the shared
      // paragraphs were first seen (crawlers may reach the copy before the original).
      const copyPointsToOrigin = copy.paragraphs.some((p) => p.firstSeen?.articleId === origin.id);
      const originPointsToCopy = origin.paragraphs.some((p) => p.firstSeen?.articleId === copy.id);
      expect(copyPointsToOrigin || originPointsToCopy).toBe(true);
    }
  });

  it("stores every copy's current line with its origin and relation, not as an original", () => {
    const copyLines = copies.filter((c) => c.copyOf);
    expect(copyLines.length).toBeGreaterThanOrEqual(2);
    for (const line of copyLines) {
      expect(line.originId, line.url).not.toBe(line.id);
      expect(line.relation, line.url).not.toBe('original');
    }
  });

  it("clusters the aggregator's edited copy with its origin, whichever was crawled first", () => {
    // The run's summary reports both copies, whatever order they were crawled in.
    expect(first.syndicatedArticles.map((s) => `${s.host}<${s.copyOf.host}`).sort()).toEqual([
      'wirewatch.example<dailyplanet.example',
      'wirewatch.example<metroherald.example',
    ]);
    const edited = copies.filter(
      (c) => c.host === 'wirewatch.example' && c.copyOf?.host === 'metroherald.example',
    );
    expect(edited.length).toBeGreaterThanOrEqual(1);
    for (const copy of edited) {
      const origin = copies.find((c) => c.id === copy.copyOf!.articleId)!;
      expect(api.get(origin.id)!.copy.copies.map((c) => c.articleId)).toContain(copy.id);
      expect(api.get(copy.id)!.story.members.map((m) => m.id)).toEqual(
        expect.arrayContaining([origin.id, copy.id]),
      );
      // Stored and API copies agree on the link, even when the copy was crawled before its origin.
      expect(api.get(copy.id)!.copy.copyOf).toEqual(copy.copyOf);
      expect(copy.clusterId).toBe(origin.clusterId ?? origin.id);
    }
  });

  it("removes the host's boilerplate once counts have learned it", () => {
    const membership = /The Metro Herald has reported on Bayview and its eleven wards since 1911/;
    expect(first.boilerplateParagraphsRemoved).toBeGreaterThan(0);
    const herald = copies.filter((c) => c.host === 'metroherald.example');
    expect(herald.some((c) => c.stats.boilerplateParagraphsRemoved > 0 && !membership.test(c.text))).toBe(
      true,
    );
  });

  it('reports bad inputs with the URL and the reason, and the run goes on', () => {
    const problems = [
      ...first.discoverErrors.map((e) => `${e.url} ${e.reason} ${e.detail}`),
      ...first.failed.map((f) => `${f.url} ${f.reason} ${f.detail}`),
      ...first.skipped.map((s) => `${s.url} ${s.reason} ${s.detail}`),
    ].join('\n');
    expect(problems).toMatch(/offline-gazette\.example.*(dns|connect|unreachable|refused|not found)/i);
    expect(problems).toMatch(/annual-report\.pdf.*content-type/i);
    expect(problems).toMatch(/empty\.html.*empty/i);
    expect(problems).toMatch(/404/);
  });

  it("labels every problem of the run as one of the demo's deliberate test cases", async () => {
    const testCaseOf = await loadDemoTestCases();
    const urls = [
      ...first.discoverErrors.map((e) => e.url),
      ...first.failed.map((f) => f.url),
      ...first.skipped.map((s) => s.url),
    ];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(testCaseOf(url), url).toMatch(/^demo test case: /);
    expect(
      testCaseOf('http://dailyplanet.example/news/2026/11/23/harbour-street-bridge-reopens.html'),
    ).toBeUndefined();
    // Failure details name the URL once (the line does) and carry no class names.
    for (const f of [...first.failed, ...first.skipped]) {
      expect(f.detail, f.url).not.toContain(f.url);
      expect(f.detail, f.url).not.toMatch(/[A-Z][a-zA-Z]+Error:/);
    }
  });

  it('a second run finds everything already seen and changes nothing stored', async () => {
    const before = await snapshot(join(dataDir, 'archive'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const second = await runDemo(config, { concurrency: 4, verbose: false, progressBar: false });
    expect(second.articlesStored).toBe(0);
    // Feeds and sitemaps answer 304 to the conditional GET, or list only URLs already claimed.
    expect(second.documentsUnchanged + second.urlsAlreadyKnown).toBeGreaterThan(0);
    expect(second.urlsQueued).toBe(0);
    const after = await snapshot(join(dataDir, 'archive'));
    expect(after).toEqual(before);
  }, 120_000);
});
