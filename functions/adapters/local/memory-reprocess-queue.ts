import type { ReprocessMessage, ReprocessQueue } from '../../ports/reprocess-queue';

/**
 * {@link ReprocessQueue} that keeps what was sent, in order: for tests and for driving the
 * reprocess handler in one process.
 * @example
 * const queue = new MemoryReprocessQueue();
 * await queue.send([{ kind: 'start', from: '2026-11-01', to: '2026-11-02' }]);
 * queue.sent.length; // 1
 */
export class MemoryReprocessQueue implements ReprocessQueue {
  readonly sent: ReprocessMessage[] = [];

  async send(messages: readonly ReprocessMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
}
