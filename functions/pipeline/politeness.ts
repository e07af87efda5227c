import { FetchError, RobotsDisallowedError } from '../errors';
import type { HostRateLimiter } from '../ports/host-rate-limiter';
import type { PipelineDeps } from './deps';

/**
 * Planned send time of the last request this process let through, per host, per limiter. The
 * limiter hands out slots an interval apart, but a slot may be used late (a message delivered
 * after the event loop was busy extracting pages): two late slots would then go out together
 * and the publisher would see a burst above its limit. Checking against the last actual send
 * keeps requests from this process at least an interval apart whatever the lateness.
 */
const lastSendByLimiter = new WeakMap<HostRateLimiter, Map<string, number>>();

/**
 * Throws RobotsDisallowedError when robots.txt disallows `url`, and a retryable FetchError when
 * robots.txt could not be read; returns the policy otherwise.
 */
export async function assertRobotsAllow(deps: PipelineDeps, url: string) {
  const policy = await deps.robots.policyFor(url);
  if (!policy.isAllowed(url)) {
    if (policy.source === 'unavailable') {
      throw new FetchError(
        url,
        'robots-unavailable',
        `host unreachable or failing: ${policy.robotsUrl} could not be read${policy.unavailableReason ? ` (${policy.unavailableReason})` : ''}, so nothing is fetched from it until it answers`,
        { retryable: true },
      );
    }
    throw new RobotsDisallowedError(url);
  }
  return policy;
}

/**
 * Asks robots.txt and the shared per-host rate limiter before a request. Returns how long to wait
 * before sending it; a message that already holds a reserved slot waits for that slot instead of
 * reserving another. A slot closer than the host's interval to the last request this process sent
 * there (or to the robots.txt fetch) is pushed back. Throws RobotsDisallowedError for disallowed
 * URLs, and a retryable FetchError when robots.txt itself could not be read (unreachable host,
 * 5xx): that is an outage to retry, not a publisher's refusal, and the user must be told which.
 *
 * `sendsAfterWait`: the caller sleeps inline whatever the wait (discovery); otherwise a wait
 * longer than `deps.maxInlineWaitMs` means the caller defers and asks again later.
 */
export async function admitRequest(
  deps: PipelineDeps,
  url: string,
  options: { reservedSlotAtMs?: number; hostIntervalMs?: number; sendsAfterWait?: boolean } = {},
): Promise<{ waitMs: number; slotAtMs: number }> {
  const policy = await assertRobotsAllow(deps, url);
  // Read the clock after the robots.txt lookup, which may itself have taken a request's time.
  const nowMs = deps.now().getTime();
  const host = new URL(url).host;
  const intervalMs = Math.max(deps.hostMinIntervalMs, options.hostIntervalMs ?? 0, policy.crawlDelayMs ?? 0);
  let slotAtMs =
    options.reservedSlotAtMs ?? nowMs + (await deps.rateLimiter.reserve(host, intervalMs, nowMs));
  let sends = lastSendByLimiter.get(deps.rateLimiter);
  if (!sends) {
    sends = new Map();
    lastSendByLimiter.set(deps.rateLimiter, sends);
  }
  const robotsAtMs = Date.parse(policy.fetchedAt);
  // The robots cache may run on another clock (tests inject one): a fetch time ahead of ours is ignored.
  const robotsSendMs = Number.isNaN(robotsAtMs) || robotsAtMs > nowMs ? Number.NEGATIVE_INFINITY : robotsAtMs;
  const lastSendMs = Math.max(sends.get(host) ?? Number.NEGATIVE_INFINITY, robotsSendMs);
  slotAtMs = Math.max(slotAtMs, nowMs, lastSendMs + intervalMs);
  const waitMs = slotAtMs - nowMs;
  if (options.sendsAfterWait || waitMs <= deps.maxInlineWaitMs) sends.set(host, slotAtMs);
  return { waitMs, slotAtMs };
}

/**
 * Longest wait for a redirect target's rate slot spent inside the fetch. A hop cannot be re-queued
 * (the next attempt would repeat the first request), so past this the URL fails retryably with
 * the wait as its Retry-After floor.
 */
export const MAX_REDIRECT_WAIT_MS = 30_000;

/**
 * A `beforeRedirect` hook that treats every redirect hop as the request it is: the target's
 * robots.txt is asked (admitRequest) and the target host's rate slot is reserved and waited for,
 * so a hop never follows the previous request sooner than that host's interval (Crawl-delay).
 * `hostIntervalMs` (a source's own spacing) applies to hops on `url`'s host only.
 *
 * @example
 * await fetchPage(url, { ...deps.fetchOptions, beforeRedirect: politeRedirects(deps, url) });
 */
export function politeRedirects(
  deps: PipelineDeps,
  url: string,
  options: { hostIntervalMs?: number } = {},
): (nextUrl: string) => Promise<void> {
  const host = new URL(url).host;
  return async (nextUrl) => {
    const sameHost = new URL(nextUrl).host === host;
    const { waitMs } = await admitRequest(deps, nextUrl, {
      hostIntervalMs: sameHost ? options.hostIntervalMs : undefined,
      sendsAfterWait: true,
    });
    if (waitMs > MAX_REDIRECT_WAIT_MS) {
      throw new FetchError(
        url,
        'redirect-rate-limited',
        `redirect to ${nextUrl} would wait ${Math.round(waitMs / 1000)} s for its host's rate slot`,
        { retryable: true, retryAfterMs: waitMs },
      );
    }
    if (waitMs > 0) await deps.sleep(waitMs);
  };
}
