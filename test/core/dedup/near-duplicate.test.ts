import { describe, expect, it } from 'vitest';
import {
  INDEX_KEYS_PER_ARTICLE,
  QUERY_KEYS_PER_ARTICLE,
  SKETCH_SIZE,
  decodeSketch,
  encodeSketch,
  estimateOverlap,
  nearDuplicateSketch,
  sketchIndexKeys,
  sketchQueryKeys,
  toDecoded,
} from '../../../functions/core/dedup/near-duplicate';
import { STOCK_PARAGRAPH, STORY_A, STORY_B } from './story-fixtures';

const sketchOf = (paragraphs: string[]) => toDecoded(nearDuplicateSketch(paragraphs));

describe('nearDuplicateSketch', () => {
  it('keeps the smallest values in ascending order and counts shingles', () => {
    const sketch = nearDuplicateSketch(STORY_A);
    expect(sketch.values.length).toBe(Math.min(SKETCH_SIZE, sketch.shingleCount));
    expect(sketch.shingleCount).toBeGreaterThan(100);
    expect([...sketch.values].sort((a, b) => a - b)).toEqual(sketch.values);
  });

  it('ignores paragraph order and typography', () => {
    const reordered = [...STORY_A].reverse().map((p) => p.replace(/'/g, '’').toUpperCase());
    expect(nearDuplicateSketch(reordered)).toEqual(nearDuplicateSketch(STORY_A));
  });

  it('round-trips through the encoded form', () => {
    const sketch = nearDuplicateSketch(STORY_A);
    const encoded = encodeSketch(sketch);
    expect(encoded.length).toBeLessThan(400);
    expect(decodeSketch(encoded)).toEqual(toDecoded(sketch));
    expect(decodeSketch('bk1n1.3.AAAA')).toBeUndefined();
    expect(encoded).toMatch(/^bk2n1\.\d+\./);
    expect(encoded.length).toBeLessThan(220);
    expect(decodeSketch(undefined)).toBeUndefined();
  });

  it('gives few index keys and more query keys, index keys a prefix of query keys', () => {
    const sketch = nearDuplicateSketch(STORY_A);
    const index = sketchIndexKeys(sketch);
    const query = sketchQueryKeys(sketch);
    expect(index).toHaveLength(INDEX_KEYS_PER_ARTICLE);
    expect(query).toHaveLength(QUERY_KEYS_PER_ARTICLE);
    expect(query.slice(0, index.length)).toEqual(index);
  });
});

describe('estimateOverlap', () => {
  it('is 1 for identical text', () => {
    const a = sketchOf(STORY_A);
    expect(estimateOverlap(a, a)).toMatchObject({ jaccard: 1, containment: 1 });
  });

  it('is high for an edited copy (reworded sentence, paragraphs re-split, one cut)', () => {
    const edited = [
      STORY_A[0].replace('early on Monday', 'in the early hours of Monday'),
      `${STORY_A[1]} ${STORY_A[2]}`,
      STORY_A[3].replace('asked witnesses', 'appealed to witnesses'),
      STORY_A[4],
    ];
    const estimate = estimateOverlap(sketchOf(STORY_A), sketchOf(edited));
    expect(estimate.containment).toBeGreaterThan(0.7);
  });

  it('sees a cut copy as contained in the original', () => {
    const estimate = estimateOverlap(sketchOf(STORY_A), sketchOf(STORY_A.slice(0, 3)));
    expect(estimate.containment).toBeGreaterThan(0.85);
    expect(estimate.jaccard).toBeLessThan(0.75);
  });

  it('is low for different stories sharing a stock sentence', () => {
    const estimate = estimateOverlap(
      sketchOf([...STORY_A, STOCK_PARAGRAPH]),
      sketchOf([...STORY_B, STOCK_PARAGRAPH]),
    );
    expect(estimate.containment).toBeLessThan(0.15);
  });
});
