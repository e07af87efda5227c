import type { Statement } from 'better-sqlite3';
import type { HostRateLimiter } from '../../ports/host-rate-limiter';
import type { SqliteDatabase } from './sqlite-database';

/**
 * {@link HostRateLimiter} shared by every process crawling from one data directory: the next free
 * slot per host is a row of the local index, reserved in one write transaction, so two `ingest`
 * runs side by side still space their requests to a host as one crawler would.
 *
 * @example
 * const limiter = new SqliteHostRateLimiter(openSqliteDatabase('.data/index.sqlite'));
 * await limiter.reserve('news.example', 1000, Date.now()); // 0
 * await limiter.reserve('news.example', 1000, Date.now()); // ~1000
 */
export class SqliteHostRateLimiter implements HostRateLimiter {
  private readonly slot: Statement;
  private readonly setSlot: Statement;

  constructor(private readonly store: SqliteDatabase) {
    this.slot = store.db.prepare('SELECT next_slot_ms FROM host_slots WHERE host = ?');
    this.setSlot = store.db.prepare(
      'INSERT INTO host_slots (host, next_slot_ms) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET next_slot_ms = excluded.next_slot_ms',
    );
  }

  async reserve(host: string, minIntervalMs: number, nowMs: number): Promise<number> {
    const key = host.toLowerCase();
    return this.store.write('reserving a request slot', () => {
      const row = this.slot.get(key) as { next_slot_ms: number } | undefined;
      const slotMs = Math.max(nowMs, row?.next_slot_ms ?? nowMs);
      this.setSlot.run(key, slotMs + Math.max(0, minIntervalMs));
      return slotMs - nowMs;
    });
  }
}
