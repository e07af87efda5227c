/**
 * Step 1 of extraction: metadata from JSON-LD, OpenGraph, meta tags, `<time>`, `<html lang>`
 * and bylines, read from the untouched tree (before cleaning removes head and scripts).
 */
import type { ArticleMetadata } from '../article';
import { cleanAuthors, isSiteCredit, onlySiteCredits, type SiteIdentity } from './authors';
import { parseBylineLine, type BylineFinding } from './byline';
import { normalizeDate, parseTextDate } from './dates';
import { decodeEntities } from './entities';
import {
  attr,
  descendants,
  hintString,
  isElement,
  textContent,
  type AnyNode,
  type Element,
  type ParentNode,
} from './dom';
import {
  flattenJsonLd,
  indexById,
  isAccountUrl,
  isArticleObject,
  parseJsonLd,
  personNames,
  stringValue,
  typesOf,
  type JsonObject,
} from './json-ld';
import { normalizeSpace } from './text';
import { pickTitle } from './title';

/** What the metadata step hands to later steps besides the metadata itself. */
export interface MetadataResult {
  metadata: ArticleMetadata;
  /** JSON-LD articleBody/text of the article object, when present (a cross-check for the body). */
  jsonLdBody?: string;
  /** og:type / JSON-LD type said this is an article. */
  declaredArticle: boolean;
  /** `<time datetime>` elements outside foreign containers, when no better date source exists. */
  timeCandidates: Element[];
}

/** How far above the article container a `<time>` may sit (the article header is usually a sibling). */
const TIME_SCOPE_LEVELS = 6;

/**
 * The publication time from `<time datetime>`: the first candidate inside the article scope
 * (the article container and up to {@link TIME_SCOPE_LEVELS} ancestors, never body), not
 * inside a link and not inside a teaser card (`isTeaser`), since teasers carry their stories' dates. Undefined when no article was found.
 */
export function pickArticleTime(
  candidates: readonly Element[],
  articleRoot: Element | undefined,
  isTeaser: (el: Element) => boolean = () => false,
): string | undefined {
  if (!articleRoot || candidates.length === 0) return undefined;
  let scope: Element = articleRoot;
  // Elements that contain the article are never teasers, whatever their counts say.
  const containsArticle = new Set<Element>([articleRoot]);
  for (let i = 0; i < TIME_SCOPE_LEVELS; i++) {
    const parent = scope.parent;
    if (!parent || !isElement(parent) || parent.name === 'body' || parent.name === 'html') break;
    scope = parent;
    containsArticle.add(scope);
  }
  for (const t of candidates) {
    let inScope = false;
    for (
      let p: Element | null = t.parent as Element | null;
      p && isElement(p);
      p = p.parent as Element | null
    ) {
      if (p.name === 'a' || (!containsArticle.has(p) && isTeaser(p))) break;
      if (p === scope) {
        inScope = true;
        break;
      }
    }
    if (inScope) return dateOfElement(t);
  }
  // A labelled "Datum 28.04.2023" field is the page's own metadata even outside the article container.
  const labelled = candidates.find((t) => LABELLED_DATES.has(t));
  if (labelled) return dateOfElement(labelled);
  // Else the date in the header right above the article (the last candidate before it, not in a
  // link or a teaser): headline blocks often sit outside the body's container.
  let before: Element | undefined;
  for (const t of candidates)
    if (precedes(t, articleRoot) && !insideLinkOrTeaser(t, containsArticle, isTeaser)) before = t;
  return before ? dateOfElement(before) : undefined;
}

/** Whether an element is inside a link or a teaser card (below the article's own ancestors). */
function insideLinkOrTeaser(
  el: Element,
  containsArticle: ReadonlySet<Element>,
  isTeaser: (el: Element) => boolean,
): boolean {
  for (
    let p: Element | null = el.parent as Element | null;
    p && isElement(p);
    p = p.parent as Element | null
  ) {
    if (containsArticle.has(p)) return false;
    if (p.name === 'a' || isTeaser(p)) return true;
  }
  return false;
}

