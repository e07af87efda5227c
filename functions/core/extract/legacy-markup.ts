/**
 * Recovery from legacy markup whose htmlparser2 parse is implausible. A `<title>` that is never
 * closed makes the parser read the rest of the document as title text (its content is raw
 * text), leaving an empty body and a multi-kilobyte title. Such a page is repaired by closing
 * the title before the first tag after it, and parsed again; every other page is parsed once.
 */
import { findFirst, textContent, type ParentNode } from './dom';

/** A title longer than this (chars) that holds markup swallowed the document (headlines stay under ~200). */
const MAX_PLAUSIBLE_TITLE_CHARS = 300;

/** Markup inside title text: a tag a title never contains literally. */
const TAG_IN_TEXT = /<\/?(?:head|body|meta|link|script|style|div|p|table|h[1-6]|br|font|center)\b[^>]*>/i;

/**
 * The document with an unclosed `<title>` closed before the first tag that follows it, when the
 * parsed tree shows the title swallowed the page; undefined when the parse is plausible.
 *
 * @example
 * const fixed = repairSwallowedTitle(html, doc); // '<title>News</title>\n<meta ...>' for '<title>News\n<meta ...>'
 * if (fixed) doc = load(fixed).root()[0];
 */
export function repairSwallowedTitle(html: string, doc: ParentNode): string | undefined {
  const title = findFirst(doc, 'title');
  if (!title) return undefined;
  const text = textContent(title);
  if (text.length <= MAX_PLAUSIBLE_TITLE_CHARS || !TAG_IN_TEXT.test(text)) return undefined;
  const open = /<title\b[^>]*>/i.exec(html);
  if (!open) return undefined;
  const contentStart = open.index + open[0].length;
  const nextTag = html.indexOf('<', contentStart);
  if (nextTag < 0) return undefined;
  return `${html.slice(0, nextTag)}</title>${html.slice(nextTag)}`;
}
