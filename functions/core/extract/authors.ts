/**
 * Authors: what a byline credits, from whichever source names it (JSON-LD, meta tags, visible
 * bylines, a byline paragraph). A byline string is split into credits ("A and B, dpa"), each credit
 * is cleaned (prefixes, roles, initials in parentheses, places) and kept when it is a person, an
 * agency or a desk; photo credits, places, accounts and blurbs are dropped. The site name is kept
 * only when it is the whole byline.
 */
import { isMonthName } from './dates';
import { decodeEntities } from './entities';
import { normalizeSpace } from './text';

/** Longest credit (chars); longer "authors" are sentences or site blurbs. */
const MAX_CREDIT_CHARS = 60;

/** Most words in one credit ("Jan Michael de la Marchart" has six). */
const MAX_CREDIT_WORDS = 6;

/**
 * Separators between credits: punctuation, and the word "and" in the languages of the web. The
 * one-letter conjunctions (Spanish "y", Italian/Portuguese "e", Slavic "i") only in lower case, so
 * initials ("John E. Smith", "Ana Y Li") are not split.
 */
const CREDIT_SEPARATOR =
  /\s*(?:[,;|/•·+]|\s[-–—]\s|&|\s(?:and|And|AND|und|Und|UND|et|ET|og|och|en|ve|ja|és|oraz|и|та|και|y|e|i)\s)\s*/u;

/** Prefixes that introduce a byline ("By", "Von", "Par", "Text:", "Autor:"). */
const CREDIT_PREFIX =
  /^(?:(?:written|posted|reported|reporting|compiled|edited|text|stories|articles|posts|words|interview|recherche|texte?)\s+)?(?:by|von|par|por|door|di|da|av|af|od|przez|от|автор(?:ы)?|text|texto|texte|autor(?:in|en|es|a)?|autorin\/autor|author(?:s)?|auteur(?:e|s)?|autore|beiträge von|posts by|articles by)\s*[:：]?\s+/iu;

/** Labels of picture credits: the credit after them is a photographer or picture agency. */
const PHOTO_CREDIT_LABEL =
  /^(?:photos?|photograph(?:s|y)?|pictures?|images?|image credit|credits?|bild(?:er)?|fotos?|fotograf(?:ie|ía|ia)?|foto(?:grafie)?s?|grafik|illustration|video|kamera|source|quelle|fuente|fonte|bron|källa|kilde|lähde|źródło|zdroj|©|\(c\))\b\s*(?:by\s+)?[:：/]?/iu;

/** Picture agencies: credited under photos, never the writers of an article. */
const PICTURE_AGENCY =
  /^(?:getty(?:\s*images)?|keystone|imago(?:\s*images)?|picture[\s-]alliance|shutterstock|istock(?:photo)?|alamy|unsplash|pexels|pixabay|adobe\s*stock|zuma(?:\s*press)?|sipa(?:\s*press)?|abaca(?:press)?|action\s*press|ddp(?:\s*images)?|sven\s*simon|epa(?:-efe)?|pa\s*images|pa\s*wire|afp\s*via\s*getty(?:\s*images)?|nurphoto|depositphotos|dreamstime|123rf|wikimedia(?:\s*commons)?|privat|private|archiv|archive|screenshot)$/i;

/** Wire services and agencies: a credit of one word is kept when it is one of these. */
const AGENCY =
  /^(?:the\s+)?(?:associated\s+press|ap|afp|agence\s+france[\s-]presse|reuters|thomson\s+reuters|dpa|dpa-afx|apa|sda|keystone-sda|kna|epd|sid|ddp|ansa|adnkronos|agi|efe|europa\s+press|lusa|agencia\s+brasil|pti|ians|ani|uni|xinhua|tass|ria\s+novosti|interfax|ukrinform|upi|kyodo|jiji|yonhap|bloomberg|aap|cp|the\s+canadian\s+press|ntb|tt|ritzau|stt|belga|anp|pap|čtk|ctk|mti|tanjug|hina|bta|agerpres|anadolu(?:\s+agency)?|aa|dha|irna|kuna|wafa|bernama|antara|pna|cna|nna|mena|sapa|nan|kna|agencies|agenturen|agences|agencias|wires?|news\s+agencies)$/i;

/** Account names and roles that credit nobody. */
const NOT_A_CREDIT =
  /^(?:admin|administrator|administrador|webmaster|editor|editors|guest|guest author|user|anonymous|anonym|unknown|n\/a|none|null|undefined|staff reporter|staff writer|contributor|contributors|redakteur|redakteurin|reporter|correspondent|kontakt|contact|team|author|autor|auteur|profile|more|mehr|follow|folgen)$/i;

