/**
 * Members of one story processed at the same moment must not leave two origins. Seeded
 * interleavings (no timing: see `test/helpers/interleaving.ts`) of 10 workers over two stories on
 * 12 hosts, on the in-memory index with the DynamoDB adapter's semantics: before clusters were
 * joined (`mergeStories`), about a third of these seeds left a story in two clusters with two
 * origins after the first round (two first members each started a cluster).
 */
import { describe, expect, it } from 'vitest';
import { clusterOf } from '../../functions/core/dedup/current-origin';
import { interleaved } from '../helpers/interleaving';
import { MemoryDedupIndex } from '../core/dedup/memory-dedup-index';
import { expectOneOriginPerStory, ingestPage, runWorkers, storyPages } from './concurrent-stories';

const WORKERS = 10;
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe('story origin under seeded interleavings of concurrent workers', () => {
  it.each(SEEDS)(
    'seed %i: one cluster and one origin per story, after the first round and a reprocess',
    async (seed) => {
      const memory = new MemoryDedupIndex();
      const deps = interleaved(memory, seed);
      const pages = storyPages();
      // Three pages delivered twice at once, as an at-least-once queue may.
      const jobs = [...pages, pages[0], pages[5], pages[10]];
      const ids = pages.map((p) => p.ref.articleId);

      await runWorkers(jobs, WORKERS, (page) => ingestPage(deps, page));
      const first = await memory.getArticles(ids);
      await expectOneOriginPerStory(memory, first, 'first round');

      await runWorkers(pages, WORKERS, (page) => ingestPage(deps, page));
      const settled = await memory.getArticles(ids);
      await expectOneOriginPerStory(memory, settled, 'reprocessed');
      // Records name a cluster that ends where the views say (a merged one redirects there).
      const ends = await memory.getStoryOrigins(settled.map(clusterOf));
      for (const record of settled) expect(ends.get(clusterOf(record))?.clusterId).toBeDefined();
    },
  );
});
