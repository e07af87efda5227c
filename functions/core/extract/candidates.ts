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
      s = { score: 0, points: 0, textChars: 0, linkChars: 0, linkCount: 0, proseChars: 0, linkedHeadings: 0, scored: false, boilerplateNamed: isBoilerplateNamed(el) };
      stats.set(el, s);
    }
    return s;
  };

  for (const block of blocks) {
    const length = weightedLength(block.text);
    const linkDensity = blockLinkDensity(block);
    const isProse = length >= MIN_SCORED_BLOCK_CHARS && linkDensity < MAX_BLOCK_LINK_DENSITY && block.kind !== 'heading';
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
    let points = 1 + countCommas(block.text) + Math.min(MAX_LENGTH_POINTS, Math.floor(length / CHARS_PER_LENGTH_POINT));
    if (block.kind === 'list-item') points /= 2;
    points *= factor;
    let el: Element | null = PARAGRAPH_OWNERS.has(block.owner.name) ? (block.owner.parent as Element | null) : block.owner;
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
  for (let parent = top.parent as Element | null; parent && isElement(parent); parent = parent.parent as Element | null) {
    if (parent.name === 'body' || parent.name === 'html') break;
    const s = stats.get(parent);
    const c = stats.get(current) as ElementStats;
    if (!s || !s.scored || s.boilerplateNamed) break;
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
export function gatherArticleRoots(top: Element, stats: Map<Element, ElementStats>, blocksByOwner: Map<Element, TextBlock[]>): Element[] {
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
    // Two sibling <article>s with a headline each are two stories, not one body in two parts.
    if (sibling.name === 'article' && top.name === 'article' && topHasHeadline && containsTag(sibling, 'h1')) continue;
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
      if (text.length >= SIBLING_PARAGRAPH_MIN_CHARS && linkDensity < SIBLING_PARAGRAPH_MAX_LINK_DENSITY) roots.push(sibling);
      else if (linkDensity === 0 && endsLikeSentence(text) && text.length >= SIBLING_SENTENCE_MIN_CHARS) roots.push(sibling);
    }
  }
  return roots;
}

/**
 * How many levels above the top container we look for more chunks of the same body when the
 * chunks are not wrapped in an element styled like the top container. Templates wrap each chunk
 * between ads in two or three wrappers (chunk > companion > section).
 */
const CHUNK_SEARCH_LEVELS = 4;

/** Share of a chunk's prose that must be paragraphs styled like the body for the chunk to join. */
const CHUNK_MIN_MATCHING_SHARE = 0.6;

/** Link density above which a chunk is a teaser list even if styled like the body. */
const CHUNK_MAX_LINK_DENSITY = 0.3;

/** "tag.firstClass" of an element, the unit of a paragraph's style signature. */
function styleOf(el: Element | null): string {
  if (!el || !isElement(el)) return '';
  const cls = (el.attribs?.class ?? '').trim();
  if (!cls) return el.name;
  // The first class is the component's name; later ones are modifiers ("block-text
  // block-text_initial", "chunk is-first") that differ between chunks of one body.
  return `${el.name}.${cls.split(/\s+/)[0]}`;
}

function isBoilerplateNamed(el: Element): boolean {
  const hint = hintString(el);
  return hint !== '' && NEGATIVE_HINT.test(hint) && !POSITIVE_HINT.test(hint);
}

/**
 * Other chunks of a body split into several wrappers (one per run of paragraphs between ads):
 * subtrees whose prose is styled exactly like the top container's own paragraphs. A chunk is
 * either an element styled like the top container itself (anywhere on the page), or, failing
 * that, a branch within {@link CHUNK_SEARCH_LEVELS} levels above it. Returned in no particular
 * order; assembly emits blocks in document order.
 */
