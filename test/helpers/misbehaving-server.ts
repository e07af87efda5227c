import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';

/**
 * A loopback HTTP server that misbehaves on request, for fetcher and fault tests. Every route
 * is deterministic; the tests assert the fetcher's reason code and retry flag for each.
 *
 * Routes (all GET):
 * - `/ok.html`                      200 small HTML page (`?type=` overrides Content-Type)
 * - `/gzip.html`, `/br.html`, `/deflate.html`, `/deflate-raw.html`   the same page compressed
 * - `/never-respond`                accepts, reads the request, never writes a header
 * - `/slow-drip`                    headers, then one byte every `dripIntervalMs` forever (slowloris)
 * - `/reset-mid-body`               Content-Length 10000, 2000 bytes, then a TCP RST
 * - `/close-mid-body`               Content-Length 10000, 2000 bytes, then a clean FIN
 * - `/truncated-gzip`               chunked, complete at HTTP level, gzip stream cut in half
 * - `/status/<code>?retry-after=<v>` that status, optional Retry-After header
 * - `/redirect-loop/a` <-> `/redirect-loop/b`
 * - `/redirect-chain/<n>`           n redirects, then `/ok.html`
 * - `/redirect?to=<url>&status=<3xx>` one redirect to any Location (internal addresses too)
 * - `/huge?bytes=<n>`               n bytes of HTML, streamed chunked without Content-Length
 * - `/huge-declared?bytes=<n>`      the same with an honest Content-Length
 * - `/gzip-bomb?bytes=<n>`          a small gzip body that inflates to n bytes
 * - `/pdf`                          application/pdf
 * - `/wrong-charset`                declares UTF-8 but sends windows-1252 bytes (é as 0xE9)
 * - `/conditional`                  ETag + Last-Modified; 304 for a matching conditional GET
 * - `/robots.txt`                   per Host header from `robotsByHost`, else `robotsTxt` (404 when unset)
 */
export interface MisbehavingServer {
  port: number;
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  /** TCP connections accepted so far (keep-alive tests). */
  connections(): number;
  /** Every request seen, in order (method, path, headers). */
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export interface MisbehavingServerOptions {
  /** Body of `/robots.txt` (served as text/plain); absent gives 404. */
  robotsTxt?: string;
  /** robots.txt answer per Host name (port stripped), e.g. to serve 404/503 for one hostMap name. */
  robotsByHost?: Record<string, { status: number; body?: string; contentType?: string; delayMs?: number }>;
  /** Interval of `/slow-drip` bytes (default 50 ms). */
  dripIntervalMs?: number;
  /** Called as each request arrives (tests note the time on their controlled clock). */
  onRequest?: (request: { path: string; host: string }) => void;
}

export const OK_HTML =
  '<!doctype html><html><head><title>OK</title></head><body><p>Hello from the loopback publisher.</p></body></html>';
export const CONDITIONAL_ETAG = '"v1-abc"';
export const CONDITIONAL_LAST_MODIFIED = 'Tue, 24 Nov 2026 10:00:00 GMT';

function htmlOfSize(bytes: number): Buffer {
  const unit = Buffer.from('<p>filler paragraph for a page that is far too large</p>\n');
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += unit.length) unit.copy(out, i);
  return out;
}

