/**
 * Byline and dateline paragraphs: lines at the edges of a body that credit the authors or stamp
 * the time ("By A and B · June 13, 2024, 9:30 p.m.", "Mathatisi Sebusi/Mohalenyane Phakela"), and
 * comment stubs after the text ("Comments", "No comment"). They belong in the metadata, not in
 * the paragraphs: {@link takeEdgeBylines} removes them and reports what they said.
 */
import type { Paragraph } from '../article';
import {
  cleanAuthors,
  isAgencyCredit,
  isDeskCredit,
  isEditorialDesk,
  looksLikePersonName,
  splitCredits,
} from './authors';
import { parseTextDate } from './dates';

/** What byline paragraphs said. */
export interface BylineFinding {
  authors: string[];
  /** From a dateline in the same line, ISO 8601 with offset. */
  publishedAt?: string;
}

/** Longest byline line (chars). */
const MAX_BYLINE_CHARS = 160;

/** Longest byline without a prefix ("Jane Doe and John Roe"): shorter, since nothing announces it. */
const MAX_BARE_BYLINE_CHARS = 80;

/** Paragraphs checked at the start of a body (a kicker or standfirst may come before the byline). */
const LEADING_PARAGRAPHS = 3;

/** Paragraphs checked at the end (a byline or "Comments / No comment" after the text). */
const TRAILING_PARAGRAPHS = 3;

/** "By", "Von", "Par"... at the start of a byline. */
const BYLINE_PREFIX =
  /^(?:(?:written|posted|reported|reporting|compiled|words|text)\s+)?(?:by|von|par|por|door|di|av|af|od|przez|от|автор|text|texto|texte|autor(?:in|es|a)?|author|auteur|autore)\s*[:：]?\s+/iu;

/** Reporter titles written next to names in Chinese, Japanese and Korean bylines. */
const CJK_REPORTER = /기자|특파원|记者|記者|特派員|通讯员/u;

/** Where the names stop and the dateline starts. */
const DATELINE_SEPARATOR = /\s+[·•|–—]\s+|\s+-\s+|\s*[·•|]\s*/u;

/** Comment stubs: the label of an empty comments section, in the languages of the web. */
const COMMENT_STUB =
  /^(?:(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|kommentarer?|komentarze?|комментари[ийя])(?:\s*\(\d+\))?|(?:no|0|keine|aucun|sin|nessun|geen|ingen|brak)\s+(?:comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|kommentarer?|komentarzy)(?:\s+yet)?|be the first to comment|leave a (?:comment|reply)|schreibe(?:n sie)? einen kommentar|laisser un commentaire|deja un comentario)[.!:…]*$/iu;

/** Sentence ends: a byline never ends like a sentence, except after an initial or "a.m."/"p.m.". */
function endsLikeProse(text: string): boolean {
  return /[.!?…]$/.test(text) && !/(?:(?:^|[\s.])\p{Lu}|[ap]\.m|[Uu]hr|h)\.$/u.test(text);
}

/**
 * Reads one line as a byline, with an optional dateline after it. Without a prefix ("By") every
 * credit must look like a personal name, so headings and short sentences are not taken.
 *
 * @example
 * parseBylineLine('By Samya Kullab and Vasilisa Stepanenko · June 13, 2024, 9:30 p.m.')
 * // { authors: ['Samya Kullab', 'Vasilisa Stepanenko'], publishedAt: '2024-06-13T21:30:00+00:00' }
 */
export function parseBylineLine(line: string): BylineFinding | undefined {
  const text = line.trim();
  if (!text || text.length > MAX_BYLINE_CHARS) return undefined;
  const prefixed = BYLINE_PREFIX.test(text);
  if (!prefixed && text.length > MAX_BARE_BYLINE_CHARS) return undefined;
  // Names first, then the dateline after a separator; the date may also follow a comma.
  const [namesPart, ...rest] = text.split(DATELINE_SEPARATOR);
  let names = namesPart;
  let dateText = rest.join(' ');
  let publishedAt = dateText ? parseTextDate(dateText) : undefined;
  if (!publishedAt) {
    // "Jane Doe, Reuters, 12 May 2024": the dateline starts at the first comma followed by a date.
    for (let at = namesPart.indexOf(','); at >= 0; at = namesPart.indexOf(',', at + 1)) {
      const tail = namesPart.slice(at + 1).trim();
      if (!/^(?:\d|\p{L}+\.?\s+\d)/u.test(tail)) continue;
      const date = parseTextDate(tail);
      if (!date) continue;
      names = namesPart.slice(0, at);
      dateText = tail;
      publishedAt = date;
      break;
    }
  }
  if (dateText && !publishedAt) return undefined;
  if (endsLikeProse(names)) return undefined;
  const credits = splitCredits(names);
  if (credits.length === 0) return undefined;
  // In scripts without case a short line is no sign of a name; only a reporter title is ("张三 记者").
  if (!prefixed && !/[\p{Lu}]/u.test(names) && !CJK_REPORTER.test(names)) return undefined;
  if (
    !prefixed &&
    !credits.every((c) => {
      const name = c.replace(/\s*\([^)]*\)/g, '');
      return (
        isAgencyCredit(name) || isEditorialDesk(name) || (looksLikePersonName(name) && !isDeskCredit(name))
      );
    })
  )
    return undefined;
  const authors = cleanAuthors(credits);
  if (authors.length === 0) return undefined;
  return publishedAt ? { authors, publishedAt } : { authors };
}

/** Whether a line is the stub of a comments section ("Comments", "No comments yet", "0 Kommentare"). */
export function isCommentStub(line: string): boolean {
  if (line.length > 60) return false;
  // "Comments / No comment", "Kommentare · 0 Kommentare": every part a stub.
  const parts = line
    .trim()
    .split(/\s*[/|·•:–—]\s*/)
    .filter(Boolean);
  return parts.length > 0 && parts.every((part) => COMMENT_STUB.test(part));
}

/**
 * Removes byline/dateline paragraphs from the start and end of a body and comment stubs from its
 * end, reporting the bylines found to `sink`. Only short non-heading paragraphs at the edges are
 * considered, so a name mentioned inside the text is never taken.
 *
 * @example
 * const paragraphs = [{ kind: 'paragraph', text: 'By Ann Lee · May 2, 2024' }, body];
 * takeEdgeBylines(paragraphs, sink); // paragraphs is now [body]; sink has Ann Lee
 */
export function takeEdgeBylines(paragraphs: Paragraph[], sink?: BylineFinding[]): void {
  for (let i = 0; i < Math.min(LEADING_PARAGRAPHS, paragraphs.length); i++) {
    const p = paragraphs[i];
    if (p.kind === 'heading') continue;
    const found = parseBylineLine(p.text);
    if (!found) continue;
    sink?.push(found);
    paragraphs.splice(i, 1);
    break;
  }
  for (let n = 0; n < TRAILING_PARAGRAPHS && paragraphs.length > 1; n++) {
    const last = paragraphs[paragraphs.length - 1];
    if (isCommentStub(last.text)) {
      paragraphs.pop();
      continue;
    }
    const found = last.kind === 'heading' ? undefined : parseBylineLine(last.text);
    if (!found) break;
    sink?.push(found);
    paragraphs.pop();
  }
}
