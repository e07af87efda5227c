import type { HostRateLimiter } from '../../ports/host-rate-limiter';

/** Hosts whose slot lies this far in the past are forgotten, bounding memory on long crawls. */
const FORGET_AFTER_MS = 10 * 60 * 1000;
/** Prune at most once per this many reservations (pruning walks the whole map). */
const PRUNE_EVERY_RESERVATIONS = 1_000;

/**
 * {@link HostRateLimiter} for one process (the local CLI): a map of host to next free slot.
 * Reservation is synchronous inside one event loop, so concurrent callers cannot interleave.
 * @example
 * const limiter = new InMemoryHostRateLimiter();
 * await limiter.reserve('news.example', 1000, Date.now()); // 0
 * await limiter.reserve('news.example', 1000, Date.now()); // ~1000
 */
export class InMemoryHostRateLimiter implements HostRateLimiter {
  private readonly nextSlotMs = new Map<string, number>();
  private reservations = 0;

  async reserve(host: string, minIntervalMs: number, nowMs: number): Promise<number> {
    const key = host.toLowerCase();
    const slotMs = Math.max(nowMs, this.nextSlotMs.get(key) ?? nowMs);
    this.nextSlotMs.set(key, slotMs + Math.max(0, minIntervalMs));
    if (++this.reservations % PRUNE_EVERY_RESERVATIONS === 0) this.prune(nowMs);
    return slotMs - nowMs;
  }

  private prune(nowMs: number): void {
    for (const [host, slotMs] of this.nextSlotMs) {
      if (slotMs < nowMs - FORGET_AFTER_MS) this.nextSlotMs.delete(host);
    }
  }
}
