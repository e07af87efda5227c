/**
 * Article-body extraction with cheerio's htmlparser2 path.
 */
import { load } from 'cheerio/slim';
import { joinParagraphs, type BodySource, type Extraction, type Paragraph } from '../article';
import { ExtractionError } from '../../errors';
import { assembleParagraphs, isTeaserCard } from './assemble';
import { collectBlocks, type TextBlock } from './blocks';
import { expandTopCandidate, gatherArticleRoots, narrowToOneStory } from './article-roots';
import { findBodyChunks } from './body-chunks';
import { type ElementStats, isTeaserHeadline, pickTopCandidate, scoreElements } from './candidate-scoring';
import {
  bodyChars,
  EXTEND_MAX_MAIN_SHARE,
  extendsMainBody,
  FALLBACK_MIN_BODY_CHARS,
  fallbackDecides,
  findProseRegion,
} from './fallback';
import { cleanTree, type CleanOptions } from './clean';
import { crossCheckWithJsonLd } from './cross-check';
import { ensureBody, type Element, type ParentNode } from './dom';
import { boundInput, looksBinary } from './guard';
import { detectLanguage, reconcileLanguage } from './language';
import { repairSwallowedTitle } from './legacy-markup';
import type { BylineFinding } from './byline';
import { applyBylines, pickArticleTime, readMetadata } from './metadata';
import { classifyPage } from './page-kind';
import { removeRepeatedParagraphs } from './repeats';

export { decodeHtmlBytes } from './charset';

/** Options of {@link extractArticle}. */
export interface ExtractOptions {
  /** URL the page was fetched from; resolves relative canonical/image URLs. */
  url?: string;
}

/** Prefix of the page text kept for page-kind wording checks. */
const PAGE_TEXT_SNIFF_CHARS = 20_000;

/**
 * Extracts the article body and metadata from one HTML page.
 *
 * Workflow (each step is one helper):
 *  0. Reject binary input (`not-html`); cut oversized or pathologically nested input so
 *     parsing stays linear — `looksBinary`, `boundInput`.
 *  1. Parse once with htmlparser2 (cheerio/slim); a page whose unclosed `<title>` swallowed the
 *     document is repaired and parsed again — `repairSwallowedTitle`. Read metadata from the untouched tree
 *     (JSON-LD incl. `@graph`, OpenGraph, meta tags, bylines; `<time>` candidates) — `readMetadata`.
 *  2. Remove never-content elements (scripts, styles, nav, aside, footer, forms controls,
 *     captions, hidden elements) and flatten excessive nesting — `cleanTree`.
 *  3. Cut the tree into text blocks owned by their nearest block element — `collectBlocks`.
 *  4. Score containers: every prose block votes for its ancestors (length, commas), damped
 *     by link density, biased by class/id hints — `scoreElements`.
 *  5. Pick the top container, climb to ancestors that add prose without links, add the
 *     siblings that continue it and the other chunks of a body split between ads (styled like
 *     the container's paragraphs), never another story; a stream of several stories is
 *     narrowed to the first — `pickTopCandidate`, `expandTopCandidate`, `narrowToOneStory`,
 *     `gatherArticleRoots`, `findBodyChunks`.
 *  6. Emit the container's blocks in order without embedded widgets, link lines, bylines,
 *     datelines and the repeated title — `assembleParagraphs`.
 *  6b. Cross-check with JSON-LD `articleBody`: when it is much larger than what we kept, use
 *     the page blocks it contains, or its own text for pages that render the body with
 *     JavaScript — `crossCheckWithJsonLd`.
 *  6c. Recall floor: when the body kept is small against the page's prose region (the tightest
 *     element around most of the prose), that region's blocks decide; when the visible tree has
 *     no prose at all, a second parse that keeps hidden and furniture elements is tried —
 *     `findProseRegion`, `fallbackDecides`.
 *  7. Drop paragraphs and runs of paragraphs repeated within the page — `removeRepeatedParagraphs`.
 *  8. Classify the page (article, consent wall, paywall, index, error page, empty) — `classifyPage`.
 *  9. For articles: check the declared language against the body's (function words, scripts)
 *     and take the `<time>` of the article container when no metadata gave a date —
 *     `detectLanguage`, `reconcileLanguage`, `pickArticleTime`.
 *
 * Never hangs: every step is linear or bounded; any unexpected failure is rethrown as
 * {@link ExtractionError}.
 *
 * @example
 * const { metadata, paragraphs } = extractArticle('<html><body><article><p>Hello, world.</p></article></body></html>');
 */
