import type http from 'node:http';
import { FetchError } from '../errors';
import { abortable, openHop } from './fetch-connection';
import { readBody } from './fetch-body';
import { DEFAULT_ACCEPT_CONTENT_TYPES, type FetchOptions, type FetchResult } from './fetch-options';
import { parseRetryAfterMs } from './retry-policy';
import { assertUrlAllowed, type AddressPolicy } from './ssrf-guard';

export * from './fetch-options';

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
  const totalTimer = pausableTimer(options.totalTimeoutMs, () =>
    deadline.abort(
      new FetchError(url, 'timeout-total', `no complete response within ${options.totalTimeoutMs} ms`, {
        retryable: true,
      }),
    ),
  );
  const onCallerAbort = () =>
    deadline.abort(
      new FetchError(url, 'aborted', 'fetch cancelled by caller', {
        retryable: true,
        cause: options.signal?.reason,
      }),
    );
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await followRedirects(url, options, deadline.signal, totalTimer);
  } finally {
    totalTimer.stop();
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** A timeout that can be paused: the total bound covers the network, not our own politeness waits. */
interface PausableTimer {
  pause(): void;
  resume(): void;
  stop(): void;
}

function pausableTimer(ms: number, onExpire: () => void): PausableTimer {
  let remainingMs = ms;
  let startedAtMs = Date.now();
  let timer: NodeJS.Timeout | undefined = setTimeout(onExpire, remainingMs);
  return {
    pause() {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      remainingMs -= Date.now() - startedAtMs;
    },
    resume() {
      if (timer) return;
      startedAtMs = Date.now();
      timer = setTimeout(onExpire, Math.max(0, remainingMs));
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

async function followRedirects(
  url: string,
  options: FetchOptions,
  signal: AbortSignal,
  totalTimer: PausableTimer,
): Promise<FetchResult> {
  const policy: AddressPolicy = {
    allowPrivateNetwork: options.allowPrivateNetwork,
    allowedLoopbackPorts: options.allowedLoopbackPorts,
  };
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
        throw new FetchError(
          url,
          'bad-redirect',
          `unparseable Location ${JSON.stringify(headers.location)}`,
          { cause, status },
        );
      }
      next.hash = '';
      if (visited.has(next.href)) {
        throw new FetchError(url, 'redirect-loop', `redirect loop at ${next.href}`, {
          status,
          retryable: false,
        });
      }
      if (redirects >= options.maxRedirects) {
        throw new FetchError(url, 'too-many-redirects', `more than ${options.maxRedirects} redirects`, {
          status,
          retryable: false,
        });
      }
      redirects += 1;
      if (options.beforeRedirect) {
        // The hook may wait for the next host's rate slot: that wait is ours, not the server's.
        totalTimer.pause();
        try {
          await abortable(Promise.resolve(options.beforeRedirect(next.href, redirects)), signal);
        } finally {
          totalTimer.resume();
        }
      }
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
      throw new FetchError(
        url,
        'unsupported-content-type',
        `content type ${base.contentType} is not one of ${accepted.join(', ')}`,
        {
          status,
          retryable: false,
        },
      );
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
