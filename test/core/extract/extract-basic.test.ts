import { describe, expect, it } from 'vitest';
import { ExtractionError } from '../../../functions/errors';
import { extractArticle } from '../../../functions/core/extract/index';

describe('extractArticle basics', () => {
  it('keeps article paragraphs and drops navigation and footer', () => {
    const html = `<html lang="en"><head><title>Hi - Site</title></head><body>
      <nav><a href="/">Home</a> <a href="/news">News</a></nav>
      <article><h1>Hi</h1><p>Hello, world, this is a test paragraph with enough text to count.</p>
      <p>Second one, also long enough, with commas, and more words.</p></article>
      <footer>Copyright footer text that is not content at all.</footer></body></html>`;
    const result = extractArticle(html);
    expect(result.pageKind).toBe('article');
    expect(result.paragraphs.map((p) => p.text)).toEqual([
      'Hello, world, this is a test paragraph with enough text to count.',
      'Second one, also long enough, with commas, and more words.',
    ]);
    expect(result.metadata.language).toBe('en');
  });

  it('extracts fragments without <html>/<body> (htmlparser2 adds no implied elements)', () => {
    const result = extractArticle(
      '<p>A fragment paragraph, long enough, with commas, to be the body.</p><p>And a second one, also long enough to count.</p>',
    );
    expect(result.paragraphs.map((p) => p.text)).toEqual([
      'A fragment paragraph, long enough, with commas, to be the body.',
      'And a second one, also long enough to count.',
    ]);
  });

  it('returns empty for empty input and not-html for binary', () => {
    expect(extractArticle('').pageKind).toBe('empty');
    expect(extractArticle('\u0000\u0001\u0002PNG').pageKind).toBe('not-html');
    // Text-only PDFs and other formats decode to plausible text; their signatures give them away.
    expect(
      extractArticle(
        '%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n(Annual report text, with commas, and words.)',
      ).pageKind,
    ).toBe('not-html');
    expect(extractArticle('\u2030PNG\r\n\u001a\n rest of an image').pageKind).toBe('not-html');
    expect(extractArticle('GIF89a rest of an image').pageKind).toBe('not-html');
  });

  it('throws ExtractionError for non-string input', () => {
    expect(() => extractArticle(42 as unknown as string)).toThrow(ExtractionError);
  });
});
