/**
 * The article's title: the headline the page shows, reconciled across the places a publisher
 * writes it (JSON-LD `headline`, `og:title`, the article's `<h1>`), each cleaned of entities and
 * of the site-name, section and date affixes publishers append ("… | DW | 28.04.2023"). The
 * `<title>` element and `twitter:title` only decide when the others are missing.
 */
import { isSiteCredit, type SiteIdentity } from './authors';
import { parseTextDate } from './dates';
import { decodeEntities } from './entities';
import { normalizeSpace } from './text';

/** Where a title candidate was read. */
export interface TitleSources {
  jsonLd?: string;
  openGraph?: string;
  twitter?: string;
  /** Text of the page's `<h1>` elements, in document order (a few). */
  h1s: readonly string[];
  titleTag?: string;
  /** The article section, when the page names it (a common title suffix). */
  section?: string;
}

/** Separators publishers put between a headline and the site name, section or date. */
const AFFIX_SEPARATOR = /\s+[|\-–—·•»:/]{1,2}\s+|\s*[|｜ㅣ]\s*|\s*--\s*|\s+::\s+/u;

/** Longest segment (words) cut from `<title>` as a site name when the site name is unknown. */
const MAX_LOOSE_AFFIX_WORDS = 4;

/** Longest loose affix (chars). */
const MAX_LOOSE_AFFIX_CHARS = 25;

/** Shortest headline left after cutting affixes (chars); shorter means the cut was wrong. */
const MIN_HEADLINE_CHARS = 2;

