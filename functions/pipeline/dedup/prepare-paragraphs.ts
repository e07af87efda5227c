import type { Paragraph } from '../../core/article';
import { normalizeParagraph } from '../../core/dedup/normalize-paragraph';
import { hashNormalized, isEvidenceNormalized } from '../../core/dedup/paragraph-hash';

/** A paragraph with its normalised text and, for evidence paragraphs, its hash. */
export interface PreparedParagraph {
  paragraph: Paragraph;
  normalized: string;
  hash?: string;
}

/**
 * Step 1 of `dedupArticle`: normalise every paragraph and hash the evidence paragraphs (short ones
 * are kept in the clean copy but carry no hash).
 *
 * @example
 * const prepared = prepareParagraphs([{ kind: 'paragraph', text: 'Three people were killed ...' }]);
 */
export function prepareParagraphs(paragraphs: readonly Paragraph[]): PreparedParagraph[] {
  return paragraphs.map((paragraph) => {
    const normalized = normalizeParagraph(paragraph.text);
    return {
      paragraph,
      normalized,
      hash: isEvidenceNormalized(normalized) ? hashNormalized(normalized) : undefined,
    };
  });
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
