/**
 * Safe parsing of feed and sitemap XML into plain objects (fast-xml-parser), plus small helpers
 * to read the loosely shaped result. Namespace prefixes are removed (`news:title` → `title`)
 * because publishers bind the same namespaces to arbitrary prefixes.
 *
 * Safety: documents declaring entities in a DTD are refused before parsing. Feeds never need
 * them, and they are how "billion laughs" expansion bombs and external-entity reads work.
 * The parser's own entity limits (count, size, expanded length) and a nesting cap are set as a
 * second line of defence, in case a declaration slips past the prolog check.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidInputError } from '../../errors';

/** Largest document accepted, in characters: the sitemap protocol's 50 MB cap, with headroom. */
export const MAX_XML_CHARS = 60 * 1024 * 1024;

/** C0 control characters other than tab, line feed and carriage return, and DEL. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Deepest element nesting accepted; real feeds nest under 10 levels, bombs nest thousands. */
export const MAX_NESTED_TAGS = 100;

/** A parsed XML node: text, or an object of children/attributes (`@_name`) and `#text`. */
export type XmlNode = string | { [key: string]: XmlValue };
export type XmlValue = XmlNode | XmlNode[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
  // Standard and character references only; declared entities are refused before parsing, and
  // these caps bound the damage should one get through (the library's minimum count is 1).
  processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1_000, maxExpandedLength: 100_000 },
  maxNestedTags: MAX_NESTED_TAGS,
  // Titles are kept as raw markup and turned into text by `toPlainText`: parsed into objects,
  // mixed content such as an Atom XHTML title would lose the order of its words.
  stopNodes: ['*.title'],
});

/**
 * Parses an XML document or throws InvalidInputError starting with `what` (e.g. the feed URL).
 * Bare `&` characters (not starting an entity or character reference) are escaped first: many
 * real feeds carry them in titles and links, and refusing the whole feed for it helps nobody.
 */
export function parseXmlDocument(xml: string, what: string): Record<string, XmlValue> {
  const text = checkXmlText(xml, what);
  // CDATA sections are matched first and kept as they are: an `&` in them is already literal.
  const repaired = text.replace(
    /(<!\[CDATA\[[\s\S]*?\]\]>)|&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9._-]*;)/g,
    (_match, cdata: string | undefined) => cdata ?? '&amp;',
  );
  const valid = XMLValidator.validate(repaired);
  if (valid !== true) {
    throw new InvalidInputError(
      `${what}: invalid XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  }
  try {
    return parser.parse(repaired) as Record<string, XmlValue>;
  } catch (error) {
    throw new InvalidInputError(
      `${what}: invalid XML: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * The checks every XML input gets before any parser sees it: size cap, byte-order mark removed,
 * must start with markup, and no DTD entity declarations. Returns the text to parse.
 *
 * @throws InvalidInputError starting with `what`.
 */
export function checkXmlText(xml: string, what: string): string {
  if (xml.length > MAX_XML_CHARS) {
    throw new InvalidInputError(
      `${what}: document too large (${xml.length} characters, limit ${MAX_XML_CHARS})`,
    );
  }
  // XML forbids C0 control characters, yet feeds carry them (pasted text, NUL-padded buffers);
  // dropping them is safer than refusing the feed and changes no markup.
  const text = xml
    .replace(/^\uFEFF/, '')
    .replace(CONTROL_CHARACTERS, '')
    .trimStart();
  if (!text.startsWith('<')) {
    throw new InvalidInputError(`${what}: not XML (starts with ${JSON.stringify(text.slice(0, 20))})`);
  }
  if (declaresEntities(text)) {
    throw new InvalidInputError(
      `${what}: the document declares DTD entities, which are refused (entity expansion attacks)`,
    );
  }
  return text;
}

/** Whether the DOCTYPE declaration (if any) has an internal subset that declares entities. */
function declaresEntities(text: string): boolean {
  const doctype = text.search(/<!DOCTYPE/i);
  if (doctype === -1) return false;
  // Everything up to the first element start that is not inside the DOCTYPE's internal subset;
  // a crafted subset might hide `<a` in a comment, so look until `]>` when a subset exists.
  const subsetEnd = text.indexOf(']>', doctype);
  const firstElement = text.slice(doctype).search(/<[A-Za-z_]/);
  const end = Math.max(subsetEnd, firstElement === -1 ? text.length : doctype + firstElement);
  return /<!ENTITY/i.test(text.slice(doctype, end === -1 ? text.length : end));
}

/** The root element's name and node, skipping comments; `undefined` for an empty document. */
export function rootElement(doc: Record<string, XmlValue>): { name: string; node: XmlValue } | undefined {
  for (const [name, node] of Object.entries(doc)) {
    if (name.startsWith('?') || name.startsWith('#')) continue;
    return { name, node };
  }
  return undefined;
}

/** A child value as an array (absent → [], one → [one]). */
export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) {
    if (Array.isArray(node)) return node.flatMap((n) => children(n, name));
    return [];
  }
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first child with that name, if any. */
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** An attribute value of an element node. */
export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/**
 * All text inside a node, in document order as far as the object form keeps it (mixed content
 * such as Atom XHTML titles loses the interleaving of text and elements, acceptable for titles).
 */
export function textOf(node: XmlValue | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  const parts: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) continue;
    parts.push(textOf(value));
  }
  return parts.join(' ');
}

/** Trimmed text of the first child with that name, or `undefined` when absent or blank. */
export function childText(node: XmlValue | undefined, name: string): string | undefined {
  const text = textOf(child(node, name)).trim();
  return text === '' ? undefined : text;
}
