/**
 * Step 6 of extraction: keep the blocks of the article container in order, minus the widgets
 * embedded in it (share bars, related links, captions, bylines) and link-heavy lines.
 */
import type { Paragraph } from '../article';
import type { TextBlock } from './blocks';
import { blockLinkDensity, type ElementStats } from './candidate-scoring';
import {
  MAX_BLOCK_LINK_DENSITY,
  MAX_PRUNED_SHARE,
  MAX_SUBTREE_LINK_DENSITY,
  SHORT_LINE_CHARS,
} from './constants';
import { takeEdgeBylines, type BylineFinding } from './byline';
import { hintString, isElement, type Element } from './dom';
import { POSITIVE_HINT, PRUNE_HINT } from './hints';
import { comparableText, endsLikeSentence } from './text';

/** Containers that are link lists when most of their text is link text. */
const LINK_LIST_TAGS = new Set([
  'ul',
  'ol',
  'dl',
  'div',
  'section',
  'table',
  'tbody',
  'tr',
  'td',
  'p',
  'span',
  'header',
]);

/** Minimum links for a container to be judged a link list (one inline link is not a list). */
const LINK_LIST_MIN_LINKS = 3;

/**
 * Short labelled lines that are page furniture in most languages: credits and sources with a
 * colon, "Read more:" pointers, update stamps that carry a date or time, reading times, ad and
 * sponsor labels. Each form needs its punctuation or digits, so ordinary sentences that merely
 * start with these words ("Published in 1998, the book...") are not caught.
 */
const FURNITURE_LINE = new RegExp(
  [
    '^(?:photo(?:graph)?s?(?: by)?|image(?: credit)?|credits?|source|fuente|quelle|foto|bild|fonte|źródło|источник)\\s*:',
    '^(?:read more|read also|see also|also read|related|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|leer más|lea también|leia também|leggi anche|читайте также)\\s*[:\\-–—]',
    '^(?:updated|last updated|published|aktualisiert|veröffentlicht|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato)(?:\\s*:|\\b[^.!?]{0,60}\\d[^.!?]{0,30}$)',
    '^\\d+\\s*(?:min(?:ute)?s?|minuten)\\b.{0,20}(?:read|lesezeit|lecture|lectura|lettura|leitura)',
    '^(?:advertisement|anzeige|publicité|publicidad|pubblicità|реклама|werbung|sponsored(?: content)?|paid (?:post|content))\\b',
    // Relative time stamps and media durations of embedded video cards ("14 hours ago", "Duration 1:30").
    '^(?:\\d+|an?|one)\\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\\s+ago$',
    '^(?:vor\\s+\\d+\\s+(?:sekunden|minuten|stunden|tagen|wochen|monaten)|il y a\\s+\\d+\\s+(?:secondes?|minutes?|heures?|jours?|semaines?|mois)|hace\\s+\\d+\\s+(?:segundos?|minutos?|horas?|días?|semanas?|meses))$',
    // Photo credits: a photographer, a slash, an agency or image bank ("Jane Doe/Getty Images").
    '^[^.!?:]{0,60}/\\s*(?:getty images|ap(?: photo)?|afp|reuters|dpa|imago(?: images)?|shutterstock|alamy|epa(?:-efe)?|picture[- ]alliance|bloomberg|istock(?:photo)?|keystone|anp|ansa|efe|xinhua|pa (?:images|wire)|stringer)$',
    '^(?:duration|dauer|durée|duración|durata)\\s*:?\\s*\\d{1,2}:\\d{2}(?::\\d{2})?$',
  ].join('|'),
  'iu',
);

/** Byline prefixes ("By", "Von", "Par"...): the rest must look like names to be a byline. */
const BYLINE_PREFIX =
  /^(?:by|von|par|por|door|di|av|af|od|przez|от|автор|written by|posted by|reporting by|text:|texto:)\s+(.+)$/iu;

/** Most words a byline's name part may have ("Jane Doe and John Roe in Paris, Reuters"). */
const MAX_BYLINE_WORDS = 10;

/**
 * "By Jane Doe and John Roe": a prefix, then a few words most of which are capitalised (names)
 * and no sentence ending. "Par ailleurs, le ministre a refusé." or "Por su parte, el juez..."
 * start the same way but read as sentences.
 */
function isBylineLine(text: string): boolean {
  const m = BYLINE_PREFIX.exec(text);
  if (!m) return false;
  const rest = m[1].trim();
  if (/[.!?]$/.test(rest) && !/\b\p{Lu}\.$/u.test(rest)) return false;
  const words = rest.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (words.length === 0 || words.length > MAX_BYLINE_WORDS) return false;
  const capitalised = words.filter((w) => /^\p{Lu}/u.test(w)).length;
  return capitalised / words.length >= 0.5;
}

