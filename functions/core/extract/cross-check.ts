/**
 * Step 6b of extraction: the JSON-LD `articleBody` cross-check. Publishers put the full body in
 * JSON-LD on many pages; when our container holds much less text than it, the container pick
 * went wrong (or the page renders its body with JavaScript), and the JSON-LD body decides.
 */
import type { Paragraph } from '../article';
import type { TextBlock } from './blocks';
import { comparableText, normalizeSpace } from './text';

/** articleBody shorter than this (tokens) is a teaser or a truncated excerpt, not a reference. */
const MIN_REFERENCE_TOKENS = 80;

/** Our body is trusted when it has at least this share of the reference's tokens. */
const MIN_OWN_TOKEN_SHARE = 0.6;

/** Page blocks found verbatim in the reference replace our body if they cover this share of it. */
const MIN_BLOCK_COVERAGE = 0.7;

/** Blocks shorter than this (chars) are not matched against the reference (too ambiguous). */
const MIN_MATCHED_BLOCK_CHARS = 20;

const TOKEN = /[\p{L}\p{N}_]+/gu;
const countTokens = (text: string): number => text.match(TOKEN)?.length ?? 0;

/** What the cross-check decided. */
export interface CrossCheckResult {
  paragraphs: Paragraph[];
  /** 'ours' (kept), 'blocks' (page blocks matching articleBody), 'json-ld' (articleBody text itself). */
  source: 'ours' | 'blocks' | 'json-ld';
}

/**
 * Keeps our paragraphs unless the JSON-LD body is clearly larger; then uses the page's own
 * blocks that occur in the JSON-LD body (keeps kinds and page order), or, when the page does not
 * carry that text at all, the JSON-LD body split into paragraphs.
 */
export function crossCheckWithJsonLd(
  paragraphs: Paragraph[],
  blocks: readonly TextBlock[],
  jsonLdBody: string | undefined,
): CrossCheckResult {
  if (!jsonLdBody) return { paragraphs, source: 'ours' };
  const reference = jsonLdBody.replace(/<[^>]{0,200}>/g, ' ');
  const referenceTokens = countTokens(reference);
  if (referenceTokens < MIN_REFERENCE_TOKENS) return { paragraphs, source: 'ours' };
  const ownTokens = paragraphs.reduce((n, p) => n + countTokens(p.text), 0);
  if (ownTokens >= referenceTokens * MIN_OWN_TOKEN_SHARE) return { paragraphs, source: 'ours' };

  const referenceKey = comparableText(reference);
  const matched: Paragraph[] = [];
  const seen = new Set<string>();
  let matchedTokens = 0;
  for (const block of blocks) {
    if (block.text.length < MIN_MATCHED_BLOCK_CHARS) continue;
    const key = comparableText(block.text);
    if (seen.has(key) || !referenceKey.includes(key)) continue;
    seen.add(key);
    matched.push({ kind: block.kind, text: block.text });
    matchedTokens += countTokens(block.text);
  }
  if (matchedTokens >= referenceTokens * MIN_BLOCK_COVERAGE) return { paragraphs: matched, source: 'blocks' };
  if (matchedTokens > ownTokens && matchedTokens >= referenceTokens * MIN_OWN_TOKEN_SHARE)
    return { paragraphs: matched, source: 'blocks' };
  const fromJsonLd = reference
    .split(/\n\s*\n|\r?\n/)
    .map((line) => normalizeSpace(line))
    .filter((line) => line.length > 0)
    .map((text): Paragraph => ({ kind: 'paragraph', text }));
  return { paragraphs: fromJsonLd, source: 'json-ld' };
}
