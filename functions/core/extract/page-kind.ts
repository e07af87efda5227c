/**
 * Step 8 of extraction: say what the page is when it is not a readable article.
 */
import type { ArticleMetadata, PageKind, Paragraph } from '../article';
import { INDEX_MAX_BODY_CHARS, INDEX_MIN_LINKS, THIN_PAGE_CHARS } from './constants';

/** Titles of error pages served with status 200, in the languages we meet most. */
const ERROR_TITLE =
  /\b(?:404|410|page not found|not found|page (?:does not|doesn't) exist|no longer available|error)\b|seite nicht gefunden|nicht gefunden|page introuvable|página no encontrada|pagina non trovata|pagina niet gevonden|strona nie została znaleziona|страница не найдена|ページが見つかりません|页面不存在|找不到页面/i;

/** Consent-wall wording (cookie/privacy interstitials that replace the article). */
const CONSENT_TEXT =
  /cookie|consent|privacy (?:settings|preferences|policy)|we value your privacy|accept all|alle akzeptieren|tout accepter|aceptar todo|accetta tutto|aceitar tudo|aceitar todos|alles accepteren|akceptuj|принять все|datenschutz|einwilligung|zustimmen|partners? (?:use|store)/i;

/** Paywall wording ("subscribe to continue reading"). */
const PAYWALL_TEXT =
  /subscribe|subscription|subscriber|sign in to (?:read|continue)|log in to (?:read|continue)|abonn|suscr[ií]b|abbonati|premium/i;

export interface PageSignals {
  metadata: ArticleMetadata;
  paragraphs: readonly Paragraph[];
  /** All visible text of the cleaned page (bounded prefix is enough). */
  pageText: string;
  /** Links on the whole page. */
  pageLinkCount: number;
  /** Headings on the whole page that are links (teaser headlines). */
  pageLinkedHeadings: number;
  /** og:type or JSON-LD said article. */
  declaredArticle: boolean;
  /** URL the page was fetched from, when known. */
  url?: string;
}

/** Below this many characters of body text, consent wording anywhere on the page means a wall. */
const CONSENT_EMPTY_BODY_CHARS = 150;

/** Distinct consent phrases the kept text must contain to be the consent dialog itself. */
const CONSENT_MIN_HITS = 2;

/**
 * Article URLs end in a slug of several words or a long numeric id; section and tag pages end
 * in one word ("/world", "/tag/climate"). A slug is a signal against calling the page an index.
 */
function hasArticleSlug(url: string | undefined): boolean {
  if (!url) return false;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const segments = path.split('/').filter(Boolean);
  const last = (segments[segments.length - 1] ?? '').replace(/\.[a-z0-9]{2,5}$/i, '');
  return last.split(/[-_]+/).filter(Boolean).length >= 3 || /\d{6,}/.test(path);
}

/** A site's front page: the root path or a bare index document. */
function isFrontPage(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return /^\/(?:index\.[a-z]{3,5})?$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** Teaser headlines on a page with a thin body that make it a list of stories. */
const INDEX_MIN_LINKED_HEADINGS = 3;

function consentHits(text: string): number {
  const hits = new Set<string>();
  for (const m of text.matchAll(new RegExp(CONSENT_TEXT.source, 'gi'))) hits.add(m[0].toLowerCase());
  return hits.size;
}

/**
 * Classifies the page. Order matters: an empty page is empty before it is anything else; a
 * consent wall or error page says so in its text or title; a paywall says so in its markup.
 */
export function classifyPage(signals: PageSignals): PageKind {
  const bodyChars = signals.paragraphs.reduce((n, p) => n + p.text.length, 0);
  const pageText = signals.pageText;
  if (bodyChars === 0 && pageText.trim().length === 0) return 'empty';
  const thin = bodyChars < THIN_PAGE_CHARS;
  if (thin && signals.metadata.title && ERROR_TITLE.test(signals.metadata.title)) return 'error-page';
  if (thin && !signals.metadata.paywalled) {
    // The kept text is the consent dialog itself, or there is no body and the page asks for consent.
    const bodyText = signals.paragraphs.map((p) => p.text).join(' ');
    if (consentHits(bodyText) >= CONSENT_MIN_HITS) return 'consent-wall';
    if (bodyChars < CONSENT_EMPTY_BODY_CHARS && CONSENT_TEXT.test(pageText)) return 'consent-wall';
  }
  if (
    signals.metadata.paywalled &&
    (thin || (bodyChars < THIN_PAGE_CHARS * 2 && PAYWALL_TEXT.test(pageText)))
  )
    return 'paywall';
  if (!signals.declaredArticle && bodyChars < INDEX_MAX_BODY_CHARS) {
    if (isFrontPage(signals.url)) return 'index';
    if (!hasArticleSlug(signals.url) && signals.pageLinkCount >= INDEX_MIN_LINKS) return 'index';
    if (thin && signals.pageLinkedHeadings >= INDEX_MIN_LINKED_HEADINGS) return 'index';
  }
  if (bodyChars === 0) return signals.pageLinkedHeadings >= INDEX_MIN_LINKED_HEADINGS ? 'index' : 'empty';
  return 'article';
}