/** Whole lines that are labels of page furniture, in any case. */
const FURNITURE_WORD =
  /^(?:advert(?:isement)?|ad|anzeige|publicit[ée]|publicidad|pubblicit[àa]|реклама|werbung|sponsored|comments?|kommentare|commentaires|comentarios|commenti|share(?: this)?(?: article| story)?|teilen|partager|compartir|condividi|print|drucken|imprimer|email|e-mail|tweet|close|schließen|fermer|more|mehr|plus|read more|weiterlesen|lire la suite|leer más|continue reading|explore further|related(?: (?:articles|stories|posts|news))?|see also|also read|read also|leggi anche|lesen sie auch|mehr zum thema|lire aussi|leia também|lea también|ver también|читайте также|loading\.*|subscribe|anmelden|log ?in|sign ?in|sign ?up)[.:!…]*$/i;

/** Short copyright lines ("© 2019 Publisher, Inc.", "Copyright 2019 Publisher"). */
const COPYRIGHT_LINE =
  /^(?:©|\(c\)\s|copyright\b)|all rights reserved\.?$|alle rechte vorbehalten\.?$|tous droits réservés\.?$|todos los derechos reservados\.?$/i;

/** Calls to action that sit at the start or end of bodies (newsletter, subscription, app, social). */
const CALL_TO_ACTION =
  /(?<![\p{L}\p{N}])(?:subscribe (?:to|now|today|for|here)|newsletters?\b|sign up|signup|click here|follow us|download (?:our|the) app|get the latest|delivered (?:to|through) your|in your inbox|tell us what you think|join our (?:[\p{L}-]+ ){0,2}(?:forums?|community|newsletter|mailing list|discord|telegram|whatsapp)|like this (?:story|article)|share (?:it|this) with|abonnieren|abonnez|suscr[ií]b|iscriviti|подпис)/iu;

/** Membership and donation appeals publishers insert anywhere in the body. */
const SUPPORT_APPEAL =
  /please consider (?:becoming|subscribing|supporting|donating|making)|support (?:our|independent|local|quality) (?:journalism|reporting)|become a (?:member|subscriber|supporter|patron)\b|(?:donate|subscribe) (?:now|today)\b|unterstützen sie (?:unseren|unabhängigen) journalismus|unterstützen sie uns\b|mit einer spende\b|soutenez(?:-nous| (?:notre|le) journalisme)|faites un don\b|ap[óo]yanos\b|haz una donaci[óo]n|sostienici\b|fai una donazione/i;

/** Publisher disclaimers appended after syndicated bodies (any length). */
const DISCLAIMER =
  /^(?:legal\s+)?disclaimer\b|^haftungsausschluss\b|^avertissement\s*:|^aviso legal\b|^descargo de responsabilidad\b/i;

/** How many paragraphs at each end of the body are checked for calls to action. */
const EDGE_PARAGRAPHS = 2;

/** Longest call-to-action paragraph (chars); longer ones are body text that mentions a newsletter. */
const MAX_CALL_TO_ACTION_CHARS = 250;

/** A date inside a line: numeric (05/10/2018, 2018-10-05) or with a month name and a year. */
const DATE_IN_LINE =
  /\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.?\s+(?:de\s+)?\p{L}{3,}\.?,?\s+(?:de\s+)?\d{4}\b|\b\p{L}{3,}\.?\s+\d{1,2},?\s+\d{4}\b/u;

/** Short dateline/meta lines ("Monday, 22 January 2018 at 0:13", "05/10/2018 - Published by X") stop here (chars). */
const MAX_DATELINE_CHARS = 120;

/** A line that is only a date or time (datelines). */
const DATE_ONLY_LINE =
  /^[\p{L}.,]*\s*\d{1,4}[./\-\s]\s*(?:\d{1,2}|\p{L}+)\.?[./\-\s,]\s*\d{2,4}(?:[\s,|\-–—]*(?:\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:am|pm|uhr|h)?\s*[A-Z]{0,4}))?$/iu;

export interface AssembleOptions {
  title?: string;
  /** Receives the byline/dateline paragraphs removed from the body's edges (see byline.ts). */
  bylines?: BylineFinding[];
}

/**
 * Emits the paragraphs of the article roots in document order.
 */
