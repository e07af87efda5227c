/**
 * Step 7 of extraction: a page that carries its body twice (syndication templates, AMP
 * fallbacks, print copies) must yield it once.
 */
import type { Paragraph } from '../article';
import { MIN_REPEAT_CHARS } from './constants';
import { comparableText } from './text';

/** Result of repeat removal. */
export interface RepeatRemoval {
  paragraphs: Paragraph[];
  removed: number;
}

/**
 * Removes paragraphs that repeat earlier text of the same page. A paragraph of at least
 * {@link MIN_REPEAT_CHARS} characters seen before is dropped on its own; shorter paragraphs
 * (subheadings, one-line quotes) are dropped only as part of a repeated run, i.e. when they
 * repeat the paragraph that followed the previous dropped paragraph's earlier copy, so a
 * legitimately repeated "Yes." in an interview survives.
 *
 * @example
 * removeRepeatedParagraphs([{kind:'paragraph',text:'A long enough paragraph.'},{kind:'paragraph',text:'A long enough paragraph.'}]).removed // 1
 */
export function removeRepeatedParagraphs(paragraphs: readonly Paragraph[]): RepeatRemoval {
  const firstIndex = new Map<string, number>();
  const keys = paragraphs.map((p) => comparableText(p.text));
  const kept: Paragraph[] = [];
  let removed = 0;
  // Index (in the input) of the earlier copy matched by the previous paragraph, for run tracking.
  let runSource = -1;
  for (let i = 0; i < paragraphs.length; i++) {
    const key = keys[i];
    const earlier = firstIndex.get(key);
    const continuesRun = runSource >= 0 && runSource + 1 < i && keys[runSource + 1] === key;
    if (earlier !== undefined && (key.length >= MIN_REPEAT_CHARS || continuesRun)) {
      removed++;
      runSource = continuesRun ? runSource + 1 : earlier;
      continue;
    }
    runSource = -1;
    if (earlier === undefined) firstIndex.set(key, i);
    kept.push(paragraphs[i]);
  }
  return { paragraphs: kept, removed };
}
