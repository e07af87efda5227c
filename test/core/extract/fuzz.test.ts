/**
 * Property tests: any input returns a well-formed result or throws ExtractionError, quickly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Extraction } from '../../../functions/core/article';
import { ExtractionError } from '../../../functions/errors';
import { extractArticle } from '../../../functions/core/extract/index';

const TAGS = [
  'div',
  'p',
  'span',
  'a',
  'article',
  'section',
  'ul',
  'li',
  'table',
  'tr',
  'td',
  'h1',
  'h2',
  'blockquote',
  'br',
  'script',
  'style',
  'nav',
  'footer',
  'b',
  'i',
  'pre',
  'form',
  'svg',
  'noscript',
  'template',
  'iframe',
  'p',
];
const CLASSES = [
  '',
  'content',
  'article-body',
  'comment',
  'related',
  'share',
  'sidebar',
  'byline',
  'post',
  'ad',
  'footer',
  'entry-content',
];
const TEXTS = [
  'Hello, world, this is text.',
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.',
  '本市第五条地铁线路于周一正式开通运营，',
  'Advertisement',
  '',
  ' ',
  '&amp; &lt; &#0; &#xD800; &bogus;',
  '<',
  '>',
  '"',
  "'",
  '\u0000',
  '\u202e',
  'By Jane Doe',
  '2019-11-19',
  'https://x.example/',
];

/** Random HTML-ish markup: well-formed, unclosed, misnested and garbage mixed. */
const markup: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TEXTS),
    fc.string({ maxLength: 40 }),
    fc
      .tuple(
        fc.constantFrom(...TAGS),
        fc.constantFrom(...CLASSES),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.boolean(),
      )
      .map(
        ([tag, cls, children, close]) =>
          `<${tag}${cls ? ` class="${cls}"` : ''}>${children.join('')}${close ? `</${tag}>` : ''}`,
      ),
    fc.constantFrom(
      '<script type="application/ld+json">{"@type":"NewsArticle","headline":',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '</div></div></p>',
      '<meta charset="x">',
      '<html lang="zz">',
      '<time datetime="9999-99-99">',
    ),
  ),
})).node;

function checkShape(result: Extraction): void {
  expect(['article', 'consent-wall', 'paywall', 'index', 'error-page', 'empty', 'not-html']).toContain(
    result.pageKind,
  );
  expect(Array.isArray(result.metadata.authors)).toBe(true);
  expect(Number.isInteger(result.repeatedParagraphsRemoved)).toBe(true);
  for (const p of result.paragraphs) {
    expect(['heading', 'paragraph', 'quote', 'list-item']).toContain(p.kind);
    expect(p.text.length).toBeGreaterThan(0);
    expect(p.text).toBe(p.text.trim());
  }
  if (result.metadata.publishedAt)
    expect(result.metadata.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
}

function runBounded(html: string): void {
  const started = performance.now();
  try {
    checkShape(extractArticle(html));
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('extractArticle on generated documents', () => {
  it('handles thousands of random HTML-ish documents', () => {
    fc.assert(
      fc.property(fc.array(markup, { maxLength: 12 }), (parts) =>
        runBounded(`<html><body>${parts.join('')}</body></html>`),
      ),
      { numRuns: 2500, seed: 20261125 },
    );
  });

  it('handles arbitrary strings, including binary-looking ones', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => runBounded(text)),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe('pathological inputs stay bounded', () => {
  it('10,000-deep nesting returns a result', () => {
    const html = `<html><body>${'<div>'.repeat(10_000)}<p>Deep text, with commas, and more words so that it counts as prose.</p>${'</div>'.repeat(10_000)}</body></html>`;
    const started = performance.now();
    const result = extractArticle(html);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.paragraphs.map((p) => p.text)).toEqual([
      'Deep text, with commas, and more words so that it counts as prose.',
    ]);
  });

  it('200,000 unclosed elements (quadratic in htmlparser2) are cut, not parsed for minutes', () => {
    const started = performance.now();
    const result = extractArticle(`<p>Start.</p>${'<div>'.repeat(200_000)}x`);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.pageKind).toBeDefined();
  });

  it('a 10 MB page returns in bounded time', () => {
    const paragraph = `<p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20)}</p>\n`;
    const html = `<html><body><article>${Array.from({ length: Math.ceil(10_000_000 / paragraph.length) }, (_, i) => paragraph.replace('Lorem', `Lorem ${i}`)).join('')}</article></body></html>`;
    const started = performance.now();
    const result = extractArticle(html);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.pageKind).toBe('article');
    expect(result.paragraphs.length).toBeGreaterThan(100);
  });

  it('non-string input throws ExtractionError', () => {
    expect(() => extractArticle(undefined as unknown as string)).toThrow(ExtractionError);
  });
});
