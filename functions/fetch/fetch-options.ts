/* Options, results and defaults of fetchPage (fetch-page.ts), kept apart so its helpers share them. */

/** One address a hostname resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to every address it has (default: the OS resolver via dns.lookup). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Options of {@link fetchPage}. Timeouts and sizes come from `Config` in production. */
export interface FetchOptions {
  /** Sent as User-Agent on every hop; robots.txt rules are matched against it too. */
  userAgent: string;
  /** Bound on DNS + TCP connect + TLS handshake of each hop. */
  connectTimeoutMs: number;
  /** Bound on the whole fetch: every redirect hop, headers and body. */
  totalTimeoutMs: number;
  /** Bound on the decoded body (and on the bytes on the wire); larger pages are abandoned. */
  maxBodyBytes: number;
  /** Redirects followed before giving up with `too-many-redirects`. */
  maxRedirects: number;
  /** Allow loopback addresses (local demo and tests only). See {@link AddressPolicy}. */
  allowPrivateNetwork: boolean;
  /** Loopback allowed on these ports only, even without `allowPrivateNetwork`. */
  allowedLoopbackPorts?: readonly number[];
  /**
   * Media types accepted (`type/subtype`, `type/*` or `*\/*`); anything else fails with
   * `unsupported-content-type` before the body is read. Default: HTML and XHTML. A response
   * without Content-Type is accepted (many small servers omit it; extraction sniffs).
   */
  acceptContentTypes?: string[];
  /** Validators from the last fetch: a 304 answer gives `notModified: true`. */
  conditional?: { etag?: string; lastModified?: string };
  /**
   * DNS/port override like curl --resolve: `{ 'dailyplanet.example': { host: '127.0.0.1', port: 41234 } }`
   * connects there but sends `Host: dailyplanet.example`. The SSRF guard still checks the
   * mapped address. Keys are hostnames (or `host:port` for one port only).
   */
  hostMap?: Record<string, { host: string; port: number }>;
  /** Bound on waiting for response headers after connecting (default: only the total bound). */
  headersTimeoutMs?: number;
  /** DNS resolver override (tests simulate answers pointing inside). */
  resolve?: HostResolver;
  /**
   * Reuse connections between fetches (pooled per checked address, port and TLS name, so a pooled
   * socket only ever leads to an address the guard accepted). Saves a TCP and TLS handshake per
   * page on hosts fetched repeatedly. A pooled socket the server closed meanwhile is retried once
   * on a fresh connection. Default false: one connection per hop.
   */
  keepAlive?: boolean;
  /** Extra trusted CA certificates in PEM (tests with a self-signed loopback TLS server). */
  tlsCa?: string;
  /**
   * Called before each redirect is followed, with the absolute next URL and the redirect's
   * number (1 for the first). Throw to stop: e.g. a RobotsDisallowedError when a redirect leaves
   * for an origin whose robots.txt disallows the target, or to wait for that host's rate slot.
   * Its time does not count toward `totalTimeoutMs` (the bound is on the servers, not on our
   * politeness waits); the caller's `signal` still cancels it.
   */
  beforeRedirect?: (nextUrl: string, redirectNumber: number) => Promise<void> | void;
  /** Cancels the fetch; the error is a retryable FetchError `aborted`. */
  signal?: AbortSignal;
}

/** What one successful fetch produced. */
export interface FetchResult {
  /** The URL asked for. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  status: number;
  /** True when the server answered 304 to our conditional request (body empty). */
  notModified: boolean;
  /** Response headers of the final hop, lower-cased names, repeated headers joined by ", ". */
  headers: Record<string, string>;
  contentType?: string;
  /** Body with Content-Encoding removed (still in its charset). */
  body: Uint8Array;
  etag?: string;
  lastModified?: string;
  /** ISO 8601 time the final response headers arrived. */
  fetchedAt: string;
  redirects: number;
}

/** Default accepted media types: article pages. */
export const DEFAULT_ACCEPT_CONTENT_TYPES = ['text/html', 'application/xhtml+xml'] as const;
/** Encodings we can undo while streaming (with a size cap on the decoded output). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';
