/**
 * Steps 4 and 5 of extraction: score candidate containers from the text blocks they hold and
 * pick the article container (plus siblings that continue it).
 */
import {
  CHARS_PER_LENGTH_POINT,
  CLASS_HINT_WEIGHT,
  MAX_BLOCK_LINK_DENSITY,
  MAX_LENGTH_POINTS,
  MIN_SCORED_BLOCK_CHARS,
  MIN_SIBLING_SCORE,
  SCORE_ANCESTOR_LEVELS,
  SIBLING_PARAGRAPH_MAX_LINK_DENSITY,
  SIBLING_PARAGRAPH_MIN_CHARS,
  SIBLING_SCORE_SHARE,
} from './constants';
import type { TextBlock } from './blocks';
import { hintString, isElement, type Element } from './dom';
import { NEGATIVE_HINT, POSITIVE_HINT } from './hints';
import { countCommas, endsLikeSentence, weightedLength } from './text';

/** Aggregates of the blocks below an element. */
export interface ElementStats {
  /** Readability-style content score (before link-density damping). */
  score: number;
  /** Weighted characters of all text below. */
  textChars: number;
  /** Characters of link text below. */
  linkChars: number;
  /** Links below. */
  linkCount: number;
  /** Characters of blocks that look like prose (long enough, few links). */
  proseChars: number;
  scored: boolean;
}

/** Owners whose text is "a paragraph": they vote for their parent, not for themselves. */
const PARAGRAPH_OWNERS = new Set(['p', 'pre', 'blockquote', 'li', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'span', 'font', 'b', 'strong', 'em', 'i']);

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

/** Link density of a block: share of its characters inside links. */
export function blockLinkDensity(block: TextBlock): number {
  return block.text.length === 0 ? 0 : block.linkChars / block.text.length;
}

/** Computes per-element aggregates for every ancestor of every block. */
export function scoreElements(blocks: readonly TextBlock[]): Map<Element, ElementStats> {
  const stats = new Map<Element, ElementStats>();
  const statsOf = (el: Element): ElementStats => {
    let s = stats.get(el);
    if (!s) {
      s = { score: 0, textChars: 0, linkChars: 0, linkCount: 0, proseChars: 0, scored: false };
      stats.set(el, s);
    }
    return s;
  };

  for (const block of blocks) {
    const length = weightedLength(block.text);
    const linkDensity = blockLinkDensity(block);
    const isProse = length >= MIN_SCORED_BLOCK_CHARS && linkDensity < MAX_BLOCK_LINK_DENSITY && block.kind !== 'heading';
    // Totals go to every ancestor, so link density can be judged at any level.
    for (let el: Element | null = block.owner; el && isElement(el); el = el.parent as Element | null) {
      const s = statsOf(el);
      s.textChars += length;
      s.linkChars += block.linkChars;
      s.linkCount += block.linkCount;
      if (isProse) s.proseChars += length;
    }
    if (!isProse) continue;
    let points = 1 + countCommas(block.text) + Math.min(MAX_LENGTH_POINTS, Math.floor(length / CHARS_PER_LENGTH_POINT));
    if (block.kind === 'list-item') points /= 2;
    let el: Element | null = PARAGRAPH_OWNERS.has(block.owner.name) ? (block.owner.parent as Element | null) : block.owner;
    for (let level = 0; level < SCORE_ANCESTOR_LEVELS && el && isElement(el); level++) {
      const s = statsOf(el);
      if (!s.scored) {
        s.scored = true;
        s.score += tagPrior(el.name) + hintWeight(el);
      }
      s.score += level === 0 ? points : level === 1 ? points / 2 : points / (level * 3);
      el = el.parent as Element | null;
    }
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

/**
 * The top candidate and the siblings that continue it: bodies are often split into several
 * sibling containers by ads or embeds, and some sites put the lede in a separate element.
 */
export function gatherArticleRoots(top: Element, stats: Map<Element, ElementStats>, blocksByOwner: Map<Element, TextBlock[]>): Element[] {
  const parent = top.parent;
  if (!parent || !isElement(parent)) return [top];
  const topScore = finalScore(stats.get(top) as ElementStats);
  const threshold = Math.max(MIN_SIBLING_SCORE, topScore * SIBLING_SCORE_SHARE);
  const topHint = hintString(top);
  const roots: Element[] = [];
  for (const sibling of parent.children) {
    if (!isElement(sibling)) continue;
    if (sibling === top) {
      roots.push(sibling);
      continue;
    }
    const s = stats.get(sibling);
    if (!s) continue;
    let bonus = 0;
    // Same class name as the winner: another chunk of the same body.
    if (topHint && hintString(sibling) === topHint) bonus = topScore * 0.2;
    if (s.scored && finalScore(s) + bonus >= threshold) {
      roots.push(sibling);
      continue;
    }
    if (sibling.name === 'p' || PARAGRAPH_OWNERS.has(sibling.name)) {
      const own = blocksByOwner.get(sibling) ?? [];
      const text = own.map((b) => b.text).join(' ');
      const linkChars = own.reduce((n, b) => n + b.linkChars, 0);
      const linkDensity = text.length === 0 ? 1 : linkChars / text.length;
      if (text.length >= SIBLING_PARAGRAPH_MIN_CHARS && linkDensity < SIBLING_PARAGRAPH_MAX_LINK_DENSITY) roots.push(sibling);
      else if (text.length > 0 && linkDensity === 0 && endsLikeSentence(text) && text.length > 40) roots.push(sibling);
    }
  }
  return roots;
}