/** Path of child indexes from the root to a node, for document-order comparisons. */
function pathOf(node: Element): number[] {
  const path: number[] = [];
  for (let n: AnyNode = node; n.parent; n = n.parent) path.push(n.parent.children.indexOf(n as never));
  return path.reverse();
}

/** Sort comparator for document order. */
function documentOrder(a: Element, b: Element): number {
  return a === b ? 0 : precedes(a, b) ? -1 : 1;
}

/** Whether `a` comes before `b` in document order (and is not inside it). */
function precedes(a: Element, b: Element): boolean {
  const pa = pathOf(a);
  const pb = pathOf(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i] < pb[i];
  return false;
}

/** Elements holding a labelled date field (see readLabelledField). */
const LABELLED_DATES = new WeakSet<Element>();

/** The date an element carries: its `datetime`/`content` attribute, else its text ("28.04.2023"). */
function dateOfElement(el: Element): string | undefined {
  const value = attr(el, 'datetime') ?? attr(el, 'content');
  const fromAttr = normalizeDate(value);
  if (fromAttr) return fromAttr;
  const text = boundedText(el, MAX_DATE_TEXT_CHARS * 2);
  if (text === undefined) return undefined;
  const clean = normalizeSpace(text);
  return clean.length <= MAX_DATE_TEXT_CHARS ? parseTextDate(clean) : undefined;
}

/** Text below an element, or undefined as soon as it exceeds `maxChars` (date containers can be whole pages). */
function boundedText(el: Element, maxChars: number): string | undefined {
  let out = '';
  const stack: AnyNode[] = [el];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'text') {
      out += (node as unknown as { data: string }).data;
      if (out.length > maxChars) return undefined;
    } else if (isElement(node) && node.type === 'tag') {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
  return out;
}

/** Longest visible date text (chars) read as a date ("Veröffentlicht am 27.04.24 um 07:39 Uhr"). */
const MAX_DATE_TEXT_CHARS = 80;

/** Class names of elements that show the publication date as text. */
const DATE_TEXT_HINT =
  /(?:^|[\s_-])(?:date|dateline|datum|fecha|published|publish-date|pubdate|post-date|entry-date|article-date|timestamp|meta-date|time)(?:$|[\s_-])/;

/** Cheap literal test before {@link DATE_TEXT_HINT} (run on every class attribute). */
const DATE_TEXT_PREFILTER = /dat|time|publ|fecha/i;

/** Labels of "label: value" metadata fields ("Autorin/Autor Roman Goncharenko", "Datum 28.04.2023"). */
const AUTHOR_LABEL =
  /^(?:autor(?:in)?(?:\/autor(?:in)?)?|autorinnen|autoren|author|authors|auteur|auteurs|autore|autori|autora|autores|text|texto|reporter)\s*:?$/i;
const DATE_LABEL = /^(?:datum|date|fecha|published|veröffentlicht|publié|publicado|pubblicato)\s*:?$/i;

/** Longest label element text (chars). */
const MAX_LABEL_CHARS = 30;

/** `<h1>` texts kept as title candidates (the article's headline is among the first). */
const MAX_H1S = 5;

/** Visible date texts kept as date candidates. */
const MAX_DATE_TEXTS = 20;

/** Class/id names of visible byline elements. */
const BYLINE_HINT =
  /byline|author-?name|article-?author|post-?author|entry-?author|(?:^|[\s_-])authors?(?:$|[\s_-]|list|name|box)|authorlist|writer|autor|auteur/;

/** Parts of author widgets that hold no byline (biographies, avatars, comment authors). */
const NOT_BYLINE_HINT = /comment|bio|description|avatar|image|photo|social|follow|about|more-from|contact/;

/** Cheap literal test run on every class attribute before {@link BYLINE_HINT} (hot loop). */
const BYLINE_PREFILTER = /byline|author|writer|autor|auteur/i;

/** Longest byline text (chars) read as names; longer ones are author bios. */
const MAX_BYLINE_CHARS = 100;

