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
  text = text
    .replace(/^<!\[CDATA\[|\]\]>$/g, '')
    .replace(/^<!--|-->$/g, '')
    .replace(/^\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>$/g, '')
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

/** Names of people in an author value (string, Person, array of either). */
export function personNames(value: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const obj = v as JsonObject;
      const types = typesOf(obj);
      if (
        types.length > 0 &&
        types.every((t) => /organi[sz]ation|corporation|newsmediaorganization|website/i.test(t))
      )
        return;
      if (typeof obj.name === 'string') out.push(obj.name);
      else if (Array.isArray(obj.name)) visit(obj.name);
    }
  };
  visit(value);
  return out;
}
