/**
 * The recall floor (functions/core/extract/fallback.ts): which strategy produced the body on
 * the golden pages written for it, and that it stays out of the way where the main strategy
 * is right (a short article under a long comment thread).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { collectBlocks } from '../../../functions/core/extract/blocks';
import { scoreElements } from '../../../functions/core/extract/candidate-scoring';
import { type Element, type ParentNode, ensureBody } from '../../../functions/core/extract/dom';
import { extendsMainBody, fallbackDecides, findProseRegion } from '../../../functions/core/extract/fallback';
import { extractArticle } from '../../../functions/core/extract/index';

const golden = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../../fixtures/extract/golden', `${name}.html`), 'utf8');

describe('recall floor', () => {
  it('decides when the vote keeps a hero blurb and the body sits in deeply nested modules', () => {
    const result = extractArticle(golden('recall-floor-body-in-nested-modules'));
    expect(result.bodySource).toBe('fallback');
    expect(result.paragraphs.filter((p) => p.kind === 'heading')).toHaveLength(4);
  });

  it('reparses keeping hidden elements when the visible page holds no article (streamed render)', () => {
    const result = extractArticle(golden('recall-floor-streamed-render-in-hidden-div'));
    expect(result.bodySource).toBe('fallback');
    expect(result.pageKind).toBe('article');
    expect(result.paragraphs[0].text).toMatch(/^The city council approved/);
  });

  it('does not fire on a short article under a long comment thread', () => {
    const result = extractArticle(golden('comments-longer-than-article'));
    expect(result.bodySource).toBe('container');
  });

  it('does not fire on a page without prose (it stays empty, not padded)', () => {
    const result = extractArticle(
      '<html><body><nav><a href="/a">A</a> <a href="/b">B</a></nav><p>Short note.</p></body></html>',
    );
    expect(result.bodySource).not.toBe('fallback');
  });

  it('finds the tightest element around most of the prose, skipping the comment thread', () => {
    const para = (n: number): string =>
      `<p>Paragraph ${n} of the article has enough words, and a comma, to count as prose here.</p>`;
    const $ = load(
      `<html><body><div id="page"><div id="story">${[1, 2, 3, 4].map(para).join('')}</div>` +
        `<div class="comments">${[5, 6, 7, 8, 9, 10].map(para).join('')}</div></div></body></html>`,
    );
    const body = ensureBody($.root()[0] as unknown as ParentNode);
    const blocks = collectBlocks(body);
    const region = findProseRegion(body, blocks, scoreElements(blocks), undefined) as Element;
    expect(region.attribs.id).toBe('story');
  });

  it('decides only for a substantial body that dwarfs the main one', () => {
    expect(fallbackDecides(0, 499)).toBe(false);
    expect(fallbackDecides(0, 500)).toBe(true);
    expect(fallbackDecides(400, 1000)).toBe(false);
    expect(fallbackDecides(200, 1000)).toBe(true);
  });
});

describe('recall floor extending the main body', () => {
  it('takes the prose region when the body is cut into page-builder sections the vote split', () => {
    const result = extractArticle(golden('recall-floor-body-in-builder-sections'));
    expect(result.bodySource).toBe('fallback');
    expect(result.paragraphs.filter((p) => p.kind === 'heading').map((p) => p.text)).toEqual([
      'Why the harbour is being rebuilt',
      'What changes for the ferry',
      'What changes for the fishing fleet',
      'Road closures',
      'How to follow the works',
    ]);
  });

  it('extends over sections of one body, not over an article column beside a sidebar', () => {
    const para = (n: number): string =>
      `<p>Paragraph ${n} has enough words, and a comma, to count as prose on this page.</p>`;
    const tree = (
      children: number,
    ): { region: Element; top: Element; stats: ReturnType<typeof scoreElements> } => {
      const sections = Array.from(
        { length: children },
        (_, i) => `<div class="s${i}">${para(2 * i)}${para(2 * i + 1)}</div>`,
      );
      const $ = load(`<html><body><div id="region">${sections.join('')}</div></body></html>`);
      const body = ensureBody($.root()[0] as unknown as ParentNode);
      const stats = scoreElements(collectBlocks(body));
      const region = $('#region')[0] as unknown as Element;
      return { region, top: $('.s0')[0] as unknown as Element, stats };
    };
    const columns = tree(2);
    expect(extendsMainBody(columns.region, columns.top, columns.stats)).toBe(false);
    const sections = tree(4);
    expect(extendsMainBody(sections.region, sections.top, sections.stats)).toBe(true);
    expect(extendsMainBody(sections.region, sections.region, sections.stats)).toBe(false);
  });
});
