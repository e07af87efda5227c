/**
 * The sources file: which publishers to crawl, where their feeds and sitemaps are, how often,
 * and which of their URLs to keep. JSON or YAML; the format is documented in `docs/sources.md`.
 * Pure: the caller reads the file and passes its text and name.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors';
import { suggestKey } from './sources/did-you-mean';
import { normaliseSchedule } from './sources/schedule';
import { describeValue, SOURCE_FIELDS, sourceEntrySchema } from './sources/source-schema';

export {
  DEFAULT_MAX_ARTICLES_PER_RUN,
  DEFAULT_SCHEDULE,
  MAX_REQUESTS_PER_MINUTE,
} from './sources/source-schema';

/** One publisher to crawl, validated and with defaults applied. */
export interface Source {
  /** Slug (`daily-planet`): used in keys, metrics and schedule names. */
  id: string;
  /** Display name (defaults to the id). */
  name: string;
  /** RSS/Atom/JSON feed URLs. */
  feeds: string[];
  /** Sitemap or sitemap index URLs (also news sitemaps). */
  sitemaps: string[];
  /** Publisher home page: the site that robots.txt sitemaps are looked up for. */
  homepage?: string;
  /** EventBridge schedule expression: `rate(30 minutes)` or `cron(0/30 * * * ? *)`. */
  schedule: string;
  /** Regular expressions; when any are given a URL must match one to be crawled. */
  allow: string[];
  /** Regular expressions; a URL matching any is never crawled. */
  deny: string[];
  /** Most new URLs queued per discovery run. */
  maxArticlesPerRun: number;
  /** Politeness override for this publisher's host(s), in requests per minute. */
  requestsPerMinute?: number;
  /** Whether to read `Sitemap:` lines from the homepage host's robots.txt. */
  useRobotsSitemaps: boolean;
  /** Disabled sources stay in the file but are not scheduled or crawled. */
  enabled: boolean;
}

/** Keys accepted at the top level when the file is an object rather than a list. */
const TOP_LEVEL_FIELDS = ['sources'] as const;

type PathPart = string | number;

/**
 * Parses and validates a sources file. The format is chosen by extension (`.json`, `.yaml`,
 * `.yml`) or, for other names, by content (`{`/`[` first means JSON). The top level is a list of
 * sources or `{ sources: [...] }`.
 *
 * All problems are collected, then thrown together as one ConfigError whose message has one line
 * per problem naming the file, the entry (counted from 1, with its id when readable), the field
 * and what is wrong, plus the line number where it can be found, e.g.
 * `sources.yaml: entry 2 (id "dailyplanet"): feeds[0]: "htp://x" is not an http(s) URL (line 9)`.
 * Unknown fields are reported with a "did you mean" suggestion.
 *
 * @throws ConfigError listing every problem found.
 * @example
 * parseSources('- id: planet\n  feeds: [https://planet.example/rss]\n', 'sources.yaml')
 * // → [{ id: 'planet', name: 'planet', feeds: ['https://planet.example/rss'], schedule: 'rate(1 hour)', ... }]
 */
