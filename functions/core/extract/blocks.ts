/**
 * Step 3 of extraction: cut the cleaned tree into text blocks (the would-be paragraphs), each
 * owned by its nearest block-level element, in document order.
 */
import type { ParagraphKind } from '../article';
import { isElement, isText, type Element, type ParentNode } from './dom';
import { normalizeSpace } from './text';

/** Elements that start a new block of text (HTML block-level and table/list structure). */
export const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'caption',
  'legend',
  'article-body',
  'amp-story',
  'listing',
  'xmp',
]);

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** One run of inline text between block boundaries. */
export interface TextBlock {
  text: string;
  /** Characters of the text that sit inside links. */
  linkChars: number;
  /** Number of links in the block. */
  linkCount: number;
  kind: ParagraphKind;
  /** Nearest block-level element around the text. */
  owner: Element;
  /** Document order. */
  index: number;
}

interface Run {
  parts: string[];
  linkParts: string[];
  linkCount: number;
  /** A <br> was seen with no text after it yet: a second one ends the paragraph. */
  pendingBreak: boolean;
}

interface Context {
  quote: boolean;
  listItem: boolean;
}

/** Joins the cells of a data-table row into one paragraph. */
const CELL_SEPARATOR = ' | ';

/** Nodes examined per row before giving up on calling it a data row (bounds the check). */
const MAX_ROW_NODES = 300;

/** A row with more text than this (chars) is a layout row holding an article, not data. */
const MAX_DATA_ROW_CHARS = 400;

/**
 * A table row whose cells hold only short inline content (a data table); layout tables put
 * blocks (paragraphs, divs, lists), line breaks or long text in their cells and are walked
 * cell by cell.
 */
function isDataRow(tr: Element): boolean {
  let cells = 0;
  let seen = 0;
  const stack: Element[] = [];
  for (const cell of tr.children) {
    if (!isElement(cell)) continue;
    if (cell.name !== 'td' && cell.name !== 'th') return false;
    cells++;
    stack.push(cell);
  }
  if (cells < 2) return false;
  let chars = 0;
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    for (const child of el.children) {
      if (isText(child)) {
        chars += child.data.length;
        if (chars > MAX_DATA_ROW_CHARS) return false;
        continue;
      }
      if (!isElement(child)) continue;
      if (++seen > MAX_ROW_NODES || BLOCK_TAGS.has(child.name) || child.name === 'br') return false;
      stack.push(child);
    }
  }
  return true;
}

function newRun(): Run {
  return { parts: [], linkParts: [], linkCount: 0, pendingBreak: false };
}

/**
 * Collects the text blocks below `root`. Recursion depth is bounded by the tree depth, which
 * the cleaning step caps.
 */
export function collectBlocks(root: ParentNode): TextBlock[] {
  const blocks: TextBlock[] = [];

  const flush = (run: Run, owner: Element, ctx: Context): void => {
    if (run.parts.length === 0) return;
    const text = normalizeSpace(run.parts.join(''));
    if (text.length > 0) {
      const linkText = run.linkParts.length > 0 ? normalizeSpace(run.linkParts.join('')) : '';
      const kind: ParagraphKind = HEADING_TAGS.has(owner.name)
        ? 'heading'
        : ctx.quote
          ? 'quote'
          : ctx.listItem
            ? 'list-item'
            : 'paragraph';
      blocks.push({
        text,
        linkChars: Math.min(linkText.length, text.length),
        linkCount: run.linkCount,
        kind,
        owner,
        index: blocks.length,
      });
    }
    run.parts = [];
    run.linkParts = [];
    run.linkCount = 0;
    run.pendingBreak = false;
  };

  const walk = (node: ParentNode, owner: Element, run: Run, inLink: boolean, ctx: Context): void => {
    for (const child of node.children) {
      if (isText(child)) {
        const data = child.data;
        run.parts.push(data);
        if (inLink) run.linkParts.push(data);
        if (run.pendingBreak && /\S/.test(data)) run.pendingBreak = false;
        continue;
      }
      if (!isElement(child)) continue;
      const tag = child.name;
      if (tag === 'br') {
        if (run.pendingBreak) flush(run, owner, ctx);
        else {
          run.parts.push('\n');
          run.pendingBreak = true;
        }
        continue;
      }
      if (BLOCK_TAGS.has(tag)) {
        flush(run, owner, ctx);
        const childCtx: Context = {
          quote: ctx.quote || tag === 'blockquote',
          listItem:
            tag === 'li' || tag === 'dd' || tag === 'dt'
              ? true
              : ctx.listItem && !(tag === 'ul' || tag === 'ol'),
        };
        // A block inside a link (<a><h3>headline</h3></a>, a teaser card) is link text too.
        const childRun = newRun();
        if (tag === 'tr' && isDataRow(child)) {
          // One paragraph per row of a data table, cells separated, instead of one per cell.
          for (const cell of child.children) {
            if (!isElement(cell)) continue;
            if (childRun.parts.length > 0) childRun.parts.push(CELL_SEPARATOR);
            walk(cell, child, childRun, inLink, childCtx);
          }
        } else {
          walk(child, child, childRun, inLink, childCtx);
        }
        flush(childRun, child, childCtx);
        continue;
      }
      if (tag === 'a') {
        run.linkCount++;
        walk(child, owner, run, true, ctx);
        continue;
      }
      walk(child, owner, run, inLink, ctx);
    }
  };

  const rootOwner = (isElement(root as never) ? root : findBody(root)) as Element;
  const run = newRun();
  const ctx: Context = { quote: false, listItem: false };
  walk(root, rootOwner, run, false, ctx);
  flush(run, rootOwner, ctx);
  return blocks;
}

/** A stand-in owner for text sitting directly in the document root. */
function findBody(root: ParentNode): Element {
  return { type: 'tag', name: 'body', attribs: {}, children: [], parent: root } as unknown as Element;
}
