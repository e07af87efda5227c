/**
 * Step 4 of extraction: score candidate containers from the text blocks they hold (votes from
 * prose blocks, tag and class-name priors, link-density damping) and pick the best one.
 */
import {
  CHARS_PER_LENGTH_POINT,
  CLASS_HINT_WEIGHT,
  MAX_BLOCK_LINK_DENSITY,
  MAX_LENGTH_POINTS,
  MIN_SCORED_BLOCK_CHARS,
  SCORE_ANCESTOR_LEVELS,
} from './constants';
import type { TextBlock } from './blocks';
import { hintString, isElement, type Element } from './dom';
import { NEGATIVE_HINT, POSITIVE_HINT } from './hints';
import { countCommas, weightedLength } from './text';

/** Aggregates of the blocks below an element. */
export interface ElementStats {
  /** Readability-style content score (before link-density damping): votes plus bounded priors. */
  score: number;
  /** Votes received from blocks below. */
  points: number;
  /** Weighted characters of all text below. */
  textChars: number;
  /** Characters of link text below. */
  linkChars: number;
  /** Links below. */
  linkCount: number;
  /** Characters of blocks that look like prose (long enough, few links). */
  proseChars: number;
  /** Headings below that are (almost) entirely a link: teaser headlines. */
  linkedHeadings: number;
  /** The element's class/id names page furniture (comments, related, sidebar...). */
  boilerplateNamed: boolean;
  scored: boolean;
}

/** Owners whose text is "a paragraph": they vote for their parent, not for themselves. */
const PARAGRAPH_OWNERS = new Set([
  'p',
  'pre',
  'blockquote',
  'li',
  'dd',
  'dt',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'span',
  'font',
  'b',
  'strong',
  'em',
  'i',
]);

/** Tag priors: div-like containers are likely article wrappers; list and heading elements are not. */
function tagPrior(tag: string): number {
  switch (tag) {
    case 'article':
      return 10;
    case 'div':
    case 'section':
    case 'main':
      return 5;
    case 'pre':
    case 'td':
    case 'blockquote':
      return 3;
    case 'ol':
    case 'ul':
    case 'dl':
    case 'dd':
    case 'dt':
    case 'li':
    case 'form':
    case 'address':
      return -3;
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
    case 'th':
    case 'header':
      return -5;
    case 'body':
    case 'html':
      return -10;
    default:
      return 0;
  }
}

/** Score contribution of the class/id names of an element. */
export function hintWeight(el: Element): number {
  const hint = hintString(el);
  if (!hint) return 0;
  let weight = 0;
  if (POSITIVE_HINT.test(hint)) weight += CLASS_HINT_WEIGHT;
  if (NEGATIVE_HINT.test(hint)) weight -= CLASS_HINT_WEIGHT;
  return weight;
}

/** Share of a headline's characters inside a link for it to be a teaser headline. */
const TEASER_HEADLINE_MIN_LINK_DENSITY = 0.9;

/** A heading that is a link (`<h3><a>..</a></h3>` or `<a><h3>..</h3></a>`): a teaser's headline. */
export function isTeaserHeadline(block: TextBlock): boolean {
  return block.kind === 'heading' && blockLinkDensity(block) >= TEASER_HEADLINE_MIN_LINK_DENSITY;
}

/** Link density of a block: share of its characters inside links. */
export function blockLinkDensity(block: TextBlock): number {
  return block.text.length === 0 ? 0 : block.linkChars / block.text.length;
}

/**
 * Factor applied to the votes of blocks below an element with a boilerplate name (comments,
 * related stories, sidebars). It multiplies down the ancestors, so a comment thread cannot
 * outvote the article; a page-wide wrapper with such a name damps every block alike and so
 * changes no ranking.
 */
const BOILERPLATE_ANCESTOR_FACTOR = 0.3;

/** Computes per-element aggregates for every ancestor of every block. */
export function scoreElements(blocks: readonly TextBlock[]): Map<Element, ElementStats> {
  const stats = new Map<Element, ElementStats>();
  const statsOf = (el: Element): ElementStats => {
    let s = stats.get(el);
    if (!s) {
      s = {
        score: 0,
        points: 0,
        textChars: 0,
        linkChars: 0,
        linkCount: 0,
        proseChars: 0,
        linkedHeadings: 0,
        scored: false,
        boilerplateNamed: isBoilerplateNamed(el),
      };
      stats.set(el, s);
    }
    return s;
  };

  for (const block of blocks) {
    const length = weightedLength(block.text);
    const linkDensity = blockLinkDensity(block);
    const isProse =
      length >= MIN_SCORED_BLOCK_CHARS && linkDensity < MAX_BLOCK_LINK_DENSITY && block.kind !== 'heading';
    const isLinkedHeading = isTeaserHeadline(block);
    // Totals go to every ancestor, so link density can be judged at any level.
    let factor = 1;
    for (let el: Element | null = block.owner; el && isElement(el); el = el.parent as Element | null) {
      const s = statsOf(el);
      s.textChars += length;
      s.linkChars += block.linkChars;
      s.linkCount += block.linkCount;
      if (isProse) s.proseChars += length;
      if (isLinkedHeading) s.linkedHeadings++;
      if (s.boilerplateNamed) factor *= BOILERPLATE_ANCESTOR_FACTOR;
    }
    if (!isProse) continue;
    let points =
      1 + countCommas(block.text) + Math.min(MAX_LENGTH_POINTS, Math.floor(length / CHARS_PER_LENGTH_POINT));
    if (block.kind === 'list-item') points /= 2;
    points *= factor;
    let el: Element | null = PARAGRAPH_OWNERS.has(block.owner.name)
      ? (block.owner.parent as Element | null)
      : block.owner;
    for (let level = 0; level < SCORE_ANCESTOR_LEVELS && el && isElement(el); level++) {
      const s = statsOf(el);
      s.scored = true;
      s.points += level === 0 ? points : level === 1 ? points / 2 : points / (level * 3);
      el = el.parent as Element | null;
    }
  }
  for (const [el, s] of stats) {
    if (!s.scored) continue;
    // Priors may at most double a container's own votes: a name alone must not make a winner.
    const prior = tagPrior(el.name) + hintWeight(el);
    s.score = s.points + Math.max(-s.points, Math.min(prior, s.points));
  }
  return stats;
}

/** Score after link-density damping: a container full of links is navigation. */
export function finalScore(s: ElementStats): number {
  const linkDensity = s.textChars === 0 ? 0 : Math.min(1, s.linkChars / s.textChars);
  return s.score * (1 - linkDensity);
}

/** Returns the best-scoring container, or undefined when nothing scored. */
export function pickTopCandidate(stats: Map<Element, ElementStats>): Element | undefined {
  let best: Element | undefined;
  let bestScore = -Infinity;
  for (const [el, s] of stats) {
    if (!s.scored) continue;
    const score = finalScore(s);
    if (score > bestScore) {
      bestScore = score;
      best = el;
    }
  }
  return best;
}

function isBoilerplateNamed(el: Element): boolean {
  const hint = hintString(el);
  return hint !== '' && NEGATIVE_HINT.test(hint) && !POSITIVE_HINT.test(hint);
}
