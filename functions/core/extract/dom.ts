/**
 * Small helpers over the htmlparser2 (domhandler) tree. We walk the tree ourselves instead of
 * going through cheerio selections in the hot loops: it avoids wrapper allocations and keeps the
 * extractor within a small factor of parse-only time.
 */
import type { AnyNode, ChildNode, Element, ParentNode } from 'domhandler';

export type { AnyNode, ChildNode, Element, ParentNode };

/** True for element nodes (htmlparser2 gives script and style their own node types). */
export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** True for text nodes. */
export function isText(node: AnyNode): node is AnyNode & { data: string } {
  return node.type === 'text';
}

/** Attribute value or undefined. */
export function attr(el: Element, name: string): string | undefined {
  return el.attribs?.[name];
}

/** Memo slot on the node itself: several steps ask for the same element's hint string. */
const HINT = Symbol('hint');

/** class and id joined, lower-cased: the string class/id hints are matched against (memoised). */
export function hintString(el: Element): string {
  const memo = el as Element & { [HINT]?: string };
  const cached = memo[HINT];
  if (cached !== undefined) return cached;
  const attribs = el.attribs;
  const cls = attribs?.class;
  const id = attribs?.id;
  const hint = cls === undefined && id === undefined ? '' : `${cls ?? ''} ${id ?? ''}`.toLowerCase();
  memo[HINT] = hint;
  return hint;
}

/**
 * All text below a node, iteratively (no recursion, so arbitrarily deep trees are safe).
 * Script and style content is skipped.
 */
export function textContent(node: AnyNode): string {
  if (isText(node)) return node.data;
  const parts: string[] = [];
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as AnyNode;
    if (isText(current)) {
      parts.push(current.data);
      continue;
    }
    const type: string = current.type;
    if (type === 'script' || type === 'style' || type === 'comment') continue;
    const children = (current as ParentNode).children;
    if (!children) continue;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return parts.join('');
}

/** Elements below `root` (pre-order), iteratively. */
export function* descendants(root: AnyNode): Generator<Element> {
  const stack: AnyNode[] = [];
  const rootChildren = (root as ParentNode).children;
  if (!rootChildren) return;
  for (let i = rootChildren.length - 1; i >= 0; i--) stack.push(rootChildren[i]);
  while (stack.length > 0) {
    const current = stack.pop() as AnyNode;
    if (!isElement(current)) continue;
    yield current;
    const children = current.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/** First element below root with the given tag name. */
export function findFirst(root: AnyNode, tag: string): Element | undefined {
  for (const el of descendants(root)) if (el.name === tag) return el;
  return undefined;
}

/**
 * The page's `<body>`, or, for fragments (htmlparser2 adds no implied elements), a synthetic
 * body element that adopts the document's children, so every block has an element container.
 */
export function ensureBody(doc: ParentNode): Element {
  const body = findFirst(doc, 'body');
  if (body) {
    adoptTrailingNodes(doc, body);
    return body;
  }
  const synthetic = {
    type: 'tag',
    name: 'body',
    attribs: {},
    children: doc.children,
    parent: doc,
    prev: null,
    next: null,
  } as unknown as Element;
  for (const child of doc.children) child.parent = synthetic;
  doc.children = [synthetic];
  return synthetic;
}

/**
 * Content after `</html>` (a second template appended to the page, stray markup after the
 * closing tags) stays at the document root in htmlparser2; a browser moves it into the body
 * and shows it. Appends those root nodes to `body`.
 */
function adoptTrailingNodes(doc: ParentNode, body: Element): void {
  const htmlIndex = doc.children.findIndex((c) => isElement(c) && c.name === 'html');
  if (htmlIndex < 0 || htmlIndex === doc.children.length - 1) return;
  const trailing = doc.children.slice(htmlIndex + 1).filter((c) => c.type === 'tag' || c.type === 'text');
  if (trailing.length === 0) return;
  doc.children = doc.children.slice(0, htmlIndex + 1);
  let last = body.children.length > 0 ? body.children[body.children.length - 1] : null;
  for (const node of trailing) {
    node.parent = body;
    node.prev = last;
    node.next = null;
    if (last) last.next = node;
    body.children.push(node);
    last = node;
  }
}