/** Byline candidates kept per page (the first few are the article's; later ones are teasers'). */
const MAX_BYLINE_ELEMENTS = 20;

/** Containers where dates belong to other stories or to the site, never to this article. */
const FOREIGN_DATE_CONTAINER =
  /related|recommend|popular|most-?read|trending|sidebar|footer|comment|teaser|more-?stories|cookie|consent|widget|promo/;

/** Meta names (name/property/itemprop, lower-cased) for the publication date, best first. */
const PUBLISHED_KEYS = [
  'article:published_time',
  'og:article:published_time',
  'datepublished',
  'article.published',
  'publishdate',
  'publish-date',
  'pubdate',
  'parsely-pub-date',
  'sailthru.date',
  'dc.date.issued',
  'dc.date',
  'dcterms.created',
  'date',
  'og:published_time',
  'article_date_original',
  'cxenseparse:recs:publishtime',
  'originalpublicationdate',
  'publication_date',
  'release_date',
];
const MODIFIED_KEYS = [
  'article:modified_time',
  'og:updated_time',
  'datemodified',
  'dcterms.modified',
  'last-modified',
  'lastmod',
  'article.updated',
];
const AUTHOR_KEYS = [
  'author',
  'article:author',
  'parsely-author',
  'sailthru.author',
  'dc.creator',
  'citation_author',
  'byl',
  'cxenseparse:author',
];

/**
 * Reads all metadata of a page.
 *
 * @example
 * readMetadata(doc, 'https://example.com/a').metadata.title
 */
