/**
 * In-memory {@link DedupIndex} with the DynamoDB adapter's observable semantics (first-seen set
 * once, article ids capped at 12 and returned sorted, per-host distinct page counts, idempotent
 * per article). For fast dedup-quality iteration in `bench:dedup --store memory`; storage
 * behaviour itself is tested against DynamoDB Local and dynalite.
 */
import type {
  ArticleRecord,
  ArticleRef,
  CopyLink,
  ObjectRange,
  StoryOrigin,
  StoryRoot,
} from '../../../functions/core/article';
import { NotFoundError } from '../../../functions/errors';
import type {
  DedupIndex,
  ListArticlesQuery,
  Page,
  ParagraphInfo,
  ParagraphSighting,
} from '../../../functions/ports/dedup-index';

const ARTICLE_IDS_CAP = 12;

interface ParagraphState {
  firstSeen: ArticleRef;
  normVersion: number;
  members: Set<string>;
  cappedIds: string[];
  hostCounts: Map<string, number>;
}

export class MemoryDedupIndex implements DedupIndex {
  private readonly paragraphs = new Map<string, ParagraphState>();
  private readonly articles = new Map<string, ArticleRecord>();
  private readonly fingerprints = new Map<string, Set<string>>();
  private readonly stories = new Map<string, StoryOrigin>();
  /** Clusters merged into another (by smaller id). */
  private readonly mergedInto = new Map<string, string>();

  private root(clusterId: string): string {
    let id = clusterId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  private originOf(root: string): StoryOrigin | undefined {
    const origin = this.stories.get(root);
    return origin ? { ...origin, clusterId: root } : undefined;
  }

  async getStoryOrigins(clusterIds: readonly string[]): Promise<Map<string, StoryOrigin>> {
    const out = new Map<string, StoryOrigin>();
    for (const id of clusterIds) {
      const origin = this.originOf(this.root(id));
      if (origin) out.set(id, origin);
    }
    return out;
  }

  async proposeStoryOrigin(clusterId: string, origin: StoryOrigin): Promise<StoryOrigin> {
    const root = this.root(clusterId);
    const current = this.stories.get(root);
    const { clusterId: _ignored, ...entry } = origin;
    if (!current || origin.rank < current.rank) this.stories.set(root, entry);
    return this.originOf(root) as StoryOrigin;
  }

  async mergeStories(clusterIds: readonly string[]): Promise<StoryRoot> {
    const roots = [...new Set(clusterIds.map((id) => this.root(id)))].sort();
    if (roots.length === 0) throw new RangeError('mergeStories needs at least one cluster id');
    const [target, ...others] = roots;
    for (const other of others) {
      this.mergedInto.set(other, target);
      const moved = this.stories.get(other);
      this.stories.delete(other);
      if (moved) await this.proposeStoryOrigin(target, moved);
    }
    return { clusterId: target, origin: this.originOf(target) };
  }

  async recordParagraphs(
    article: ArticleRef,
    hashes: readonly string[],
    normVersion: number,
  ): Promise<ParagraphSighting[]> {
    return hashes.map((hash) => {
      let state = this.paragraphs.get(hash);
      if (!state) {
        state = {
          firstSeen: { ...article },
          normVersion,
          members: new Set(),
          cappedIds: [],
          hostCounts: new Map(),
        };
        this.paragraphs.set(hash, state);
      }
      if (!state.members.has(article.articleId)) {
        state.members.add(article.articleId);
        if (state.cappedIds.length < ARTICLE_IDS_CAP) state.cappedIds.push(article.articleId);
        state.hostCounts.set(article.host, (state.hostCounts.get(article.host) ?? 0) + 1);
      }
      return { ...this.info(hash, state), isFirstSeen: state.firstSeen.articleId === article.articleId };
    });
  }

  async lookupParagraphs(hashes: readonly string[], host?: string): Promise<Map<string, ParagraphInfo>> {
    const out = new Map<string, ParagraphInfo>();
    for (const hash of new Set(hashes)) {
      const state = this.paragraphs.get(hash);
      if (!state) continue;
      const info = this.info(hash, state);
      if (host !== undefined) info.hostPageCounts = { [host]: state.hostCounts.get(host) ?? 0 };
      out.set(hash, info);
    }
    return out;
  }

  private info(hash: string, state: ParagraphState): ParagraphInfo {
    return {
      hash,
      normVersion: state.normVersion,
      firstSeen: { ...state.firstSeen },
      articleCount: state.members.size,
      articleIds: [...state.cappedIds].sort(),
      hostPageCounts: Object.fromEntries(state.hostCounts),
    };
  }

  async putFingerprintKeys(articleId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const ids = this.fingerprints.get(key) ?? new Set<string>();
      ids.add(articleId);
      this.fingerprints.set(key, ids);
    }
  }

  async findByFingerprintKeys(articleId: string, keys: readonly string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.fingerprints.get(key) ?? []) ids.add(id);
    ids.delete(articleId);
    return [...ids].sort();
  }

  async putArticle(record: ArticleRecord): Promise<void> {
    this.articles.set(record.id, structuredClone(record));
  }

  async setCleanCopy(
    current: Pick<ArticleRecord, 'id' | 'host' | 'day' | 'cleanKey' | 'cleanOffset'>,
    next: ObjectRange,
  ): Promise<boolean> {
    const record = this.articles.get(current.id);
    if (!record || record.cleanKey !== current.cleanKey || record.cleanOffset !== current.cleanOffset)
      return false;
    record.cleanKey = next.key;
    record.cleanOffset = next.offset;
    record.cleanLength = next.length;
    return true;
  }

  async getArticle(id: string): Promise<ArticleRecord | undefined> {
    const record = this.articles.get(id);
    return record ? structuredClone(record) : undefined;
  }

  async getArticles(ids: readonly string[]): Promise<ArticleRecord[]> {
    return ids.flatMap((id) => {
      const record = this.articles.get(id);
      return record ? [structuredClone(record)] : [];
    });
  }

  async addCopy(articleId: string, copy: CopyLink): Promise<void> {
    const record = this.articles.get(articleId);
    if (!record) throw new NotFoundError(`article ${articleId} not found`);
    if (!record.copies.some((c) => c.articleId === copy.articleId)) record.copies.push({ ...copy });
  }

  async setCopyOf(articleId: string, copyOf: CopyLink): Promise<void> {
    const record = this.articles.get(articleId);
    if (record && !record.copyOf) record.copyOf = { ...copyOf };
  }

  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleRecord>> {
    const items = [...this.articles.values()].filter((a) => a.host === query.host).slice(0, query.limit);
    return { items: items.map((a) => structuredClone(a)) };
  }

  async listHosts(): Promise<string[]> {
    return [...new Set([...this.articles.values()].map((a) => a.host))].sort();
  }
}
