/**
 * Golden-file regression tests: one small hand-written page per extraction fix, with the
 * expected output beside it (test/fixtures/extract/golden/<case>.html + .expected.json).
 * Each case name says what it guards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../functions/core/extract/index';

const dir = join(import.meta.dirname, '../../fixtures/extract/golden');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.replace(/\.html$/, ''));

interface Expected {
  pageKind: string;
  title: string | null;
  repeatedParagraphsRemoved: number;
  paragraphs: Array<{ kind: string; text: string }>;
}

describe('golden pages', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, () => {
      const html = readFileSync(join(dir, `${name}.html`), 'utf8');
      const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
      const result = extractArticle(html, { url: `https://example.com/${name}.html` });
      expect({
        pageKind: result.pageKind,
        title: result.metadata.title ?? null,
        repeatedParagraphsRemoved: result.repeatedParagraphsRemoved,
        paragraphs: result.paragraphs,
      }).toEqual(expected);
    });
  }
});
