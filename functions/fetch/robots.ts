import robotsParser from 'robots-parser';
import { BlockedUrlError, describeError, FetchError } from '../errors';
import { fetchPage, type FetchOptions } from './fetch-page';

/**
 * robots.txt: fetched once per origin through {@link fetchPage} (so the SSRF guard, timeouts and
 * size caps apply), parsed with `robots-parser`, cached in memory with a TTL, and answered per
 * URL. Failure handling follows Google's published convention:
 * - 2xx: the rules apply.
 * - 4xx (except 429): there is no robots.txt; everything is allowed.
 * - 429, 5xx, timeouts and network errors: everything is disallowed for now and the answer is
 *   cached briefly so the origin is asked again soon; if an earlier good copy is cached, it
 *   keeps being used instead (stale-if-error).
 */

/** What robots.txt says about one origin, for our user agent. */
export interface RobotsPolicy {
  /** Whether our user agent may fetch `url` (a URL of this policy's origin). */
  isAllowed(url: string): boolean;
  /** `Crawl-delay` for our user agent (or `*`), in milliseconds. */
  crawlDelayMs?: number;
  /** Absolute Sitemap URLs listed in robots.txt. */
  sitemaps: string[];
  /** How the policy was obtained: rules parsed, no file (allow all), or an error (disallow all). */
  source: 'rules' | 'missing' | 'unavailable';
  /** The origin's robots.txt URL. */
  robotsUrl: string;
  /** When the robots.txt was fetched (ISO 8601). */
  fetchedAt: string;
  /** For `unavailable`: why robots.txt could not be read (a FetchError reason such as `http-503`). */
  unavailableReason?: string;
}

/** Options of {@link RobotsCache}. */
export interface RobotsCacheOptions {
  /** Fetch settings (user agent, timeouts, SSRF policy, hostMap) used for robots.txt requests. */
  fetchOptions: Omit<FetchOptions, 'acceptContentTypes' | 'conditional' | 'signal'>;
  /** How long a fetched policy is reused (default 24 h, Google's usual cache lifetime). */
  ttlMs?: number;
  /** How long an "unavailable" (disallow-all) answer is reused before asking again (default 5 min). */
  errorTtlMs?: number;
  /** Origins kept in memory; the least recently used are evicted (default 10 000). */
  maxOrigins?: number;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Fetch function (tests may count calls); default {@link fetchPage}. */
  fetcher?: typeof fetchPage;
}

/** Google's cache lifetime for robots.txt. */
export const DEFAULT_ROBOTS_TTL_MS = 24 * 60 * 60 * 1000;
/** Short: a publisher whose robots.txt errors should not be shut out for long. */
export const DEFAULT_ROBOTS_ERROR_TTL_MS = 5 * 60 * 1000;
/** Google reads the first 500 KiB of robots.txt; larger files are almost always mistakes. */
export const MAX_ROBOTS_BYTES = 500 * 1024;
const DEFAULT_MAX_ORIGINS = 10_000;

interface Entry {
  policy: RobotsPolicy;
  expiresAtMs: number;
}

