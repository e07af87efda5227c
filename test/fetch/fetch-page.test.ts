import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BlockedUrlError, FetchError, RobotsDisallowedError } from '../../functions/errors';
import { fetchPage, type FetchOptions } from '../../functions/fetch/fetch-page';
import {
  CONDITIONAL_ETAG,
  CONDITIONAL_LAST_MODIFIED,
  OK_HTML,
  startMisbehavingServer,
  startSilentTcpServer,
  startTlsServer,
  type MisbehavingServer,
} from '../helpers/misbehaving-server';

let server: MisbehavingServer;
let silent: Awaited<ReturnType<typeof startSilentTcpServer>>;

beforeAll(async () => {
  server = await startMisbehavingServer();
  silent = await startSilentTcpServer();
});
afterAll(async () => {
  await server.close();
  await silent.close();
});

function options(extra: Partial<FetchOptions> = {}): FetchOptions {
  return {
    userAgent: 'FetchTestBot/1.0 (+http://127.0.0.1/bot)',
    connectTimeoutMs: 300,
    totalTimeoutMs: 1_500,
    maxBodyBytes: 1_000_000,
    maxRedirects: 5,
    allowPrivateNetwork: true,
    ...extra,
  };
}

/** Runs a fetch that must fail and returns the FetchError (fails the test otherwise). */
async function fetchError(url: string, extra: Partial<FetchOptions> = {}): Promise<FetchError> {
  try {
    await fetchPage(url, options(extra));
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }
  throw new Error(`expected ${url} to fail`);
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('fetchPage: successful fetches', () => {
  it('fetches a page and reports status, type, headers and timing', async () => {
    const page = await fetchPage(server.url('/ok.html'), options());
    expect(page.status).toBe(200);
    expect(page.notModified).toBe(false);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(text(page.body)).toBe(OK_HTML);
    expect(page.finalUrl).toBe(server.url('/ok.html'));
    expect(page.redirects).toBe(0);
    expect(Date.parse(page.fetchedAt)).not.toBeNaN();
    const seen = server.requests.at(-1)!;
    expect(seen.headers['user-agent']).toBe('FetchTestBot/1.0 (+http://127.0.0.1/bot)');
    expect(seen.headers['accept-encoding']).toContain('gzip');
    expect(seen.headers.accept).toBe('text/html, application/xhtml+xml, */*;q=0.1');
  });

  it.each(['/gzip.html', '/br.html', '/deflate.html', '/deflate-raw.html'])('decodes %s', async (path) => {
    const page = await fetchPage(server.url(path), options());
    expect(text(page.body)).toBe(OK_HTML);
  });

  it('follows a redirect chain and reports the final URL', async () => {
    const page = await fetchPage(server.url('/redirect-chain/3'), options());
    expect(page.redirects).toBe(3);
    expect(page.finalUrl).toBe(server.url('/ok.html'));
    expect(page.url).toBe(server.url('/redirect-chain/3'));
  });

  it('hostMap connects to the mapped address but sends the original Host', async () => {
    const page = await fetchPage(
      'http://dailyplanet.example/ok.html',
      options({ hostMap: { 'dailyplanet.example': { host: '127.0.0.1', port: server.port } } }),
    );
    expect(page.status).toBe(200);
    expect(page.finalUrl).toBe('http://dailyplanet.example/ok.html');
    expect(server.requests.at(-1)!.headers.host).toBe('dailyplanet.example');
  });

  it('returns bytes unchanged when the declared charset is wrong (decoding is not the fetcher’s job)', async () => {
    const page = await fetchPage(server.url('/wrong-charset'), options());
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(Buffer.from(page.body).includes(Buffer.from([0x43, 0x61, 0x66, 0xe9]))).toBe(true); // "Caf\xE9"
  });

  it('conditional GET with a matching ETag gives notModified', async () => {
    const first = await fetchPage(server.url('/conditional'), options());
    expect(first.etag).toBe(CONDITIONAL_ETAG);
    expect(first.lastModified).toBe(CONDITIONAL_LAST_MODIFIED);
    const again = await fetchPage(server.url('/conditional'), options({ conditional: { etag: first.etag } }));
    expect(again.notModified).toBe(true);
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe(CONDITIONAL_ETAG);
  });

  it('conditional GET with Last-Modified alone gives notModified; a stale ETag gives the page', async () => {
    const byDate = await fetchPage(
      server.url('/conditional'),
      options({ conditional: { lastModified: CONDITIONAL_LAST_MODIFIED } }),
    );
    expect(byDate.notModified).toBe(true);
    expect(server.requests.at(-1)!.headers['if-modified-since']).toBe(CONDITIONAL_LAST_MODIFIED);
    const stale = await fetchPage(server.url('/conditional'), options({ conditional: { etag: '"old"' } }));
    expect(stale.notModified).toBe(false);
    expect(text(stale.body)).toBe(OK_HTML);
  });

  it('accepts wildcard content types', async () => {
    const page = await fetchPage(server.url('/pdf'), options({ acceptContentTypes: ['application/*'] }));
    expect(page.contentType).toBe('application/pdf');
  });
});

describe('fetchPage: HTTPS', () => {
  let tls: Awaited<ReturnType<typeof startTlsServer>>;
  beforeAll(async () => {
    tls = await startTlsServer('secure.example');
  });
  afterAll(() => tls.close());
  const mapTo = (name: string) => ({ hostMap: { [name]: { host: '127.0.0.1', port: tls.port } } });

  it('connects to the mapped address but presents and verifies the URL host (SNI + certificate)', async () => {
    const page = await fetchPage(
      'https://secure.example/ok.html',
      options({ ...mapTo('secure.example'), tlsCa: tls.certPem }),
    );
    expect(text(page.body)).toBe(OK_HTML);
    expect(tls.serverNames.at(-1)).toBe('secure.example');
  });

  it('refuses an untrusted certificate (not retryable)', async () => {
    const error = await fetchError('https://secure.example/ok.html', mapTo('secure.example'));
    expect(error.reason).toBe('tls-error');
    expect(error.retryable).toBe(false);
  });

  it('refuses a certificate for another name', async () => {
    const error = await fetchError('https://impostor.example/ok.html', {
      ...mapTo('impostor.example'),
      tlsCa: tls.certPem,
    });
    expect(error.reason).toBe('tls-error');
  });
});

describe('fetchPage: connection reuse (keepAlive)', () => {
  it('reuses one connection for sequential fetches when asked, and opens one per fetch otherwise', async () => {
    const own = await startMisbehavingServer();
    try {
      for (let i = 0; i < 5; i++) await fetchPage(own.url('/gzip.html'), options({ keepAlive: true }));
      expect(own.connections()).toBe(1);
      for (let i = 0; i < 3; i++) await fetchPage(own.url('/ok.html'), options());
      expect(own.connections()).toBe(4);
    } finally {
      await own.close();
    }
  });

  it('retries once on a fresh connection when the server dropped the pooled one', async () => {
    // Answers the first request of each connection with keep-alive, resets on the second: what
    // a pooled socket looks like when the server closed it while it sat idle.
    let connections = 0;
    const sockets = new Set<import('node:net').Socket>();
    const flaky = (await import('node:net')).createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
      let requests = 0;
      socket.on('data', (chunk) => {
        if (!chunk.includes('\r\n\r\n')) return;
        requests += 1;
        if (requests > 1) return socket.resetAndDestroy();
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${OK_HTML.length}\r\nConnection: keep-alive\r\n\r\n${OK_HTML}`,
        );
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const port = (flaky.address() as import('node:net').AddressInfo).port;
    try {
      const url = `http://127.0.0.1:${port}/a`;
      expect(text((await fetchPage(url, options({ keepAlive: true }))).body)).toBe(OK_HTML);
      expect(text((await fetchPage(url, options({ keepAlive: true }))).body)).toBe(OK_HTML);
      expect(connections).toBe(2);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});

describe('fetchPage: DNS answers', () => {
  it('tries the next checked address when one refuses', async () => {
    const page = await fetchPage(
      `http://multi.example:${server.port}/ok.html`,
      options({
        resolve: async () => [
          { address: '127.0.0.2', family: 4 }, // loopback, but nothing listens on this address
          { address: '127.0.0.1', family: 4 },
        ],
      }),
    );
    expect(page.status).toBe(200);
    expect(server.requests.at(-1)!.headers.host).toBe(`multi.example:${server.port}`);
  });

  it('tries IPv4 answers first (many networks have no IPv6 route) and at most 3 addresses', async () => {
    // Nothing listens on [::1]:port (the server binds 127.0.0.1): were IPv6 tried first, the
    // three-address cap would be spent on it and the fetch would fail.
    const v6 = { address: '::1', family: 6 as const };
    const page = await fetchPage(
      `http://dual.example:${server.port}/ok.html`,
      options({ resolve: async () => [v6, v6, v6, { address: '127.0.0.1', family: 4 }] }),
    );
    expect(page.status).toBe(200);
    const error = await fetchError(`http://v6.example:${server.port}/ok.html`, {
      resolve: async () => [v6, v6, v6, { address: '127.0.0.1', family: 6 as const }],
    });
    expect(error.reason).toBe('connection-refused');
  });

  it('bounds a DNS lookup that never answers by the connect timeout', async () => {
    const started = Date.now();
    const error = await fetchError('http://slow-dns.example/', {
      resolve: () => new Promise(() => undefined),
    });
    expect(error.reason).toBe('timeout-connect');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a name that does not resolve as not retryable', async () => {
    const error = await fetchError('http://nowhere.example/', {
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
      },
    });
    expect(error.reason).toBe('dns-not-found');
    expect(error.retryable).toBe(false);
  });
});

describe('fetchPage: failures carry a reason and a retry flag', () => {
  it('times out connecting when the TLS handshake never completes', async () => {
    const started = Date.now();
    const error = await fetchError('https://silent.example/', {
      hostMap: { 'silent.example': { host: '127.0.0.1', port: silent.port } },
    });
    expect(error.reason).toBe('timeout-connect');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('times out waiting for headers from a server that accepts but never answers', async () => {
    const error = await fetchError(server.url('/never-respond'), { headersTimeoutMs: 200 });
    expect(error.reason).toBe('timeout-headers');
    expect(error.retryable).toBe(true);
  });

  it('a server that never answers is still bounded by the total timeout', async () => {
    const error = await fetchError(server.url('/never-respond'), { totalTimeoutMs: 300 });
    expect(error.reason).toBe('timeout-total');
    expect(error.retryable).toBe(true);
  });

  it('abandons a slow-drip (slowloris) body at the total timeout', async () => {
    const started = Date.now();
    const error = await fetchError(server.url('/slow-drip'), { totalTimeoutMs: 300 });
    expect(error.reason).toBe('timeout-total');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('reports a reset mid-body', async () => {
    const error = await fetchError(server.url('/reset-mid-body'));
    expect(error.reason).toBe('connection-reset');
    expect(error.retryable).toBe(true);
  });

  it('reports a clean close before Content-Length as truncated', async () => {
    const error = await fetchError(server.url('/close-mid-body'));
    expect(error.reason).toBe('truncated-body');
    expect(error.retryable).toBe(true);
  });

  it('reports a truncated gzip stream inside a complete HTTP response (Node fetch hides this)', async () => {
    const error = await fetchError(server.url('/truncated-gzip'));
    expect(error.reason).toBe('truncated-body');
    expect(error.retryable).toBe(true);
  });

  it.each([
    [404, false],
    [410, false],
    [403, false],
    [500, true],
    [502, true],
  ])('HTTP %i is http-%i with retryable=%s', async (status, retryable) => {
    const error = await fetchError(server.url(`/status/${status}`));
    expect(error.reason).toBe(`http-${status}`);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
  });

  it('429 with Retry-After seconds is retryable with retryAfterMs', async () => {
    const error = await fetchError(server.url('/status/429?retry-after=7'));
    expect(error.reason).toBe('http-429');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('503 with Retry-After as an HTTP date is retryable with retryAfterMs', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const error = await fetchError(server.url(`/status/503?retry-after=${encodeURIComponent(at)}`));
    expect(error.reason).toBe('http-503');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(115_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('detects a redirect loop', async () => {
    const error = await fetchError(server.url('/redirect-loop/a'));
    expect(error.reason).toBe('redirect-loop');
    expect(error.retryable).toBe(false);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const error = await fetchError(server.url(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`));
    expect(error.reason).toBe('unsupported-scheme');
  });

  it('asks beforeRedirect about every hop and stops when it throws', async () => {
    const seen: Array<[string, number]> = [];
    const page = await fetchPage(
      server.url('/redirect-chain/2'),
      options({ beforeRedirect: (next, n) => void seen.push([next, n]) }),
    );
    expect(page.status).toBe(200);
    expect(seen).toEqual([
      [server.url('/redirect-chain/1'), 1],
      [server.url('/ok.html'), 2],
    ]);
    const before = server.requests.length;
    await expect(
      fetchPage(
        server.url('/redirect-chain/2'),
        options({ beforeRedirect: () => Promise.reject(new RobotsDisallowedError('x')) }),
      ),
    ).rejects.toBeInstanceOf(RobotsDisallowedError);
    expect(server.requests.length).toBe(before + 1);
  });

  it("does not count beforeRedirect's wait (a rate slot) toward totalTimeoutMs", async () => {
    // Fake timers and clock: the hook "waits" three total budgets by moving the clock, no real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const page = await fetchPage(
        server.url('/redirect-chain/1'),
        options({ totalTimeoutMs: 1_500, beforeRedirect: () => void vi.advanceTimersByTime(4_500) }),
      );
      expect(page.status).toBe(200);
      expect(page.redirects).toBe(1);
      // The total bound still holds outside the hook: the clock moving past it mid-fetch aborts.
      const before = server.requests.length;
      const stalled = fetchPage(server.url('/never-respond'), options({ totalTimeoutMs: 1_500 }));
      const settled = stalled.catch((e: unknown) => e);
      // Once the server holds the request (connected, headers awaited), move past the budget.
      while (server.requests.length === before) await new Promise((resolve) => setImmediate(resolve));
      vi.advanceTimersByTime(1_501);
      expect(await settled).toMatchObject({ reason: 'timeout-total' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops after maxRedirects', async () => {
    const error = await fetchError(server.url('/redirect-chain/4'), { maxRedirects: 2 });
    expect(error.reason).toBe('too-many-redirects');
    expect(error.retryable).toBe(false);
  });

  it('abandons a 20 MB streamed body at the cap without buffering it', async () => {
    const error = await fetchError(server.url('/huge'), { maxBodyBytes: 512 * 1024, totalTimeoutMs: 5_000 });
    expect(error.reason).toBe('body-too-large');
    expect(error.retryable).toBe(false);
  });

  it('refuses a declared 20 MB body before reading it', async () => {
    const error = await fetchError(server.url('/huge-declared'), { maxBodyBytes: 512 * 1024 });
    expect(error.reason).toBe('body-too-large');
  });

  it('caps the decoded size of a gzip bomb', async () => {
    const error = await fetchError(server.url('/gzip-bomb'), {
      maxBodyBytes: 512 * 1024,
      totalTimeoutMs: 5_000,
    });
    expect(error.reason).toBe('body-too-large');
  });

  it('refuses an unwanted content type before reading the body', async () => {
    const error = await fetchError(server.url('/pdf'));
    expect(error.reason).toBe('unsupported-content-type');
    expect(error.retryable).toBe(false);
  });

  it('refuses non-http schemes', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ftp://127.0.0.1/',
      'gopher://127.0.0.1:70/',
      'data:text/html,hi',
    ]) {
      const error = await fetchError(url);
      expect(error.reason).toBe('unsupported-scheme');
      expect(error.retryable).toBe(false);
    }
  });

  it('reports a refused connection as retryable', async () => {
    const closed = await startSilentTcpServer();
    const port = closed.port;
    await closed.close();
    const error = await fetchError(`http://127.0.0.1:${port}/`);
    expect(error.reason).toBe('connection-refused');
    expect(error.retryable).toBe(true);
  });

  it('honours a caller abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await fetchError(server.url('/never-respond'), { signal: controller.signal });
    expect(error.reason).toBe('aborted');
  });
});

describe('fetchPage: SSRF guard on every hop and DNS answer', () => {
  it('refuses loopback unless allowed', async () => {
    const error = await fetchError(server.url('/ok.html'), { allowPrivateNetwork: false });
    expect(error).toBeInstanceOf(BlockedUrlError);
    expect(error.reason).toBe('blocked-address');
    expect(error.retryable).toBe(false);
  });

  it('allowedLoopbackPorts opens one local port only', async () => {
    const allowOne = { allowPrivateNetwork: false, allowedLoopbackPorts: [server.port] };
    const page = await fetchPage(server.url('/ok.html'), options(allowOne));
    expect(page.status).toBe(200);
    const before = server.requests.length;
    const error = await fetchError(
      server.url(`/redirect?to=${encodeURIComponent('http://127.0.0.1:6379/')}`),
      allowOne,
    );
    expect(error).toBeInstanceOf(BlockedUrlError);
    expect(server.requests.length).toBe(before + 1); // the redirect hop only
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/admin',
    'http://192.168.1.1/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00::1]/',
    'http://0.0.0.0:22/',
  ])('refuses a redirect to %s even with allowPrivateNetwork', async (location) => {
    const error = await fetchError(server.url(`/redirect?to=${encodeURIComponent(location)}`));
    expect(error).toBeInstanceOf(BlockedUrlError);
    expect(error.reason).toBe('blocked-address');
  });

  it('refuses a hostname whose DNS answer points inside, before connecting', async () => {
    let resolved = 0;
    const error = await fetchError('http://innocent.example/', {
      allowPrivateNetwork: false,
      resolve: async () => {
        resolved += 1;
        return [{ address: '10.0.0.1', family: 4 }];
      },
    });
    expect(resolved).toBe(1);
    expect(error).toBeInstanceOf(BlockedUrlError);
  });

  it('refuses when any one of several DNS answers is internal', async () => {
    const error = await fetchError('http://mixed.example/', {
      allowPrivateNetwork: false,
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    expect(error).toBeInstanceOf(BlockedUrlError);
  });

  it('refuses a hostMap entry that points inside', async () => {
    const error = await fetchError('http://mapped.example/', {
      allowPrivateNetwork: true,
      hostMap: { 'mapped.example': { host: '10.0.0.1', port: 80 } },
    });
    expect(error).toBeInstanceOf(BlockedUrlError);
  });

  it('refuses URLs with credentials', async () => {
    const error = await fetchError(`http://user:pw@127.0.0.1:${server.port}/ok.html`);
    expect(error).toBeInstanceOf(BlockedUrlError);
  });
});
