import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import { FetchError, PipelineError } from '../errors';
import {
  ACCEPT_ENCODING,
  DEFAULT_ACCEPT_CONTENT_TYPES,
  type FetchOptions,
  type HostResolver,
  type ResolvedAddress,
} from './fetch-options';
import { assertAddressAllowed, effectivePort, hostAsIpLiteral, type AddressPolicy } from './ssrf-guard';

/*
 * One request hop of fetchPage: DNS answers checked by the SSRF guard, the connection made to the
 * checked address (never re-resolved), keep-alive pools, and network errors turned into reasons.
 */

/** Rejects when `signal` aborts, with its reason. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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
      () =>
        dnsTimeout.abort(
          new FetchError(
            url,
            'timeout-connect',
            `DNS lookup of ${host} took over ${options.connectTimeoutMs} ms`,
            { retryable: true },
          ),
        ),
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
    if (answers.length === 0)
      throw new FetchError(url, 'dns-not-found', `${host} has no address`, { retryable: false });
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
export async function openHop(
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
      () =>
        fail(
          new FetchError(
            url,
            'timeout-connect',
            `no connection to ${target.host} within ${options.connectTimeoutMs} ms`,
            { retryable: true },
          ),
        ),
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
          () =>
            fail(
              new FetchError(
                url,
                'timeout-headers',
                `no response headers within ${options.headersTimeoutMs} ms`,
                { retryable: true },
              ),
            ),
          options.headersTimeoutMs,
        );
      }
    };
    req.on('socket', (socket: Socket) => {
      if (req.reusedSocket)
        connected(); // a pooled socket is connected (and TLS-established) already
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
  http: new http.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    timeout: KEEP_ALIVE_IDLE_MS,
    maxFreeSockets: KEEP_ALIVE_MAX_FREE_SOCKETS,
  }),
  https: new https.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    timeout: KEEP_ALIVE_IDLE_MS,
    maxFreeSockets: KEEP_ALIVE_MAX_FREE_SOCKETS,
  }),
};

/** Errors a pooled socket gives when the server closed it while it sat idle. */
function isStaleSocketError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Maps a Node network error to a FetchError reason. */
export function classifyNetworkError(url: string, error: unknown): FetchError {
  const code = (error as { code?: string })?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const make = (reason: string, retryable: boolean) =>
    new FetchError(url, reason, message, { cause: error, retryable });
  if (code === 'ECONNREFUSED') return make('connection-refused', true);
  if (code === 'ECONNRESET' || code === 'EPIPE') return make('connection-reset', true);
  if (code === 'ETIMEDOUT') return make('timeout-connect', true);
  if (code === 'ENOTFOUND' || code === 'ENODATA') return make('dns-not-found', false);
  if (code === 'EAI_AGAIN' || code === 'ESERVFAIL') return make('dns-failure', true);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return make('unreachable', true);
  if (code.startsWith('HPE_')) return make('bad-response', false);
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  ) {
    return make('tls-error', false);
  }
  return make('network-error', true);
}