export function extractArticle(html: string, options: ExtractOptions = {}): Extraction {
  if (typeof html !== 'string') throw new ExtractionError('extractArticle expects a string of HTML');
  try {
    return extract(html, options);
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw new ExtractionError(
      `extraction failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function extract(input: string, options: ExtractOptions): Extraction {
  // A regex stops at the first non-space; trim() would copy the whole page.
  if (!/\S/.test(input))
    return { pageKind: 'empty', metadata: { authors: [] }, paragraphs: [], repeatedParagraphsRemoved: 0 };
  if (looksBinary(input))
    return { pageKind: 'not-html', metadata: { authors: [] }, paragraphs: [], repeatedParagraphsRemoved: 0 };
  let html = boundInput(input);

  // 1. Parse once; metadata needs head, scripts and attributes that cleaning removes. A page
  // whose unclosed <title> swallowed the document is repaired and parsed again.
  let doc = load(html).root()[0] as unknown as ParentNode;
  const repaired = repairSwallowedTitle(html, doc);
  if (repaired) {
    html = repaired;
    doc = load(html).root()[0] as unknown as ParentNode;
  }
  const { metadata, declaredArticle, jsonLdBody, timeCandidates } = readMetadata(doc, options.url);

  // 2-6. Byline/dateline paragraphs removed at the body's edges are collected here (byline.ts).
  const bylines: BylineFinding[] = [];
  let pass = analyse(doc, metadata.title, {}, bylines);
  let paragraphs = pass.paragraphs;

  // 6b.
  const crossCheck = crossCheckWithJsonLd(paragraphs, pass.blocks, jsonLdBody);
  paragraphs = crossCheck.paragraphs;
  let bodySource: BodySource = crossCheck.source === 'ours' ? 'container' : 'json-ld';

  // 6c.
  if (crossCheck.source === 'ours') {
    const mainChars = bodyChars(paragraphs);
    let fallback = proseRegionBody(pass, metadata.title, mainChars, bylines);
    const visibleProse = pass.stats.get(pass.body)?.proseChars ?? 0;
    if (!fallback && mainChars < FALLBACK_MIN_BODY_CHARS && visibleProse < FALLBACK_MIN_BODY_CHARS) {
      // The visible tree holds no article: a second parse keeping hidden and furniture elements.
      const lenientDoc = load(html).root()[0] as unknown as ParentNode;
      const lenientPass = analyse(lenientDoc, metadata.title, { lenient: true }, bylines);
      const lenientBody = proseRegionBody(lenientPass, metadata.title, mainChars, bylines);
      if (lenientBody) {
        fallback = lenientBody;
        pass = lenientPass;
      }
    }
    if (
      fallback &&
      (fallbackDecides(mainChars, bodyChars(fallback.paragraphs)) ||
        (pass.top !== undefined &&
          extendsMainBody(fallback.region, pass.top, pass.stats) &&
          mainChars < bodyChars(fallback.paragraphs) * EXTEND_MAX_MAIN_SHARE))
    ) {
      paragraphs = fallback.paragraphs;
      pass.top = fallback.region;
      bodySource = 'fallback';
    }
  }
  const { blocks, stats, top } = pass;

  // 7.
  const repeats = removeRepeatedParagraphs(paragraphs);

  // 8.
  let pageLinkCount = 0;
  let pageLinkedHeadings = 0;
  const textParts: string[] = [];
  let textChars = 0;
  for (const block of blocks) {
    pageLinkCount += block.linkCount;
    if (isTeaserHeadline(block)) pageLinkedHeadings++;
    if (textChars < PAGE_TEXT_SNIFF_CHARS) {
      textParts.push(block.text);
      textChars += block.text.length;
    }
  }
  const pageKind = classifyPage({
    metadata,
    paragraphs: repeats.paragraphs,
    pageText: textParts.join('\n'),
    pageLinkCount,
    pageLinkedHeadings,
    declaredArticle,
    url: options.url,
  });
  // 9.
  if (pageKind === 'article') {
    const language = reconcileLanguage(metadata.language, detectLanguage(joinParagraphs(repeats.paragraphs)));
    if (language) metadata.language = language;
  }
  if (pageKind === 'article' && !metadata.publishedAt) {
    metadata.publishedAt = pickArticleTime(timeCandidates, top, (el) => {
      const s = stats.get(el);
      return s !== undefined && isTeaserCard(s);
    });
    if (metadata.publishedAt === undefined) delete metadata.publishedAt;
  }
  applyBylines(metadata, bylines, options.url);
  const extraction: Extraction = {
    pageKind,
    metadata,
    paragraphs: repeats.paragraphs,
    repeatedParagraphsRemoved: repeats.removed,
  };
  if (repeats.paragraphs.length > 0) extraction.bodySource = bodySource;
  return extraction;
}

/** One run of steps 2-6 over a parsed tree. */
interface Pass {
  blocks: TextBlock[];
  stats: Map<Element, ElementStats>;
  body: Element;
  /** The article container (for the `<time>` search), when one was found. */
  top: Element | undefined;
  paragraphs: Paragraph[];
}

/** Steps 2-6: clean, cut into blocks, score, choose the roots, assemble. */
function analyse(
  doc: ParentNode,
  title: string | undefined,
  cleanOptions: CleanOptions = {},
  bylines?: BylineFinding[],
): Pass {
  cleanTree(doc, cleanOptions);
  const body = ensureBody(doc);
  const blocks = collectBlocks(body);
  const stats = scoreElements(blocks);
  const picked = pickTopCandidate(stats);
  const top = picked && narrowToOneStory(expandTopCandidate(picked, stats), stats);
  let paragraphs: Paragraph[] = [];
  if (top) {
    const roots = [
      ...gatherArticleRoots(top, stats, groupByOwner(blocks)),
      ...findBodyChunks(top, blocks, stats),
    ];
    paragraphs = assembleParagraphs(roots, blocks, stats, { title, bylines });
  }
  return { blocks, stats, body, top, paragraphs };
}

/** The recall floor's body: the prose region's blocks through the same filters, if it has a body. */
function proseRegionBody(
  pass: Pass,
  title: string | undefined,
  mainChars: number,
  bylines?: BylineFinding[],
): { region: Element; paragraphs: Paragraph[] } | undefined {
  const region = findProseRegion(pass.body, pass.blocks, pass.stats, pass.top);
  if (!region) return undefined;
  // The region's body is at most its text: skip assembling it when it could not decide.
  const regionChars = pass.stats.get(region)?.textChars ?? 0;
  if (regionChars < FALLBACK_MIN_BODY_CHARS || mainChars >= regionChars * EXTEND_MAX_MAIN_SHARE)
    return undefined;
  const paragraphs = assembleParagraphs([region], pass.blocks, pass.stats, { title, bylines });
  return bodyChars(paragraphs) >= FALLBACK_MIN_BODY_CHARS ? { region, paragraphs } : undefined;
}

function groupByOwner(blocks: readonly TextBlock[]): Map<Element, TextBlock[]> {
  const map = new Map<Element, TextBlock[]>();
  for (const block of blocks) {
    const list = map.get(block.owner);
    if (list) list.push(block);
    else map.set(block.owner, [block]);
  }
  return map;
}
