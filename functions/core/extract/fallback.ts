/**
 * The recall floor: a second, independent strategy for pages where the container vote keeps
 * little or nothing although the page holds plenty of prose. It ignores scores, priors and
 * name hints; it follows where the prose is. From `<body>` it descends into the child holding
 * most of the prose as long as that child holds most of its parent's prose, and stops at the
 * element where the prose splits: the tightest region around the bulk of the page's text.
 */
import type { Paragraph } from '../article';
import type { TextBlock } from './blocks';
import { blockLinkDensity, type ElementStats } from './candidate-scoring';
import { MAX_BLOCK_LINK_DENSITY, MIN_SCORED_BLOCK_CHARS } from './constants';
import { weightedLength } from './text';
import { hintString, isElement, type Element } from './dom';

/** The region descends into a child holding at least this share of its parent's prose. */
const DESCEND_MIN_PROSE_SHARE = 0.6;

/** The fallback decides only when the main body has less than this share of the region's text... */
export const FALLBACK_MAX_MAIN_SHARE = 0.3;

/** ...and the region's assembled body has at least this many characters (a page with prose). */
export const FALLBACK_MIN_BODY_CHARS = 500;

/**
 * The tightest element around most of the page's prose: descend from `root` into the child
 * holding the largest share of prose while it holds at least {@link DESCEND_MIN_PROSE_SHARE}.
 * Prose in comment threads does not count, so a long discussion cannot pull the region away
 * from a short article; when nearly all prose carries such names (a page-wide wrapper named "has-sidebar") and the main strategy found
 * no container, all prose counts. The
 * main strategy's container and its ancestors are never furniture: a name there is a wrapper's.
 *
 * @example
 * const blocks = collectBlocks(body);
 * const region = findProseRegion(body, blocks, scoreElements(blocks));
 */
export function findProseRegion(
  root: Element,
  blocks: readonly TextBlock[],
  stats: Map<Element, ElementStats>,
  mainContainer?: Element,
): Element | undefined {
  const total = stats.get(root)?.proseChars ?? 0;
  if (total === 0) return undefined;
  let prose = unnamedProse(blocks, ancestorsOf(mainContainer));
  if (!mainContainer && (prose.get(root) ?? 0) < total * MIN_UNNAMED_PROSE_SHARE)
    prose = new Map([...stats].map(([el, s]) => [el, s.proseChars]));
  let current = root;
  let currentProse = prose.get(root) ?? 0;
  for (;;) {
    let best: Element | undefined;
    let bestProse = 0;
    for (const child of current.children) {
      if (!isElement(child)) continue;
      const childProse = prose.get(child) ?? 0;
      if (childProse > bestProse) {
        bestProse = childProse;
        best = child;
      }
    }
    if (!best || bestProse < currentProse * DESCEND_MIN_PROSE_SHARE) return current;
    current = best;
    currentProse = bestProse;
  }
}

function ancestorsOf(el: Element | undefined): Set<Element> {
  const set = new Set<Element>();
  for (let p: Element | null | undefined = el; p && isElement(p); p = p.parent as Element | null) set.add(p);
  return set;
}

/** Below this share of prose outside furniture names, the names are the page's wrapper, not furniture. */
const MIN_UNNAMED_PROSE_SHARE = 0.2;

/** Prose characters per element, counting only blocks outside comment threads. */
function unnamedProse(blocks: readonly TextBlock[], wrappers: ReadonlySet<Element>): Map<Element, number> {
  const prose = new Map<Element, number>();
  for (const block of blocks) {
    if (block.kind === 'heading' || blockLinkDensity(block) >= MAX_BLOCK_LINK_DENSITY) continue;
    const length = weightedLength(block.text);
    if (length < MIN_SCORED_BLOCK_CHARS) continue;
    for (let el: Element | null = block.owner; el && isElement(el); el = el.parent as Element | null) {
      if (!wrappers.has(el) && isFurnitureNamed(el)) break;
      prose.set(el, (prose.get(el) ?? 0) + length);
    }
  }
  return prose;
}

/**
 * Reader discussion: the one kind of furniture that is long prose. Other furniture names
 * ("widget", "sidebar", "related") also label the content wrappers of page builders, and what
 * they hold is link lists the assembly filters remove anyway.
 */
const DISCUSSION_HINT =
  /comment|kommentar|comentario|commentaire|commento|disqus|discussion|(?:^|[-_ ])repl(?:y|ies)(?:$|[-_ ])/;

function isFurnitureNamed(el: Element): boolean {
  const hint = hintString(el);
  return hint !== '' && DISCUSSION_HINT.test(hint);
}

/** The region replaces a main body it contains when the main body has less than this share of it... */
export const EXTEND_MAX_MAIN_SHARE = 0.7;

/** ...and its prose is spread over at least this many children (sections of one body, not columns). */
const EXTEND_MIN_PROSE_CHILDREN = 4;

/**
 * Whether the prose region continues the main container: it strictly contains it (and is not
 * the whole `<body>`), and its prose is spread over several children, as a body cut into
 * page-builder sections or blocks is. An article column beside one or two sidebars (two or
 * three prose children) is not extended.
 *
 * @example
 * if (extendsMainBody(region, top, stats) && mainChars < regionChars * EXTEND_MAX_MAIN_SHARE) useRegion();
 */
export function extendsMainBody(region: Element, top: Element, stats: Map<Element, ElementStats>): boolean {
  if (region === top || region.name === 'body' || region.name === 'html') return false;
  let inside = false;
  for (
    let el: Element | null = top.parent as Element | null;
    el && isElement(el);
    el = el.parent as Element | null
  )
    if (el === region) {
      inside = true;
      break;
    }
  if (!inside) return false;
  let proseChildren = 0;
  for (const child of region.children)
    if (isElement(child) && (stats.get(child)?.proseChars ?? 0) > 0) proseChildren++;
  return proseChildren >= EXTEND_MIN_PROSE_CHILDREN;
}

/** Characters of a body. */
export function bodyChars(paragraphs: readonly Paragraph[]): number {
  let n = 0;
  for (const p of paragraphs) n += p.text.length;
  return n;
}

/**
 * Whether the fallback's body replaces the main one: the main strategy kept little of what the
 * prose region holds (a hero blurb instead of the article, or nothing at all).
 */
export function fallbackDecides(mainChars: number, fallbackChars: number): boolean {
  return fallbackChars >= FALLBACK_MIN_BODY_CHARS && mainChars < fallbackChars * FALLBACK_MAX_MAIN_SHARE;
}
