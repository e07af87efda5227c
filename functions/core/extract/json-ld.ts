/**
 * JSON-LD reading: every object of every `application/ld+json` script, flattened (arrays,
 * `@graph`, nested `mainEntity`), tolerant of the syntax errors publishers ship.
 */

export type JsonObject = Record<string, unknown>;

/** Cap on objects collected per page: a page with thousands of products is not an article. */
const MAX_JSON_LD_OBJECTS = 500;

/** Article-like schema.org types, most specific first. */
const ARTICLE_TYPES =
  /^(?:NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|AskPublicNewsArticle|Article|BlogPosting|LiveBlogPosting|SocialMediaPosting|ScholarlyArticle|TechArticle|Report|Review|DiscussionForumPosting|Blog)$/i;

/** Parses one script body; returns [] when it is not JSON even after light repair. */
export function parseJsonLd(source: string): unknown[] {
  let text = source.trim();
  // CDATA and comment wrappers, alone or behind a JS line comment ("//<![CDATA[ ... //]]>").
  text = text
    .replace(/^(?:\/\/\s*)?<!\[CDATA\[|(?:\/\/\s*)?\]\]>$/g, '')
    .replace(/^(?:\/\/\s*)?<!--|(?:\/\/\s*)?-->$/g, '')
    .trim();
  if (!text) return [];
  try {
    return [JSON.parse(text)];
  } catch {
    // Common breakage: raw newlines/tabs inside strings, trailing commas.
    try {
      const repaired = text.replace(/[\u0000-\u001f]+/g, ' ').replace(/,\s*([}\]])/g, '$1');
      return [JSON.parse(repaired)];
    } catch {
      return [];
    }
  }
}

/** Flattens parsed JSON-LD into a list of objects (breadth-first, bounded). */
export function flattenJsonLd(roots: unknown[]): JsonObject[] {
  const out: JsonObject[] = [];
  const queue: unknown[] = [...roots];
  while (queue.length > 0 && out.length < MAX_JSON_LD_OBJECTS) {
    const item = queue.shift();
    if (Array.isArray(item)) {
      queue.push(...item);
      continue;
    }
    if (!item || typeof item !== 'object') continue;
    const obj = item as JsonObject;
    out.push(obj);
    if (obj['@graph']) queue.push(obj['@graph']);
    if (obj.mainEntity && typeof obj.mainEntity === 'object') queue.push(obj.mainEntity);
    if (
      obj.mainEntityOfPage &&
      typeof obj.mainEntityOfPage === 'object' &&
      (obj.mainEntityOfPage as JsonObject)['@type']
    ) {
      queue.push(obj.mainEntityOfPage);
    }
  }
  return out;
}

/** schema.org types of an object. */
export function typesOf(obj: JsonObject): string[] {
  const t = obj['@type'];
  if (typeof t === 'string') return [t.replace(/^.*[/#:]/, '')];
  if (Array.isArray(t))
    return t.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^.*[/#:]/, ''));
  return [];
}

/** True for NewsArticle, BlogPosting and the other article types. */
export function isArticleObject(obj: JsonObject): boolean {
  return typesOf(obj).some((t) => ARTICLE_TYPES.test(t));
}

/** First string found in a JSON-LD value (string, object with the key, or array). */
export function stringValue(value: unknown, key = 'name'): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = stringValue(v, key);
      if (s) return s;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    const obj = value as JsonObject;
    const v = obj[key] ?? obj['@id'];
    return typeof v === 'string' ? v.trim() || undefined : stringValue(v, key);
  }
  return undefined;
}

/** Index of the objects of a page's JSON-LD by `@id`, to resolve references (`{"@id": "#/schema/person/1"}`). */
export function indexById(objects: readonly JsonObject[]): Map<string, JsonObject> {
  const byId = new Map<string, JsonObject>();
  for (const obj of objects) {
    const id = obj['@id'];
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, obj);
  }
  return byId;
}

/** Author pages of site accounts ("/author/admin/"): a CMS login, not a credit. */
const ACCOUNT_URL =
  /\/(?:author|authors|autor|profile|user)\/(?:admin|administrator|webmaster|editor|redaction|redaktion|staff-?account)\/?(?:[#?]|$)/i;

/** Segment of an author page URL that names the author ("/author/associated-press/j_-yt"). */
const AUTHOR_SLUG =
  /\/(?:author|authors|autor|autoren|auteur|autore|journalist|journalists|reporter|people|profile|staff)\/([a-z\u00c0-\u024f]+(?:-[a-z\u00c0-\u024f]+){0,4})(?:[/?#.]|$)/i;

/** Whether a URL is the author page of a site account ("/author/admin/"). */
export function isAccountUrl(url: string): boolean {
  return ACCOUNT_URL.test(url);
}

/** "associated-press" -> "Associated Press". */
function nameFromSlug(url: string): string | undefined {
  const m = AUTHOR_SLUG.exec(url);
  if (!m || !m[1].includes('-')) return undefined;
  return m[1]
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * Names credited by an author value: strings, Person and Organization objects (an agency or the
 * publisher may be the byline), arrays of them, and `@id` references resolved through `byId`.
 * A Person without a name is named from its author-page URL; site accounts are skipped.
 */
export function personNames(value: unknown, byId: ReadonlyMap<string, JsonObject> = new Map()): string[] {
  const out: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4) return;
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const item of v) visit(item, depth + 1);
    else if (v && typeof v === 'object') {
      let obj = v as JsonObject;
      const id = typeof obj['@id'] === 'string' ? (obj['@id'] as string) : undefined;
      const target = id ? byId.get(id) : undefined;
      if (target && target !== obj) obj = { ...target, ...obj };
      const url = [obj.url, obj['@id'], obj.sameAs].find((u): u is string => typeof u === 'string') ?? '';
      if (ACCOUNT_URL.test(url)) return;
      const given = typeof obj.givenName === 'string' ? obj.givenName.trim() : '';
      const family = typeof obj.familyName === 'string' ? obj.familyName.trim() : '';
      if (typeof obj.name === 'string' && obj.name.trim()) out.push(obj.name);
      else if (Array.isArray(obj.name)) visit(obj.name, depth + 1);
      else if (given || family) out.push(`${given} ${family}`.trim());
      else {
        const slug = nameFromSlug(url);
        if (slug) out.push(slug);
      }
    }
  };
  visit(value, 0);
  return out;
}
