/**
 * Seeded interleavings of concurrent dedup workers without timing: every port call of the wrapped
 * index waits a pseudo-random number of event-loop turns before and after it runs, and paragraphs
 * are recorded one hash per call (as the DynamoDB adapter does, one UpdateItem each), so two
 * workers' first-seen paragraphs interleave. On an in-memory index the schedule depends only on the
 * seed, so a failing seed fails every run.
 */
import type { ArticleRef } from '../../functions/core/article';
import type { DedupIndex } from '../../functions/ports/dedup-index';

/** A small deterministic generator (LCG): enough to vary schedules, reproducible per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Waits `n` turns of the event loop (setImmediate), letting other workers run. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The index with seeded waits around every call, and a `sleep` that waits turns instead of time. */
export function interleaved<T extends DedupIndex>(
  index: T,
  seed: number,
  maxTurns = 30,
): { index: T; sleep: (ms: number) => Promise<void> } {
  const random = seededRandom(seed);
  const pause = () => turns(Math.floor(random() * maxTurns));
  const wrapped = new Proxy(index, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'stats') return value;
      if (property === 'recordParagraphs')
        return async (ref: ArticleRef, hashes: readonly string[], normVersion: number) =>
          Promise.all(
            hashes.map(async (hash) => {
              await pause();
              const [sighting] = await target.recordParagraphs(ref, [hash], normVersion);
              await pause();
              return sighting;
            }),
          );
      return async (...args: unknown[]) => {
        await pause();
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        await pause();
        return result;
      };
    },
  });
  return { index: wrapped, sleep: () => turns(Math.floor(random() * maxTurns * 4)) };
}