/** Link texts around a name in author widgets ("View all posts by X", "Read more about X"). */
const LINK_LEAD =
  /^(?:view all posts by|see all posts by|all posts by|more posts by|more from|more by|read more about|read more from|posts by|articles by|stories by|about the author|about)\s+/i;

/** Widget labels that author-classed elements also hold ("Written By", "Full Bio", "Related Resources"). */
const WIDGET_LABEL =
  /^(?:written|posted|published|reviewed|edited|fact[- ]checked)(?:\s+by)?$|\b(?:categories|category|related|resources|connected|subscribe|newsletter|bio|biography|profile|share|follow|pin|menu|search|login|comments?|tags?|latest|popular|recent)\b/i;

/** Roles that follow a name or stand as their own segment ("Staff Writers", "Senior Correspondent"). */
const ROLE_WORDS =
  /(?:^|\s)(?:senior|chief|special|staff|political|foreign|economics|business|sports?|science|health|investigative|associate|deputy|managing|contributing)?\s*(?:writers?|reporters?|correspondents?|editors?|columnists?|contributors?|journalists?|photographers?|redakteur(?:in)?|korrespondent(?:in)?|reporterin|journalistin|correspondant(?:e)?|corresponsal|envoyée?\s+spéciale?|기자|특파원|記者|特派員|编辑|記者|记者)$/iu;

/** Role titles written after a Korean, Japanese or Chinese name ("신현주 기자"). */
const CJK_ROLE_SUFFIX = /\s*(?:기자|특파원|선임기자|논설위원|記者|特派員|編集委員|论说员|记者|编辑|通讯员)$/u;

/** Lower-case words allowed inside a personal name (particles). */
const NAME_PARTICLE =
  /^(?:von|van|vom|zu|zur|der|den|de|des|del|della|degli|di|da|das|do|dos|du|la|le|lo|el|al|bin|ibn|ben|bint|ter|ten|af|y|e|st\.?|mc|o')$/;

/** Scripts written with letter case (Latin, Greek, Cyrillic, Armenian): names there are capitalised. */
const CASED_LETTER = /[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0530-\u058f]/;

/** Trailing place after a name ("Jane Doe in Kyiv", "Birgit Baumann aus Berlin"). */
const TRAILING_PLACE =
  /\s+(?:in|aus|from|à|en|em|desde|da|z|ze|из|в)\s+\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+)?$/u;

/**
 * Splits a byline string into its credits.
 *
 * @example
 * splitCredits('Felix Schröder und Jörg Soldwisch, dpa') // ['Felix Schröder', 'Jörg Soldwisch', 'dpa']
 */
export function splitCredits(value: string): string[] {
  const text = normalizeSpace(decodeEntities(value));
  if (!text) return [];
  const out: string[] = [];
  // A prefix applies to the whole byline ("By A and B"), so it is removed before splitting.
  for (const part of text.replace(CREDIT_PREFIX, '').split(CREDIT_SEPARATOR)) {
    const t = part.trim();
    if (t) out.push(t);
  }
  // "Bild: SN" leaves "Bild:" glued to the segment; a segment that is a photo credit is dropped whole.
  return out;
}

/** Whether a credit is a photo credit ("Bild: SN", "Photo: Jane Doe", "KEYSTONE", "Getty Images"). */
export function isPhotoCredit(credit: string): boolean {
  const t = credit.trim();
  if (PICTURE_AGENCY.test(t)) return true;
  const m = PHOTO_CREDIT_LABEL.exec(t);
  return m !== null && m[0].length < t.length && /[:：/©]|^\(c\)|\bby\s*$/iu.test(m[0]);
}

/**
 * Cleans one credit: drops byline prefixes, roles, parenthesised initials or desks ("Elena
 * Oberholzer (obe)"), a trailing place; returns undefined when what is left is no credit (photo
 * credit, place, URL, account, blurb).
 *
 * @example
 * cleanCredit('Elena Oberholzer (obe)') // 'Elena Oberholzer'
 * cleanCredit('Bild: SN') // undefined
 */
