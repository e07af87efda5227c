import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import zlib from 'node:zlib';
import { FetchError, PipelineError } from '../errors';
import { parseRetryAfterMs } from './retry-policy';
import { assertAddressAllowed, assertUrlAllowed, effectivePort, hostAsIpLiteral, type AddressPolicy } from './ssrf-guard';

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
   * Its time counts toward `totalTimeoutMs`.
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
const ACCEPT_ENCODING = 'gzip, deflate, br';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** 4xx answers that are about timing, not about the URL, so a later attempt may succeed. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/**
 * Fetches one page with the crawler's safety rules: http(s) only; every DNS answer and every
 * redirect hop checked by the SSRF guard before connecting, and the checked address is the one
 * connected to; redirects followed manually up to `maxRedirects`; bounded connect, header and
 * total time; the body streamed, decoded (gzip/deflate/br) and size-capped while reading, and
 * a truncated body or compressed stream reported instead of returned.
 *
 * @example
 * const page = await fetchPage('https://news.example/a.html', {
 *   userAgent: config.userAgent, connectTimeoutMs: 5000, totalTimeoutMs: 20000,
 *   maxBodyBytes: 5 << 20, maxRedirects: 5, allowPrivateNetwork: false,
 * });
 * page.status; // 200
 * @throws FetchError with a `reason` code (`timeout-connect`, `http-404`, `body-too-large`, ...)
 *   and `retryable`; BlockedUrlError for internal addresses.
 */