/** Streams `bytes` bytes in 64 KiB chunks honouring backpressure; stops if the peer goes away. */
function streamBytes(res: http.ServerResponse, bytes: number): void {
  const chunk = htmlOfSize(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < bytes && !res.destroyed) {
      const n = Math.min(chunk.length, bytes - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

export async function startMisbehavingServer(
  options: MisbehavingServerOptions = {},
): Promise<MisbehavingServer> {
  const requests: MisbehavingServer['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const dripIntervalMs = options.dripIntervalMs ?? 50;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
    });
    options.onRequest?.({ path: `${url.pathname}${url.search}`, host: req.headers.host ?? '' });
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const html = (extra: http.OutgoingHttpHeaders = {}) => ({
      'content-type': 'text/html; charset=utf-8',
      ...extra,
    });

    if (path === '/ok.html') {
      res.writeHead(200, html(q('type') ? { 'content-type': q('type') } : {}));
      return res.end(OK_HTML);
    }
    if (path === '/gzip.html') {
      res.writeHead(200, html({ 'content-encoding': 'gzip' }));
      return res.end(zlib.gzipSync(OK_HTML));
    }
    if (path === '/br.html') {
      res.writeHead(200, html({ 'content-encoding': 'br' }));
      return res.end(zlib.brotliCompressSync(OK_HTML));
    }
    if (path === '/deflate.html') {
      res.writeHead(200, html({ 'content-encoding': 'deflate' }));
      return res.end(zlib.deflateSync(OK_HTML));
    }
    if (path === '/deflate-raw.html') {
      res.writeHead(200, html({ 'content-encoding': 'deflate' }));
      return res.end(zlib.deflateRawSync(OK_HTML));
    }
    if (path === '/never-respond') return; // hold the socket open; close() destroys it
    if (path === '/slow-drip') {
      res.writeHead(200, html());
      const timer = setInterval(() => res.write('.'), dripIntervalMs);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    if (path === '/reset-mid-body' || path === '/close-mid-body') {
      res.writeHead(200, html({ 'content-length': '10000' }));
      res.write(htmlOfSize(2000), () => {
        // Give the bytes a moment to leave before cutting the connection.
        const timer = setTimeout(() => {
          if (path === '/reset-mid-body') req.socket.resetAndDestroy();
          else req.socket.end();
        }, 20);
        timers.add(timer);
      });
      return;
    }
    if (path === '/truncated-gzip') {
      const full = zlib.gzipSync(htmlOfSize(50_000));
      res.writeHead(200, html({ 'content-encoding': 'gzip' })); // chunked: HTTP framing is complete
      return res.end(full.subarray(0, Math.floor(full.length / 2)));
    }
    const statusMatch = /^\/status\/(\d{3})$/.exec(path);
    if (statusMatch) {
      const headers: http.OutgoingHttpHeaders = html();
      if (q('retry-after')) headers['retry-after'] = q('retry-after');
      res.writeHead(Number(statusMatch[1]), headers);
      return res.end(`<p>status ${statusMatch[1]}</p>`);
    }
    if (path === '/redirect-loop/a' || path === '/redirect-loop/b') {
      res.writeHead(302, { location: path.endsWith('a') ? '/redirect-loop/b' : '/redirect-loop/a' });
      return res.end();
    }
    const chainMatch = /^\/redirect-chain\/(\d+)$/.exec(path);
    if (chainMatch) {
      const n = Number(chainMatch[1]);
      res.writeHead(301, { location: n <= 1 ? '/ok.html' : `/redirect-chain/${n - 1}` });
      return res.end();
    }
    if (path === '/redirect') {
      res.writeHead(Number(q('status') ?? 302), { location: q('to') ?? '/ok.html' });
      return res.end();
    }
    if (path === '/huge') {
      res.writeHead(200, html());
      return streamBytes(res, Number(q('bytes') ?? 20 * 1024 * 1024));
    }
    if (path === '/huge-declared') {
      const bytes = Number(q('bytes') ?? 20 * 1024 * 1024);
      res.writeHead(200, html({ 'content-length': String(bytes) }));
      return streamBytes(res, bytes);
    }
    if (path === '/gzip-bomb') {
      res.writeHead(200, html({ 'content-encoding': 'gzip' }));
      return res.end(zlib.gzipSync(Buffer.alloc(Number(q('bytes') ?? 20 * 1024 * 1024), 0x20)));
    }
    if (path === '/pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end('%PDF-1.4\n%fake\n');
    }
    if (path === '/wrong-charset') {
      res.writeHead(200, html());
      const body = Buffer.concat([
        Buffer.from('<!doctype html><html><head><meta charset="windows-1252"><title>Caf'),
        Buffer.from([0xe9]),
        Buffer.from('</title></head><body><p>Caf'),
        Buffer.from([0xe9]),
        Buffer.from(' au lait</p></body></html>'),
      ]);
      return res.end(body);
    }
    if (path === '/conditional') {
      const validators = { etag: CONDITIONAL_ETAG, 'last-modified': CONDITIONAL_LAST_MODIFIED };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const etagMatches = inm?.split(',').some((t) => t.trim() === CONDITIONAL_ETAG);
      const notModifiedSince =
        inm === undefined && ims !== undefined && Date.parse(ims) >= Date.parse(CONDITIONAL_LAST_MODIFIED);
      if (etagMatches || notModifiedSince) {
        res.writeHead(304, validators);
        return res.end();
      }
      res.writeHead(200, html(validators));
      return res.end(OK_HTML);
    }
    if (path === '/robots.txt') {
      const byHost = options.robotsByHost?.[(req.headers.host ?? '').replace(/:\d+$/, '')];
      if (byHost) {
        if (byHost.delayMs) {
          const timer = setTimeout(() => {
            res.writeHead(byHost.status, { 'content-type': byHost.contentType ?? 'text/plain' });
            res.end(byHost.body ?? '');
          }, byHost.delayMs);
          timers.add(timer);
          return;
        }
        res.writeHead(byHost.status, { 'content-type': byHost.contentType ?? 'text/plain' });
        return res.end(byHost.body ?? '');
      }
      if (options.robotsTxt === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end(options.robotsTxt);
    }
    res.writeHead(404, html());
    res.end('<p>no such route</p>');
  });

  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => connections,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A raw TCP server that accepts connections and never sends a byte: a TLS client hangs in its
 * handshake, which is how a connect timeout is produced on loopback without touching any other
 * address.
 */
export async function startSilentTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTPS server on loopback with a freshly generated self-signed certificate for `hostname`
 * (made with the openssl CLI; nothing is written outside a temp directory). It serves `OK_HTML`
 * and records the SNI name each connection presented.
 */
export async function startTlsServer(hostname: string): Promise<{
  port: number;
  /** PEM of the self-signed certificate: pass as `tlsCa` to trust it. */
  certPem: string;
  /** SNI names presented by clients, in order. */
  serverNames: Array<string | false | null>;
  close(): Promise<void>;
}> {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const https = await import('node:https');
  const dir = mkdtempSync(join(tmpdir(), 'fetch-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        `/CN=${hostname}`,
        '-addext',
        `subjectAltName=DNS:${hostname}`,
      ],
      { stdio: 'ignore' },
    );
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    const serverNames: Array<string | false | null> = [];
    const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(OK_HTML);
    });
    server.on('secureConnection', (socket) => serverNames.push(socket.servername));
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      certPem,
      serverNames,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
