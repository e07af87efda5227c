import type { ReprocessMessage } from '../core/reprocess-message';

export type { ReprocessMessage } from '../core/reprocess-message';

/**
 * Where reprocess work goes: on AWS the reprocess Lambda's own SQS queue (a `start` message fans
 * out into `slice` messages, a slice out of time sends its continuation).
 */
export interface ReprocessQueue {
  /** Enqueues messages (at most 10 per call, as SQS batches them); rejects when any is refused. */
  send(messages: readonly ReprocessMessage[]): Promise<void>;
}