export async function fetchPage(url: string, options: FetchOptions): Promise<FetchResult> {
  const deadline = new AbortController();
  const totalTimer = setTimeout(
    () => deadline.abort(new FetchError(url, 'timeout-total', `no complete response within ${options.totalTimeoutMs} ms`, { retryable: true })),
    options.totalTimeoutMs,
  );
  const onCallerAbort = () =>
    deadline.abort(new FetchError(url, 'aborted', 'fetch cancelled by caller', { retryable: true, cause: options.signal?.reason }));
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await followRedirects(url, options, deadline.signal);
  } finally {
    clearTimeout(totalTimer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

async function followRedirects(url: string, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const policy: AddressPolicy = { allowPrivateNetwork: options.allowPrivateNetwork, allowedLoopbackPorts: options.allowedLoopbackPorts };
  const visited = new Set<string>();
  let current = url;
  let redirects = 0;
  for (;;) {
    const target = assertUrlAllowed(current);
    target.hash = '';
    visited.add(target.href);
    const { res } = await openHop(url, target, options, policy, signal);
    const status = res.statusCode ?? 0;
    const headers = flattenHeaders(res.headers);

    if (REDIRECT_STATUSES.has(status) && headers.location) {
      res.destroy();
      let next: URL;
      try {
        next = new URL(headers.location, target);
      } catch (cause) {
        throw new FetchError(url, 'bad-redirect', `unparseable Location ${JSON.stringify(headers.location)}`, { cause, status });
      }
      next.hash = '';
      if (visited.has(next.href)) {
        throw new FetchError(url, 'redirect-loop', `redirect loop at ${next.href}`, { status, retryable: false });
      }
      if (redirects >= options.maxRedirects) {
        throw new FetchError(url, 'too-many-redirects', `more than ${options.maxRedirects} redirects`, { status, retryable: false });
      }
      redirects += 1;
      if (options.beforeRedirect) await abortable(Promise.resolve(options.beforeRedirect(next.href, redirects)), signal);
      current = next.href;
      continue;
    }

    const fetchedAt = new Date().toISOString();
    const base = {
      url,
      finalUrl: target.href,
      status,
      headers,
      contentType: headers['content-type'] || undefined, // an empty header says as little as none
      etag: headers.etag,
      lastModified: headers['last-modified'],
      fetchedAt,
      redirects,
    };
    if (status === 304) {
      res.destroy();
      return {
        ...base,
        notModified: true,
        body: new Uint8Array(0),
        etag: headers.etag ?? options.conditional?.etag,
        lastModified: headers['last-modified'] ?? options.conditional?.lastModified,
      };
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      throw statusError(url, status, headers);
    }
    const accepted = options.acceptContentTypes ?? DEFAULT_ACCEPT_CONTENT_TYPES;
    if (base.contentType !== undefined && !isAcceptedType(base.contentType, accepted)) {
      res.destroy();
      throw new FetchError(url, 'unsupported-content-type', `content type ${base.contentType} is not one of ${accepted.join(', ')}`, {
        status,
        retryable: false,
      });
    }
    const body = await readBody(url, res, options.maxBodyBytes, signal);
    return { ...base, notModified: false, body };
  }
}

/** Builds the error for a non-2xx, non-redirect, non-304 answer. */
function statusError(url: string, status: number, headers: Record<string, string>): FetchError {
  const retryAfterMs = parseRetryAfterMs(headers['retry-after'], Date.now());
  const retryable = status >= 500 || RETRYABLE_4XX.has(status);
  const kind = REDIRECT_STATUSES.has(status) ? 'redirect without Location' : `HTTP ${status}`;
  return new FetchError(url, `http-${status}`, kind, { status, retryable, retryAfterMs });
}

function isAcceptedType(contentType: string, accepted: readonly string[]): boolean {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const [type] = mediaType.split('/');
  return accepted.some((a) => {
    const want = a.toLowerCase();
    return want === '*/*' || want === mediaType || want === `${type}/*`;
  });
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Rejects when `signal` aborts, with its reason. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Where a hop may connect: checked addresses in the order to try, and the port. */
interface ConnectTargets {
  addresses: ResolvedAddress[];
  port: number;
}

/**
 * A hop tries at most this many of the host's addresses when connecting fails (refused,
 * unreachable, connect timeout): enough to get past a dead IPv6 route or one dead server
 * without letting a long DNS answer multiply the connect timeout.
 */
const MAX_ADDRESSES_PER_HOP = 3;

/**
 * Resolves the hop's host (or its hostMap override) and checks EVERY answer with the SSRF guard:
 * one bad answer fails the hop, since a resolver under an attacker's control could otherwise
 * alternate between a public and an internal address. IPv4 answers are tried first, because
 * many networks (Lambda outside a dual-stack VPC among them) have no IPv6 route.
 */
async function resolveTarget(
  url: string,
  target: URL,
  options: FetchOptions,
  policy: AddressPolicy,
  signal: AbortSignal,
): Promise<ConnectTargets> {
  const hostname = target.hostname.toLowerCase();
  const mapped = options.hostMap?.[`${hostname}:${effectivePort(target)}`] ?? options.hostMap?.[hostname];
  const host = mapped?.host ?? hostname;
  const port = mapped?.port ?? effectivePort(target);
  const literal = hostAsIpLiteral(host);
  let answers: ResolvedAddress[];
  if (literal) {
    answers = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  } else {
    const resolver = options.resolve ?? systemResolver;
    const dnsTimeout = new AbortController();
    const timer = setTimeout(
      () => dnsTimeout.abort(new FetchError(url, 'timeout-connect', `DNS lookup of ${host} took over ${options.connectTimeoutMs} ms`, { retryable: true })),
      options.connectTimeoutMs,
    );
    try {
      answers = await abortable(abortable(resolver(host), signal), dnsTimeout.signal);
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      throw classifyNetworkError(url, error);
    } finally {
      clearTimeout(timer);
    }
    if (answers.length === 0) throw new FetchError(url, 'dns-not-found', `${host} has no address`, { retryable: false });
  }
  for (const answer of answers) assertAddressAllowed(url, answer.address, port, policy);
  const ordered = [...answers.filter((a) => a.family === 4), ...answers.filter((a) => a.family !== 4)];
  return { addresses: ordered.slice(0, MAX_ADDRESSES_PER_HOP), port };
}

/** Errors raised before the connection was established, after which another address may work. */
const CONNECT_PHASE_REASONS = new Set(['connection-refused', 'unreachable', 'timeout-connect']);

/**
 * Sends one GET and resolves when response headers arrive (the body is not read yet), trying the
 * next checked address when one cannot be connected to.
 */
async function openHop(
  url: string,
  target: URL,
  options: FetchOptions,
  policy: AddressPolicy,
  signal: AbortSignal,
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  const { addresses, port } = await resolveTarget(url, target, options, policy, signal);
  let lastError: unknown;
  for (const address of addresses) {
    try {
      return await requestVia(url, target, options, { ...address, port }, signal);
    } catch (error) {
      lastError = error;
      const connectPhase = error instanceof FetchError && CONNECT_PHASE_REASONS.has(error.reason);
      if (!connectPhase || signal.aborted) throw error;
    }
  }
  throw lastError;
}

/**
 * Accept header: the wanted types, plus a low-weight wildcard as browsers send, because some
 * servers and CDNs answer 406 to an Accept without one. The type check on the response is ours.
 */
function acceptHeader(types: readonly string[]): string {
  return types.includes('*/*') ? types.join(', ') : `${types.join(', ')}, */*;q=0.1`;
}

/** One GET to one already-checked address. */
function requestVia(
  url: string,
  target: URL,
  options: FetchOptions,
  connectTo: ResolvedAddress & { port: number },
  signal: AbortSignal,
  freshConnection = false,
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  const isHttps = target.protocol === 'https:';
  const pooled = options.keepAlive === true && !freshConnection;
  const headers: Record<string, string> = {
    Host: target.host,
    'User-Agent': options.userAgent,
    Accept: acceptHeader(options.acceptContentTypes ?? DEFAULT_ACCEPT_CONTENT_TYPES),
    'Accept-Encoding': ACCEPT_ENCODING,
    Connection: pooled ? 'keep-alive' : 'close',
  };
  if (options.conditional?.etag) headers['If-None-Match'] = options.conditional.etag;
  if (options.conditional?.lastModified) headers['If-Modified-Since'] = options.conditional.lastModified;

  const hostnameForTls = hostAsIpLiteral(target.hostname) ? undefined : target.hostname;
  const requestOptions: https.RequestOptions = {
    host: connectTo.address,
    family: connectTo.family,
    port: connectTo.port,
    path: `${target.pathname}${target.search}`,
    method: 'GET',
    headers,
    setHost: false,
    // Either a fresh connection, or one pooled under this checked address: never a socket that
    // leads anywhere the guard did not just accept.
    agent: pooled ? keepAliveAgents[isHttps ? 'https' : 'http'] : false,
  };
  if (isHttps) {
    requestOptions.servername = hostnameForTls; // SNI and certificate name: the URL's host, not the IP
    if (options.tlsCa) requestOptions.ca = options.tlsCa;
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    let headersTimer: NodeJS.Timeout | undefined;
    const connectTimer = setTimeout(
      () => fail(new FetchError(url, 'timeout-connect', `no connection to ${target.host} within ${options.connectTimeoutMs} ms`, { retryable: true })),
      options.connectTimeoutMs,
    );
    const onAbort = () => fail(signal.reason);
    const cleanup = () => {
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      if (req.reusedSocket && isStaleSocketError(error) && !signal.aborted) {
        // The server closed the pooled socket while it sat idle: not the server failing.
        resolve(requestVia(url, target, options, connectTo, signal, true));
        return;
      }
      reject(error instanceof PipelineError ? error : classifyNetworkError(url, error));
    };
    const transport = isHttps ? https : http;
    const req = transport.request(requestOptions, (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      cleanup();
      resolve({ req, res });
    });
    const connected = () => {
      clearTimeout(connectTimer);
      if (options.headersTimeoutMs !== undefined && !settled) {
        headersTimer = setTimeout(
          () => fail(new FetchError(url, 'timeout-headers', `no response headers within ${options.headersTimeoutMs} ms`, { retryable: true })),
          options.headersTimeoutMs,
        );
      }
    };
    req.on('socket', (socket: Socket) => {
      if (req.reusedSocket) connected(); // a pooled socket is connected (and TLS-established) already
      else socket.once(isHttps ? 'secureConnect' : 'connect', connected);
    });
    req.on('error', fail);
    if (signal.aborted) return fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

/**
 * Pooled idle connections are dropped after this: below the common 5 s server keep-alive
 * timeout, so we rarely pick a socket the server is about to close.
 */
const KEEP_ALIVE_IDLE_MS = 4_000;
/** Idle sockets kept per origin address; a crawler rarely has more in flight to one host. */
const KEEP_ALIVE_MAX_FREE_SOCKETS = 16;
const keepAliveAgents = {
  http: new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: KEEP_ALIVE_IDLE_MS, maxFreeSockets: KEEP_ALIVE_MAX_FREE_SOCKETS }),
  https: new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: KEEP_ALIVE_IDLE_MS, maxFreeSockets: KEEP_ALIVE_MAX_FREE_SOCKETS }),
};

/** Errors a pooled socket gives when the server closed it while it sat idle. */
function isStaleSocketError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Maps a Node network error to a FetchError reason. */
function classifyNetworkError(url: string, error: unknown): FetchError {
  const code = (error as { code?: string })?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const make = (reason: string, retryable: boolean) => new FetchError(url, reason, message, { cause: error, retryable });
  if (code === 'ECONNREFUSED') return make('connection-refused', true);
  if (code === 'ECONNRESET' || code === 'EPIPE') return make('connection-reset', true);
  if (code === 'ETIMEDOUT') return make('timeout-connect', true);
  if (code === 'ENOTFOUND' || code === 'ENODATA') return make('dns-not-found', false);
  if (code === 'EAI_AGAIN' || code === 'ESERVFAIL') return make('dns-failure', true);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return make('unreachable', true);
  if (code.startsWith('HPE_')) return make('bad-response', false);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return make('tls-error', false);
  }
  return make('network-error', true);
}

