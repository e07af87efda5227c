import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../functions/errors';
import { fetchPage, type FetchOptions } from '../../functions/fetch/fetch-page';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { OK_HTML, startMisbehavingServer, type MisbehavingServer } from '../helpers/misbehaving-server';

let origin: MisbehavingServer;
let proxy: FaultProxy;

beforeAll(async () => {
  origin = await startMisbehavingServer();
  proxy = await startFaultProxy({ port: origin.port });
});
afterAll(async () => {
  await proxy.close();
  await origin.close();
});

const options = (extra: Partial<FetchOptions> = {}): FetchOptions => ({
  userAgent: 'FaultBot/1.0',
  connectTimeoutMs: 300,
  totalTimeoutMs: 1_000,
  maxBodyBytes: 2_000_000,
  maxRedirects: 3,
  allowPrivateNetwork: true,
  hostMap: { 'flaky.example': { host: '127.0.0.1', port: proxy.port } },
  ...extra,
});

async function reasonOf(path: string, extra: Partial<FetchOptions> = {}): Promise<string> {
  try {
    await fetchPage(`http://flaky.example${path}`, options(extra));
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).retryable).toBe(true);
    return (error as FetchError).reason;
  }
}

describe('fault proxy in front of a healthy server', () => {
  it('passes traffic through', async () => {
    proxy.setFault({ kind: 'pass' });
    const page = await fetchPage('http://flaky.example/ok.html', options());
    expect(Buffer.from(page.body).toString()).toBe(OK_HTML);
    expect(origin.requests.at(-1)!.headers.host).toBe('flaky.example');
  });

  it('blackhole: the fetch ends at the total timeout', async () => {
    proxy.setFault({ kind: 'blackhole' });
    expect(await reasonOf('/ok.html', { totalTimeoutMs: 300 })).toBe('timeout-total');
  });

  it('refuse: an immediate reset is a retryable connection-reset', async () => {
    proxy.setFault({ kind: 'refuse' });
    expect(await reasonOf('/ok.html')).toBe('connection-reset');
  });

  it('latency below the total timeout is only slower', async () => {
    proxy.setFault({ kind: 'latency', ms: 150 });
    const started = Date.now();
    expect(await reasonOf('/ok.html')).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('reset-after / close-after cut a large body', async () => {
    proxy.setFault({ kind: 'reset-after', bytes: 30_000 });
    expect(await reasonOf('/huge-declared?bytes=200000')).toBe('connection-reset');
    proxy.setFault({ kind: 'close-after', bytes: 30_000 });
    expect(await reasonOf('/huge-declared?bytes=200000')).toBe('truncated-body');
  });

  it('throttle: a trickle is bounded by the total timeout, a fast enough one completes', async () => {
    proxy.setFault({ kind: 'throttle', bytesPerTick: 1_000, tickMs: 20 });
    expect(await reasonOf('/huge-declared?bytes=200000', { totalTimeoutMs: 300 })).toBe('timeout-total');
    proxy.setFault({ kind: 'throttle', bytesPerTick: 64_000, tickMs: 10 });
    expect(await reasonOf('/huge-declared?bytes=200000')).toBe('ok');
    expect(proxy.connections()).toBeGreaterThanOrEqual(8);
  });
});