export function parseSources(text: string, fileName: string): Source[] {
  const { data, lineOf } = parseDocumentText(text, fileName);
  const found: { line: number; text: string }[] = [];
  const report = (where: string, message: string, path: PathPart[], keyName?: string): void => {
    const line = lineOf(path, keyName);
    found.push({
      line: line ?? Number.POSITIVE_INFINITY,
      text: `${fileName}: ${where}${message}${line === undefined ? '' : ` (line ${line})`}`,
    });
  };
  // In file order, so the list reads top to bottom next to the file (sort is stable).
  const problems = (): string =>
    found
      .sort((a, b) => a.line - b.line)
      .map((p) => p.text)
      .join('\n');

  let entries: unknown[];
  let basePath: PathPart[];
  if (Array.isArray(data)) {
    entries = data;
    basePath = [];
  } else if (isPlainObject(data)) {
    for (const key of Object.keys(data)) {
      if ((TOP_LEVEL_FIELDS as readonly string[]).includes(key)) continue;
      const hint = suggestKey(key, [...TOP_LEVEL_FIELDS]);
      report('', `unknown top-level field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, [], key);
    }
    if (!Array.isArray(data.sources)) {
      report(
        '',
        data.sources === undefined
          ? 'missing "sources" list'
          : `"sources" must be a list, got ${describeValue(data.sources)}`,
        ['sources'],
      );
      throw new ConfigError(problems());
    }
    entries = data.sources;
    basePath = ['sources'];
  } else {
    report(
      '',
      `the top level must be a list of sources or a mapping with a "sources" list, got ${describeValue(data)}`,
      [],
    );
    throw new ConfigError(problems());
  }
  if (entries.length === 0) report('', 'no sources defined', basePath);

  const sources: Source[] = [];
  const firstEntryById = new Map<string, number>();
  entries.forEach((raw, index) => {
    const entryPath = [...basePath, index];
    const rawId = isPlainObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const where = `entry ${index + 1}${rawId === undefined ? '' : ` (id ${JSON.stringify(rawId)})`}: `;
    if (!isPlainObject(raw)) {
      report(where, `must be a mapping of fields, got ${describeValue(raw)}`, entryPath);
      return;
    }

    if (rawId !== undefined) {
      const first = firstEntryById.get(rawId);
      if (first === undefined) firstEntryById.set(rawId, index);
      else
        report(where, `id: duplicate id ${JSON.stringify(rawId)} (already used by entry ${first + 1})`, [
          ...entryPath,
          'id',
        ]);
    }

    const hasTarget = ['feeds', 'sitemaps', 'homepage'].some((key) => {
      const value = raw[key];
      return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '';
    });
    if (!hasTarget) report(where, 'needs at least one of feeds, sitemaps or homepage', entryPath);

    const result = sourceEntrySchema.safeParse(raw, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            const hint = suggestKey(key, SOURCE_FIELDS);
            report(
              where,
              `${formatPath([...issue.path, key])}: unknown field${hint ? ` (did you mean "${hint}"?)` : ''}`,
              [...entryPath, ...(issue.path as PathPart[])],
              key,
            );
          }
          continue;
        }
        const field = issue.path.length === 0 ? '' : `${formatPath(issue.path)}: `;
        report(where, `${field}${issue.message}`, [...entryPath, ...(issue.path as PathPart[])]);
      }
      return;
    }
    const entry = result.data;
    const source: Source = {
      id: entry.id,
      name: entry.name ?? entry.id,
      feeds: entry.feeds.map((url) => url.trim()),
      sitemaps: entry.sitemaps.map((url) => url.trim()),
      schedule: normaliseSchedule(entry.schedule),
      allow: entry.allow,
      deny: entry.deny,
      maxArticlesPerRun: entry.maxArticlesPerRun,
      useRobotsSitemaps: entry.useRobotsSitemaps,
      enabled: entry.enabled,
    };
    if (entry.homepage !== undefined) source.homepage = entry.homepage.trim();
    if (entry.requestsPerMinute !== undefined) source.requestsPerMinute = entry.requestsPerMinute;
    sources.push(source);
  });

  if (found.length > 0) throw new ConfigError(problems());
  return sources;
}

/** Compiled allow/deny patterns per source object (sources are immutable once parsed). */
const compiledFilters = new WeakMap<Source, { allow: RegExp[]; deny: RegExp[] }>();

/**
 * Whether a URL passes a source's filters: it must match no `deny` pattern and, when `allow`
 * patterns exist, at least one of them. Patterns are unanchored regular expressions tested
 * against the whole URL string as given (`/news/` matches anywhere; anchor with `^https://`).
 *
 * @example matchesSourceFilters({ ...source, allow: ['/news/'], deny: ['/video/'] }, 'https://x.example/news/a') // → true
 */
export function matchesSourceFilters(source: Source, url: string): boolean {
  let filters = compiledFilters.get(source);
  if (filters === undefined) {
    filters = { allow: source.allow.map((p) => new RegExp(p)), deny: source.deny.map((p) => new RegExp(p)) };
    compiledFilters.set(source, filters);
  }
  if (filters.deny.some((pattern) => pattern.test(url))) return false;
  return filters.allow.length === 0 || filters.allow.some((pattern) => pattern.test(url));
}

/** `feeds[0]`, `news.title`: a zod path as the user would write it. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the text as JSON or YAML and returns the data plus a way to find the line of a path
 * (both formats go through the YAML parser for positions; JSON is also parsed strictly so that
 * JSON-only files get JSON's rules).
 */
function parseDocumentText(
  text: string,
  fileName: string,
): { data: unknown; lineOf: (path: PathPart[], keyName?: string) => number | undefined } {
  const isJson = /\.json$/i.test(fileName) || (!/\.ya?ml$/i.test(fileName) && /^\s*[[{]/.test(text));
  const lineCounter = new LineCounter();
  // `merge` lets entries share settings with YAML merge keys (`<<: *defaults`).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  let data: unknown;
  if (isJson) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /at position (\d+)/.exec(message);
      const where = position
        ? ` (line ${lineCounter.linePos(Number(position[1])).line}, column ${lineCounter.linePos(Number(position[1])).col})`
        : '';
      throw new ConfigError(`${fileName}: invalid JSON${where}: ${message}`, { cause: error });
    }
  } else {
    if (doc.errors.length > 0) {
      const lines = doc.errors.map((error) => {
        const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
        return `${fileName}: invalid YAML (line ${line}): ${error.message.split('\n')[0]}`;
      });
      throw new ConfigError(lines.join('\n'));
    }
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new ConfigError(
        `${fileName}: invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  const lineOf = (path: PathPart[], keyName?: string): number | undefined => {
    if (doc.errors.length > 0) return undefined;
    return nodeLine(doc, path, keyName, lineCounter);
  };
  return { data, lineOf };
}

/** 1-based line of the node at `path` (or of key `keyName` inside it), if it can be found. */
function nodeLine(
  doc: Document,
  path: PathPart[],
  keyName: string | undefined,
  lineCounter: LineCounter,
): number | undefined {
  // A missing field has no node: fall back to the nearest enclosing one (the entry).
  let node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  for (let depth = path.length - 1; node === undefined && depth >= 0; depth--) {
    node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
  }
  if (keyName !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === keyName);
    const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
    if (keyRange) return lineCounter.linePos(keyRange[0]).line;
  }
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}
