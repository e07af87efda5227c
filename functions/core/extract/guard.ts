/**
 * Step 0 of extraction: input guards that keep every later step bounded in time.
 */
import { MAX_INPUT_CHARS } from './constants';

/** Share of control characters in the first bytes above which the input is binary, not HTML. */
const BINARY_CONTROL_SHARE = 0.1;

/** Prefix examined for binary content. */
const BINARY_SNIFF_CHARS = 2048;

/**
 * Estimated open-element depth at which the input is cut. htmlparser2 keeps its open-element
 * stack with `unshift`, so parsing N unclosed elements costs O(N²): 100,000 unclosed `<div>`s
 * take ~10 s. Real pages stay below a few hundred; the estimate over-counts (it ignores implied
 * closes), so the limit is generous.
 */
export const MAX_ESTIMATED_NESTING = 12_000;

/** Tags that never nest in practice (void, or implicitly closed by their next sibling). */
const NON_NESTING = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'option',
  'td',
  'th',
  'tr',
  'dt',
  'dd',
  'tbody',
  'thead',
  'tfoot',
  '!doctype',
]);

/**
 * Magic numbers of documents that are not HTML but may decode to plausible text: PDF, PNG,
 * GIF, JPEG, ZIP/OOXML, gzip, RIFF (WebP/WAV), Ogg, MP3 (ID3). The first byte of PNG, JPEG and
 * gzip may have been decoded as any single character.
 */
const BINARY_SIGNATURE =
  /^(?:%PDF-|.PNG\r\n|GIF8[79]a|PK\u0003\u0004|\u001f.\u0008|RIFF|OggS|ID3|\u00ff\u00d8\u00ff|\{\\rtf)/s;

/** A binary signature, NUL bytes or many control characters near the start: not HTML. */
export function looksBinary(text: string): boolean {
  if (BINARY_SIGNATURE.test(text.charCodeAt(0) === 0xfeff ? text.slice(1, 9) : text.slice(0, 8))) return true;
  const n = Math.min(text.length, BINARY_SNIFF_CHARS);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0xfffd) control++;
  }
  return n > 0 && control / n > BINARY_CONTROL_SHARE;
}

/**
 * Cuts the input to {@link MAX_INPUT_CHARS} and, when the estimated nesting depth passes
 * {@link MAX_ESTIMATED_NESTING}, at the tag where it does. One linear scan without regexes.
 */
export function boundInput(input: string): string {
  const html = input.length > MAX_INPUT_CHARS ? input.slice(0, MAX_INPUT_CHARS) : input;
  return mayNestTooDeep(html) ? cutAtDeepNesting(html) : html;
}

/**
 * Quick upper bound of the nesting depth: every `<` + letter opens, every `</` closes. It never
 * under-estimates, so when it stays below the limit the exact scan is skipped (almost every page).
 */
function mayNestTooDeep(html: string): boolean {
  let depth = 0;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) {
    const c = html.charCodeAt(i + 1);
    if (c === 0x2f) {
      if (depth > 0) depth--;
    } else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a && ++depth > MAX_ESTIMATED_NESTING) return true;
  }
  return false;
}

/** The exact scan: tracks nesting tag by tag and cuts where it passes the limit. */
function cutAtDeepNesting(html: string): string {
  let depth = 0;
  let i = html.indexOf('<');
  while (i >= 0 && i < html.length - 1) {
    const next = html.charCodeAt(i + 1);
    const closing = next === 0x2f; // '/'
    const start = closing ? i + 2 : i + 1;
    let end = start;
    while (end < html.length) {
      const c = html.charCodeAt(end);
      // Tag names end at whitespace, '/' or '>'.
      if (c === 0x3e || c === 0x2f || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c)
        break;
      end++;
      if (end - start > 16) break;
    }
    if (end > start) {
      const first = html.charCodeAt(start) | 0x20;
      if (first >= 0x61 && first <= 0x7a) {
        const name = html.slice(start, end).toLowerCase();
        if (closing) {
          if (depth > 0 && !NON_NESTING.has(name)) depth--;
        } else if (!NON_NESTING.has(name)) {
          const close = html.indexOf('>', end);
          const selfClosing = close > 0 && html.charCodeAt(close - 1) === 0x2f;
          if (!selfClosing && ++depth > MAX_ESTIMATED_NESTING) return html.slice(0, i);
          // Raw-text elements: skip to their end so script/style content is not scanned as tags.
          if (name === 'script' || name === 'style' || name === 'textarea' || name === 'title') {
            const endTag = findEndTag(html, name, end);
            if (endTag < 0) return html;
            i = html.indexOf('<', endTag + 1);
            depth--;
            continue;
          }
        }
      }
    }
    i = html.indexOf('<', i + 1);
  }
  return html;
}

/** Index of `</name` (any case) at or after `from`, or -1. */
function findEndTag(html: string, name: string, from: number): number {
  for (let j = html.indexOf('</', from); j >= 0; j = html.indexOf('</', j + 2)) {
    if (html.slice(j + 2, j + 2 + name.length).toLowerCase() === name) return j;
  }
  return -1;
}