export function readMetadata(root: ParentNode, url?: string): MetadataResult {
  const meta = new Map<string, string>();
  const jsonLdObjects: JsonObject[] = [];
  let htmlLang: string | undefined;
  let canonical: string | undefined;
  let titleTag: string | undefined;
  const h1s: string[] = [];
  const extraMetaAuthors: string[] = [];
  const byLines: Element[] = [];
  const labelledAuthors: string[] = [];
  const dateTexts: Element[] = [];
  const times: Element[] = [];
  const authorElements: Element[] = [];
  const itempropDates: string[] = [];
  const bylineElements: Element[] = [];

  // One pass over all elements; hand-rolled stack instead of a generator because this loop
  // touches every element of the page and dominates the metadata step.
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isElement(node)) continue;
    const el = node;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
    const tag = el.name;
    const a = el.attribs;
    switch (tag) {
      case 'meta': {
        const key = (a.property ?? a.name ?? a.itemprop ?? a['http-equiv'])?.toLowerCase().trim();
        const content = a.content;
        if (key && content !== undefined && !meta.has(key)) meta.set(key, content.trim());
        else if (key && content && AUTHOR_KEYS.includes(key)) extraMetaAuthors.push(content.trim());
        if (key === 'datepublished' && content) itempropDates.push(content);
        continue;
      }
      case 'script':
        if ((a.type ?? '').toLowerCase().includes('ld+json'))
          jsonLdObjects.push(...flattenJsonLd(parseJsonLd(rawText(el))));
        continue;
      case 'html':
        htmlLang ??= a.lang ?? a['xml:lang'];
        break;
      case 'link': {
        const rel = (a.rel ?? '').toLowerCase();
        if (rel.split(/\s+/).includes('canonical')) canonical ??= a.href;
        else if (rel === 'author' && a.title) authorElements.push(el);
        continue;
      }
      case 'title':
        titleTag ??= normalizeSpace(textContent(el));
        continue;
      case 'h1':
        if (h1s.length < MAX_H1S) {
          const text = normalizeSpace(textContent(el));
          if (text) h1s.push(text);
        }
        break;
      case 'strong':
      case 'b':
      case 'dt':
      case 'th':
      case 'label':
      case 'span': {
        const labelled = readLabelledField(el);
        if (labelled?.kind === 'author') labelledAuthors.push(labelled.value);
        else if (labelled?.kind === 'date' && dateTexts.length < MAX_DATE_TEXTS) {
          LABELLED_DATES.add(labelled.el);
          dateTexts.push(labelled.el);
        }
        break;
      }
      case 'time':
        times.push(el);
        break;
      default:
        break;
    }
    const itemprop = a.itemprop;
    if (itemprop === 'datePublished') {
      const v = a.datetime ?? a.content;
      if (v) itempropDates.push(v);
    }
    if (
      dateTexts.length < MAX_DATE_TEXTS &&
      a.class !== undefined &&
      el.children.length > 0 &&
      a.datetime === undefined &&
      DATE_TEXT_PREFILTER.test(a.class) &&
      DATE_TEXT_HINT.test(a.class.toLowerCase())
    )
      dateTexts.push(el);
    if (byLines.length < MAX_BY_LINES && BY_LINE_TAGS.has(tag) && startsWithByPrefix(el)) byLines.push(el);
    if (dateTexts.length < MAX_DATE_TEXTS && BY_LINE_TAGS.has(tag) && startsWithDatePrefix(el)) {
      LABELLED_DATES.add(el);
      dateTexts.push(el);
    }
    if (a.rel === 'author' || itemprop === 'author') authorElements.push(el);
    else if (
      bylineElements.length < MAX_BYLINE_ELEMENTS &&
      a.class !== undefined &&
      BYLINE_PREFILTER.test(a.class) &&
      BYLINE_HINT.test(a.class.toLowerCase()) &&
      !NOT_BYLINE_HINT.test(a.class.toLowerCase())
    ) {
      bylineElements.push(el);
    }
  }

  const article = jsonLdObjects.find(isArticleObject);
  const webPage = jsonLdObjects.find((o) => typesOf(o).some((t) => /WebPage$/i.test(t)));
  const organization = jsonLdObjects.find((o) => typesOf(o).some((t) => /Organization$|WebSite$/i.test(t)));
  const m = (key: string): string | undefined => {
    const v = meta.get(key);
    return v ? v : undefined;
  };

  const siteName = clean(
    m('og:site_name') ??
      stringValue(article?.publisher) ??
      stringValue(organization?.name) ??
      m('application-name'),
  );
  const aliases = [
    stringValue(article?.publisher),
    stringValue(organization?.name),
    m('publisher'),
    m('application-name'),
    m('og:site_name'),
  ].filter((v): v is string => !!v);
  const site: SiteIdentity = { siteName, host: hostOf(url), aliases };
  const section = clean(
    stringValue(article?.articleSection) ?? m('article:section') ?? m('section') ?? m('parsely-section'),
  );
  const title = pickTitle(
    {
      jsonLd: stringValue(article?.headline) ?? stringValue(article?.name),
      openGraph: m('og:title'),
      twitter: m('twitter:title'),
      h1s,
      titleTag,
      section,
    },
    site,
  );

  let publishedAt = normalizeDate(article?.datePublished) ?? normalizeDate(article?.dateCreated);
  for (const key of PUBLISHED_KEYS) publishedAt ??= normalizeDate(m(key));
  for (const v of itempropDates) publishedAt ??= normalizeDate(v);
  publishedAt ??= normalizeDate(webPage?.datePublished);
  // <time> elements are only candidates here: which one belongs to the article is decided once
  // the article container is known (see pickArticleTime), so teaser dates never leak in.
  const timeCandidates = publishedAt
    ? []
    : [
        ...times.filter((t) => !insideForeignContainer(t) && dateOfElement(t) !== undefined),
        ...dateTexts.filter((t) => !insideForeignContainer(t) && dateOfElement(t) !== undefined),
      ].sort(documentOrder);
  let modifiedAt = normalizeDate(article?.dateModified);
  for (const key of MODIFIED_KEYS) modifiedAt ??= normalizeDate(m(key));

  const byId = indexById(jsonLdObjects);
  // Yoast pages without an Article object put the author on the WebPage.
  const credited = article?.author || article?.creator ? article : webPage;
  const authorSources: Array<() => string[]> = [
    () => cleanAuthors(personNames(credited?.author ?? credited?.creator, byId), site),
    () => {
      const values = AUTHOR_KEYS.map((key) => m(key)).filter((v): v is string => !!v);
      return cleanAuthors(
        [...values, ...extraMetaAuthors].filter((v) => !/^https?:\/\//i.test(v)),
        site,
      );
    },
    () => {
      const names: string[] = [];
      for (const el of authorElements) {
        if (insideForeignContainer(el) || linksToAccount(el)) continue;
        const nameEl = [...descendants(el)].find((d) => attr(d, 'itemprop') === 'name');
        names.push(
          attr(el, 'title') ??
            (nameEl
              ? (attr(nameEl, 'content') ?? textContent(nameEl))
              : (attr(el, 'content') ?? textContent(el))),
        );
      }
      return cleanAuthors(names, site);
    },
    () => cleanAuthors(labelledAuthors, site),
    () => {
      // Visible bylines ("By Jane Doe and John Roe"), outermost first, outside related/sidebar areas.
      for (const el of bylineElements) {
        if (insideForeignContainer(el) || linksToAccount(el)) continue;
        const text = normalizeSpace(spacedText(el, MAX_BYLINE_CHARS));
        if (!text || text.length > MAX_BYLINE_CHARS) continue;
        // Parts of the widget in order ("By | Jane Doe | Senior Editor | May 2"): the first that names someone.
        const parts = text.split(/\s*[|•·]\s*/).filter(Boolean);
        for (let i = 0; i < parts.length; i++) {
          const part =
            BARE_PREFIX.test(parts[i]) && i + 1 < parts.length ? `${parts[i]} ${parts[++i]}` : parts[i];
          const found = cleanAuthors([part], site);
          if (found.length > 0) return found;
        }
      }
      return [];
    },
    () => {
      // Unmarked "By Jane Doe" lines anywhere outside widgets, first in document order.
      for (const el of byLines) {
        if (insideForeignContainer(el) || linksToAccount(el)) continue;
        const found = parseBylineLine(normalizeSpace(spacedText(el, MAX_BYLINE_CHARS)));
        if (found) return cleanAuthors(found.authors, site);
      }
      return [];
    },
  ];
  // The first source that credits someone other than the site wins; a site-only byline
  // ("DER SPIEGEL") is kept when no source names anyone else.
  let authors: string[] = [];
  for (const source of authorSources) {
    const found = source();
    if (found.length === 0) continue;
    if (!onlySiteCredits(found, site)) {
      authors = found;
      break;
    }
    if (authors.length === 0) authors = found;
  }

  const language = normalizeLanguage(
    stringValue(article?.inLanguage) ??
      htmlLang ??
      m('content-language') ??
      m('og:locale') ??
      m('language') ??
      m('dc.language'),
  );
  const canonicalUrl = absolute(
    canonical ?? m('og:url') ?? stringValue(article?.mainEntityOfPage, '@id') ?? stringValue(article?.url),
    url,
  );
  const description = clean(
    m('og:description') ?? m('description') ?? m('twitter:description') ?? stringValue(article?.description),
  );
  const image = absolute(
    m('og:image') ??
      m('twitter:image') ??
      m('twitter:image:src') ??
      stringValue(article?.image, 'url') ??
      stringValue(article?.thumbnailUrl),
    url,
  );
  const free = article?.isAccessibleForFree ?? webPage?.isAccessibleForFree;
  const paywalled =
    free === false || (typeof free === 'string' && free.toLowerCase() === 'false') ? true : undefined;
  const basedOnUrl = absolute(
    stringValue(article?.isBasedOn, 'url') ??
      stringValue(article?.isBasedOnUrl) ??
      m('syndication-source') ??
      m('original-source'),
    url,
  );

  const body =
    typeof article?.articleBody === 'string'
      ? article.articleBody
      : typeof article?.text === 'string'
        ? article.text
        : undefined;
  const ogType = (m('og:type') ?? '').toLowerCase();

  const metadata: ArticleMetadata = { authors };
  if (title) metadata.title = title;
  if (publishedAt) metadata.publishedAt = publishedAt;
  if (modifiedAt) metadata.modifiedAt = modifiedAt;
  if (language) metadata.language = language;
  if (siteName) metadata.siteName = siteName;
  if (canonicalUrl) metadata.canonicalUrl = canonicalUrl;
  if (section) metadata.section = section;
  if (description) metadata.description = description;
  if (image) metadata.image = image;
  if (paywalled) metadata.paywalled = true;
  if (basedOnUrl) metadata.basedOnUrl = basedOnUrl;
  return {
    metadata,
    jsonLdBody: body,
    declaredArticle: article !== undefined || ogType === 'article',
    timeCandidates,
  };
}

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = normalizeSpace(decodeEntities(value));
  return text || undefined;
}

