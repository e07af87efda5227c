import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type {
  ClaimAttempt,
  ClaimInput,
  Frontier,
  PendingQuery,
  SourceRun,
  UrlState,
} from '../../ports/frontier';
import type { SqliteDatabase } from './sqlite-database';

/**
 * A URL still `queued` this long after its claim is considered lost and may be claimed again (the
 * same rule as the DynamoDB frontier: a local run finishes its queue well within it).
 */
export const SQLITE_QUEUED_STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/**
 * Lower bound of a due failure's order key (`<nextRetryAt>#<urlKey>`): every ISO year passes it,
 * while a permanent failure (no `nextRetryAt`, key `#<urlKey>`) sorts below it and is never due.
 */
const DUE_LOWER_BOUND = '0';

interface ProcessRow {
  owner: string;
  pid: number;
  start_token: string | null;
}

interface UrlRow {
  state: string;
  owner: string | null;
}

/** Options of {@link SqliteFrontier}. */
export interface SqliteFrontierOptions {
  /** See {@link SQLITE_QUEUED_STALE_AFTER_MS}. */
  queuedStaleAfterMs?: number;
  /** Process id recorded with this frontier's claims (default: this process). */
  pid?: number;
}

/**
 * {@link Frontier} on the local SQLite file: one `urls` row per canonical URL holding the state as
 * JSON, with the status, claim time and failure order as indexed columns. Every read-then-write
 * (claim, requeue) is one write transaction, so concurrent claimers in any number of processes
 * cannot both win.
 *
 * Several crawling processes may share one data directory. Each frontier registers itself in
 * `processes` and stamps the URLs it claims with its owner id; {@link listPending} lists a
 * `queued` URL only when no other live process owns it (its queue is in that process's memory),
 * so a second `ingest` started beside a first does not crawl the first one's queue again, while
 * the queue of a process that died is recovered by the next run.
 *
 * @example
 * const frontier = new SqliteFrontier(openSqliteDatabase('.data/index.sqlite'));
 * const state = await frontier.claim({ urlKey, url, host, sourceId: 'bbc', nowIso: new Date().toISOString() });
 */
export class SqliteFrontier implements Frontier {
  /** This frontier's owner id (stamped on its claims). */
  readonly owner = randomUUID();
  private readonly pid: number;
  private readonly queuedStaleAfterMs: number;
  private readonly s: Record<string, Statement>;
  private registered = false;

  constructor(
    private readonly store: SqliteDatabase,
    options: SqliteFrontierOptions = {},
  ) {
    this.pid = options.pid ?? process.pid;
    this.queuedStaleAfterMs = options.queuedStaleAfterMs ?? SQLITE_QUEUED_STALE_AFTER_MS;
    const db = store.db;
    this.s = {
      get: db.prepare('SELECT state, owner FROM urls WHERE url_key = ?'),
      put: db.prepare(
        'INSERT INTO urls (url_key, status, updated_at, failed_order, owner, state) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (url_key) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, ' +
          'failed_order = excluded.failed_order, owner = excluded.owner, state = excluded.state',
      ),
      failed: db.prepare("SELECT state FROM urls WHERE status = 'failed' ORDER BY failed_order"),
      due: db.prepare(
        "SELECT state FROM urls WHERE status = 'failed' AND failed_order BETWEEN ? AND ? ORDER BY failed_order LIMIT ?",
      ),
      queued: db.prepare(
        "SELECT state, owner FROM urls WHERE status = 'queued' AND updated_at <= ? ORDER BY updated_at, url_key",
      ),
      getRun: db.prepare('SELECT run FROM source_runs WHERE source_id = ?'),
      putRun: db.prepare(
        'INSERT INTO source_runs (source_id, run) VALUES (?, ?) ON CONFLICT (source_id) DO UPDATE SET run = excluded.run',
      ),
      register: db.prepare(
        'INSERT OR REPLACE INTO processes (owner, pid, start_token, started_at) VALUES (?, ?, ?, ?)',
      ),
      unregister: db.prepare('DELETE FROM processes WHERE owner = ?'),
      processes: db.prepare('SELECT owner, pid, start_token FROM processes'),
    };
  }

