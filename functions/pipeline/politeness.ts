import { FetchError, RobotsDisallowedError } from '../errors';
import type { PipelineDeps } from './deps';

/**
 * Asks robots.txt and the shared per-host rate limiter before a request. Returns how long to wait
 * before sending it; a message that already holds a reserved slot waits for that slot instead of
 * reserving another. Throws RobotsDisallowedError for disallowed URLs, and a retryable FetchError
 * when robots.txt itself could not be read (unreachable host, 5xx): that is an outage to retry,
 * not a publisher's refusal, and the user must be told which.
 */
export async function admitRequest(deps: PipelineDeps, url: string, nowMs: number, reservedSlotAtMs?: number): Promise<number> {
  const policy = await deps.robots.policyFor(url);
  if (!policy.isAllowed(url)) {
    if (policy.source === 'unavailable') {
      throw new FetchError(url, 'robots-unavailable', `host unreachable or failing: ${policy.robotsUrl} could not be read, so nothing is fetched from it until it answers`, { retryable: true });
    }
    throw new RobotsDisallowedError(url);
  }
  if (reservedSlotAtMs !== undefined) return Math.max(0, reservedSlotAtMs - nowMs);
  const intervalMs = Math.max(deps.hostMinIntervalMs, policy.crawlDelayMs ?? 0);
  return deps.rateLimiter.reserve(new URL(url).host, intervalMs, nowMs);
}
