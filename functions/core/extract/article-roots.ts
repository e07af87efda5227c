/**
 * Step 5 of extraction: from the top-scoring container, choose the article roots: climb to
 * wrappers that add prose, narrow a stream of stories to one, and gather the siblings that
 * continue the body. Also the story-boundary checks shared with body-chunk search.
 */
import {
  MIN_SIBLING_SCORE,
  SIBLING_PARAGRAPH_MAX_LINK_DENSITY,
  SIBLING_PARAGRAPH_MIN_CHARS,
  SIBLING_SCORE_SHARE,
} from './constants';
import type { TextBlock } from './blocks';
import { finalScore, type ElementStats } from './candidate-scoring';
import { hintString, isElement, type Element } from './dom';
import { endsLikeSentence } from './text';

/** A parent replaces the top container only if it keeps this share of the container's score. */
const EXPAND_MIN_SCORE_SHARE = 0.6;

/** ...and adds at least this share of prose... */
const EXPAND_MIN_PROSE_GAIN = 0.15;

/** ...while its link density stays below this. */
const EXPAND_MAX_LINK_DENSITY = 0.25;

/**
 * Climbs from the top container to ancestors that add prose without adding navigation: short
 * articles often have their lede or first paragraphs in a sibling wrapper of the block that
 * won the vote.
 */
export function expandTopCandidate(top: Element, stats: Map<Element, ElementStats>): Element {
  const topStats = stats.get(top) as ElementStats;
  const minScore = finalScore(topStats) * EXPAND_MIN_SCORE_SHARE;
  let current = top;
  for (
    let parent = top.parent as Element | null;
    parent && isElement(parent);
    parent = parent.parent as Element | null
  ) {
    if (parent.name === 'body' || parent.name === 'html') break;
    const s = stats.get(parent);
    const c = stats.get(current) as ElementStats;
    if (!s?.scored || s.boilerplateNamed) break;
    const linkDensity = s.textChars === 0 ? 0 : s.linkChars / s.textChars;
    if (linkDensity > EXPAND_MAX_LINK_DENSITY || finalScore(s) < minScore) break;
    if (s.proseChars < c.proseChars * (1 + EXPAND_MIN_PROSE_GAIN)) {
      // Same prose: a plain wrapper; look further up without moving.
      if (s.proseChars === c.proseChars) continue;
      break;
    }
    current = parent;
  }
  return current;
}

/** A story in a stream must have this share of the largest story's prose to be chosen first. */
const STREAM_STORY_MIN_SHARE = 0.3;

/**
 * A container holding several stories (a stream of `<article>` children, each with its own
 * `<h1>`) is narrowed to the first substantial one: infinite-scroll templates render the page's
 * own story first and append the next ones below it.
 */
export function narrowToOneStory(top: Element, stats: Map<Element, ElementStats>): Element {
  if (top.name === 'article') return top;
  const stories: Array<{ el: Element; prose: number }> = [];
  for (const child of top.children) {
    if (!isElement(child) || child.name !== 'article') continue;
    const prose = stats.get(child)?.proseChars ?? 0;
    if (prose > 0 && containsTag(child, 'h1')) stories.push({ el: child, prose });
  }
  if (stories.length < 2) return top;
  const largest = Math.max(...stories.map((st) => st.prose));
  return (stories.find((st) => st.prose >= largest * STREAM_STORY_MIN_SHARE) ?? stories[0]).el;
}

/** A loose sibling that is one link-free sentence of at least this many characters joins too. */
const SIBLING_SENTENCE_MIN_CHARS = 25;

/**
 * The top candidate and the siblings that continue it: bodies are often split into several
 * sibling containers by ads or embeds, and some sites put the lede in a separate element.
 */
export function gatherArticleRoots(
  top: Element,
  stats: Map<Element, ElementStats>,
  blocksByOwner: Map<Element, TextBlock[]>,
): Element[] {
  const parent = top.parent;
  if (!parent || !isElement(parent)) return [top];
  const topScore = finalScore(stats.get(top) as ElementStats);
  const threshold = Math.max(MIN_SIBLING_SCORE, topScore * SIBLING_SCORE_SHARE);
  const topHint = hintString(top);
  const topHasHeadline = containsTag(top, 'h1');
  const roots: Element[] = [];
  for (const sibling of parent.children) {
    if (!isElement(sibling)) continue;
    if (sibling === top) {
      roots.push(sibling);
      continue;
    }
    const s = stats.get(sibling);
    if (!s) continue;
    // A sibling named like furniture (comments, related, share) is not more of the body.
    if (s.boilerplateNamed) continue;
    // Two sibling <article>s with a headline each are two stories, not one body in two parts.
    if (sibling.name === 'article' && top.name === 'article' && topHasHeadline && containsTag(sibling, 'h1'))
      continue;
    let bonus = 0;
    // Same class name as the winner: another chunk of the same body.
    if (topHint && hintString(sibling) === topHint) bonus = topScore * 0.2;
    if (s.scored && finalScore(s) + bonus >= threshold) {
      roots.push(sibling);
      continue;
    }
    // A sibling that holds text itself (a <p>, or a <div class="paragraph">) joins when it reads as prose.
    const own = blocksByOwner.get(sibling);
    if (own && own.length > 0) {
      const text = own.map((b) => b.text).join(' ');
      const linkChars = own.reduce((n, b) => n + b.linkChars, 0);
      const linkDensity = text.length === 0 ? 1 : linkChars / text.length;
      if (text.length >= SIBLING_PARAGRAPH_MIN_CHARS && linkDensity < SIBLING_PARAGRAPH_MAX_LINK_DENSITY)
        roots.push(sibling);
      else if (linkDensity === 0 && endsLikeSentence(text) && text.length >= SIBLING_SENTENCE_MIN_CHARS)
        roots.push(sibling);
    }
  }
  return roots;
}

/** Number of `<h1>` headlines on the page: more than one means several stories are rendered. */
export function countHeadlines(blocks: readonly TextBlock[]): number {
  let n = 0;
  for (const block of blocks) if (block.owner.name === 'h1') n++;
  return n;
}

/**
 * Whether `candidate` is another story next to the article: another `<article>` element, or,
 * on a page with several headlines, an element holding its own `<h1>`.
 */
export function isOtherStory(candidate: Element, top: Element, multiStory: boolean): boolean {
  const topArticle = enclosingArticle(top);
  const candidateArticle = enclosingArticle(candidate);
  if (candidateArticle && candidateArticle !== topArticle && !isAncestorOf(candidateArticle, top))
    return true;
  return multiStory && containsTag(candidate, 'h1');
}

function isAncestorOf(ancestor: Element, el: Element): boolean {
  for (let p: Element | null = el; p && isElement(p); p = p.parent as Element | null)
    if (p === ancestor) return true;
  return false;
}

/** Nearest `<article>` element at or above `el`. */
function enclosingArticle(el: Element): Element | undefined {
  for (let p: Element | null = el; p && isElement(p); p = p.parent as Element | null)
    if (p.name === 'article') return p;
  return undefined;
}
/** Whether `root` has a descendant with the tag (iterative). */
function containsTag(root: Element, tag: string): boolean {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (child.name === tag) return true;
      stack.push(child);
    }
  }
  return false;
}