  /**
   * Records this process as a crawler of the index (once, before its first queued URL), and forgets
   * processes that are gone (their queued URLs are then anyone's to recover).
   */
  private register(): void {
    if (this.registered) return;
    this.store.write('registering a crawling process', () => {
      const gone = (this.s.processes.all() as ProcessRow[]).filter(
        (row) => row.owner !== this.owner && !isRunning(row.pid, row.start_token),
      );
      for (const row of gone) this.s.unregister.run(row.owner);
      this.s.register.run(
        this.owner,
        this.pid,
        processStartToken(this.pid) ?? null,
        new Date().toISOString(),
      );
    });
    this.registered = true;
  }

  /** Removes this frontier from `processes`: its queued URLs become any later run's to recover. */
  release(): void {
    if (!this.registered || !this.store.db.open) return;
    this.store.write('releasing the crawl queue', () => this.s.unregister.run(this.owner));
    this.registered = false;
  }

  async claim(input: ClaimInput): Promise<UrlState | undefined> {
    return (await this.tryClaim(input)).claimed;
  }

  /**
   * Claims when the URL is new, a failure whose retry is due, queued so long ago that the claim
   * is considered lost, or not queued and given a different `lastmod` than last time; otherwise
   * refuses with the status it has. Keeps what the URL's record knew (validators, last outcome).
   */
  async tryClaim(input: ClaimInput): Promise<ClaimAttempt> {
    const staleBeforeIso = new Date(Date.parse(input.nowIso) - this.queuedStaleAfterMs).toISOString();
    this.register();
    return this.store.write('claiming a URL', () => {
      const existing = this.read(input.urlKey);
      if (existing) {
        const changedLastmod =
          input.lastmod !== undefined &&
          existing.status !== 'queued' &&
          existing.discoveredLastmod !== input.lastmod;
        const dueFailure =
          existing.status === 'failed' &&
          existing.nextRetryAt !== undefined &&
          existing.nextRetryAt <= input.nowIso;
        const lostClaim = existing.status === 'queued' && existing.updatedAt <= staleBeforeIso;
        if (!changedLastmod && !dueFailure && !lostClaim) return { refusedStatus: existing.status };
      }
      const { nextRetryAt: _retry, ...kept } = existing ?? ({} as Partial<UrlState>);
      const state: UrlState = {
        ...kept,
        urlKey: input.urlKey,
        url: input.url,
        host: input.host,
        sourceId: input.sourceId,
        status: 'queued',
        updatedAt: input.nowIso,
        attempts: existing?.attempts ?? 0,
        ...(input.lastmod !== undefined ? { discoveredLastmod: input.lastmod } : {}),
      };
      this.write(state);
      return { claimed: state };
    });
  }

  async get(urlKey: string): Promise<UrlState | undefined> {
    return this.store.read('reading a URL state', () => this.read(urlKey));
  }

  private read(urlKey: string): UrlState | undefined {
    const row = this.s.get.get(urlKey) as UrlRow | undefined;
    return row ? (JSON.parse(row.state) as UrlState) : undefined;
  }

  /** Writes a state; a queued one is stamped as this process's (see the class doc). */
  private write(state: UrlState): void {
    const queued = state.status === 'queued';
    const failedOrder = state.status === 'failed' ? `${state.nextRetryAt ?? ''}#${state.urlKey}` : null;
    this.s.put.run(
      state.urlKey,
      state.status,
      state.updatedAt,
      failedOrder,
      queued ? this.owner : null,
      JSON.stringify(state),
    );
  }

  /** Replaces the URL's state with the outcome of a crawl attempt. */
  async update(state: UrlState): Promise<void> {
    if (state.status === 'queued') this.register();
    this.store.write('recording a crawl outcome', () => this.write(state));
  }

