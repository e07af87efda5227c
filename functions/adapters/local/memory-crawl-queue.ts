import {
  delayOfMessage,
  type CrawlMessage,
  type CrawlQueue,
  type SendDelayMs,
} from '../../ports/crawl-queue';

/** Options of {@link MemoryCrawlQueue}. */
export interface MemoryCrawlQueueOptions {
  /** Clock in epoch milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
}

interface Pending {
  message: CrawlMessage;
  availableAtMs: number;
}

/**
 * In-process {@link CrawlQueue} for the local runner: messages become receivable after their
 * delay (per-host politeness, retries), like SQS `DelaySeconds` but without its 15-minute cap.
 * Nothing is persisted: an interrupted local run re-discovers its URLs through the frontier.
 *
 * @example
 * const queue = new MemoryCrawlQueue();
 * await queue.send([message], 2_000);
 * const result = await queue.drain((m) => crawl(m), { concurrency: 4 });
 */
export class MemoryCrawlQueue implements CrawlQueue {
  /** Sorted by due time, FIFO among equal times: due messages are always a prefix. */
  private pending: Pending[] = [];
  private readonly now: () => number;
  /** Resolvers of receive() calls waiting for a message to arrive. */
  private waiters = new Set<() => void>();

  constructor(options: MemoryCrawlQueueOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async send(messages: readonly CrawlMessage[], delayMs?: SendDelayMs): Promise<void> {
    const nowMs = this.now();
    for (const [i, message] of messages.entries()) {
      this.insert({
        message: { ...message },
        availableAtMs: nowMs + Math.max(0, delayOfMessage(delayMs, i)),
      });
    }
    for (const wake of [...this.waiters]) wake();
  }

  /** Messages not yet received (due or delayed). */
  get size(): number {
    return this.pending.length;
  }

  /** Milliseconds until the next message is due (0 when one is due now), or undefined when empty. */
  nextDueInMs(): number | undefined {
    if (this.pending.length === 0) return undefined;
    return Math.max(0, this.pending[0].availableAtMs - this.now());
  }

  /**
   * Removes and returns up to `maxMessages` due messages, earliest due first. When none is due and
   * `waitMs` > 0, waits (like SQS long polling) until one is due or `waitMs` has passed.
   */
  async receive(options: { maxMessages?: number; waitMs?: number } = {}): Promise<CrawlMessage[]> {
    const maxMessages = options.maxMessages ?? 10;
    const deadline = this.now() + (options.waitMs ?? 0);
    for (;;) {
      const due = this.takeDue(maxMessages);
      if (due.length > 0) return due;
      const remainingMs = deadline - this.now();
      if (remainingMs <= 0) return [];
      const untilNextMs = this.nextDueInMs();
      await this.waitForSendOr(Math.min(remainingMs, untilNextMs ?? remainingMs));
    }
  }

  /**
   * Delivers every message, including those sent while draining (retries, follow-ups), to
   * `handler` with at most `concurrency` in flight, waiting for delayed ones; resolves when the
   * queue is empty and no handler is running. A handler that throws stops the drain: no new
   * message is started, and the error is rethrown once the running handlers settle.
   *
   * @returns the number of messages handled.
   */
  async drain(
    handler: (message: CrawlMessage) => Promise<void>,
    options: { concurrency?: number; signal?: AbortSignal } = {},
  ): Promise<number> {
    const concurrency = Math.max(1, options.concurrency ?? 1);
    let inFlight = 0;
    let handled = 0;
    let failure: { error: unknown } | undefined;
    const running = new Set<Promise<void>>();
    const wakeAll = () => {
      for (const wake of [...this.waiters]) wake();
    };
    options.signal?.addEventListener('abort', wakeAll, { once: true });
    while (!failure && !options.signal?.aborted) {
      if (inFlight < concurrency) {
        const [message] = this.takeDue(1);
        if (message) {
          inFlight++;
          const task = handler(message)
            .then(() => {
              handled++;
            })
            .catch((error: unknown) => {
              failure ??= { error };
            })
            .finally(() => {
              inFlight--;
              running.delete(task);
              for (const wake of [...this.waiters]) wake();
            });
          running.add(task);
          continue;
        }
      }
      if (inFlight === 0 && this.pending.length === 0) break;
      // Wait for a handler to finish, a message to be sent, or the next delayed one to come due.
      const untilNextMs = inFlight < concurrency ? this.nextDueInMs() : undefined;
      await this.waitForSendOr(untilNextMs ?? 60_000);
    }
    await Promise.all(running);
    options.signal?.removeEventListener('abort', wakeAll);
    if (failure) throw failure.error;
    return handled;
  }

  private takeDue(maxMessages: number): CrawlMessage[] {
    const nowMs = this.now();
    let count = 0;
    while (count < maxMessages && count < this.pending.length && this.pending[count].availableAtMs <= nowMs)
      count++;
    return this.pending.splice(0, count).map((p) => p.message);
  }

  /** Binary insertion after every entry due at the same time or earlier (keeps FIFO order). */
  private insert(entry: Pending): void {
    let low = 0;
    let high = this.pending.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.pending[mid].availableAtMs <= entry.availableAtMs) low = mid + 1;
      else high = mid;
    }
    this.pending.splice(low, 0, entry);
  }

  private waitForSendOr(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, timeoutMs));
      this.waiters.add(done);
    });
  }
}
