import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StorageError } from '../../errors';
import type { HostRateLimiter } from '../../ports/host-rate-limiter';
import { isConditionalCheckFailed, toStorageError } from './dynamodb-errors';
import { RequestStats, type DynamoDbStats } from './request-stats';
import { TABLE_KEY, TTL_ATTRIBUTE } from './table-schema';

/** Rate state lives this long after its last slot (TTL), then DynamoDB deletes it for free. */
const STATE_TTL_SECONDS = 24 * 60 * 60;
/**
 * Each round is two conditional writes; a round fails only if another worker flipped the host
 * between "busy" and "idle" in between, so a handful of rounds is ample.
 */
const DEFAULT_MAX_ROUNDS = 8;
const RATE_SK = 'RATE';
/** Hosts whose last seen slot is remembered per instance (bounded memory; forgetting costs one write). */
const MAX_REMEMBERED_HOSTS = 10_000;

type RateKey = Record<string, { S: string }>;

/** Options of {@link DynamoDbHostRateLimiter}. */
export interface DynamoDbHostRateLimiterOptions {
  tableName: string;
  client: DynamoDBClient;
  /** See {@link DEFAULT_MAX_ROUNDS}. */
  maxRounds?: number;
}

/**
 * {@link HostRateLimiter} shared by concurrent Lambdas: one item per host
 * (`pk = HOST#<host>`, `sk = RATE`) holding `nextSlotMs`, the earliest time the next request
 * may go out. A slot is reserved atomically with conditional UpdateItems, no read first:
 *
 * 1. Busy host (`nextSlotMs >= now`): take the slot at `nextSlotMs` and push it forward by
 *    the interval in the same write (`SET nextSlotMs = nextSlotMs + :interval`, returning the
 *    old value). DynamoDB serialises writes to one item, so N concurrent callers get N
 *    distinct slots one interval apart without any retry.
 * 2. Idle host (no item, or `nextSlotMs < now`): claim `now` and set `nextSlotMs = now + interval`.
 * 3. The instance tries first the path it last saw the host on (idle for a host it has not seen);
 *    when that condition fails, another worker changed the state meanwhile: try the other path.
 * 4. Reservations for one host from this instance go out one after another (the URLs of one host
 *    in a crawl batch): each then knows the state the previous one left, whatever order the
 *    server would have handled concurrent requests in. They wait for their slot anyway.
 *
 * Costs one write when the host's state is what this instance last saw (busy or idle), two when
 * another worker changed it meanwhile (the rejected conditional write is billed too).
 *
 * @example
 * const limiter = new DynamoDbHostRateLimiter({ tableName: config.tableName, client });
 * const waitMs = await limiter.reserve('news.example', 1000, Date.now());
 */
export class DynamoDbHostRateLimiter implements HostRateLimiter {
  private readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly maxRounds: number;
  private readonly counters = new RequestStats();
  /** Per host, the next slot as of this instance's last reservation (a hint for which write to try first). */
  private readonly lastSeenNextSlotMs = new Map<string, number>();
  /** Per host, the tail of this instance's reservations in flight (see step 4 above). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(options: DynamoDbHostRateLimiterOptions) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  }

  /** Requests sent and capacity consumed by this instance so far. */
  stats(): DynamoDbStats {
    return this.counters.snapshot();
  }

  async reserve(host: string, minIntervalMs: number, nowMs: number): Promise<number> {
    const hostKey = host.toLowerCase();
    const reserveNow = () => this.reserveInTurn(host, minIntervalMs, nowMs);
    const mine = (this.inFlight.get(hostKey) ?? Promise.resolve()).then(reserveNow, reserveNow);
    const tail = mine.catch(() => undefined);
    this.inFlight.set(hostKey, tail);
    void tail.then(() => {
      if (this.inFlight.get(hostKey) === tail) this.inFlight.delete(hostKey);
    });
    return mine;
  }

