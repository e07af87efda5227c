/**
 * Step 2 of extraction: remove what is never article text and bound the tree depth.
 */
import { MAX_DOM_DEPTH } from './constants';
import { isElement, textContent, type AnyNode, type ChildNode, type Element, type ParentNode } from './dom';

/**
 * Elements that never hold article text. Navigation, asides and footers are page furniture;
 * figure captions and credits are excluded from the body by convention; form controls and
 * embedded media carry no prose.
 */
const NEVER_CONTENT_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'video',
  'audio',
  'source',
  'track',
  'picture',
  'img',
  'map',
  'area',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'label',
  'nav',
  'aside',
  'footer',
  'figcaption',
  'dialog',
  'menu',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'frame',
  'frameset',
  'applet',
  'param',
  'datalist',
  'output',
  'progress',
  'meter',
  'time-ago',
  'amp-ad',
  'amp-analytics',
  'amp-sidebar',
  'amp-social-share',
]);

/** ARIA roles of page furniture (the role form of nav, aside, footer, dialogs). */
const NEVER_CONTENT_ROLES = new Set([
  'navigation',
  'complementary',
  'contentinfo',
  'dialog',
  'alertdialog',
  'menu',
  'menubar',
  'search',
  'banner',
]);

/**
 * Class tokens that hide an element (utility CSS: Bootstrap, Tailwind, WordPress). Matched as
 * whole tokens only, so "overflow-hidden" or "hidden-xs" (hidden on phones only) do not count.
 */
const HIDDEN_CLASS =
  /(?:^|\s)(?:hidden|d-none|is-hidden|u-hidden|visually-hidden|visuallyhidden|sr-only|screen-reader-text|hide|invisible)(?:\s|$)/;

/** Responsive classes that show the element again at some width ("hidden md:block", "d-none d-md-block"). */
const SHOWN_AT_SOME_WIDTH =
  /:(?:block|flex|inline|grid|table|contents)|(?:^|\s)d-\w+-(?:block|flex|inline|grid|table)|(?:^|\s)visible-/;

/** Inline styles that hide an element from every reader. */
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * Hover cards and tooltips that CSS shows on demand inside a sentence (author cards, glossary
 * pop-ups). Inside a paragraph they would splice a bio and links into the text.
 */
const INLINE_POPUP = /tooltip|popover|hover-?card|rollover|(?:^|[-_\s])popup(?:$|[-_\s])/i;

/** Nodes searched below a pop-up candidate for a nested one (bounds the check). */
const MAX_POPUP_SEARCH_NODES = 200;

function hasPopupClass(el: Element): boolean {
  const cls = el.attribs?.class;
  return cls !== undefined && INLINE_POPUP.test(cls);
}

/**
 * A pop-up to drop: named like one and holding no nested pop-up. The wrapper of a hover card
 * ("person-rollover" around the name and its "person-rollover-card") is kept, so the visible
 * name stays in the sentence and only the card goes.
 */
function isInlinePopup(el: Element): boolean {
  if (!hasPopupClass(el)) return false;
  const stack: Element[] = [el];
  let seen = 0;
  let card = false;
  while (stack.length > 0 && seen < MAX_POPUP_SEARCH_NODES) {
    const current = stack.pop() as Element;
    for (const child of current.children) {
      if (!isElement(child)) continue;
      seen++;
      if (hasPopupClass(child)) return false;
      if (child.name === 'img' || child.name === 'a') card = true;
      stack.push(child);
    }
  }
  // A bare "<span class=tooltip>NATO</span>" is the visible term; a card has links, images or prose.
  return card || textContent(el).length > MIN_POPUP_TEXT_CHARS;
}

/** Text (chars) above which a link-less pop-up is a definition or bio, not the visible term. */
const MIN_POPUP_TEXT_CHARS = 40;

/**
 * Furniture tags a lenient clean keeps: on a page where the strict clean leaves no article,
 * an unclosed `<aside>` or a mislabelled wrapper may be holding the whole page.
 */
const LENIENT_KEPT_TAGS = new Set(['aside', 'footer', 'dialog', 'menu']);
const LENIENT_KEPT_ROLES = new Set(['complementary', 'contentinfo', 'dialog', 'alertdialog', 'banner']);

/** How {@link cleanTree} judges elements. */
export interface CleanOptions {
  /**
   * Keep hidden elements and furniture containers (aside, footer, dialogs): for the recall
   * floor's second pass on pages whose visible tree holds no article (streamed server
   * renders kept in `<div hidden>`, anti-flicker `class="hide"` on the page wrapper).
   */
  lenient?: boolean;
}

function isNeverContent(el: Element, lenient: boolean): boolean {
  if (NEVER_CONTENT_TAGS.has(el.name)) return !(lenient && LENIENT_KEPT_TAGS.has(el.name));
  const attribs = el.attribs;
  if (!attribs) return false;
  const role = attribs.role;
  if (lenient)
    return (
      role !== undefined &&
      NEVER_CONTENT_ROLES.has(role.toLowerCase()) &&
      !LENIENT_KEPT_ROLES.has(role.toLowerCase())
    );
  if ('hidden' in attribs) return true;
  if (role !== undefined && NEVER_CONTENT_ROLES.has(role.toLowerCase())) return true;
  const style = attribs.style;
  if (style !== undefined && HIDDEN_STYLE.test(style)) return true;
  const cls = attribs.class;
  if (cls !== undefined && HIDDEN_CLASS.test(cls) && !SHOWN_AT_SOME_WIDTH.test(cls)) return true;
  return false;
}

/**
 * Removes comments and never-content elements in place and flattens anything nested deeper than
 * {@link MAX_DOM_DEPTH} to a single text node. Iterative, so it is safe on any depth.
 */
export function cleanTree(root: ParentNode, options: CleanOptions = {}): void {
  const lenient = options.lenient === true;
  const stack: Array<{ node: ParentNode; depth: number; inParagraph: boolean }> = [
    { node: root, depth: 0, inParagraph: false },
  ];
  while (stack.length > 0) {
    const { node, depth, inParagraph } = stack.pop() as {
      node: ParentNode;
      depth: number;
      inParagraph: boolean;
    };
    const kept: ChildNode[] = [];
    for (const child of node.children) {
      if (child.type === 'comment' || child.type === 'directive' || child.type === 'cdata') continue;
      if (isElement(child)) {
        if (isNeverContent(child, lenient)) continue;
        if (inParagraph && isInlinePopup(child)) continue;
        if (depth + 1 >= MAX_DOM_DEPTH) flatten(child);
        else stack.push({ node: child, depth: depth + 1, inParagraph: inParagraph || child.name === 'p' });
      }
      kept.push(child);
    }
    if (kept.length !== node.children.length) relink(node, kept);
  }
}

/** Replaces an element's children with one text node holding their text. */
function flatten(el: Element): void {
  const data = textContent(el as AnyNode);
  const textNode = { type: 'text', data, parent: el, prev: null, next: null } as unknown as ChildNode;
  el.children = [textNode];
}

function relink(node: ParentNode, kept: ChildNode[]): void {
  for (let i = 0; i < kept.length; i++) {
    kept[i].prev = i > 0 ? kept[i - 1] : null;
    kept[i].next = i + 1 < kept.length ? kept[i + 1] : null;
  }
  node.children = kept;
}
