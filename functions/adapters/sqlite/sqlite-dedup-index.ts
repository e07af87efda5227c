import type { Statement } from 'better-sqlite3';
import type {
  ArticleRecord,
  ArticleRef,
  CopyLink,
  ObjectRange,
  StoryOrigin,
  StoryRoot,
} from '../../core/article';
import { InvalidInputError, NotFoundError, StorageError } from '../../errors';
import type {
  DedupIndex,
  ListArticlesQuery,
  Page,
  ParagraphInfo,
  ParagraphSighting,
} from '../../ports/dedup-index';
import type { SqliteDatabase } from './sqlite-database';

/**
 * Article ids a paragraph's answer carries (the first ones seen). Every membership is kept (it is
 * what makes a repeated call count nothing); the answer is capped like the DynamoDB index's so a
 * widely syndicated paragraph does not return thousands of ids to every caller.
 */
export const SQLITE_PARAGRAPH_ARTICLE_IDS_CAP = 12;
/** Largest page listArticles serves (the same bound as the DynamoDB index). */
export const SQLITE_MAX_LIST_LIMIT = 1000;
/**
 * Candidates read per fingerprint key: a key shared by more articles is not discriminative (a
 * boilerplate band), the same bound as the DynamoDB index.
 */
export const SQLITE_MAX_CANDIDATES_PER_FINGERPRINT_KEY = 200;
/**
 * Merge redirects followed from one cluster id. Merges only point into a smaller id, so chains
 * cannot loop; a longer chain than this means a corrupt file.
 */
const MAX_STORY_REDIRECTS = 64;
/** Ids bound per `IN (...)` list (SQLite allows 32766 variables; short lists plan better). */
const IN_LIST_CHUNK = 500;

interface ParagraphRow {
  hash: string;
  norm_version: number;
  first_seen: string;
  article_count: number;
}

/** What a page cursor holds: the listing it belongs to (a host, or `*` for all) and the last (day, id) served. */
interface CursorPosition {
  scope: string;
  day: string;
  id: string;
}

/**
 * {@link DedupIndex} on the local SQLite file (tables in `schema.ts`). Each call is one
 * transaction; writes take the write lock first (`BEGIN IMMEDIATE`), so first-seen, counts and
 * links are decided atomically across every process that has the file open, and a repeated call
 * finds its membership rows and counts nothing.
 *
 * @example
 * const store = openSqliteDatabase('.data/index.sqlite');
 * const index = new SqliteDedupIndex(store);
 * const sightings = await index.recordParagraphs(ref, hashes, 1);
 */
export class SqliteDedupIndex implements DedupIndex {
  private readonly s: Record<string, Statement>;

