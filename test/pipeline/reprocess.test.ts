import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FILE,
  FileReprocessCheckpoint,
} from '../../functions/adapters/local/file-reprocess-checkpoint';
import { runLocalReprocess } from '../../functions/cli/commands/reprocess';
import type { CleanCopy } from '../../functions/core/article';
import { cleanKey } from '../../functions/archive-format/keys';
import { encodeCleanLine, readCleanCopy } from '../../functions/archive-format/clean-copies';
import { newestLines, pointsAt, readCleanLines } from '../helpers/clean-lines';
import { contentHash } from '../../functions/core/content-hash';
import {
  articleKey,
  listArticleKeys,
  reprocessArticleKey,
  reprocessRunKey,
  runReprocess,
  type ReprocessOptions,
} from '../../functions/pipeline/reprocess';
import { storeRawBundle } from '../../functions/archive-format/raw-pages';
import { seedArchive, type SeededArchive } from '../query/helpers/seed-archive';

/**
 * Every archive file and its bytes, except clean bundles (a reprocess stores each line again, in
 * a new bundle): those are compared by {@link cleanSnapshot}.
 */
async function archiveSnapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (!relative(dir, p).startsWith('clean'))
        out[relative(dir, p)] = (await readFile(p)).toString('base64');
    }
  };
  await walk(dir);
  return out;
}

/**
 * The clean lines as Athena's current view sees them, without their write time; and checks that a
 * day keeps no superseded line: every line is its article's newest, and its record points at it.
 */
