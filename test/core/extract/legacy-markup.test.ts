/**
 * Legacy markup recovery (functions/core/extract/legacy-markup.ts); the golden pages
 * legacy-*.html cover the whole extraction on such pages.
 */
import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import type { ParentNode } from '../../../functions/core/extract/dom';
import { extractArticle } from '../../../functions/core/extract/index';
import { repairSwallowedTitle } from '../../../functions/core/extract/legacy-markup';

const para =
  'The harbour board met on Monday and agreed, after a long debate, to spend the reserve on the north pier.';
const rest = `<META NAME="x" CONTENT="y"></HEAD><BODY><P>${para}<P>${para}<P>${para.repeat(3)}</BODY></HTML>`;
const parse = (html: string): ParentNode => load(html).root()[0] as unknown as ParentNode;

describe('repairSwallowedTitle', () => {
  it('closes an unclosed title before the first tag after it', () => {
    const html = `<HTML><HEAD><TITLE>Harbour news\n${rest}`;
    expect(repairSwallowedTitle(html, parse(html))).toBe(`<HTML><HEAD><TITLE>Harbour news\n</title>${rest}`);
  });

  it('leaves plausible parses alone: a closed title, a long title without markup', () => {
    const closed = `<html><head><title>Harbour news</title></head><body><p>${para}</p></body></html>`;
    expect(repairSwallowedTitle(closed, parse(closed))).toBeUndefined();
    const long = `<html><head><title>${'Harbour news and more, '.repeat(30)}</title></head><body></body></html>`;
    expect(repairSwallowedTitle(long, parse(long))).toBeUndefined();
  });

  it('gives the swallowed page its body back', () => {
    const result = extractArticle(`<HTML><HEAD><TITLE>Harbour news\n${rest}`);
    expect(result.pageKind).toBe('article');
    expect(result.metadata.title).toBe('Harbour news');
    expect(result.paragraphs.length).toBeGreaterThanOrEqual(2);
  });
});