  /** One reservation, once this instance's earlier reservations for the host have settled. */
  private async reserveInTurn(host: string, minIntervalMs: number, nowMs: number): Promise<number> {
    const intervalMs = Math.max(0, Math.round(minIntervalMs));
    const now = Math.round(nowMs);
    const key = {
      [TABLE_KEY.partitionKey]: { S: `HOST#${host.toLowerCase()}` },
      [TABLE_KEY.sortKey]: { S: RATE_SK },
    };
    const expiresAt = { N: String(Math.ceil((now + intervalMs) / 1000) + STATE_TTL_SECONDS) };
    // Try first the path this container last saw the host on: the right guess costs one write,
    // the wrong one two (the rejected conditional write is billed too). Unknown hosts start idle:
    // a polite crawler mostly finds a host's previous slot already past.
    const lastSeenNextSlotMs = this.lastSeenNextSlotMs.get(host.toLowerCase());
    let busyFirst = lastSeenNextSlotMs !== undefined && lastSeenNextSlotMs >= now;
    for (let round = 0; round < this.maxRounds; round++) {
      const waitMs = busyFirst
        ? await this.takeNextSlot(key, intervalMs, now, expiresAt, host)
        : await this.claimIdle(key, intervalMs, now, expiresAt);
      if (waitMs !== undefined) {
        this.remember(host, now + waitMs + intervalMs);
        return waitMs;
      }
      busyFirst = !busyFirst;
    }
    throw new StorageError(`could not reserve a request slot for ${host} in ${this.maxRounds} rounds`, {
      retryable: true,
    });
  }

  /** Busy host: takes the slot at `nextSlotMs` and pushes it one interval on; `undefined` if the host is idle. */
  private async takeNextSlot(
    key: RateKey,
    intervalMs: number,
    now: number,
    expiresAt: { N: string },
    host: string,
  ): Promise<number | undefined> {
    const taken = await this.conditionalUpdate({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'SET nextSlotMs = nextSlotMs + :interval, #ttl = :expiresAt',
      ConditionExpression: 'nextSlotMs >= :now',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':interval': { N: String(intervalMs) },
        ':now': { N: String(now) },
        ':expiresAt': expiresAt,
      },
      ReturnValues: 'UPDATED_OLD',
      ReturnConsumedCapacity: 'TOTAL',
    });
    if (!taken) return undefined;
    const slotMs = Number(taken.nextSlotMs?.N);
    if (!Number.isFinite(slotMs))
      throw new StorageError(`rate state of ${host} has no numeric nextSlotMs`, { retryable: false });
    return Math.max(0, slotMs - now);
  }

  /** Idle host (no state, or its next slot has passed): claims `now`; `undefined` if the host is busy. */
  private async claimIdle(
    key: RateKey,
    intervalMs: number,
    now: number,
    expiresAt: { N: string },
  ): Promise<number | undefined> {
    const claimed = await this.conditionalUpdate({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'SET nextSlotMs = :next, #ttl = :expiresAt',
      ConditionExpression: 'attribute_not_exists(nextSlotMs) OR nextSlotMs < :now',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':next': { N: String(now + intervalMs) },
        ':now': { N: String(now) },
        ':expiresAt': expiresAt,
      },
      ReturnValues: 'UPDATED_OLD',
      ReturnConsumedCapacity: 'TOTAL',
    });
    return claimed ? 0 : undefined;
  }

  private remember(host: string, nextSlotMs: number): void {
    if (this.lastSeenNextSlotMs.size >= MAX_REMEMBERED_HOSTS) this.lastSeenNextSlotMs.clear();
    this.lastSeenNextSlotMs.set(host.toLowerCase(), nextSlotMs);
  }

  /** Sends one conditional UpdateItem; `undefined` when its condition was false. */
  private async conditionalUpdate(input: ConstructorParameters<typeof UpdateItemCommand>[0]) {
    try {
      const output = await this.client.send(new UpdateItemCommand(input));
      this.counters.record('write', output.ConsumedCapacity);
      return output.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        this.counters.recordRejectedWrite();
        return undefined;
      }
      throw toStorageError('UpdateItem (host rate)', error);
    }
  }
}
