import { describe, expect, it } from 'vitest';
import { paragraphHash } from '../../../functions/core/dedup/paragraph-hash';
import { generateSyntheticNews } from '../../../scripts/lib/synthetic-news';

describe('synthetic news generator (bench:dedup truth)', () => {
  const stream = generateSyntheticNews({ articles: 600, seed: 7 });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSyntheticNews({ articles: 600, seed: 7 })).toEqual(stream);
    expect(generateSyntheticNews({ articles: 50, seed: 8 })[0].paragraphs).not.toEqual(stream[0].paragraphs);
  });

  it('produces the requested count with originals, exact and edited copies', () => {
    expect(stream).toHaveLength(600);
    const kinds = new Set(stream.map((a) => a.kind));
    expect(kinds).toEqual(new Set(['original', 'exact', 'edited']));
    expect(new Set(stream.map((a) => a.id)).size).toBe(600);
  });

  it('keeps every story on distinct hosts and points copies at an original of their story', () => {
    const byId = new Map(stream.map((a) => [a.id, a]));
    const hostsByStory = new Map<string, string[]>();
    for (const a of stream) hostsByStory.set(a.storyId, [...(hostsByStory.get(a.storyId) ?? []), a.host]);
    for (const hosts of hostsByStory.values()) expect(new Set(hosts).size).toBe(hosts.length);
    for (const a of stream.filter((x) => x.kind !== 'original')) {
      const origin = byId.get(a.originId);
      if (!origin) continue; // origin beyond the cut of the stream
      expect(origin.kind).toBe('original');
      expect(origin.storyId).toBe(a.storyId);
      expect(Date.parse(a.publishedAt)).toBeGreaterThan(Date.parse(origin.publishedAt));
    }
  });

  it('gives exact copies paragraphs of the original, and includes heavy edits', () => {
    const byId = new Map(stream.map((a) => [a.id, a]));
    const hashes = (id: string) => new Set(byId.get(id)!.paragraphs.map((p) => paragraphHash(p.text)));
    const exact = stream.filter((a) => a.kind === 'exact' && byId.has(a.originId));
    expect(exact.length).toBeGreaterThan(50);
    for (const copy of exact) {
      const origin = hashes(copy.originId);
      const shared = [...hashes(copy.id)].filter((h) => origin.has(h)).length;
      // All body paragraphs but possibly a credited first one.
      expect(shared).toBeGreaterThan(0);
    }
    const heavy = stream.filter((a) => a.edits.includes('heavy'));
    expect(heavy.length).toBeGreaterThan(10);
  });
});
