/**
 * Golden metadata tests: one small hand-written page per failure class of titles, authors and
 * published times (test/fixtures/extract/metadata/<case>.html + .expected.json). Each expected
 * file names the fields it guards; `paragraphs`, when present, checks that bylines, datelines and
 * comment stubs left the body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../functions/core/extract/index';

const dir = join(import.meta.dirname, '../../fixtures/extract/metadata');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.replace(/\.html$/, ''));

interface Expected {
  title?: string;
  authors?: string[];
  publishedAt?: string;
  paragraphs?: Array<{ kind: string; text: string }>;
}

describe('golden metadata pages', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(name, () => {
      const html = readFileSync(join(dir, `${name}.html`), 'utf8');
      const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
      const result = extractArticle(html, { url: `https://news.example/${name}.html` });
      const got: Expected = {
        title: result.metadata.title,
        authors: result.metadata.authors,
        publishedAt: result.metadata.publishedAt,
        paragraphs: result.paragraphs,
      };
      for (const key of ['title', 'authors', 'publishedAt', 'paragraphs'] as const)
        if (!(key in expected)) delete got[key];
      if (!('authors' in expected)) expect(result.metadata.authors).toEqual([]);
      expect(got).toEqual(expected);
    });
  }
});