  /** Every URL whose last outcome was a failure, soonest retry first (permanent ones first of all). */
  async listFailed(): Promise<UrlState[]> {
    return this.store.read('listing failed URLs', () =>
      (this.s.failed.all() as UrlRow[]).map((r) => JSON.parse(r.state) as UrlState),
    );
  }

  /**
   * Queued URLs (claimed at or before `queuedBeforeIso` when given, and owned by no other live
   * process), oldest claim first, then failures whose retry is due, soonest first.
   */
  async listPending(query: PendingQuery): Promise<UrlState[]> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    return this.store.read('listing pending URLs', () =>
      this.store.db
        .transaction(() => {
          let queued: UrlState[] = [];
          if (query.includeQueued !== false) {
            const othersAlive = this.liveOtherOwners();
            const rows = this.s.queued.all(query.queuedBeforeIso ?? '\uffff') as UrlRow[];
            queued = rows
              .filter((r) => r.owner === null || !othersAlive.has(r.owner))
              .map((r) => JSON.parse(r.state) as UrlState);
            if (queued.length >= limit) return queued.slice(0, limit);
          }
          const rest = Number.isFinite(limit) ? limit - queued.length : -1;
          const due = (this.s.due.all(DUE_LOWER_BOUND, `${query.nowIso}$`, rest) as UrlRow[]).map(
            (r) => JSON.parse(r.state) as UrlState,
          );
          return [...queued, ...due];
        })
        .deferred(),
    );
  }

  /**
   * Owners of other processes that are still running. The same process's other frontiers count
   * as gone (a test or tool that reopens the store in one process takes over its queue), and so
   * does a process id no longer running (its queue died with it).
   */
  private liveOtherOwners(): Set<string> {
    const alive = new Set<string>();
    for (const row of this.s.processes.all() as ProcessRow[]) {
      if (row.owner === this.owner || row.pid === this.pid) continue;
      if (isRunning(row.pid, row.start_token)) alive.add(row.owner);
    }
    return alive;
  }

  /** Takes a listed URL for re-enqueueing, only if nobody moved it on since it was listed. */
  async requeue(listed: UrlState, nowIso: string): Promise<UrlState | undefined> {
    if (listed.status !== 'failed' && listed.status !== 'queued') return undefined;
    this.register();
    return this.store.write('re-queueing a URL', () => {
      const current = this.read(listed.urlKey);
      if (!current || current.status !== listed.status || current.updatedAt !== listed.updatedAt)
        return undefined;
      if (
        current.status === 'failed' &&
        !(current.nextRetryAt !== undefined && current.nextRetryAt <= nowIso)
      )
        return undefined;
      const { nextRetryAt: _retry, ...kept } = current;
      // The new state must differ from the listed one, or a sweep that listed it in the same
      // millisecond as its claim could take it again: never the same updatedAt.
      const updatedAt =
        nowIso > current.updatedAt ? nowIso : new Date(Date.parse(current.updatedAt) + 1).toISOString();
      const state: UrlState = { ...kept, status: 'queued', updatedAt };
      this.write(state);
      return state;
    });
  }

  async getSourceRun(sourceId: string): Promise<SourceRun | undefined> {
    return this.store.read('reading a source run', () => {
      const row = this.s.getRun.get(sourceId) as { run: string } | undefined;
      return row ? (JSON.parse(row.run) as SourceRun) : undefined;
    });
  }

  async recordSourceRun(run: SourceRun): Promise<void> {
    this.store.write('recording a source run', () => this.s.putRun.run(run.sourceId, JSON.stringify(run)));
  }
}

/**
 * Whether the process that registered as `pid` still runs on this machine: a signal 0 probes the
 * id without sending anything; where the system tells a process's start time, it must also be the
 * one recorded, since a long-running machine hands a dead process's id to a new one.
 */
function isRunning(pid: number, startToken: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A token was recorded, so this system tells start times: none now means the process is gone.
  return startToken === null || processStartToken(pid) === startToken;
}

/**
 * The start time of process `pid` in clock ticks since boot (field 22 of Linux's
 * `/proc/<pid>/stat`), or `undefined` where there is no such file (another system, or no process).
 */
export function processStartToken(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}
