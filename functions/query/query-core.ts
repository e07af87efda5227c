import type { ArticleRecord, ArticleRef, CleanCopy, CopyLink, StoredCleanCopy } from '../core/article';
import { clusterOf, withCurrentOrigin } from '../core/dedup/current-origin';
import { NORMALIZATION_VERSION } from '../core/dedup/normalize-paragraph';
import { firstAppearance } from '../core/dedup/first-appearance';
import { paragraphHash } from '../core/dedup/paragraph-hash';
import { renderMarkdown, renderText } from '../core/render';
import { InvalidInputError, NotFoundError } from '../errors';
import { readCleanCopy } from '../archive-format/clean-copies';
import type { ArchiveSearch, SearchHit } from '../ports/archive-search';
import type { ArchiveStore } from '../ports/archive-store';
import type { DedupIndex, Page, ParagraphInfo } from '../ports/dedup-index';
import { decodeExportCursor, encodeExportCursor } from './export-cursor';
import { HostStatsAccumulator, type HostStats } from './host-stats';
import { searchArticles, type SearchInput } from './search';
import { byPublication, currentFirstAppearance, summarizeStory, type StorySummary } from './story-summary';
import { decodeAllHostsCursor, encodeAllHostsCursor, type AllHostsPosition } from './all-hosts-cursor';
import { checkDayRange, checkHost } from './validate';

/** Page size limits of list queries: large pages make slow, costly Lambda responses. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Days a listing across every host covers when no `from` is given, and at most. */
export const DEFAULT_ALL_HOSTS_DAYS = 31;
export const MAX_ALL_HOSTS_DAYS = 366;
/** Records read per index query when scanning (stats, export): DynamoDB returns ≤ 1 MB anyway. */
export const SCAN_PAGE_SIZE = 200;
/**
 * Records a stats scan reads at most. About 10,000 records is ~50 index pages, a few seconds on
 * Lambda (the query function has 15 s); beyond it the answer says `complete: false`.
 */
export const MAX_STATS_ARTICLES = 10_000;
/** Clean copies read at once while exporting: hides S3 latency, keeps memory to a few copies. */
export const EXPORT_READ_CONCURRENCY = 8;
/**
 * Story members read to re-decide first appearances on an article page: its origin, what it
 * copies and its first copies (an origin's later copies cannot be earlier-published carriers).
 */
export const MAX_FIRST_APPEARANCE_MEMBERS = 40;
/** Longest paragraph text accepted by a lookup (a query string, not a document). */
export const MAX_PARAGRAPH_LOOKUP_CHARS = 10_000;

/** Output formats of one article. */
export const ARTICLE_FORMATS = ['json', 'md', 'text'] as const;
export type ArticleFormat = (typeof ARTICLE_FORMATS)[number];

const ARTICLE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** The story cluster of an article: its likely origin and every known copy (records as every view shows them). */
export interface StoryView {
  /** The cluster that holds the story now (a cluster merged into another names that one). */
  clusterId: string;
  /** The story's current origin (`origin.id`). */
  originId: string;
  article: ArticleRecord;
  origin: ArticleRecord;
  members: ArticleRecord[];
}

/** A paragraph lookup: where the paragraph appeared first (by publication) and where else. */
export interface ParagraphLookup extends Omit<ParagraphInfo, 'firstSeen'> {
  /** The earliest-published article known to carry it (a page without a publication time counts from its fetch). */
  firstSeen: ArticleRef;
  /** The first article crawled with it (the index's atomic first sighting), when that is another one. */
  firstCrawled?: ArticleRef;
}

/** Direct copy links of one article. */
export interface CopiesView {
  articleId: string;
  copyOf?: CopyLink;
  copies: CopyLink[];
}

/** One JSON Lines record of an export and the cursor that resumes right after it. */
export interface ExportLine {
  /** One clean copy as a single line of JSON, ending in `\n`. */
  line: string;
  cursor: string;
}

/**
 * The one query core used by the CLI, the local `serve` (API and web view) and the query Lambda.
 * It reads only: article records from the index, clean copies from the archive. Every input is
 * validated here (InvalidInputError → 400, NotFoundError → 404), so each transport stays thin.
 */
export class QueryCore {
  constructor(private readonly deps: { index: DedupIndex; archive: ArchiveStore; search?: ArchiveSearch }) {}

  /**
   * Full-text search over the current clean copy of every article: ranked hits with snippets
   * (see {@link searchArticles}). NotFoundError where no search engine is configured.
   *
   * @example
   * const page = await core.search({ q: 'harbour bridge', from: '2026-11-01', originalsOnly: true });
   */
  async search(input: SearchInput): Promise<Page<SearchHit>> {
    if (!this.deps.search) throw new NotFoundError('full-text search is not configured for this archive');
    return searchArticles(this.deps.search, input);
  }

