import { FetchError, RobotsDisallowedError } from '../errors';
import type { PipelineDeps } from './deps';

/**
 * Asks robots.txt and the shared per-host rate limiter before a request. Returns how long to wait
 * before sending it; a message that already holds a reserved slot waits for that slot instead of
 * reserving another. Throws RobotsDisallowedError for disallowed URLs, and a retryable FetchError
 * when robots.txt itself could not be read (unreachable host, 5xx): that is an outage to retry,
 * not a publisher's refusal, and the user must be told which.
 */
export async function admitRequest(deps: PipelineDeps, url: string, options: { reservedSlotAtMs?: number; hostIntervalMs?: number } = {}): Promise<{ waitMs: number; slotAtMs: number }> {
  const policy = await deps.robots.policyFor(url);
  if (!policy.isAllowed(url)) {
    if (policy.source === 'unavailable') {
      throw new FetchError(url, 'robots-unavailable', `host unreachable or failing: ${policy.robotsUrl} could not be read${policy.unavailableReason ? ` (${policy.unavailableReason})` : ''}, so nothing is fetched from it until it answers`, { retryable: true });
    }
    throw new RobotsDisallowedError(url);
  }
  // Read the clock after the robots.txt lookup, which may itself have taken a request's time.
  const nowMs = deps.now().getTime();
  if (options.reservedSlotAtMs !== undefined) return { waitMs: Math.max(0, options.reservedSlotAtMs - nowMs), slotAtMs: options.reservedSlotAtMs };
  const intervalMs = Math.max(deps.hostMinIntervalMs, options.hostIntervalMs ?? 0, policy.crawlDelayMs ?? 0);
  const waitMs = await deps.rateLimiter.reserve(new URL(url).host, intervalMs, nowMs);
  return { waitMs, slotAtMs: nowMs + waitMs };
}
