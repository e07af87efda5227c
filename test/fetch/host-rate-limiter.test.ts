import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbHostRateLimiter } from '../../functions/adapters/dynamodb/host-rate-limiter';
import { createTableInput } from '../../functions/adapters/dynamodb/table-schema';
import { InMemoryHostRateLimiter } from '../../functions/adapters/local/memory-host-rate-limiter';
import { hostIntervalMs } from '../../functions/fetch/host-rate-limiter';
import type { HostRateLimiter } from '../../functions/ports/host-rate-limiter';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { openSqliteDatabase, type SqliteDatabase } from '../../functions/adapters/sqlite/sqlite-database';
import { SqliteHostRateLimiter } from '../../functions/adapters/sqlite/sqlite-host-rate-limiter';

const sqliteDir = mkdtempSync(join(tmpdir(), 'rate-limiter-sqlite-'));
const sqliteStores: SqliteDatabase[] = [];
let sqliteFiles = 0;
/** A connection to `file` (default: a fresh file per call). */
function sqliteStore(file = join(sqliteDir, `limiter-${++sqliteFiles}.sqlite`)): SqliteDatabase {
  const store = openSqliteDatabase(file);
  sqliteStores.push(store);
  return store;
}

const TABLE = 'rate-limiter-test';
let server: Server;
let amazonLocal: DynamoDbLocal;
const endpoints: Record<'dynalite' | 'DynamoDB Local', string> = { dynalite: '', 'DynamoDB Local': '' };
const clients: DynamoDBClient[] = [];