  constructor(private readonly store: SqliteDatabase) {
    const db = store.db;
    this.s = {
      insertParagraph: db.prepare(
        'INSERT OR IGNORE INTO paragraphs (hash, norm_version, first_seen, article_count) VALUES (?, ?, ?, 1)',
      ),
      firstHost: db.prepare('INSERT INTO paragraph_hosts (hash, host, pages) VALUES (?, ?, 1)'),
      insertMember: db.prepare('INSERT OR IGNORE INTO paragraph_articles (hash, article_id) VALUES (?, ?)'),
      countArticle: db.prepare('UPDATE paragraphs SET article_count = article_count + 1 WHERE hash = ?'),
      countHost: db.prepare(
        'INSERT INTO paragraph_hosts (hash, host, pages) VALUES (?, ?, 1) ON CONFLICT (hash, host) DO UPDATE SET pages = pages + 1',
      ),
      paragraph: db.prepare(
        'SELECT hash, norm_version, first_seen, article_count FROM paragraphs WHERE hash = ?',
      ),
      memberIds: db.prepare(
        'SELECT article_id FROM paragraph_articles WHERE hash = ? ORDER BY rowid LIMIT ?',
      ),
      hostCounts: db.prepare('SELECT host, pages FROM paragraph_hosts WHERE hash = ?'),
      hostCount: db.prepare('SELECT pages FROM paragraph_hosts WHERE hash = ? AND host = ?'),
      paragraphWithHost: db.prepare(
        'SELECT p.hash, p.norm_version, p.first_seen, p.article_count, h.pages FROM paragraphs p ' +
          'LEFT JOIN paragraph_hosts h ON h.hash = p.hash AND h.host = ? WHERE p.hash = ?',
      ),
      putKey: db.prepare('INSERT OR IGNORE INTO fingerprint_keys (key, article_id) VALUES (?, ?)'),
      findKey: db.prepare('SELECT article_id FROM fingerprint_keys WHERE key = ? LIMIT ?'),
      putArticle: db.prepare(
        'INSERT INTO articles (id, host, day, record) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET host = excluded.host, day = excluded.day, record = excluded.record',
      ),
      article: db.prepare('SELECT record FROM articles WHERE id = ?'),
      articleExists: db.prepare('SELECT 1 FROM articles WHERE id = ?'),
      updateRecord: db.prepare('UPDATE articles SET record = ? WHERE id = ?'),
      putCopy: db.prepare(
        'INSERT OR IGNORE INTO copy_links (origin_id, copy_id, seq, link) VALUES (?, ?, ?, ?)',
      ),
      nextCopySeq: db.prepare('SELECT coalesce(max(seq), -1) + 1 AS seq FROM copy_links WHERE origin_id = ?'),
      copies: db.prepare('SELECT link FROM copy_links WHERE origin_id = ? ORDER BY seq'),
      hosts: db.prepare('SELECT DISTINCT host FROM articles ORDER BY host'),
      story: db.prepare('SELECT rank, origin, merged_into FROM story_origins WHERE cluster_id = ?'),
      setOrigin: db.prepare(
        'INSERT INTO story_origins (cluster_id, rank, origin, merged_into) VALUES (?, ?, ?, NULL) ' +
          'ON CONFLICT (cluster_id) DO UPDATE SET rank = excluded.rank, origin = excluded.origin',
      ),
      redirectStory: db.prepare(
        'INSERT INTO story_origins (cluster_id, rank, origin, merged_into) VALUES (?, NULL, NULL, ?) ' +
          'ON CONFLICT (cluster_id) DO UPDATE SET rank = NULL, origin = NULL, merged_into = excluded.merged_into',
      ),
    };
  }

  async recordParagraphs(
    article: ArticleRef,
    hashes: readonly string[],
    normVersion: number,
  ): Promise<ParagraphSighting[]> {
    if (hashes.length === 0) return [];
    const distinct = [...new Set(hashes)];
    const firstSeen = JSON.stringify(refOf(article));
    const byHash = this.store.write('recording paragraphs', () => {
      const out = new Map<string, ParagraphSighting>();
      for (const hash of distinct) {
        if (this.s.insertParagraph.run(hash, normVersion, firstSeen).changes === 1) {
          // A paragraph nobody recorded before (most of a crawl's): counted once as inserted, and
          // its answer is known without reading it back.
          this.s.insertMember.run(hash, article.articleId);
          this.s.firstHost.run(hash, article.host);
          const ref = refOf(article);
          out.set(hash, {
            hash,
            normVersion,
            firstSeen: ref,
            articleCount: 1,
            articleIds: [article.articleId],
            hostPageCounts: { [article.host]: 1 },
            isFirstSeen: true,
          });
          continue;
        }
        if (this.s.insertMember.run(hash, article.articleId).changes === 1) {
          this.s.countArticle.run(hash);
          this.s.countHost.run(hash, article.host);
        }
        const info = this.info(this.s.paragraph.get(hash) as ParagraphRow);
        out.set(hash, { ...info, isFirstSeen: info.firstSeen.articleId === article.articleId });
      }
      return out;
    });
    return hashes.map((hash) => byHash.get(hash)!);
  }

