/**
 * Per-host politeness: requests to one host are spaced at least `minIntervalMs` apart, across
 * every worker that shares the limiter. Callers reserve a slot, then wait the returned time
 * (inline when short, or by re-queuing with a delay when long). Implementations: in memory for one
 * process (`adapters/local/memory-host-rate-limiter.ts`), DynamoDB across Lambdas
 * (`adapters/dynamodb/host-rate-limiter.ts`).
 */
export interface HostRateLimiter {
  /**
   * Reserves the next request slot for `host` and returns how long to wait (ms, >= 0) before
   * sending it. The slot is taken even if the caller then gives up, which only makes the crawl
   * slower, never faster than asked.
   */
  reserve(host: string, minIntervalMs: number, nowMs: number): Promise<number>;
}