/** A new client (one per simulated Lambda) for one of the two DynamoDB-protocol servers. */
function newClient(backend: keyof typeof endpoints = 'dynalite'): DynamoDBClient {
  const endpoint = endpoints[backend];
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoints.dynalite = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  amazonLocal = await startDynamoDbLocal();
  endpoints['DynamoDB Local'] = amazonLocal.endpoint;
  await newClient('dynalite').send(new CreateTableCommand(createTableInput(TABLE)));
  await newClient('DynamoDB Local').send(new CreateTableCommand(createTableInput(TABLE)));
});
afterAll(async () => {
  for (const store of sqliteStores) store.close();
  rmSync(sqliteDir, { recursive: true, force: true });
  for (const c of clients) c.destroy();
  await amazonLocal?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Reserves `perWorker` slots from each limiter concurrently; returns the slot times (now + wait). */
async function reserveConcurrently(
  limiters: HostRateLimiter[],
  host: string,
  intervalMs: number,
  perWorker: number,
  nowMs: number,
) {
  const slots = await Promise.all(
    limiters.map(async (limiter) => {
      const mine: number[] = [];
      for (let i = 0; i < perWorker; i++) mine.push(nowMs + (await limiter.reserve(host, intervalMs, nowMs)));
      return mine;
    }),
  );
  return slots.flat().sort((a, b) => a - b);
}

function contract(name: string, make: () => HostRateLimiter) {
  describe(`${name}: HostRateLimiter contract`, () => {
    it('gives the first request of a host no wait, then spaces later ones by the interval', async () => {
      const limiter = make();
      expect(await limiter.reserve('a.example', 1_000, 10_000)).toBe(0);
      expect(await limiter.reserve('a.example', 1_000, 10_000)).toBe(1_000);
      expect(await limiter.reserve('a.example', 1_000, 10_500)).toBe(1_500);
      expect(await limiter.reserve('other.example', 1_000, 10_500)).toBe(0); // hosts are independent
    });

    it('forgets a past slot: a host idle for longer than its interval has no wait', async () => {
      const limiter = make();
      await limiter.reserve('b.example', 1_000, 20_000);
      expect(await limiter.reserve('b.example', 1_000, 25_000)).toBe(0);
      expect(await limiter.reserve('b.example', 1_000, 25_000)).toBe(1_000);
    });

    it('honours a longer interval asked for later (Crawl-delay)', async () => {
      const limiter = make();
      await limiter.reserve('c.example', 5_000, 30_000);
      expect(await limiter.reserve('c.example', 1_000, 30_000)).toBe(5_000);
    });
  });
}

contract('InMemoryHostRateLimiter', () => new InMemoryHostRateLimiter());
contract('SqliteHostRateLimiter', () => new SqliteHostRateLimiter(sqliteStore()));

it('SqliteHostRateLimiter: 40 concurrent reservations from 4 connections to one file get 40 slots one interval apart', async () => {
  const file = join(sqliteDir, 'shared.sqlite');
  const limiters = Array.from({ length: 4 }, () => new SqliteHostRateLimiter(sqliteStore(file)));
  const slots = await reserveConcurrently(limiters, 'shared.example', 250, 10, 1_000_000);
  expect(slots).toEqual(Array.from({ length: 40 }, (_, i) => 1_000_000 + i * 250));
});
for (const backend of ['dynalite', 'DynamoDB Local'] as const) {
  contract(
    `DynamoDbHostRateLimiter on ${backend}`,
    () => new DynamoDbHostRateLimiter({ tableName: TABLE, client: newClient(backend) }),
  );

  it(`DynamoDbHostRateLimiter on ${backend}: 40 concurrent reservations from 4 "Lambdas" get 40 slots one interval apart`, async () => {
    const limiters = Array.from(
      { length: 4 },
      () => new DynamoDbHostRateLimiter({ tableName: TABLE, client: newClient(backend) }),
    );
    const nowMs = 1_000_000;
    const slots = await reserveConcurrently(limiters, 'busy.example', 250, 10, nowMs);
    expect(slots).toEqual(Array.from({ length: 40 }, (_, k) => nowMs + k * 250));
    const requests = limiters.reduce((sum, l) => sum + l.stats().requests, 0);
    expect(requests).toBeLessThanOrEqual(40 * 3); // busy path: about one write per reservation
  });

  it(`DynamoDbHostRateLimiter on ${backend}: one write per reservation when the host is as this instance last saw it`, async () => {
    const limiter = new DynamoDbHostRateLimiter({ tableName: TABLE, client: newClient(backend) });
    const host = `cost-${backend.replace(/\W/g, '')}.example`;
    // Idle host each time (slots 1 s apart, interval 100 ms): the idle claim is tried first.
    for (let k = 0; k < 5; k++) expect(await limiter.reserve(host, 100, 5_000_000 + k * 1_000)).toBe(0);
    expect(limiter.stats().writeUnits).toBe(5);
    // Busy host (10 reservations at one instant): after the first, the busy path is tried first.
    const busyAt = 6_000_000;
    for (let k = 0; k < 10; k++) expect(await limiter.reserve(host, 100, busyAt)).toBe(k * 100);
    expect(limiter.stats().writeUnits).toBe(5 + 10);
    // Concurrent callers of one instance on an idle host (a batch's URLs of one host): one idle
    // claim, the others go straight to the busy path. They are sent one after another, so the
    // count does not depend on the order the server would handle concurrent requests in.
    const concurrentAt = 7_000_000;
    const waits = await Promise.all(
      Array.from({ length: 8 }, () => limiter.reserve(host, 100, concurrentAt)),
    );
    expect(waits).toEqual(Array.from({ length: 8 }, (_, k) => k * 100));
    expect(limiter.stats().writeUnits).toBe(5 + 10 + 8);
  });
}

describe('DynamoDbHostRateLimiter across concurrent workers', () => {
  it('with the real clock, no worker sends before its slot and slots never crowd', async () => {
    const limiters = Array.from(
      { length: 3 },
      () => new DynamoDbHostRateLimiter({ tableName: TABLE, client: newClient() }),
    );
    const intervalMs = 60;
    // Warm the SDK clients first so setup cost does not blur the measurement.
    await Promise.all(limiters.map((l) => l.reserve('warm-up.example', 0, Date.now())));
    const sends: Array<{ slotMs: number; sentMs: number }> = [];
    await Promise.all(
      limiters.map(async (limiter) => {
        for (let i = 0; i < 3; i++) {
          const nowMs = Date.now();
          const slotMs = nowMs + (await limiter.reserve('realtime.example', intervalMs, nowMs));
          // Sleep until the slot itself, not `wait` from now: the reservation's own latency
          // must not push this request closer to the next worker's slot.
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, slotMs - Date.now())));
          sends.push({ slotMs, sentMs: Date.now() });
        }
      }),
    );
    // setTimeout may fire up to 1 ms early; it may fire late on a busy machine, which only
    // makes the crawl slower (a late send can sit closer to the next one: that is the
    // caller's timer, not the limiter, and is why slots, not send times, are asserted apart).
    for (const s of sends) expect(s.sentMs).toBeGreaterThanOrEqual(s.slotMs - 1);
    const slots = sends.map((s) => s.slotMs).sort((a, b) => a - b);
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBeGreaterThanOrEqual(intervalMs);
  });

  it('stores the state as HOST#<host> / RATE with nextSlotMs and a TTL', async () => {
    const client = newClient();
    await new DynamoDbHostRateLimiter({ tableName: TABLE, client }).reserve(
      'Stored.Example',
      1_000,
      2_000_000,
    );
    const item = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'HOST#stored.example' }, sk: { S: 'RATE' } } }),
    );
    expect(item.Item?.nextSlotMs?.N).toBe('2001000');
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan(2_001);
  });
});

describe('InMemoryHostRateLimiter under concurrency', () => {
  it('gives concurrent callers distinct slots', async () => {
    const limiter = new InMemoryHostRateLimiter();
    const slots = await reserveConcurrently([limiter, limiter, limiter], 'mem.example', 100, 5, 0);
    expect(slots).toEqual(Array.from({ length: 15 }, (_, k) => k * 100));
  });
});

describe('hostIntervalMs', () => {
  it('takes the longer of the configured minimum and Crawl-delay', () => {
    expect(hostIntervalMs(1_000)).toBe(1_000);
    expect(hostIntervalMs(1_000, 500)).toBe(1_000);
    expect(hostIntervalMs(1_000, 5_000)).toBe(5_000);
  });
});