  /**
   * Articles of one host, newest day first, between two days (inclusive, YYYY-MM-DD).
   *
   * @example
   * const page = await core.listArticles({ host: 'dailyplanet.example', from: '2026-11-01', limit: 10 });
   * const next = page.cursor && (await core.listArticles({ host: 'dailyplanet.example', from: '2026-11-01', limit: 10, cursor: page.cursor }));
   */
  async listArticles(query: {
    host?: string;
    from?: string;
    to?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<ArticleRecord>> {
    checkDayRange(query.from, query.to);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${query.limit}`);
    }
    if (query.host === undefined || query.host === '') return this.listAllHosts({ ...query, limit });
    const host = checkHost(query.host);
    const page = await this.deps.index.listArticles({
      host,
      fromDay: query.from,
      toDay: query.to,
      limit,
      cursor: query.cursor || undefined,
    });
    return { ...page, items: await this.withOrigins(page.items) };
  }

  /**
   * Articles of every host, newest day first (within a day, hosts in name order), over at most
   * {@link MAX_ALL_HOSTS_DAYS} days: the index is ordered per host, so each day is read host by
   * host. Without `to` the range ends today (UTC); without `from` it starts
   * {@link DEFAULT_ALL_HOSTS_DAYS} days before `to`.
   */
  private async listAllHosts(query: {
    from?: string;
    to?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<ArticleRecord>> {
    const to = query.to ?? new Date().toISOString().slice(0, 10);
    const from = query.from ?? addDays(to, 1 - DEFAULT_ALL_HOSTS_DAYS);
    checkDayRange(from, to);
    if (addDays(from, MAX_ALL_HOSTS_DAYS - 1) < to)
      throw new InvalidInputError(
        `without host, the day range is at most ${MAX_ALL_HOSTS_DAYS} days (${from} to ${to} is longer); narrow it or give a host`,
      );
    const start = query.cursor ? decodeAllHostsCursor(query.cursor) : undefined;
    if (start && (start.day < from || start.day > to)) throw new InvalidInputError('invalid page cursor');
    const hosts = await this.listHosts();
    const items: ArticleRecord[] = [];
    for (let day = start?.day ?? to; day >= from; day = addDays(day, -1)) {
      for (const host of hosts) {
        if (start && day === start.day && host < start.host) continue;
        let hostCursor = start && day === start.day && host === start.host ? start.hostCursor : undefined;
        do {
          const page = await this.deps.index.listArticles({
            host,
            fromDay: day,
            toDay: day,
            limit: query.limit - items.length,
            cursor: hostCursor,
          });
          items.push(...page.items);
          hostCursor = page.cursor;
          if (items.length === query.limit) {
            // Resume inside this host's day if it has more, else at the next host or day.
            const next = hostCursor ? { day, host, hostCursor } : nextPosition(hosts, host, day, from);
            return {
              items: await this.withOrigins(items),
              ...(next ? { cursor: encodeAllHostsCursor(next) } : {}),
            };
          }
        } while (hostCursor);
      }
    }
    return { items: await this.withOrigins(items) };
  }

  /**
   * Records as every view shows them: joined with their story's current origin, which the index
   * keeps per cluster and which moves when an earlier-published member arrives after a copy was
   * stored (one batched read of the clusters' origin items per call).
   */
  private async withOrigins(records: ArticleRecord[]): Promise<ArticleRecord[]> {
    if (records.length === 0) return records;
    const origins = await this.deps.index.getStoryOrigins(records.map(clusterOf));
    return records.map((r) => withCurrentOrigin(r, origins.get(clusterOf(r))));
  }

  /** Hosts with at least one article, sorted. */
  async listHosts(): Promise<string[]> {
    return [...(await this.deps.index.listHosts())].sort();
  }

  /** The article record with its story's current origin, or NotFoundError. */
  async getRecord(id: string): Promise<ArticleRecord> {
    if (!ARTICLE_ID_PATTERN.test(id))
      throw new InvalidInputError(`article id must be 32 lower-case hex characters, got "${id}"`);
    const record = await this.deps.index.getArticle(id);
    if (!record) throw new NotFoundError(`no article with id ${id}`);
    const [current] = await this.withOrigins([record]);
    return current;
  }

  /**
   * The full clean copy of an article, with the index's current links (`copies`, `copyOf`,
   * `clusterId`): the stored copy is written once per version and does not list its copies.
   */
  async getCleanCopy(id: string): Promise<CleanCopy> {
    const record = await this.getRecord(id);
    const stored = await readCleanCopy(this.deps.archive, record);
    if (!stored) throw new NotFoundError(`article ${id} has no clean copy at ${record.cleanKey}`);
    const copy = withIndexLinks(stored, record);
    // First appearance by publication as known now: the story's members may include an original
    // crawled after this line was written; the index holds each paragraph's first-crawled sighting.
    const members = await this.deps.index.getArticles(
      storyMemberIds(record, undefined).slice(0, MAX_FIRST_APPEARANCE_MEMBERS),
    );
    const hashes = copy.paragraphs.flatMap((p) => (p.hash ? [p.hash] : []));
    const infos = hashes.length > 0 ? await this.deps.index.lookupParagraphs(hashes) : new Map();
    const crawledFirst = new Map([...infos].map(([hash, info]) => [hash, info.firstSeen]));
    return { ...copy, paragraphs: currentFirstAppearance(record, copy.paragraphs, members, crawledFirst) };
  }

  /** One article rendered as JSON, Markdown or plain text. */
  async getArticle(
    id: string,
    format: ArticleFormat = 'json',
  ): Promise<{ contentType: string; body: string }> {
    if (!ARTICLE_FORMATS.includes(format))
      throw new InvalidInputError(`format must be json, md or text, got "${format}"`);
    const copy = await this.getCleanCopy(id);
    if (format === 'md') return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(copy) };
    if (format === 'text') return { contentType: 'text/plain; charset=utf-8', body: renderText(copy) };
    return { contentType: 'application/json', body: JSON.stringify(copy) };
  }

  /** The article's direct copy links: what it copies, and who copied it. */
  async getCopies(id: string): Promise<CopiesView> {
    const record = await this.getRecord(id);
    return {
      articleId: record.id,
      ...(record.copyOf ? { copyOf: record.copyOf } : {}),
      copies: record.copies,
    };
  }

  /**
   * The article's story cluster: its current origin and every known member (the origin's and the
   * article's links), earliest publication first, each with the origin the index holds now.
   */
  async getStory(id: string): Promise<StoryView> {
    const article = await this.getRecord(id);
    const originId = article.originId ?? article.id;
    const origin = originId === article.id ? article : ((await this.recordIfPresent(originId)) ?? article);
    const members = await this.withOrigins(
      await this.deps.index.getArticles(storyMemberIds(article, origin)),
    );
    members.sort(byPublication);
    return { clusterId: clusterOf(article), originId: origin.id, article, origin, members };
  }

  /** The story as a reader needs it: ids, URLs, hosts, times, relation and overlap (no index internals). */
  async getStorySummary(id: string): Promise<StorySummary> {
    return summarizeStory(await this.getStory(id));
  }

  private async recordIfPresent(id: string): Promise<ArticleRecord | undefined> {
    const record = await this.deps.index.getArticle(id);
    return record ? (await this.withOrigins([record]))[0] : undefined;
  }

  /** Where did this paragraph appear first, and where else? Looks the text up by its normalised hash. */
  async lookupParagraph(text: string): Promise<ParagraphLookup> {
    if (!text?.trim()) throw new InvalidInputError('paragraph text is required');
    if (text.length > MAX_PARAGRAPH_LOOKUP_CHARS)
      throw new InvalidInputError(`paragraph text is longer than ${MAX_PARAGRAPH_LOOKUP_CHARS} characters`);
    const hash = paragraphHash(text);
    const found = (await this.deps.index.lookupParagraphs([hash])).get(hash);
    if (!found)
      throw new NotFoundError(`paragraph not seen (hash ${hash}, normalisation v${NORMALIZATION_VERSION})`);
    // First appearance follows publication: the earliest-published of the carriers the index
    // lists (its first ids) and the first-crawled one; the first-crawled sighting stays a fact.
    const carriers = await this.deps.index.getArticles([
      ...new Set([found.firstSeen.articleId, ...found.articleIds]),
    ]);
    const first =
      firstAppearance(hash, [
        ...carriers.map((r) => ({
          ref: { articleId: r.id, url: r.url, host: r.host, seenAt: r.fetchedAt },
          publishedAt: r.publishedAt,
          paragraphHashes: [hash],
        })),
        ...(carriers.some((r) => r.id === found.firstSeen.articleId)
          ? []
          : [{ ref: found.firstSeen, paragraphHashes: [hash] }]),
      ]) ?? found.firstSeen;
    return {
      ...found,
      firstSeen: first,
      ...(first.articleId !== found.firstSeen.articleId ? { firstCrawled: found.firstSeen } : {}),
    };
  }

  /**
   * Figures of one host from its article records (repeated-paragraph and boilerplate ratios,
   * share of syndicated articles), scanning index pages up to {@link MAX_STATS_ARTICLES}.
   */
  async hostStats(query: { host: string; from?: string; to?: string }): Promise<HostStats> {
    const host = checkHost(query.host);
    checkDayRange(query.from, query.to);
    const totals = new HostStatsAccumulator();
    let cursor: string | undefined;
    do {
      const limit = Math.min(SCAN_PAGE_SIZE, MAX_STATS_ARTICLES - totals.count);
      const page = await this.deps.index.listArticles({
        host,
        fromDay: query.from,
        toDay: query.to,
        limit,
        cursor,
      });
      totals.add(page.items);
      cursor = page.cursor;
    } while (cursor && totals.count < MAX_STATS_ARTICLES);
    return totals.result({ host, from: query.from, to: query.to, complete: cursor === undefined });
  }

  /**
   * Streams the clean copies of every article (of one host, or of all hosts in name order) whose
   * day is in [from, to] as JSON Lines, in constant memory: one index page and at most
   * {@link EXPORT_READ_CONCURRENCY} copies are held at a time. Each line comes with a cursor that
   * resumes the export right after it (a size-capped transport hands it to the client).
   *
   * @example
   * for await (const { line } of core.exportLines({ from: '2026-11-01', to: '2026-11-30' })) process.stdout.write(line);
   */
  async *exportLines(query: {
    /** First day (inclusive); absent: from the earliest. */
    from?: string;
    /** Last day (inclusive); absent: to the latest. */
    to?: string;
    host?: string;
    cursor?: string;
  }): AsyncGenerator<ExportLine> {
    checkDayRange(query.from, query.to);
    const start = query.cursor ? decodeExportCursor(query.cursor) : undefined;
    const hosts = query.host !== undefined ? [checkHost(query.host)] : await this.listHosts();
    for (const host of hosts) {
      if (start && host < start.host) continue;
      const resuming = start && host === start.host;
      let pageCursor = resuming ? start.pageCursor : undefined;
      let skip = resuming ? start.skip : 0;
      for (;;) {
        const page = await this.deps.index.listArticles({
          host,
          fromDay: query.from,
          toDay: query.to,
          limit: SCAN_PAGE_SIZE,
          cursor: pageCursor,
        });
        const records = await this.withOrigins(page.items.slice(skip));
        for (let i = 0; i < records.length; i += EXPORT_READ_CONCURRENCY) {
          const batch = records.slice(i, i + EXPORT_READ_CONCURRENCY);
          const copies = await Promise.all(batch.map((r) => readCleanCopy(this.deps.archive, r)));
          for (let j = 0; j < batch.length; j++) {
            const position = skip + i + j + 1;
            const stored = copies[j];
            // A record whose copy is missing (deleted by hand) is left out rather than failing the export.
            if (!stored) continue;
            const line = `${JSON.stringify(withIndexLinks(stored, batch[j]))}\n`;
            yield { line, cursor: encodeExportCursor({ host, pageCursor, skip: position }) };
          }
        }
        if (!page.cursor) break;
        pageCursor = page.cursor;
        skip = 0;
      }
    }
  }
}

/**
 * A stored clean copy with the record's syndication links: the index is where `copies` grows as
 * copies arrive (the stored copy never lists them), and where a copy crawled before its origin
 * first learns its `copyOf`. The record also says where the copy is stored (a line does not).
 */
function withIndexLinks(stored: StoredCleanCopy & { copies?: unknown }, record: ArticleRecord): CleanCopy {
  const {
    copies: _copies,
    copyOf: _copyOf,
    clusterId: _clusterId,
    originId: _originId,
    relation: _relation,
    storedAt: _storedAt,
    ...rest
  } = stored;
  return {
    ...rest,
    originId: record.originId ?? record.id,
    relation: record.relation ?? 'original',
    cleanKey: record.cleanKey,
    ...(record.cleanOffset !== undefined
      ? { cleanOffset: record.cleanOffset, cleanLength: record.cleanLength }
      : {}),
    ...(record.copyOf ? { copyOf: record.copyOf } : {}),
    copies: record.copies,
    ...(record.clusterId ? { clusterId: record.clusterId } : {}),
  };
}

/** Ids of a story's known members: the article, its origin, and both one's links. */
function storyMemberIds(article: ArticleRecord, origin: ArticleRecord | undefined): string[] {
  return [
    ...new Set([
      article.id,
      ...(origin ? [origin.id, ...origin.copies.map((c) => c.articleId)] : []),
      ...(article.originId ? [article.originId] : []),
      ...article.copies.map((c) => c.articleId),
      ...(article.copyOf ? [article.copyOf.articleId] : []),
    ]),
  ];
}

/** The day `days` after (or before, when negative) a YYYY-MM-DD day. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Where an all-hosts listing goes on after finishing `host` on `day`; undefined at the end. */
function nextPosition(
  hosts: string[],
  host: string,
  day: string,
  from: string,
): AllHostsPosition | undefined {
  const i = hosts.indexOf(host);
  if (i + 1 < hosts.length) return { day, host: hosts[i + 1] };
  const previous = addDays(day, -1);
  return previous >= from && hosts.length > 0 ? { day: previous, host: hosts[0] } : undefined;
}
