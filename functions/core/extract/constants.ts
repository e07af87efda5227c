/**
 * Tunables of the article extractor. Each value was chosen on the development set
 * (docs/extraction.md) and carries the reason it has its value.
 */

/**
 * Inputs are cut to this many characters before parsing. Article text sits in the first few
 * hundred kilobytes of real pages; the tail of multi-megabyte pages is inlined data or
 * endless "more stories". The cut bounds parse time (htmlparser2 is linear, ~1 s for 10 MB).
 */
export const MAX_INPUT_CHARS = 4_000_000;

/**
 * Elements nested deeper than this are flattened to their text. Real pages stay under ~60
 * levels; the limit keeps every later recursive step far from the call-stack limit.
 */
export const MAX_DOM_DEPTH = 200;

/** Text blocks shorter than this (weighted characters) do not vote for a container. */
export const MIN_SCORED_BLOCK_CHARS = 25;

/** Each this many characters of a block add one point to its score (Readability's measure). */
export const CHARS_PER_LENGTH_POINT = 100;

/** Cap on length points per block, so one giant block (a code dump, a legal text) cannot win alone. */
export const MAX_LENGTH_POINTS = 3;

/** How many ancestor levels receive a block's score; beyond this the signal is page layout. */
export const SCORE_ANCESTOR_LEVELS = 5;

/** Class/id hint weight: added for content-like names, subtracted for boilerplate-like names. */
export const CLASS_HINT_WEIGHT = 25;

/** Sibling containers scoring at least this share of the winner's score are merged in (body split by ads). */
export const SIBLING_SCORE_SHARE = 0.2;

/** Absolute floor for a sibling container to be merged. */
export const MIN_SIBLING_SCORE = 10;

/** A loose sibling paragraph this long (chars) with little link text is merged in. */
export const SIBLING_PARAGRAPH_MIN_CHARS = 80;

/** Link density above which a loose sibling paragraph is navigation, not text. */
export const SIBLING_PARAGRAPH_MAX_LINK_DENSITY = 0.25;

/** A block whose text is mostly link text (share of characters) is navigation or a teaser. */
export const MAX_BLOCK_LINK_DENSITY = 0.5;

/** A sub-container inside the article with this link density and several links is a link list. */
export const MAX_SUBTREE_LINK_DENSITY = 0.5;

/**
 * A boilerplate-named element inside the article is removed only if it holds less than this
 * share of the article's text; a larger one is a wrapper with an unlucky name.
 */
export const MAX_PRUNED_SHARE = 0.5;

/**
 * Paragraphs at least this long (chars) count as repeats on their own when seen twice. Shorter
 * lines legitimately recur within one article (schedule items, recipe steps, table labels,
 * "Eat every 2-3 hours"); they are removed only inside a repeated run.
 */
export const MIN_REPEAT_CHARS = 60;

/** Short lines (chars) that may be bylines, datelines, captions or ad labels rather than body. */
export const SHORT_LINE_CHARS = 100;

/** Below this many characters of body text a page with a consent/paywall/error signal is that kind of page. */
export const THIN_PAGE_CHARS = 600;

/** An index page: body text below this (chars)... */
export const INDEX_MAX_BODY_CHARS = 1200;

/** ...while at least this many links are on the page. */
export const INDEX_MIN_LINKS = 40;

/** How many leading characters of the document are searched for a <meta charset>. */
export const CHARSET_SNIFF_BYTES = 4096;