export function cleanCredit(raw: string): string | undefined {
  let name = normalizeSpace(decodeEntities(raw));
  if (!name || isPhotoCredit(name)) return undefined;
  name = name.replace(CREDIT_PREFIX, '').replace(LINK_LEAD, '').trim();
  // "(dpa)" alone is the credit; "Name (obe)" or "Name (27)" carries initials or an age after it.
  const wrapped = /^\((.+)\)$/.exec(name);
  if (wrapped) name = wrapped[1].trim();
  name = name
    .replace(/\s*[([][^)\]]{0,40}[)\]]/g, '')
    .replace(/[\s,:;–—-]+$/, '')
    .replace(/^[\s,:;–—-]+/, '')
    .trim();
  name = name.replace(CJK_ROLE_SUFFIX, '').trim();
  name = cutTrailingDate(name);
  if (!name || name.length > MAX_CREDIT_CHARS) return undefined;
  // A label left inside ("Redaktion: …", "Sendung: …") marks a credit line of another kind.
  if (/https?:|www\.|@|^\d|\d{3,}|:/i.test(name)) return undefined;
  if (!/\p{L}/u.test(name)) return undefined;
  if (NOT_A_CREDIT.test(name) || PICTURE_AGENCY.test(name) || WIDGET_LABEL.test(name)) return undefined;
  // Template placeholders ("page.head.extra.author") are dotted words that are no domain.
  if (/^[a-z]+(?:\.[a-z]+){2,}$/.test(name) && !/\.[a-z]{2,3}$/.test(name)) return undefined;
  const words = name.split(/\s+/);
  if (words.length > 1 && ROLE_WORDS.test(name) && !AGENCY.test(name)) {
    // "Yomiuri Shimbun Staff Writers" describes the names before it; "Jane Doe Senior
    // Correspondent" is a name and a role.
    if (/s$/i.test(name) && /(?:writer|reporter|correspondent|editor|journalist|contributor)s$/i.test(name))
      return undefined;
    const withoutRole = name.replace(ROLE_WORDS, '').trim();
    if (!withoutRole || withoutRole.split(/\s+/).length < 2 || !looksLikePersonName(withoutRole))
      return undefined;
    name = withoutRole;
  }
  const placeless = name.replace(TRAILING_PLACE, '');
  if (placeless !== name && looksLikePersonName(placeless)) name = placeless;
  if (name.split(/\s+/).length > MAX_CREDIT_WORDS) return undefined;
  return name;
}

/** "Madeleine Howell 30 August 2023" -> "Madeleine Howell": a date glued to the name. */
function cutTrailingDate(name: string): string {
  const words = name.split(/\s+/);
  const at = words.findIndex(
    (w, i) => i > 0 && (/\d/.test(w) || (isMonthName(w) && /\d/.test(words[i + 1] ?? ''))),
  );
  if (at <= 0) return name;
  const head = words.slice(0, at).join(' ');
  return looksLikePersonName(head) ? head : name;
}

/**
 * A personal name in a cased script: two to six words, capitalised except particles ("de",
 * "van"), no digits. Names in scripts without case (CJK, Devanagari, Arabic...) are accepted
 * when short.
 */
export function looksLikePersonName(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length === 0 || words.length > MAX_CREDIT_WORDS || /\d/.test(text)) return false;
  if (!CASED_LETTER.test(text)) return text.length <= 20;
  if (words.length < 2) return false;
  return words.every(
    (w) => /^[\p{Lu}]/u.test(w) || NAME_PARTICLE.test(w.toLowerCase()) || /^\p{Lu}\.$/u.test(w),
  );
}

/** What we know about the site, to tell the site's own name from the people it credits. */
export interface SiteIdentity {
  siteName?: string;
  /** Host of the page ("www.spiegel.de"). */
  host?: string;
  /** Other names of the publisher (JSON-LD publisher, meta publisher, application name). */
  aliases?: readonly string[];
}