  async lookupParagraphs(hashes: readonly string[], host?: string): Promise<Map<string, ParagraphInfo>> {
    const distinct = [...new Set(hashes)];
    return this.store.read('looking up paragraphs', () => {
      const result = new Map<string, ParagraphInfo>();
      // One snapshot for the whole answer (a writer's commit in between cannot split it).
      this.store.db
        .transaction(() => {
          for (const hash of distinct) {
            if (host === undefined) {
              const row = this.s.paragraph.get(hash) as ParagraphRow | undefined;
              if (row) result.set(hash, this.info(row));
              continue;
            }
            // The host's page count in the same statement (the crawl's lookup, once per paragraph).
            const row = this.s.paragraphWithHost.get(host, hash) as
              | (ParagraphRow & { pages: number | null })
              | undefined;
            if (row) result.set(hash, this.info(row, host, row.pages ?? 0));
          }
        })
        .deferred();
      return result;
    });
  }

  /** A paragraph row with its first member ids and host counts (all hosts, or only `host`). */
  private info(row: ParagraphRow, host?: string, hostPages?: number): ParagraphInfo {
    const articleIds = (
      this.s.memberIds.all(row.hash, SQLITE_PARAGRAPH_ARTICLE_IDS_CAP) as { article_id: string }[]
    ).map((r) => r.article_id);
    let hostPageCounts: Record<string, number>;
    if (host === undefined) {
      hostPageCounts = {};
      for (const r of this.s.hostCounts.all(row.hash) as { host: string; pages: number }[])
        hostPageCounts[r.host] = r.pages;
    } else {
      hostPageCounts = {
        [host]:
          hostPages ?? (this.s.hostCount.get(row.hash, host) as { pages: number } | undefined)?.pages ?? 0,
      };
    }
    return {
      hash: row.hash,
      normVersion: row.norm_version,
      firstSeen: JSON.parse(row.first_seen) as ArticleRef,
      articleCount: row.article_count,
      articleIds,
      hostPageCounts,
    };
  }

  async putFingerprintKeys(articleId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.store.write('storing fingerprint keys', () => {
      for (const key of new Set(keys)) this.s.putKey.run(key, articleId);
    });
  }

  async findByFingerprintKeys(articleId: string, keys: readonly string[]): Promise<string[]> {
    return this.store.read('finding near-duplicate candidates', () => {
      const ids = new Set<string>();
      for (const key of new Set(keys)) {
        for (const r of this.s.findKey.all(key, SQLITE_MAX_CANDIDATES_PER_FINGERPRINT_KEY) as {
          article_id: string;
        }[])
          ids.add(r.article_id);
      }
      ids.delete(articleId);
      return [...ids].sort();
    });
  }

  /**
   * Stores the record (its copy links apart) and adds the links of `record.copies` not stored yet;
   * links already stored are never rewritten or removed, so a concurrent addCopy is never lost.
   */
  async putArticle(record: ArticleRecord): Promise<void> {
    const { copies, ...rest } = record;
    const json = JSON.stringify(rest);
    this.store.write('storing an article', () => {
      this.s.putArticle.run(record.id, record.host, record.day, json);
      this.addCopies(record.id, copies);
    });
  }

  private addCopies(originId: string, copies: readonly CopyLink[]): void {
    if (copies.length === 0) return;
    let seq = (this.s.nextCopySeq.get(originId) as { seq: number }).seq;
    for (const copy of copies) {
      if (this.s.putCopy.run(originId, copy.articleId, seq, JSON.stringify(copy)).changes === 1) seq++;
    }
  }

  async getArticle(id: string): Promise<ArticleRecord | undefined> {
    return this.store.read('reading an article', () => this.readArticle(id));
  }

  private readArticle(id: string): ArticleRecord | undefined {
    const row = this.s.article.get(id) as { record: string } | undefined;
    if (!row) return undefined;
    return this.withCopies(row.record, id);
  }

  private withCopies(json: string, id: string): ArticleRecord {
    const copies = (this.s.copies.all(id) as { link: string }[]).map((r) => JSON.parse(r.link) as CopyLink);
    return { ...(JSON.parse(json) as Omit<ArticleRecord, 'copies'>), copies };
  }