/** Comparable form of a title: NFKC, case folded, quotes and spaces normalised. */
export function titleKey(text: string): string {
  return normalizeSpace(
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[‘’“”"'«»„‚‹›]/g, '')
      .replace(/[‐‑‒–—―]/g, '-'),
  );
}

/** A separator after a shorter candidate: "Climate Change | Economic Research Service". */
const AFFIX_AFTER = /^\s*(?:[|\-–—·•»:/]|--)\s*\S/u;

/**
 * When `text` is `other` plus an affix after a separator ("Title | Brand", "Title - Site"),
 * the shorter `other`; else `text`. Reconciles a metadata title with the headline the page shows.
 */
function withoutAffixOf(text: string, other: string | undefined): string {
  if (!other || other.length >= text.length) return text;
  const k = titleKey(text);
  const o = titleKey(other);
  return o.length >= 3 && k.startsWith(o) && AFFIX_AFTER.test(k.slice(o.length)) ? other : text;
}

/** Whether a segment is an affix: the site, its section, a date, or (loose) any short segment. */
function isAffix(segment: string, site: SiteIdentity, section: string | undefined, loose: boolean): boolean {
  const s = segment.trim();
  if (!s) return true;
  if (isSiteCredit(s, site)) return true;
  if (section && titleKey(s) === titleKey(section)) return true;
  if (/^[\d\s./-]+$/.test(s) && parseTextDate(s)) return true;
  return loose && s.length < MAX_LOOSE_AFFIX_CHARS && s.split(/\s+/).length <= MAX_LOOSE_AFFIX_WORDS;
}

/**
 * Cuts site-name, section and date segments from both ends of a title ("Headline | Sport |
 * BILD.de", "DW | Headline"). `loose` (for `<title>`) also cuts any short trailing segment.
 * A colon is only a separator next to an affix: "Brexit: what happens next" keeps its colon.
 *
 * @example
 * stripTitleAffixes('Ukrainische Gegenoffensive: Ziele | DW | 28.04.2023', { siteName: 'DW.COM' })
 * // 'Ukrainische Gegenoffensive: Ziele'
 */
export function stripTitleAffixes(
  title: string,
  site: SiteIdentity,
  section?: string,
  loose = false,
): string {
  let text = title;
  for (let guard = 0; guard < 4; guard++) {
    const parts = splitOnce(text, 'last');
    if (
      !parts ||
      !isAffix(parts[1], site, section, loose && guard === 0) ||
      parts[0].length < MIN_HEADLINE_CHARS
    )
      break;
    text = parts[0];
  }
  for (let guard = 0; guard < 2; guard++) {
    const parts = splitOnce(text, 'first');
    if (!parts || !isAffix(parts[0], site, section, false) || parts[1].length < MIN_HEADLINE_CHARS) break;
    text = parts[1];
  }
  return text.trim();
}

/** Splits at the first or last separator; colons count only as " : " or at an affix. */
function splitOnce(text: string, which: 'first' | 'last'): [string, string] | undefined {
  const matches = [...text.matchAll(new RegExp(AFFIX_SEPARATOR.source, 'gu'))].filter((m) => m[0].length > 0);
  const chosen = which === 'first' ? matches[0] : matches[matches.length - 1];
  if (!chosen || chosen.index === undefined) return undefined;
  return [text.slice(0, chosen.index).trim(), text.slice(chosen.index + chosen[0].length).trim()];
}

/** Decodes entities, collapses spaces; undefined for empty strings. */
function cleanTitle(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Word joiners and soft hyphens are invisible layout hints, not part of the headline.
  const text = normalizeSpace(decodeEntities(value).replace(/[\u00ad\u2060]/g, ''));
  return text || undefined;
}

/**
 * Picks the title. JSON-LD headline, og:title and the `<h1>` each vote for their cleaned text;
 * the text with most votes wins, ties going to JSON-LD, then og:title, then the `<h1>` (when
 * publishers disagree the structured headline is the one they chose to publish). The `<h1>` voting
 * is the first one that agrees with another source, else the first that is not the site name.
 * Without JSON-LD and og:title: twitter:title, then `<title>` with loose affix cutting, then the `<h1>`.
 *
 * @example
 * pickTitle({ openGraph: 'Bridge reopens | Courier', h1s: ['Bridge reopens'] }, { siteName: 'Courier' })
 * // 'Bridge reopens'
 */
export function pickTitle(sources: TitleSources, site: SiteIdentity): string | undefined {
  const strip = (v: string | undefined, loose = false): string | undefined => {
    const c = cleanTitle(v);
    return c ? stripTitleAffixes(c, site, sources.section, loose) || c : undefined;
  };
  let ld = strip(sources.jsonLd);
  let og = strip(sources.openGraph);
  let tw = strip(sources.twitter);
  let tag = strip(sources.titleTag, true);
  const h1s = sources.h1s.map((h) => cleanTitle(h)).filter((h): h is string => !!h && !isSiteCredit(h, site));
  const others = [ld, og, tw, tag].filter((v): v is string => !!v);
  const h1 =
    h1s.find((h) => others.some((o) => titleKey(o) === titleKey(h) || withoutAffixOf(o, h) === h)) ?? h1s[0];
  // A brand the site name did not reveal still shows as the difference to the page's headline.
  const trim = (v: string | undefined): string | undefined =>
    v && withoutAffixOf(withoutAffixOf(withoutAffixOf(v, h1), ld), og);
  [ld, og, tw, tag] = [trim(ld), trim(og), trim(tw), trim(tag)];
  const votes = new Map<string, { text: string; votes: number; rank: number }>();
  [ld, og, h1].forEach((text, rank) => {
    if (!text) return;
    const key = titleKey(text);
    const entry = votes.get(key);
    if (entry) {
      entry.votes++;
      // The page's own rendering of an agreed headline (its dashes and spacing) is kept.
      if (text === h1) entry.text = h1;
    } else votes.set(key, { text, votes: 1, rank });
  });
  // Without structured headlines the `<h1>` alone is no better than `<title>` (it may be a
  // section label or lack the kicker), so the cleaned `<title>` keeps precedence then.
  if (!ld && !og) return tw ?? tag ?? h1;
  const best = [...votes.values()].sort((a, b) => b.votes - a.votes || a.rank - b.rank)[0];
  return best?.text ?? tw ?? tag;
}
