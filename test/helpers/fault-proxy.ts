import net from 'node:net';

/**
 * A loopback TCP proxy that injects network faults in front of any loopback server (a
 * publisher site, dynalite, s3rver), for fault tests. The fault applies to connections opened
 * after it is set; switch it between steps of a test with {@link FaultProxy.setFault}.
 *
 * - `pass`: forward bytes both ways.
 * - `blackhole`: accept and read, never forward or answer (looks like a hung server).
 * - `refuse`: accept and reset at once (looks like a crashed server behind a load balancer).
 * - `latency`: forward, delaying the first upstream byte of each connection by `ms`.
 * - `reset-after`: forward `bytes` bytes of the response, then send a TCP RST.
 * - `close-after`: forward `bytes` bytes of the response, then close cleanly (FIN).
 * - `throttle`: forward the response at most `bytesPerTick` bytes every `tickMs`.
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'blackhole' }
  | { kind: 'refuse' }
  | { kind: 'latency'; ms: number }
  | { kind: 'reset-after'; bytes: number }
  | { kind: 'close-after'; bytes: number }
  | { kind: 'throttle'; bytesPerTick: number; tickMs: number };

export interface FaultProxy {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  setFault(fault: Fault): void;
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: { host?: string; port: number },
  initial: Fault = { kind: 'pass' },
): Promise<FaultProxy> {
  const upstreamHost = target.host ?? '127.0.0.1';
  let fault: Fault = initial;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // faults make errors expected
    socket.on('close', () => sockets.delete(socket));
  };
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = net.createServer((client) => {
    accepted += 1;
    track(client);
    const mode = fault; // the fault at accept time governs this connection
    if (mode.kind === 'blackhole') {
      client.resume();
      return;
    }
    if (mode.kind === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, upstreamHost);
    track(upstream);
    let forwarded = 0;
    let delayed = mode.kind === 'latency';
    let upstreamClosed = false;
    let cutting = false; // set while a reset/close fault ends the connection its own way
    const pending: Buffer[] = [];
    /** Ends the client once upstream is done and nothing is held back for latency or throttling. */
    const maybeEnd = () => {
      if (upstreamClosed && !cutting && !delayed && pending.length === 0 && !client.destroyed) client.end();
    };
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      upstreamClosed = true;
      maybeEnd();
    });
    client.on('data', (chunk) => upstream.write(chunk));
    client.on('end', () => upstream.end());

    const sendDown = (chunk: Buffer) => {
      if (mode.kind === 'reset-after' || mode.kind === 'close-after') {
        const room = mode.bytes - forwarded;
        if (room <= 0) return;
        const part = chunk.subarray(0, room);
        forwarded += part.length;
        client.write(part, () => {
          if (forwarded < mode.bytes) return;
          cutting = true;
          upstream.destroy();
          // A short pause lets the bytes leave before the connection is cut.
          later(10, () => (mode.kind === 'reset-after' ? client.resetAndDestroy() : client.end()));
        });
        return;
      }
      client.write(chunk);
    };
    if (mode.kind === 'throttle') {
      upstream.on('data', (chunk: Buffer) => pending.push(chunk));
      const tick = () => {
        if (client.destroyed) return;
        let budget = mode.bytesPerTick;
        while (budget > 0 && pending.length) {
          const head = pending[0];
          const part = head.subarray(0, budget);
          client.write(part);
          budget -= part.length;
          if (part.length === head.length) pending.shift();
          else pending[0] = head.subarray(part.length);
        }
        maybeEnd();
        later(mode.tickMs, tick);
      };
      later(mode.tickMs, tick);
      return;
    }
    upstream.on('data', (chunk: Buffer) => {
      if (!delayed) return sendDown(chunk);
      pending.push(chunk);
      if (pending.length === 1 && mode.kind === 'latency') {
        later(mode.ms, () => {
          delayed = false;
          for (const c of pending.splice(0)) sendDown(c);
          maybeEnd();
        });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => accepted,
    setFault: (next) => {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