/** Whether an author element links to a site account's page (a CMS login credited by default). */
function linksToAccount(el: Element): boolean {
  if (el.name === 'a' && isAccountUrl(attr(el, 'href') ?? '')) return true;
  for (const d of descendants(el)) if (d.name === 'a' && isAccountUrl(attr(d, 'href') ?? '')) return true;
  return false;
}

function insideForeignContainer(el: Element): boolean {
  for (let p = el.parent; p && isElement(p); p = p.parent) {
    // body's own classes describe the page ("segment--recommended"), not a widget.
    if (p.name === 'body' || p.name === 'html') return false;
    if (p.name === 'aside' || p.name === 'footer' || p.name === 'nav') return true;
    if (p.name === 'figure' || p.name === 'figcaption') return true;
    const hint = hintString(p);
    if (hint && FOREIGN_DATE_CONTAINER.test(hint)) return true;
  }
  return false;
}

/** A widget part that is only a byline prefix ("By", "Von", "Autor:"). */
const BARE_PREFIX = /^(?:by|von|par|por|door|av|af|written by|posted by|autor(?:in)?:?|author:?)$/i;

/** Elements that may hold an unmarked "By Jane Doe" line. */
const BY_LINE_TAGS = new Set(['p', 'span', 'div', 'li', 'address', 'small', 'em', 'h3', 'h4', 'h5', 'h6']);