async function cleanSnapshot(seeded: SeededArchive): Promise<unknown> {
  const lines = await readCleanLines(seeded.pipeline.deps.archive);
  const newest = newestLines(lines);
  expect(lines.length).toBe(newest.size);
  for (const line of newest.values())
    expect(pointsAt((await seeded.pipeline.index.getArticle(line.copy.id))!, line), line.copy.id).toBe(true);
  return [...newest.values()]
    .map(({ copy: { storedAt: _at, ...copy } }) => copy)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Every article record (without its clean pointer) and what the index knows about each of their paragraphs (counts, first-seen). */
async function indexSnapshot(seeded: SeededArchive): Promise<unknown> {
  const index = seeded.pipeline.index;
  const records = [];
  for (const host of (await index.listHosts()).sort())
    records.push(
      ...(await index.listArticles({ host, limit: 100 })).items.map(
        ({ cleanKey: _k, cleanOffset: _o, cleanLength: _l, ...r }) => r,
      ),
    );
  records.sort((a, b) => a.id.localeCompare(b.id));
  const hashes = [...new Set(records.flatMap((r) => r.paragraphHashes))].sort();
  const paragraphs = [...(await index.lookupParagraphs(hashes)).values()].sort((a, b) =>
    a.hash.localeCompare(b.hash),
  );
  return { records, paragraphs };
}

describe('reprocess from the raw archive (articles enumerated from the index, raw pages read by range, clean lines bundled)', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let checkpoint: FileReprocessCheckpoint;
  // No GC margin: the tests' bundles are all seconds old.
  const options = (extra: Partial<ReprocessOptions> = {}): ReprocessOptions => ({
    filter: {},
    checkpoint,
    cleanGcMarginMs: 0,
    ...extra,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reprocess-'));
    seeded = await seedArchive(dataDir);
    checkpoint = new FileReprocessCheckpoint(join(dataDir, CHECKPOINT_FILE));
  });
  afterAll(async () => {
    await seeded?.pipeline.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('re-runs every stored page without fetching, and a second run changes no line, byte or count; no superseded line is left', async () => {
    const cleanBefore = new Set(await fromAsync(seeded.pipeline.deps.archive.list('clean/')));
    const first = await runReprocess(seeded.pipeline.deps, options());
    // The first run may change text (boilerplate learned after an article was stored); see the restore test.
    expect(first).toMatchObject({
      keys: 10,
      stored: 10,
      superseded: 0,
      orphan: 0,
      failed: [],
      complete: true,
    });
    // The seeded bundles (one per page) are all superseded and deleted; the run's lines share a
    // bundle per day (4 days).
    expect(first.cleanObjectsDeleted).toBe(cleanBefore.size);
    const cleanAfter = await fromAsync(seeded.pipeline.deps.archive.list('clean/'));
    expect(cleanAfter.filter((k) => cleanBefore.has(k))).toEqual([]);
    expect(cleanAfter.length).toBeLessThanOrEqual(4 + 2);
    const archiveAfterFirst = await archiveSnapshot(seeded.pipeline.archiveDir);
    const cleanAfterFirst = await cleanSnapshot(seeded);
    const indexAfterFirst = await indexSnapshot(seeded);

    const second = await runReprocess(seeded.pipeline.deps, options());
    expect(second).toEqual({ ...first, textChanged: 0, cleanObjectsDeleted: cleanAfter.length });
    expect(await archiveSnapshot(seeded.pipeline.archiveDir)).toEqual(archiveAfterFirst);
    expect(await cleanSnapshot(seeded)).toEqual(cleanAfterFirst);
    expect(await indexSnapshot(seeded)).toEqual(indexAfterFirst);
  });

  it('keeps unreferenced bundles younger than the margin (their records may be on the way)', async () => {
    const archive = seeded.pipeline.deps.archive;
    const before = await fromAsync(archive.list('clean/'));
    const summary = await runReprocess(seeded.pipeline.deps, options({ cleanGcMarginMs: 60 * 60 * 1000 }));
    expect(summary.cleanObjectsDeleted).toBe(0);
    // The run's new bundles and every older one are still there.
    const after = await fromAsync(archive.list('clean/'));
    expect(before.every((k) => after.includes(k))).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
    await runReprocess(seeded.pipeline.deps, options());
  });

  it('a stopped run saves its checkpoint and the next run continues after it, ending in the same state', async () => {
    const before = await archiveSnapshot(seeded.pipeline.archiveDir);
    const cleanBefore = await cleanSnapshot(seeded);
    const controller = new AbortController();
    const done: string[] = [];
    const stopped = await runReprocess(
      seeded.pipeline.deps,
      options({
        articlesPerBundle: 2,
        signal: controller.signal,
        progress: { keyDone: (key) => done.push(key) === 4 && controller.abort() },
      }),
    );
    expect(stopped.complete).toBe(false);
    expect(done).toHaveLength(4);
    expect(await checkpoint.load(reprocessRunKey({}))).toBe(done[3]);

    const seen: string[] = [];
    const resumed = await runReprocess(
      seeded.pipeline.deps,
      options({ progress: { keyDone: (key) => seen.push(key) } }),
    );
    expect(resumed).toMatchObject({ resumedAfter: done[3], keys: 6, stored: 6, complete: true });
    expect([...done, ...seen]).toEqual(await fromAsync(listArticleKeys(seeded.pipeline.deps, {})));
    expect(
      [...done, ...seen].every((k) => /^dt=\d{4}-\d{2}-\d{2}\/host=[a-z.]+\/[0-9a-f]{32}$/.test(k)),
    ).toBe(true);
    expect(await checkpoint.load(reprocessRunKey({}))).toBeUndefined();
    expect(await archiveSnapshot(seeded.pipeline.archiveDir)).toEqual(before);
    expect(await cleanSnapshot(seeded)).toEqual(cleanBefore);
  });

  it('restores a clean copy whose extraction changed, and never rolls an article back to an older fetch', async () => {
    const index = seeded.pipeline.index;
    const archive = seeded.pipeline.deps.archive;
    const id = seeded.outcomes[1].kind === 'stored' ? seeded.outcomes[1].articleId : '';
    const record = (await index.getArticle(id))!;
    const copy = (await readCleanCopy(archive, record)) as CleanCopy;
    // What an older extractor might have stored: the last paragraph missing.
    const shorter = copy.paragraphs.slice(0, -1);
    const oldHash = contentHash(shorter.map((p) => p.text).join('\n\n'));
    const oldLine = encodeCleanLine({ ...copy, paragraphs: shorter, contentHash: oldHash });
    const oldKey = `clean/dt=${record.day}/bundle-2026-11-24T00-00-00-000Z-0123456789ab.jsonl`;
    await archive.put(oldKey, oldLine, 'application/x-ndjson');
    await index.putArticle({
      ...record,
      contentHash: oldHash,
      paragraphCount: shorter.length,
      cleanKey: oldKey,
      cleanOffset: 0,
      cleanLength: oldLine.byteLength,
    });
    // An earlier fetch of the same article, with different text, in an older bundle: it must not win.
    const draft = gzipSync(
      '<html><body><article><p>An early draft that was later replaced entirely by the published story text.</p></article></body></html>',
    );
    await storeRawBundle(archive, [draft], new Date('2026-11-01T00:00:00.000Z'));
    // A clean copy stored before bundling, left behind in another day partition (the article
    // moved): no record points at it, so the run deletes it.
    const stale = cleanKey('2026-11-01', record.host, record.id);
    await archive.put(stale, `${JSON.stringify(copy)}\n`, 'application/json');

    const summary = await runReprocess(seeded.pipeline.deps, options({ filter: { host: record.host } }));
    expect(summary).toMatchObject({ keys: 4, stored: 4, textChanged: 1, superseded: 0, failed: [] });
    expect(await archive.get(stale)).toBeUndefined();
    expect(await archive.get(oldKey)).toBeUndefined();
    const restored = (await index.getArticle(id))!;
    expect(restored.contentHash).toBe(record.contentHash);
    expect(restored.paragraphCount).toBe(copy.paragraphs.length);
    expect(restored).toMatchObject({
      rawKey: record.rawKey,
      rawOffset: record.rawOffset,
      rawLength: record.rawLength,
    });
    // The HTTP content type archived with the page is used again (and kept).
    expect(restored.rawContentType).toBe('text/html; charset=utf-8');
    expect((await readCleanCopy(archive, restored))!.paragraphs.at(-1)!.text).toBe(
      copy.paragraphs.at(-1)!.text,
    );
  });

  it('reads the raw page from its range of a shared bundle, and a pre-bundle object (no range) whole', async () => {
    const index = seeded.pipeline.index;
    const archive = seeded.pipeline.deps.archive;
    const id = seeded.outcomes[4].kind === 'stored' ? seeded.outcomes[4].articleId : '';
    const record = (await index.getArticle(id))!;
    const page = gunzipSync((await archive.getRange(record.rawKey!, record.rawOffset!, record.rawLength!))!);
    // The same page as the middle member of a three-page bundle: only its range is read.
    const others = [
      gzipSync('<html><body><p>another page before it</p></body></html>'),
      gzipSync('<html><body><p>and one after it</p></body></html>'),
    ];
    const [, middle] = await storeRawBundle(
      archive,
      [others[0], gzipSync(page), others[1]],
      new Date('2026-11-25T00:00:00.000Z'),
    );
    await index.putArticle({
      ...record,
      rawKey: middle.key,
      rawOffset: middle.offset,
      rawLength: middle.length,
    });
    expect(
      await reprocessArticleKey(seeded.pipeline.deps, articleKey(record.day, record.host, record.id)),
    ).toEqual({ kind: 'stored', articleId: id, textChanged: false });
    expect(await index.getArticle(id)).toMatchObject({
      rawKey: middle.key,
      rawOffset: middle.offset,
      rawLength: middle.length,
      contentHash: record.contentHash,
    });

    // Written before bundling: one gzip page per object, no range in the record.
    const legacyKey = `raw/dt=2026-11-24/host=${record.host}/${id}/2026-11-24T12-00-00-000Z.html.gz`;
    await archive.put(legacyKey, gzipSync(page), 'application/gzip');
    const { rawOffset: _o, rawLength: _l, ...legacy } = record;
    await index.putArticle({ ...legacy, rawKey: legacyKey });
    expect(
      await reprocessArticleKey(seeded.pipeline.deps, articleKey(record.day, record.host, record.id)),
    ).toEqual({ kind: 'stored', articleId: id, textChanged: false });
    expect(await index.getArticle(id)).toMatchObject({
      rawKey: legacyKey,
      rawOffset: 0,
      rawLength: gzipSync(page).byteLength,
    });

    // A range that is not there (the object shorter than the record says) is reported, not guessed at.
    await index.putArticle({
      ...record,
      rawKey: middle.key,
      rawOffset: middle.offset + 10_000,
      rawLength: middle.length,
    });
    expect(
      await reprocessArticleKey(seeded.pipeline.deps, articleKey(record.day, record.host, record.id)),
    ).toMatchObject({ kind: 'missing' });
    await index.putArticle(record);
  });

  it('filters by article day and host; bad filters are refused', async () => {
    const wire = await runReprocess(
      seeded.pipeline.deps,
      options({ filter: { host: 'wirewatch.example', from: '2026-11-24', to: '2026-11-24' } }),
    );
    expect(wire).toMatchObject({ keys: 2, stored: 2 });
    const day = await runReprocess(
      seeded.pipeline.deps,
      options({ filter: { from: '2026-11-22', to: '2026-11-23' } }),
    );
    expect(day).toMatchObject({ keys: 4, stored: 4 });
    const none = await runReprocess(
      seeded.pipeline.deps,
      options({ filter: { from: '2020-01-01', to: '2020-01-31' } }),
    );
    expect(none).toMatchObject({ keys: 0, stored: 0, complete: true });
    await expect(
      runReprocess(seeded.pipeline.deps, options({ filter: { from: '2026-11-30', to: '2026-11-01' } })),
    ).rejects.toThrow(/after/);
    await expect(
      runReprocess(seeded.pipeline.deps, options({ filter: { from: '24.11.2026' } })),
    ).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('the CLI command reprocesses the data directory and prints the totals', async () => {
    await seeded.pipeline.close();
    let printed = '';
    const out = new Writable({
      write: (chunk, _enc, cb) => {
        printed += String(chunk);
        cb();
      },
    });
    const summary = await runLocalReprocess(seeded.config, {
      filter: {},
      restart: false,
      progressBar: false,
      verbose: false,
      out,
    });
    expect(summary).toMatchObject({ keys: 10, stored: 10, superseded: 0, complete: true });
    expect(printed).toMatch(/Reprocessed 10 of 10 articles/);
    expect(printed).toMatch(/clean objects deleted \(nothing pointed at them\) \d+/);
  });
});

async function fromAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