/**
 * Per-origin robots.txt cache.
 * @example
 * const robots = new RobotsCache({ fetchOptions: { userAgent, connectTimeoutMs: 5000, ... } });
 * const policy = await robots.policyFor('https://news.example/a.html');
 * if (!policy.isAllowed('https://news.example/a.html')) throw new RobotsDisallowedError(url);
 */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<RobotsPolicy>>();
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxOrigins: number;
  private readonly now: () => number;
  private readonly fetcher: typeof fetchPage;

  constructor(private readonly options: RobotsCacheOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_ROBOTS_TTL_MS;
    this.errorTtlMs = options.errorTtlMs ?? DEFAULT_ROBOTS_ERROR_TTL_MS;
    this.maxOrigins = options.maxOrigins ?? DEFAULT_MAX_ORIGINS;
    this.now = options.now ?? Date.now;
    this.fetcher = options.fetcher ?? fetchPage;
  }

  /**
   * The policy for `url`'s origin, fetched on first use or after expiry. Concurrent callers for
   * one origin share one request.
   * @throws BlockedUrlError / FetchError(`unsupported-scheme`, `invalid-url`) when the origin
   *   itself may not be fetched: those are not robots answers.
   */
  async policyFor(url: string): Promise<RobotsPolicy> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch (cause) {
      throw new FetchError(url, 'invalid-url', 'not a valid absolute URL', { cause, retryable: false });
    }
    if (origin === 'null')
      throw new FetchError(url, 'unsupported-scheme', 'no origin to ask robots.txt for', {
        retryable: false,
      });
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAtMs > this.now()) {
      this.entries.delete(origin); // re-insert: Map order is our LRU order
      this.entries.set(origin, cached);
      return cached.policy;
    }
    const pending = this.inFlight.get(origin);
    if (pending) return pending;
    const request = this.load(origin, cached?.policy).finally(() => this.inFlight.delete(origin));
    this.inFlight.set(origin, request);
    return request;
  }

  /** Forgets every cached policy (tests, or after a config change). */
  clear(): void {
    this.entries.clear();
  }

  private async load(origin: string, previous: RobotsPolicy | undefined): Promise<RobotsPolicy> {
    const robotsUrl = `${origin}/robots.txt`;
    const userAgent = this.options.fetchOptions.userAgent;
    let policy: RobotsPolicy;
    let ttlMs = this.ttlMs;
    try {
      const page = await this.fetcher(robotsUrl, {
        ...this.options.fetchOptions,
        // robots.txt is often served as text/html or octet-stream; the parser ignores non-rules.
        acceptContentTypes: ['*/*'],
        maxBodyBytes: Math.min(this.options.fetchOptions.maxBodyBytes, MAX_ROBOTS_BYTES),
      });
      policy = parsedPolicy(robotsUrl, Buffer.from(page.body).toString('utf8'), userAgent, page.fetchedAt);
    } catch (error) {
      if (error instanceof BlockedUrlError) throw error;
      if (
        error instanceof FetchError &&
        (error.reason === 'unsupported-scheme' || error.reason === 'invalid-url')
      )
        throw error;
      const status = error instanceof FetchError ? error.status : undefined;
      const fetchedAt = new Date(this.now()).toISOString();
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        policy = fixedPolicy(robotsUrl, 'missing', true, fetchedAt);
      } else if (previous && previous.source !== 'unavailable') {
        policy = previous; // stale-if-error: the last good rules beat shutting the site out
        ttlMs = this.errorTtlMs;
      } else {
        policy = {
          ...fixedPolicy(robotsUrl, 'unavailable', false, fetchedAt),
          unavailableReason: error instanceof FetchError ? error.reason : describeError(error),
        };
        ttlMs = this.errorTtlMs;
      }
    }
    this.remember(origin, { policy, expiresAtMs: this.now() + ttlMs });
    return policy;
  }

  private remember(origin: string, entry: Entry): void {
    this.entries.delete(origin);
    this.entries.set(origin, entry);
    while (this.entries.size > this.maxOrigins) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** Parses robots.txt text into a policy for `userAgent` (its product token is matched). */
export function parsedPolicy(
  robotsUrl: string,
  text: string,
  userAgent: string,
  fetchedAt = new Date().toISOString(),
): RobotsPolicy {
  const robots = robotsParser(robotsUrl, text);
  const delaySeconds = robots.getCrawlDelay(userAgent);
  return {
    // undefined means "not this origin": a caller bug, so refuse rather than crawl blindly.
    isAllowed: (url) => isRobotsFile(url, robotsUrl) || (robots.isAllowed(url, userAgent) ?? false),
    crawlDelayMs:
      delaySeconds !== undefined && Number.isFinite(delaySeconds) && delaySeconds >= 0
        ? Math.round(delaySeconds * 1000)
        : undefined,
    sitemaps: robots.getSitemaps(),
    source: 'rules',
    robotsUrl,
    fetchedAt,
  };
}

function fixedPolicy(
  robotsUrl: string,
  source: 'missing' | 'unavailable',
  allowed: boolean,
  fetchedAt: string,
): RobotsPolicy {
  return {
    isAllowed: (url) => allowed || isRobotsFile(url, robotsUrl),
    sitemaps: [],
    source,
    robotsUrl,
    fetchedAt,
  };
}

function isRobotsFile(url: string, robotsUrl: string): boolean {
  return url === robotsUrl;
}