  async getArticles(ids: readonly string[]): Promise<ArticleRecord[]> {
    const distinct = [...new Set(ids)];
    const byId = this.store.read('reading articles', () => {
      const found = new Map<string, ArticleRecord>();
      this.store.db
        .transaction(() => {
          for (let i = 0; i < distinct.length; i += IN_LIST_CHUNK) {
            const chunk = distinct.slice(i, i + IN_LIST_CHUNK);
            const rows = this.store.db
              .prepare(`SELECT id, record FROM articles WHERE id IN (${chunk.map(() => '?').join(',')})`)
              .all(...chunk) as { id: string; record: string }[];
            for (const row of rows) found.set(row.id, this.withCopies(row.record, row.id));
          }
        })
        .deferred();
      return found;
    });
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Origins by requested cluster id, merge redirects followed (one snapshot for the answer). */
  async getStoryOrigins(clusterIds: readonly string[]): Promise<Map<string, StoryOrigin>> {
    return this.store.read('reading story origins', () =>
      this.store.db
        .transaction(() => {
          const out = new Map<string, StoryOrigin>();
          for (const id of new Set(clusterIds)) {
            const root = this.storyRoot(id);
            if (root.origin) out.set(id, root.origin);
          }
          return out;
        })
        .deferred(),
    );
  }

  /**
   * Stores `origin` at the end of the cluster's merge chain when that cluster has none or it ranks
   * better (smaller rank); returns the winner with the cluster that holds it. One write
   * transaction, so racing proposals (in any process) leave the best.
   */
  async proposeStoryOrigin(clusterId: string, origin: StoryOrigin): Promise<StoryOrigin> {
    return this.store.write('proposing a story origin', () => {
      const root = this.storyRoot(clusterId);
      if (root.origin && root.origin.rank <= origin.rank) return root.origin;
      this.s.setOrigin.run(root.clusterId, origin.rank, JSON.stringify(originOf(origin)));
      return { ...originOf(origin), clusterId: root.clusterId };
    });
  }

  /**
   * Joins the clusters into the one with the smallest id among their chain ends, which keeps the
   * best-ranked of their origins; the others are redirected into it. One write transaction, so
   * concurrent merges and proposals converge; nothing is written when all end in one already.
   */
  async mergeStories(clusterIds: readonly string[]): Promise<StoryRoot> {
    if (clusterIds.length === 0) throw new RangeError('mergeStories needs at least one cluster id');
    return this.store.write('merging stories', () => {
      const roots = new Map<string, StoryRoot>();
      for (const id of clusterIds) {
        const root = this.storyRoot(id);
        roots.set(root.clusterId, root);
      }
      const [target, ...others] = [...roots.keys()].sort();
      let best = roots.get(target)!.origin;
      for (const other of others) {
        const moved = roots.get(other)!.origin;
        if (moved && (!best || moved.rank < best.rank)) best = moved;
        this.s.redirectStory.run(other, target);
      }
      if (others.length === 0) return roots.get(target)!;
      if (!best) return { clusterId: target };
      if (best !== roots.get(target)!.origin)
        this.s.setOrigin.run(target, best.rank, JSON.stringify(originOf(best)));
      return { clusterId: target, origin: { ...originOf(best), clusterId: target } };
    });
  }

  /** The end of a cluster's merge chain and the origin it holds (a cluster without a row is its own end). */
  private storyRoot(clusterId: string): StoryRoot {
    let end = clusterId;
    for (let hop = 0; hop <= MAX_STORY_REDIRECTS; hop++) {
      const row = this.s.story.get(end) as
        | { rank: string | null; origin: string | null; merged_into: string | null }
        | undefined;
      if (row?.merged_into) {
        end = row.merged_into;
        continue;
      }
      if (!row?.origin) return { clusterId: end };
      return { clusterId: end, origin: { ...(JSON.parse(row.origin) as StoryOrigin), clusterId: end } };
    }
    throw new StorageError(`story ${clusterId}: more than ${MAX_STORY_REDIRECTS} merge redirects`);
  }

  /** Adds a copy link once per copy article id (first wins); {@link NotFoundError} for an unknown article. */
  async addCopy(articleId: string, copy: CopyLink): Promise<void> {
    this.store.write('adding a copy link', () => {
      if (!this.s.articleExists.get(articleId)) throw new NotFoundError(`article ${articleId} not found`);
      this.addCopies(articleId, [copy]);
    });
  }

  /** Sets `copyOf` (and `clusterId` when given) unless the article has one; unknown articles are ignored. */
  async setCopyOf(articleId: string, copyOf: CopyLink, clusterId?: string): Promise<void> {
    this.store.write('marking a copy', () => {
      const row = this.s.article.get(articleId) as { record: string } | undefined;
      if (!row) return;
      const record = JSON.parse(row.record) as Omit<ArticleRecord, 'copies'>;
      if (record.copyOf) return;
      record.copyOf = copyOf;
      if (clusterId !== undefined) record.clusterId = clusterId;
      this.s.updateRecord.run(JSON.stringify(record), articleId);
    });
  }

  /** Moves the clean-copy pointer only while the record still points where `current` says. */
  async setCleanCopy(
    current: Pick<ArticleRecord, 'id' | 'host' | 'day' | 'cleanKey' | 'cleanOffset'>,
    next: ObjectRange,
  ): Promise<boolean> {
    return this.store.write('moving a clean-copy pointer', () => {
      const row = this.s.article.get(current.id) as { record: string } | undefined;
      if (!row) return false;
      const record = JSON.parse(row.record) as Omit<ArticleRecord, 'copies'>;
      if (record.cleanKey !== current.cleanKey || record.cleanOffset !== current.cleanOffset) return false;
      record.cleanKey = next.key;
      record.cleanOffset = next.offset;
      record.cleanLength = next.length;
      this.s.updateRecord.run(JSON.stringify(record), current.id);
      return true;
    });
  }

  /**
   * Articles newest day first (then id, descending), of one host or of every host, paginated with
   * an opaque cursor naming the last (day, id) served.
   */
  async listArticles(query: ListArticlesQuery): Promise<Page<ArticleRecord>> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > SQLITE_MAX_LIST_LIMIT) {
      throw new InvalidInputError(`limit must be an integer in 1..${SQLITE_MAX_LIST_LIMIT}`);
    }
    const scope = query.host ?? '*';
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after && after.scope !== scope)
      throw new InvalidInputError('page cursor does not match this query (it belongs to another listing)');
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.host !== undefined) {
      where.push('host = ?');
      params.push(query.host);
    }
    if (query.fromDay !== undefined) {
      where.push('day >= ?');
      params.push(query.fromDay);
    }
    if (query.toDay !== undefined) {
      where.push('day <= ?');
      params.push(query.toDay);
    }
    if (after) {
      where.push('(day < ? OR (day = ? AND id < ?))');
      params.push(after.day, after.day, after.id);
    }
    const sql =
      `SELECT id, day, record FROM articles ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      'ORDER BY day DESC, id DESC LIMIT ?';
    return this.store.read('listing articles', () =>
      this.store.db
        .transaction(() => {
          // One row more than asked tells whether a next page exists.
          const rows = this.store.db.prepare(sql).all(...params, query.limit + 1) as {
            id: string;
            day: string;
            record: string;
          }[];
          const items = rows.slice(0, query.limit).map((row) => this.withCopies(row.record, row.id));
          const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
          return last ? { items, cursor: encodeCursor({ scope, day: last.day, id: last.id }) } : { items };
        })
        .deferred(),
    );
  }

  async listHosts(): Promise<string[]> {
    return this.store.read('listing hosts', () =>
      (this.s.hosts.all() as { host: string }[]).map((r) => r.host),
    );
  }
}

/** The origin as stored (a caller's object may carry more fields, and `clusterId` is where it is held). */
function originOf(origin: StoryOrigin): StoryOrigin {
  return { articleId: origin.articleId, url: origin.url, host: origin.host, rank: origin.rank };
}

/** The ref as the port shapes it (a caller's object may carry more fields). */
function refOf(article: ArticleRef): ArticleRef {
  return { articleId: article.articleId, url: article.url, host: article.host, seenAt: article.seenAt };
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.scope, position.day, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string')) {
      return { scope: value[0] as string, day: value[1] as string, id: value[2] as string };
    }
  } catch {
    // fall through to the clear error below
  }
  throw new InvalidInputError('malformed page cursor (pass the cursor of the previous page unchanged)');
}