/** "By Jane Doe" lines kept per page. */
const MAX_BY_LINES = 5;

/** A byline prefix followed by a capitalised word, in the first text of an element. */
const BY_PREFIX_START = /^\s*(?:by|von|par|por|door|av|af|written by|posted by|text:|texto:)\s+\p{Lu}/iu;

/** "Posted on April 13, 2023", "Veröffentlicht am 27.04.24": a stamp that says it is the publication. */
const DATE_PREFIX_START =
  /^\s*(?:posted|published|publié|publicado|pubblicato|veröffentlicht|gepubliceerd|publicerad|publisert|opublikowano)(?:\s+(?:on|am|le|el|il|op|den|dnia))?[\s:]+[\p{L}\d.,\s]{0,24}\d/iu;

/** Whether the element's first child is text starting with a publication stamp. */
function startsWithDatePrefix(el: Element): boolean {
  const first = el.children[0];
  return (
    first !== undefined &&
    first.type === 'text' &&
    DATE_PREFIX_START.test((first as unknown as { data: string }).data)
  );
}

/** Whether the element's first child is text starting with a byline prefix ("By Amy Lee"). */
function startsWithByPrefix(el: Element): boolean {
  const first = el.children[0];
  return (
    first !== undefined &&
    first.type === 'text' &&
    BY_PREFIX_START.test((first as unknown as { data: string }).data)
  );
}

/** Block elements: their boundaries separate the parts of a byline widget (name, role, date). */
const BLOCK_TAGS = new Set([
  'div',
  'p',
  'li',
  'br',
  'ul',
  'ol',
  'dd',
  'dt',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'header',
  'footer',
  'address',
  'figure',
  'time',
  'table',
  'tr',
  'td',
]);

/**
 * Text of an element with " | " at block boundaries ("Liza Burke</div><div>Marketing Director"
 * stays two parts), or undefined past `maxChars` (bylines are short; containers can be pages).
 */
