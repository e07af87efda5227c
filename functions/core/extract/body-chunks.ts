/**
 * Part of step 5 of extraction: find the other chunks of an article body that templates split
 * into several wrappers (one per run of paragraphs between ads), by the style of its paragraphs.
 */
import { MAX_BLOCK_LINK_DENSITY, MIN_SCORED_BLOCK_CHARS } from './constants';
import type { TextBlock } from './blocks';
import { countHeadlines, isOtherStory } from './article-roots';
import { blockLinkDensity, type ElementStats } from './candidate-scoring';
import { isElement, type Element } from './dom';
import { weightedLength } from './text';

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

/**
 * Other chunks of a body split into several wrappers (one per run of paragraphs between ads):
 * subtrees whose prose is styled exactly like the top container's own paragraphs. A chunk is
 * either an element styled like the top container itself (anywhere on the page), or, failing
 * that, a branch within {@link CHUNK_SEARCH_LEVELS} levels above it. Returned in no particular
 * order; assembly emits blocks in document order.
 */
export function findBodyChunks(
  top: Element,
  blocks: readonly TextBlock[],
  stats: Map<Element, ElementStats>,
): Element[] {
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
  const signatureOf = (block: TextBlock): string =>
    `${cachedStyle(block.owner)}<${cachedStyle(block.owner.parent as Element | null)}`;
  const isCandidateProse = (block: TextBlock): boolean =>
    block.text.length >= MIN_SCORED_BLOCK_CHARS && blockLinkDensity(block) < MAX_BLOCK_LINK_DENSITY;

  // Where each prose block meets the top container's ancestor chain: the chain level and the
  // element just below the meeting point (level 0 means inside the top container).
  interface Meeting {
    level: number;
    below: Element;
    styledChunk?: Element;
    boilerplate: boolean;
  }
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
    const unit =
      m.styledChunk ?? (m.level <= CHUNK_SEARCH_LEVELS && (styled || m.level <= 1) ? m.below : undefined);
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
