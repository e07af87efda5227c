import { describe, expect, it } from 'vitest';
import { MemoryCrawlQueue } from '../../../functions/adapters/local/memory-crawl-queue';
import type { CrawlMessage } from '../../../functions/ports/crawl-queue';

const message = (n: number, attempt = 1): CrawlMessage => ({
  url: `https://news.example/${n}`,
  urlKey: `https://news.example/${n}`,
  sourceId: 'news',
  attempt,
});

/** A clock the test moves by hand. */
function manualClock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('MemoryCrawlQueue', () => {
  it('delivers due messages in send order, at most maxMessages at a time', async () => {
    const queue = new MemoryCrawlQueue();
    await queue.send([message(1), message(2), message(3)]);
    expect(await queue.receive({ maxMessages: 2 })).toEqual([message(1), message(2)]);
    expect(await queue.receive()).toEqual([message(3)]);
    expect(await queue.receive()).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('holds delayed messages until they are due', async () => {
    const clock = manualClock();
    const queue = new MemoryCrawlQueue({ now: clock.now });
    await queue.send([message(1)], 5_000);
    await queue.send([message(2)]);
    expect(queue.nextDueInMs()).toBe(0);
    expect(await queue.receive()).toEqual([message(2)]);
    expect(await queue.receive()).toEqual([]);
    expect(queue.nextDueInMs()).toBe(5_000);
    clock.advance(4_999);
    expect(await queue.receive()).toEqual([]);
    clock.advance(1);
    expect(await queue.receive()).toEqual([message(1)]);
    expect(queue.nextDueInMs()).toBeUndefined();
  });

  it('delivers by due time, first sent first among equal due times', async () => {
    const clock = manualClock();
    const queue = new MemoryCrawlQueue({ now: clock.now });
    await queue.send([message(1)], 50);
    await queue.send([message(2)]);
    await queue.send([message(3)], 50);
    await queue.send([message(4)], 10);
    clock.advance(100);
    expect((await queue.receive({ maxMessages: 10 })).map((m) => m.url)).toEqual(
      [2, 4, 1, 3].map((n) => `https://news.example/${n}`),
    );
  });

  it('does not let a sender change a queued message afterwards', async () => {
    const queue = new MemoryCrawlQueue();
    const m = message(1);
    await queue.send([m]);
    m.attempt = 99;
    expect((await queue.receive())[0].attempt).toBe(1);
  });

  it('long-polls: receive waits for a message sent later or coming due', async () => {
    const queue = new MemoryCrawlQueue();
    const started = Date.now();
    const waiting = queue.receive({ waitMs: 2_000 });
    setTimeout(() => void queue.send([message(7)]), 30);
    expect(await waiting).toEqual([message(7)]);
    await queue.send([message(8)], 60);
    expect(await queue.receive({ waitMs: 2_000 })).toEqual([message(8)]);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await queue.receive({ waitMs: 20 })).toEqual([]);
  });

  it('drains every message, including retries sent by handlers, within the concurrency limit', async () => {
    const queue = new MemoryCrawlQueue();
    await queue.send([1, 2, 3, 4, 5, 6].map((n) => message(n)));
    const handled: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const count = await queue.drain(
      async (m) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(`${m.url}#${m.attempt}`);
        // Odd URLs fail once and are retried after a short delay.
        if (m.attempt === 1 && Number(m.url.split('/').pop()) % 2 === 1)
          await queue.send([{ ...m, attempt: 2 }], 30);
        inFlight--;
      },
      { concurrency: 2 },
    );
    expect(count).toBe(9);
    expect(maxInFlight).toBe(2);
    expect(handled.filter((h) => h.endsWith('#2')).sort()).toEqual([
      'https://news.example/1#2',
      'https://news.example/3#2',
      'https://news.example/5#2',
    ]);
    expect(queue.size).toBe(0);
  });

  it('stops draining at the first handler error and rethrows it', async () => {
    const queue = new MemoryCrawlQueue();
    await queue.send([1, 2, 3, 4].map((n) => message(n)));
    const seen: number[] = [];
    await expect(
      queue.drain(async (m) => {
        const n = Number(m.url.split('/').pop());
        seen.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
    expect(queue.size).toBe(2);
  });

  it('stops draining when aborted', async () => {
    const queue = new MemoryCrawlQueue();
    await queue.send([1, 2, 3].map((n) => message(n)));
    const controller = new AbortController();
    const count = await queue.drain(
      async () => {
        controller.abort();
      },
      { signal: controller.signal },
    );
    expect(count).toBe(1);
    expect(queue.size).toBe(2);
  });
});