function spacedText(el: Element, maxChars: number): string {
  let out = '';
  const stack: Array<AnyNode | string> = [el];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode | string;
    if (typeof node === 'string') {
      out += node;
      continue;
    }
    if (node.type === 'text') out += (node as unknown as { data: string }).data;
    else if (isElement(node) && node.type === 'tag') {
      const boundary = node !== el && BLOCK_TAGS.has(node.name) ? ' | ' : '';
      if (boundary) stack.push(boundary);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
      if (boundary) out += ' ';
    }
    if (out.length > maxChars * 2) break;
  }
  return out.replace(/^[\s|]+/, '');
}

/** Host of a URL, lower-cased; undefined when the URL does not parse. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A "label value" field: a short label element followed by its value in the same parent. */
function readLabelledField(
  el: Element,
): { kind: 'author'; value: string } | { kind: 'date'; el: Element } | undefined {
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (!only || only.type !== 'text') return undefined;
  const label = normalizeSpace((only as unknown as { data: string }).data);
  if (!label || label.length > MAX_LABEL_CHARS) return undefined;
  const isAuthor = AUTHOR_LABEL.test(label);
  if (!isAuthor && !DATE_LABEL.test(label)) return undefined;
  const parent = el.parent;
  if (!parent || !isElement(parent) || parent.name === 'body') return undefined;
  const whole = normalizeSpace(textContent(parent));
  if (whole.length > MAX_BYLINE_CHARS || !whole.startsWith(label)) return undefined;
  const value = whole.slice(label.length).replace(/^[\s:]+/, '');
  if (!value) return undefined;
  return isAuthor ? { kind: 'author', value } : { kind: 'date', el: parent };
}

/**
 * Folds what byline paragraphs said (see byline.ts) into the metadata: their authors when the
 * page named nobody or only itself, their dateline when no other date was found.
 *
 * @example
 * applyBylines(metadata, [{ authors: ['Ann Lee'] }], 'https://news.example/a')
 */
export function applyBylines(
  metadata: ArticleMetadata,
  bylines: readonly BylineFinding[],
  url?: string,
): void {
  const site: SiteIdentity = { siteName: metadata.siteName, host: hostOf(url) };
  // Site-only credits from the metadata still count as the site's, whatever alias named them.
  const siteOnly = metadata.authors.every((a) => isSiteCredit(a, site) || metadata.authors.length === 0);
  const named = bylines.find((b) => b.authors.length > 0);
  if (named && (metadata.authors.length === 0 || siteOnly || onlySiteCredits(metadata.authors, site)))
    metadata.authors = cleanAuthors(named.authors, site);
  const dated = bylines.find((b) => b.publishedAt);
  if (dated?.publishedAt && !metadata.publishedAt) metadata.publishedAt = dated.publishedAt;
}

/** "en_US" -> "en-US", "EN" -> "en"; undefined for anything that is not a language tag. */
export function normalizeLanguage(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const first = value
    .split(/[,;\s]/)[0]
    .trim()
    .replace(/_/g, '-');
  const m = /^([a-z]{2,3})(?:-([a-z0-9]{2,8}))?/i.exec(first);
  if (!m) return undefined;
  const lang = m[1].toLowerCase();
  if (!m[2]) return lang;
  const sub =
    m[2].length === 2
      ? m[2].toUpperCase()
      : m[2].length === 4
        ? m[2][0].toUpperCase() + m[2].slice(1).toLowerCase()
        : m[2];
  return `${lang}-${sub}`;
}

function absolute(value: string | undefined, base: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  try {
    return new URL(v, base).toString();
  } catch {
    return /^https?:\/\//i.test(v) ? v : undefined;
  }
}

/** Text of a raw-text element (script): its text children, which textContent skips on purpose. */
function rawText(el: Element): string {
  let out = '';
  for (const child of el.children)
    if (child.type === 'text') out += (child as unknown as { data: string }).data;
  return out;
}