export function assembleParagraphs(
  roots: readonly Element[],
  blocks: readonly TextBlock[],
  stats: Map<Element, ElementStats>,
  options: AssembleOptions,
): Paragraph[] {
  const rootSet = new Set(roots);
  const articleChars = roots.reduce((n, r) => n + (stats.get(r)?.textChars ?? 0), 0);
  const verdict = new Map<Element, PruneVerdict>();
  const titleKey = options.title ? comparableText(options.title) : '';

  /**
   * Whether the element (strictly inside a root) is furniture to drop: 'named' for a widget
   * name (share, related, caption...), 'linked' for a structural verdict on links (link list,
   * teaser card or list, card grid, small header), false to keep.
   */
  const pruneVerdict = (el: Element): PruneVerdict => {
    const cached = verdict.get(el);
    if (cached !== undefined) return cached;
    let pruned: PruneVerdict = false;
    const s = stats.get(el);
    const hint = hintString(el);
    const share = s && articleChars > 0 ? s.textChars / articleChars : 0;
    if (
      hint &&
      PRUNE_HINT.test(hint) &&
      share < MAX_PRUNED_SHARE &&
      !(POSITIVE_HINT.test(hint) && share > 0.2)
    )
      pruned = 'named';
    else if (el.name === 'header' && share < 0.2) pruned = 'named';
    // A form inside the article is a newsletter, search or comment box (a page-wide
    // ASP.NET-style <form> wraps the article and holds most of its text).
    else if (el.name === 'form' && share < MAX_PRUNED_SHARE) pruned = 'named';
    else if (
      s &&
      LINK_LIST_TAGS.has(el.name) &&
      s.linkCount >= LINK_LIST_MIN_LINKS &&
      s.textChars > 0 &&
      s.linkChars / s.textChars > MAX_SUBTREE_LINK_DENSITY &&
      share < MAX_PRUNED_SHARE
    )
      pruned = 'linked';
    else if ((el.name === 'ul' || el.name === 'ol') && s && isLinkList(el, stats)) pruned = 'linked';
    else if (s && isTeaserCard(s)) pruned = 'linked';
    else if (s && share < MAX_PRUNED_SHARE && isCardGrid(el, s, stats)) pruned = 'linked';
    verdict.set(el, pruned);
    return pruned;
  };

  /**
   * Where a block stands: outside the article roots, inside but under a widget name, inside
   * but under a link-structure verdict (with the outermost such element), or kept.
   */
  const placement = (block: TextBlock): Placement => {
    let named = false;
    let linked: Element | undefined;
    for (let el: Element | null = block.owner; el && isElement(el); el = el.parent as Element | null) {
      if (rootSet.has(el)) {
        if (named) return { where: 'named' };
        return linked ? { where: 'linked', element: linked, root: el } : { where: 'inside', root: el };
      }
      if (named) continue;
      const v = pruneVerdict(el);
      if (v === 'named') named = true;
      else if (v === 'linked') linked = el;
    }
    return { where: 'outside' };
  };

  const placements = blocks.map(placement);
  // Line filters, once per block inside the roots (the extent check and the output both need them).
  const passes = blocks.map((block, i) => {
    const where = placements[i].where;
    return (where === 'inside' || where === 'linked') && keepBlock(block, titleKey);
  });
  const interior = interiorElements(blocks, placements, passes);

  const out: Paragraph[] = [];
  const owners: Element[] = [];
  // Whether article content was dropped after the last kept paragraph (it may be that widget's label).
  let droppedSinceLast = false;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const place = placements[i];
    if (place.where === 'outside') continue;
    const restored = place.where === 'linked' && interior.has(place.element);
    const kept = (place.where === 'inside' || restored) && passes[i];
    if (!kept) {
      droppedSinceLast = true;
      continue;
    }
    out.push({ kind: block.kind, text: block.text });
    owners.push(block.owner);
    droppedSinceLast = false;
  }
  // A short label right before removed content at the end ("More stories", "Related") is that widget's title.
  while (droppedSinceLast && out.length > 0 && isLabel(out[out.length - 1], owners[out.length - 1]))
    out.pop();
  trimCallsToAction(out);
  takeEdgeBylines(out, options.bylines);
  // Headings with no text after them are labels of removed widgets ("Related", "Comments").
  while (out.length > 0 && out[out.length - 1].kind === 'heading') out.pop();
  return out;
}

type PruneVerdict = false | 'named' | 'linked';

type Placement =
  | { where: 'outside' | 'named' }
  | { where: 'inside'; root: Element }
  | { where: 'linked'; element: Element; root: Element };

/** A kept block this long (chars) of kind paragraph is body prose that bounds the article's extent. */
const EXTENT_PROSE_MIN_CHARS = 80;

