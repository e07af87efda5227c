/**
 * Step 1 of extraction: metadata from JSON-LD, OpenGraph, meta tags, `<time>`, `<html lang>`
 * and bylines, read from the untouched tree (before cleaning removes head and scripts).
 */
import type { ArticleMetadata } from '../article';
import { normalizeDate } from './dates';
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
  isArticleObject,
  parseJsonLd,
  personNames,
  stringValue,
  typesOf,
  type JsonObject,
} from './json-ld';
import { normalizeSpace } from './text';

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
    if (inScope) return normalizeDate(attr(t, 'datetime'));
  }
  return undefined;
}

/** Longest plausible personal name (chars); longer "authors" are sentences or site blurbs. */
const MAX_AUTHOR_CHARS = 60;

/** Class/id names of visible byline elements. */
const BYLINE_HINT =
  /byline|author-?name|article-?author|post-?author|entry-?author|(?:^|\s)author(?:\s|$)|writer|autor|auteur/;

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
  let firstH1: string | undefined;
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
        firstH1 ??= normalizeSpace(textContent(el)) || undefined;
        break;
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
    if (a.rel === 'author' || itemprop === 'author') authorElements.push(el);
    else if (
      bylineElements.length < MAX_BYLINE_ELEMENTS &&
      a.class !== undefined &&
      BYLINE_PREFILTER.test(a.class) &&
      BYLINE_HINT.test(a.class.toLowerCase())
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
  const ogTitle = m('og:title') ?? m('twitter:title');
  const title = clean(
    stringValue(article?.headline) ??
      stripSiteSuffix(ogTitle, siteName, false) ??
      stripSiteSuffix(titleTag, siteName, true) ??
      firstH1,
  );

  let publishedAt = normalizeDate(article?.datePublished) ?? normalizeDate(article?.dateCreated);
  for (const key of PUBLISHED_KEYS) publishedAt ??= normalizeDate(m(key));
  for (const v of itempropDates) publishedAt ??= normalizeDate(v);
  // <time> elements are only candidates here: which one belongs to the article is decided once
  // the article container is known (see pickArticleTime), so teaser dates never leak in.
  const timeCandidates = publishedAt
    ? []
    : times.filter((t) => !insideForeignContainer(t) && normalizeDate(attr(t, 'datetime')) !== undefined);
  let modifiedAt = normalizeDate(article?.dateModified);
  for (const key of MODIFIED_KEYS) modifiedAt ??= normalizeDate(m(key));

  let authors = cleanAuthors(personNames(article?.author ?? article?.creator), siteName);
  if (authors.length === 0) {
    for (const key of AUTHOR_KEYS) {
      const v = m(key);
      if (v && !/^https?:\/\//i.test(v)) {
        authors = cleanAuthors(splitNames(v), siteName);
        if (authors.length > 0) break;
      }
    }
  }
  if (authors.length === 0) {
    const names: string[] = [];
    for (const el of authorElements) {
      if (insideForeignContainer(el)) continue;
      const nameEl = [...descendants(el)].find((d) => attr(d, 'itemprop') === 'name');
      names.push(
        attr(el, 'title') ??
          (nameEl
            ? (attr(nameEl, 'content') ?? textContent(nameEl))
            : (attr(el, 'content') ?? textContent(el))),
      );
    }
    authors = cleanAuthors(names.flatMap(splitNames), siteName);
  }
  if (authors.length === 0) {
    // Visible bylines ("By Jane Doe and John Roe"), outermost first, outside related/sidebar areas.
    for (const el of bylineElements) {
      if (insideForeignContainer(el)) continue;
      const text = normalizeSpace(textContent(el));
      if (!text || text.length > MAX_BYLINE_CHARS) continue;
      authors = cleanAuthors(splitNames(text.replace(/\s*[|•·]\s*.*$/, '')), siteName);
      if (authors.length > 0) break;
    }
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
  const section = clean(
    stringValue(article?.articleSection) ?? m('article:section') ?? m('section') ?? m('parsely-section'),
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
  const text = normalizeSpace(decodeEntitiesLight(value));
  return text || undefined;
}

/** JSON-LD strings sometimes carry HTML entities; decode the common ones. */
function decodeEntitiesLight(text: string): string {
  if (!text.includes('&')) return text;
  return text
    .replace(/&#(\d+);/g, (_, d: string) => safeFromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => safeFromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function safeFromCodePoint(code: number): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** Longest suffix (words) taken for a site name when the site name itself is unknown. */
const MAX_LOOSE_SUFFIX_WORDS = 4;

/**
 * "Headline | Site" -> "Headline": cuts at the last separator when what follows is the site
 * name, or (`loose`, for `<title>`) any short suffix. Colons are never cut: they belong to
 * headlines ("Brexit: what happens next").
 */
function stripSiteSuffix(
  title: string | undefined,
  siteName: string | undefined,
  loose: boolean,
): string | undefined {
  if (!title) return undefined;
  const m = /^(.*\S)\s+[|\-–—·»]\s+([^|\-–—·»]+)$/.exec(title);
  if (!m) return title;
  const suffix = m[2].trim();
  if (siteName && suffix.toLowerCase() === siteName.toLowerCase()) return m[1];
  if (loose && suffix.length < 25 && suffix.split(/\s+/).length <= MAX_LOOSE_SUFFIX_WORDS) return m[1];
  return title;
}

function insideForeignContainer(el: Element): boolean {
  for (let p = el.parent; p && isElement(p); p = p.parent) {
    if (p.name === 'aside' || p.name === 'footer' || p.name === 'nav') return true;
    const hint = hintString(p);
    if (hint && FOREIGN_DATE_CONTAINER.test(hint)) return true;
  }
  return false;
}

function splitNames(value: string): string[] {
  return value.split(/\s*(?:,|;|\||\/|\band\b|\bund\b|\bet\b|\by\b|\be\b|&)\s*/i);
}

/** Bylines that name a desk, a wire service or a role, not a person. */
const NOT_A_PERSON =
  /^(?:admin|administrator|editor|editors|editorial|webmaster|guest|user|anonymous|unknown|redaktion|redacción|rédaction|redazione|redactie)$|\b(?:associated press|reuters|agence france|afp|pti|ians|ani|dpa|efe|ansa|xinhua|tass|staff|desk|team|bureau|news service|newsroom|wire|agencies|agency|association|university|institute|company|inc|ltd|gmbh|media|magazine|ministry|department|foundation|society|corporation|council|center|centre|press office)\b/i;

/** Whether `text` contains `word` as a whole word (case-insensitive). */
function containsWord(text: string, word: string): boolean {
  const w = word.trim().toLowerCase();
  if (!w) return false;
  const t = text.toLowerCase();
  const i = t.indexOf(w);
  if (i < 0) return false;
  const before = i === 0 ? '' : t[i - 1];
  const after = t[i + w.length] ?? '';
  return !/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after);
}

/** Keeps strings that look like personal names; drops the site name, URLs, handles and blurbs. */
export function cleanAuthors(names: string[], siteName?: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    let name = normalizeSpace(decodeEntitiesLight(raw))
      .replace(
        /^(?:by|von|par|por|door|di|av|af|od|от|written by|posted by|posts by|reporting by|articles by|stories by)\s+/i,
        '',
      )
      .replace(/^(?:author|autor|auteur|autore)\s*:\s*/i, '')
      .trim();
    name = name.replace(/\s*[-|,]\s*$/, '');
    if (!name || name.length > MAX_AUTHOR_CHARS || name.length < 3) continue;
    if (/https?:|www\.|@|\d/.test(name)) continue;
    if (siteName && containsWord(name, siteName)) continue;
    if (siteName && containsWord(siteName, name)) continue;
    if (NOT_A_PERSON.test(name)) continue;
    if (name.split(/\s+/).length > 6) continue;
    if (!/\p{L}/u.test(name)) continue;
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
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