/** Comparable form of a name: case folded, accents kept, punctuation and spaces dropped. */
function squash(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Labels of the host ("www.news.example.co.uk" -> news, example). */
function hostLabels(host: string | undefined): string[] {
  if (!host) return [];
  return host
    .toLowerCase()
    .split('.')
    .filter(
      (l) => l.length >= 2 && !/^(?:www\d?|m|amp|com|net|org|co|de|uk|fr|at|ch|es|it|news|online)$/.test(l),
    );
}

/** Whether a credit is the site itself ("DER SPIEGEL", "sportschau.de", "Redaktion hessenschau.de"). */
export function isSiteCredit(credit: string, site: SiteIdentity): boolean {
  const c = squash(credit);
  if (!c) return false;
  for (const name of [site.siteName, ...(site.aliases ?? [])]) {
    const s = name ? squash(name) : '';
    if (s && (c === s || c.includes(s) || (s.includes(c) && c.length >= 3))) return true;
    // "DW.COM" is also "DW".
    const domainLabel = name && /^(?:www\.)?([\p{L}\d-]+)\.[a-z]{2,}$/iu.exec(name.trim())?.[1];
    if (domainLabel && c === squash(domainLabel)) return true;
  }
  for (const label of hostLabels(site.host)) {
    const l = squash(label);
    if (l.length >= 3 && (c === l || c.includes(l))) return true;
  }
  return false;
}

/** Words that make a credit a desk or an agency rather than a person ("BR24 Redaktion", "MND Staff"). */
const DESK_WORD =
  /(?:^|[\s-])(?:redaktion|rédaction|redacción|redazione|redactie|redakcja|редакция|staff|desk|newsroom|team|agency|agentur|agence|agencia|press|presse|news|nachrichten|service|bureau|büro|wire|online|digital|zeitung|times|post)(?:$|[\s.-])/iu;

/**
 * Whether a cleaned credit is kept. In a cased script: a personal name, the site, an agency or a
 * desk; one capitalised ordinary word ("Frankfurt", "Germany", "Kontakt") is a place or a label,
 * while acronyms and handles are desks ("TPN", "IN-Redaktion", "mbl.is").
 */
function isKeptCredit(credit: string, site: SiteIdentity): boolean {
  if (!CASED_LETTER.test(credit)) return true;
  // "in News", "for the Guardian": a phrase, not a name.
  const first = credit.split(/\s/)[0];
  if (credit.includes(' ') && /^\p{Ll}/u.test(first) && !NAME_PARTICLE.test(first)) return false;
  if (AGENCY.test(credit) || isSiteCredit(credit, site) || DESK_WORD.test(credit)) return true;
  if (/\s/.test(credit)) return looksLikePersonName(credit);
  // Lower-case words of up to four letters are staff initials ("amw"), not a byline.
  return (
    /^[\p{Lu}\d]{2,4}$/u.test(credit) || /[\p{L}][.\-][\p{L}]/u.test(credit) || /^\p{Ll}{5,}$/u.test(credit)
  );
}

/** Whether a credit names a desk ("Newsroom", "BR24 Redaktion") rather than a person or an agency. */
export function isDeskCredit(credit: string): boolean {
  return DESK_WORD.test(credit) && !AGENCY.test(credit);
}

/** Desk words that never head a section ("Redaktion", "Staff"), unlike "News" or "Online". */
const EDITORIAL_DESK =
  /(?:^|[\s-])(?:redaktion|rédaction|redacción|redazione|redactie|redakcja|редакция|staff|newsroom)$/iu;

/** Whether a credit is an editorial desk by name ("IN-Redaktion", "MND Staff"). */
export function isEditorialDesk(credit: string): boolean {
  return EDITORIAL_DESK.test(credit);
}

/** Whether a credit is a wire service or news agency ("dpa", "Reuters", "The Associated Press"). */
export function isAgencyCredit(credit: string): boolean {
  return AGENCY.test(credit);
}

/**
 * Keeps the credits of a byline: people, agencies and desks; the site name only when it is the
 * whole byline. Duplicates are dropped (case-insensitive).
 *
 * @example
 * cleanAuthors(['Jane Doe', 'The Courier', 'dpa'], { siteName: 'The Courier' }) // ['Jane Doe', 'dpa']
 */
export function cleanAuthors(names: readonly string[], site: SiteIdentity = {}): string[] {
  const credits: string[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    if (/^\s*(?:https?:|www\.)/i.test(raw)) continue;
    // "Quelle: sid/dpa", "(Image: Getty Images/Cultura RF)": the whole line credits a source or a picture.
    if (isPhotoCredit(normalizeSpace(raw).replace(/^\(/, ''))) continue;
    for (const part of splitCredits(raw)) {
      const name = cleanCredit(part);
      if (!name || !isKeptCredit(name, site)) {
        // A rejected phrase ("profesora de la Universidad…") starts a blurb: the rest is not credits.
        if (part.split(/\s+/).length >= 3) break;
        continue;
      }
      const key = squash(name);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      credits.push(name);
    }
  }
  const others = credits.filter((c) => !isSiteCredit(c, site));
  return others.length > 0 ? others : credits;
}

/** Whether every credit is the site itself or a site account (a byline that names no one). */
export function onlySiteCredits(credits: readonly string[], site: SiteIdentity): boolean {
  return credits.length > 0 && credits.every((c) => isSiteCredit(c, site));
}