/**
 * Link-structured elements (lists whose items link, product cards with linked headings, link
 * grids) that lie within the article's extent: body prose kept before and after them in the
 * same root. Listicles, step lists and product round-ups link their items; a related-stories
 * list or a teaser grid sits after the body's last paragraph or carries a widget name.
 */
function interiorElements(
  blocks: readonly TextBlock[],
  placements: readonly Placement[],
  passes: readonly boolean[],
): Set<Element> {
  const lastProse = new Map<Element, number>();
  const isExtentProse = (i: number): Element | undefined => {
    const p = placements[i];
    const b = blocks[i];
    if (p.where !== 'inside' || b.kind !== 'paragraph' || b.text.length < EXTENT_PROSE_MIN_CHARS)
      return undefined;
    return passes[i] ? p.root : undefined;
  };
  for (let i = 0; i < blocks.length; i++) {
    const root = isExtentProse(i);
    if (root) lastProse.set(root, i);
  }
  const firstProse = new Map<Element, number>();
  for (let i = blocks.length - 1; i >= 0; i--) {
    const root = isExtentProse(i);
    if (root) firstProse.set(root, i);
  }
  const span = new Map<Element, { root: Element; first: number; last: number }>();
  for (let i = 0; i < blocks.length; i++) {
    const p = placements[i];
    if (p.where !== 'linked') continue;
    const entry = span.get(p.element);
    if (entry) entry.last = i;
    else span.set(p.element, { root: p.root, first: i, last: i });
  }
  const interior = new Set<Element>();
  for (const [el, { root, first, last }] of span) {
    const before = firstProse.get(root);
    const after = lastProse.get(root);
    if (before !== undefined && after !== undefined && before < first && after > last) interior.add(el);
  }
  return interior;
}

