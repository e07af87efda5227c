import type { ArticleRecord, CleanCopy } from '../core/article';
import { renderMarkdown, renderText } from '../core/render';
import { InvalidInputError, NotFoundError } from '../errors';
import type { ArchiveStore } from '../ports/archive-store';
import type { DedupIndex, Page, ParagraphInfo } from '../ports/dedup-index';
import { NORMALIZATION_VERSION } from '../core/dedup/normalize-paragraph';
import { paragraphHash } from '../core/dedup/paragraph-hash';

/** Page size limits of list queries: large pages make slow, costly Lambda responses. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Output formats of one article. */
export type ArticleFormat = 'json' | 'md' | 'text';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The story cluster of an article: its likely origin and every known copy. */
export interface StoryView {
  article: ArticleRecord;
  origin: ArticleRecord;
  members: ArticleRecord[];
}

/**
 * The one query core used by the CLI, the local `serve` and the query Lambda. It reads only:
 * article records from the index, clean copies from the archive.
 */
export class QueryCore {
  constructor(private readonly deps: { index: DedupIndex; archive: ArchiveStore }) {}

  /** Articles of one host, newest day first, between two days (inclusive, YYYY-MM-DD). */
  async listArticles(query: { host: string; from?: string; to?: string; limit?: number; cursor?: string }): Promise<Page<ArticleRecord>> {
    if (!query.host) throw new InvalidInputError('host is required');
    for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
      if (value !== undefined && !DAY_PATTERN.test(value)) throw new InvalidInputError(`${name} must be a day as YYYY-MM-DD, got "${value}"`);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${query.limit}`);
    }
    return this.deps.index.listArticles({ host: query.host, fromDay: query.from, toDay: query.to, limit, cursor: query.cursor });
  }

  /** Hosts with at least one article. */
  listHosts(): Promise<string[]> {
    return this.deps.index.listHosts();
  }

  /** The article record, or NotFoundError. */
  async getRecord(id: string): Promise<ArticleRecord> {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new InvalidInputError(`article id must be 32 hex characters, got "${id}"`);
    const record = await this.deps.index.getArticle(id);
    if (!record) throw new NotFoundError(`no article with id ${id}`);
    return record;
  }

  /** The full clean copy of an article. */
  async getCleanCopy(id: string): Promise<CleanCopy> {
    const record = await this.getRecord(id);
    const bytes = await this.deps.archive.get(record.cleanKey);
    if (!bytes) throw new NotFoundError(`article ${id} has no clean copy at ${record.cleanKey}`);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as CleanCopy;
  }

  /** One article rendered as JSON, Markdown or plain text. */
  async getArticle(id: string, format: ArticleFormat = 'json'): Promise<{ contentType: string; body: string }> {
    if (!['json', 'md', 'text'].includes(format)) throw new InvalidInputError(`format must be json, md or text, got "${format}"`);
    const copy = await this.getCleanCopy(id);
    if (format === 'md') return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(copy) };
    if (format === 'text') return { contentType: 'text/plain; charset=utf-8', body: renderText(copy) };
    return { contentType: 'application/json', body: JSON.stringify(copy, null, 2) };
  }

  /** The article's story cluster: origin and copies on other publishers. */
  async getStory(id: string): Promise<StoryView> {
    const article = await this.getRecord(id);
    const originId = article.clusterId ?? article.copyOf?.articleId ?? article.id;
    const origin = originId === article.id ? article : ((await this.deps.index.getArticle(originId)) ?? article);
    const ids = new Set<string>([origin.id, article.id, ...origin.copies.map((c) => c.articleId), ...article.copies.map((c) => c.articleId)]);
    const members = await this.deps.index.getArticles([...ids]);
    members.sort((a, b) => (a.publishedAt ?? a.fetchedAt).localeCompare(b.publishedAt ?? b.fetchedAt));
    return { article, origin, members };
  }

  /** Where did this paragraph appear? Looks the text up by its normalised hash. */
  async lookupParagraph(text: string): Promise<ParagraphInfo & { hash: string }> {
    if (!text || !text.trim()) throw new InvalidInputError('paragraph text is required');
    const hash = paragraphHash(text);
    const found = (await this.deps.index.lookupParagraphs([hash])).get(hash);
    if (!found) throw new NotFoundError(`paragraph not seen (hash ${hash}, normalisation v${NORMALIZATION_VERSION})`);
    return found;
  }
}