export function findBodyChunks(top: Element, blocks: readonly TextBlock[], stats: Map<Element, ElementStats>): Element[] {
  const chain: Element[] = [];
  for (let el: Element | null = top; el && isElement(el); el = el.parent as Element | null) {
    if (el.name === 'body' || el.name === 'html') break;
    chain.push(el);
  }
  const level = new Map(chain.map((el, i) => [el, i] as const));
  const styleCache = new Map<Element, string>();
  const cachedStyle = (el: Element | null): string => {
    if (!el || !isElement(el)) return '';
    let st = styleCache.get(el);
    if (st === undefined) {
      st = styleOf(el);
      styleCache.set(el, st);
    }
    return st;
  };
  const signatureOf = (block: TextBlock): string => `${cachedStyle(block.owner)}<${cachedStyle(block.owner.parent as Element | null)}`;
  const isCandidateProse = (block: TextBlock): boolean =>
    block.text.length >= MIN_SCORED_BLOCK_CHARS && blockLinkDensity(block) < MAX_BLOCK_LINK_DENSITY;

  // Where each prose block meets the top container's ancestor chain: the chain level and the
  // element just below the meeting point (level 0 means inside the top container).
  interface Meeting { level: number; below: Element; styledChunk?: Element; boilerplate: boolean }
  const topStyle = cachedStyle(top);
  const topStyled = topStyle.includes('.');
  const meet = (block: TextBlock): Meeting | undefined => {
    let below: Element = block.owner;
    let styledChunk: Element | undefined;
    let boilerplate = false;
    for (let el: Element | null = block.owner; el && isElement(el); el = el.parent as Element | null) {
      const lv = level.get(el);
      if (lv !== undefined) return { level: lv, below, styledChunk, boilerplate };
      if (topStyled && !styledChunk && cachedStyle(el) === topStyle) styledChunk = el;
      if (!boilerplate && stats.get(el)?.boilerplateNamed) boilerplate = true;
      below = el;
    }
    return undefined;
  };

  const meetings = new Map<TextBlock, Meeting>();
  const counts = new Map<string, number>();
  for (const block of blocks) {
    if (!isCandidateProse(block)) continue;
    const m = meet(block);
    if (!m) continue;
    meetings.set(block, m);
    if (m.level === 0) {
      const sig = signatureOf(block);
      counts.set(sig, (counts.get(sig) ?? 0) + block.text.length);
    }
  }
  // The dominant style of the top container's prose paragraphs.
  let signature = '';
  let best = 0;
  for (const [sig, n] of counts) if (n > best) [signature, best] = [sig, n];
  if (!signature) return [];
  // A bare "p<div" signature is shared by every widget on many sites: only trust styled ones far up.
  const styled = signature.includes('.');

  const matchedChars = new Map<Element, number>();
  for (const [block, m] of meetings) {
    if (m.level === 0 || m.boilerplate || signatureOf(block) !== signature) continue;
    const unit = m.styledChunk ?? (m.level <= CHUNK_SEARCH_LEVELS && (styled || m.level <= 1) ? m.below : undefined);
    if (!unit) continue;
    matchedChars.set(unit, (matchedChars.get(unit) ?? 0) + weightedLength(block.text));
  }
  const chunks: Element[] = [];
  const multiStory = countHeadlines(blocks) > 1;
  for (const [unit, chars] of matchedChars) {
    const s = stats.get(unit);
    if (!s || s.proseChars === 0) continue;
    const linkDensity = s.textChars === 0 ? 0 : s.linkChars / s.textChars;
    if (chars / s.proseChars < CHUNK_MIN_MATCHING_SHARE || linkDensity > CHUNK_MAX_LINK_DENSITY) continue;
    if (s.boilerplateNamed) continue;
    // The next story rendered below in the same template (infinite-scroll pages) is styled like
    // this one but sits in its own <article> or starts with its own headline.
    if (isOtherStory(unit, top, multiStory)) continue;
    chunks.push(unit);
  }
  return chunks;
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
  if (candidateArticle && candidateArticle !== topArticle && !isAncestorOf(candidateArticle, top)) return true;
  return multiStory && containsTag(candidate, 'h1');
}

function isAncestorOf(ancestor: Element, el: Element): boolean {
  for (let p: Element | null = el; p && isElement(p); p = p.parent as Element | null) if (p === ancestor) return true;
  return false;
}

/** Nearest `<article>` element at or above `el`. */
function enclosingArticle(el: Element): Element | undefined {
  for (let p: Element | null = el; p && isElement(p); p = p.parent as Element | null) if (p.name === 'article') return p;
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