/** Filters applied to each block of the article: link lines, furniture lines, datelines, the title. */
function keepBlock(block: TextBlock, titleKey: string): boolean {
  const text = block.text;
  if (blockLinkDensity(block) > MAX_BLOCK_LINK_DENSITY && !isProseWithInlineLink(block)) return false;
  if (!/[\p{L}\p{N}]/u.test(text)) return false;
  if (titleKey && text.length <= titleKey.length + 2 && comparableText(text) === titleKey) return false;
  if (
    text.length < SHORT_LINE_CHARS &&
    (FURNITURE_LINE.test(text) || DATE_ONLY_LINE.test(text) || isBylineLine(text))
  )
    return false;
  if (FURNITURE_WORD.test(text) || /^(?:https?:\/\/|www\.)\S+$/i.test(text)) return false;
  // Short lines without a letter: pagers ("1 2 3 4 5"), ratings, stray separators.
  if (text.length <= MAX_LETTERLESS_CHARS && !/\p{L}/u.test(text)) return false;
  if (text.length < SHORT_LINE_CHARS && COPYRIGHT_LINE.test(text)) return false;
  if (text.length <= MAX_CALL_TO_ACTION_CHARS && SUPPORT_APPEAL.test(text)) return false;
  if (
    text.length <= MAX_DATELINE_CHARS &&
    /\d\d/.test(text) &&
    DATE_IN_LINE.test(text) &&
    !/[.!?"”»]$/.test(text) &&
    block.kind === 'paragraph'
  )
    return false;
  return true;
}

/** Link density up to which a sentence with one or two long inline links is still prose. */
const MAX_INLINE_LINK_DENSITY = 0.8;

/** Characters outside links a linked sentence needs to be prose rather than "Read more: <headline>". */
const MIN_UNLINKED_CHARS = 40;

/** A sentence whose link covers most of it ("...was <a>re-opened after his eviction</a>."). */
function isProseWithInlineLink(block: TextBlock): boolean {
  return (
    block.linkCount <= 2 &&
    blockLinkDensity(block) <= MAX_INLINE_LINK_DENSITY &&
    block.text.length - block.linkChars >= MIN_UNLINKED_CHARS &&
    endsLikeSentence(block.text)
  );
}

/** Longest letterless line (chars) dropped; longer ones are data (tables of figures). */
const MAX_LETTERLESS_CHARS = 40;

/** Longest text (chars) of a label line: a heading or a short line without sentence punctuation. */
const MAX_LABEL_CHARS = 60;

/** A heading, or a short unpunctuated line outside a `<p>` (a `<div class="title">`): a widget's label. */
function isLabel(p: Paragraph, owner: Element): boolean {
  return (
    p.kind === 'heading' ||
    (owner.name !== 'p' && p.text.length <= MAX_LABEL_CHARS && !endsLikeSentence(p.text))
  );
}

/** Longest teaser card (chars): a linked headline plus a one-line standfirst. */
const TEASER_CARD_MAX_CHARS = 300;

/**
 * A teaser card: a small element holding one linked headline (`<a><h3>..</h3></a>` or
 * `<h3><a>..</a></h3>`) and a line of summary or a kicker. Body sections do not link their headings.
 */
export function isTeaserCard(s: ElementStats): boolean {
  return s.linkedHeadings === 1 && s.textChars <= TEASER_CARD_MAX_CHARS && s.textChars > s.linkChars;
}

/** Elements that are cards in a grid of teasers (paragraphs are never cards). */
const CARD_TAGS = new Set(['div', 'article', 'section', 'figure', 'aside']);

/** Cards a grid needs before it is judged one. */
const MIN_GRID_CARDS = 3;

/** Share of the grid's text that must sit in its cards. */
const MIN_GRID_CARD_SHARE = 0.8;

/** Link density of a grid's cards: teaser tiles link their headline; prose paragraphs link a few words. */
const MIN_GRID_LINK_DENSITY = 0.25;

/**
 * A grid of teaser cards without teaser markup: three or more sibling elements of the same
 * tag and class, each short (a teaser card's size), each carrying a link, and link-heavy together
 * ("Most popular" tiles). Runs of `<div class="paragraph">` with an inline link each are not cards.
 */
function isCardGrid(el: Element, s: ElementStats, stats: Map<Element, ElementStats>): boolean {
  const byStyle = new Map<string, { cards: number; chars: number; linkChars: number; linked: boolean }>();
  for (const child of el.children) {
    if (!isElement(child) || !CARD_TAGS.has(child.name)) continue;
    const cs = stats.get(child);
    if (!cs) continue;
    const key = `${child.name}.${child.attribs.class ?? ''}`;
    const entry = byStyle.get(key) ?? { cards: 0, chars: 0, linkChars: 0, linked: true };
    entry.cards++;
    entry.chars += cs.textChars;
    entry.linkChars += cs.linkChars;
    if (cs.linkCount === 0 || cs.textChars > TEASER_CARD_MAX_CHARS) entry.linked = false;
    byStyle.set(key, entry);
  }
  for (const entry of byStyle.values()) {
    if (
      entry.linked &&
      entry.cards >= MIN_GRID_CARDS &&
      entry.chars >= s.textChars * MIN_GRID_CARD_SHARE &&
      entry.linkChars >= entry.chars * MIN_GRID_LINK_DENSITY
    ) {
      return true;
    }
  }
  return false;
}

/** Link density above which a list whose every item links elsewhere is a list of teasers. */
const TEASER_LIST_MIN_LINK_DENSITY = 0.3;

/** Teaser items are headlines: longer average items (chars) are body list items that cite sources. */
const TEASER_LIST_MAX_ITEM_CHARS = 120;

/** A list of three or more short items that each carry a link and are link-heavy overall ("More stories"). */
function isLinkList(list: Element, stats: Map<Element, ElementStats>): boolean {
  const s = stats.get(list);
  if (!s || s.textChars === 0 || s.linkChars / s.textChars < TEASER_LIST_MIN_LINK_DENSITY) return false;
  let items = 0;
  for (const child of list.children) {
    if (!isElement(child) || child.name !== 'li') continue;
    items++;
    if ((stats.get(child)?.linkCount ?? 0) === 0) return false;
  }
  return items >= LINK_LIST_MIN_LINKS && s.textChars / items <= TEASER_LIST_MAX_ITEM_CHARS;
}

/** Drops short calls to action and disclaimers among the first and last paragraphs. */
function trimCallsToAction(paragraphs: Paragraph[]): void {
  const isCta = (p: Paragraph): boolean =>
    (p.text.length <= MAX_CALL_TO_ACTION_CHARS && CALL_TO_ACTION.test(p.text)) || DISCLAIMER.test(p.text);
  for (let i = 0; i < EDGE_PARAGRAPHS && paragraphs.length > 0 && isCta(paragraphs[0]); i++)
    paragraphs.shift();
  for (let i = 0; i < EDGE_PARAGRAPHS && paragraphs.length > 0; i++) {
    const last =
      paragraphs.length -
      1 -
      (paragraphs.length > 1 && paragraphs[paragraphs.length - 1].kind === 'heading' ? 1 : 0);
    if (!isCta(paragraphs[last])) break;
    paragraphs.splice(last, 1);
  }
}