/** Picks the decoder for a Content-Encoding; `undefined` for identity. */
function decoderFor(url: string, encoding: string, firstByte: number): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      // RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate: a zlib header's
      // low nibble is 8 (CM=deflate), which raw deflate's first byte rarely is.
      return (firstByte & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new FetchError(url, 'unsupported-encoding', `content encoding ${encoding} is not supported`, { retryable: false });
  }
}

/**
 * Reads the body, undoing Content-Encoding, with both wire and decoded size capped while
 * reading (so neither a 20 MB page nor a decompression bomb is buffered), and fails when the
 * connection or the compressed stream ends early.
 */
function readBody(url: string, res: http.IncomingMessage, maxBodyBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () =>
    new FetchError(url, 'body-too-large', `body exceeds ${maxBodyBytes} bytes`, { retryable: false, status: res.statusCode });
  const declaredBytes = Number(res.headers['content-length']);
  if (Number.isFinite(declaredBytes) && declaredBytes > maxBodyBytes) {
    res.destroy();
    return Promise.reject(tooLarge());
  }
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();

  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    let decoder: ReturnType<typeof decoderFor>;
    let decoderChosen = false;
    // Node reports any early end as "aborted" on the response; the socket's own error tells a
    // TCP reset (peer crashed or a middlebox cut us off) from a clean close before the end.
    let socketError: NodeJS.ErrnoException | undefined;
    const socket = res.socket;
    const onSocketError = (error: NodeJS.ErrnoException) => {
      socketError = error;
    };
    socket?.on('error', onSocketError);

    const onAbort = () => fail(signal.reason);
    const release = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // A pooled socket outlives this response: leave no listener of ours on it.
      socket?.off('error', onSocketError);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      release();
      res.destroy();
      decoder?.destroy();
      reject(error);
    };
    const succeed = () => {
      if (settled) return;
      release();
      resolve(new Uint8Array(Buffer.concat(chunks, decodedBytes)));
    };
    const onDecoded = (chunk: Buffer) => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBodyBytes) return fail(tooLarge());
      chunks.push(chunk);
    };
    const truncated = (detail: string, cause?: unknown) =>
      new FetchError(url, 'truncated-body', detail, { cause, retryable: true, status: res.statusCode });

    res.on('data', (raw: Buffer) => {
      if (settled) return;
      wireBytes += raw.length;
      if (wireBytes > maxBodyBytes) return fail(tooLarge());
      if (!decoderChosen) {
        decoderChosen = true;
        try {
          decoder = decoderFor(url, encoding, raw[0]);
        } catch (error) {
          return fail(error);
        }
        decoder?.on('data', onDecoded);
        decoder?.on('end', succeed);
        decoder?.on('error', (error: NodeJS.ErrnoException) => {
          // zlib reports a stream that stops before its end marker as Z_BUF_ERROR "unexpected end of file".
          if (error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message)) {
            fail(truncated(`compressed body (${encoding}) ends early after ${wireBytes} bytes`, error));
          } else {
            fail(new FetchError(url, 'decode-error', `cannot decode ${encoding} body: ${error.message}`, { cause: error, retryable: false }));
          }
        });
      }
      if (decoder) decoder.write(raw);
      else onDecoded(raw);
    });
    res.on('end', () => {
      if (settled) return;
      if (!res.complete) return fail(truncated(`connection closed after ${wireBytes} bytes`));
      if (decoder) decoder.end();
      else succeed(); // also covers an empty body with a Content-Encoding header
    });
    const midBody = (cause?: unknown) => {
      if (socketError) return fail(classifyNetworkError(url, socketError));
      fail(truncated(`connection closed mid-body after ${wireBytes} bytes`, cause));
    };
    res.on('error', (error: NodeJS.ErrnoException) => {
      if (error.message === 'aborted') midBody(error);
      else fail(classifyNetworkError(url, error));
    });
    res.on('close', () => {
      if (!settled && !res.complete) midBody();
    });
    if (signal.aborted) return fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
