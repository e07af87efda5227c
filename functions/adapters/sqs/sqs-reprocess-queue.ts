import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StorageError } from '../../errors';
import type { ReprocessMessage, ReprocessQueue } from '../../ports/reprocess-queue';

/**
 * {@link ReprocessQueue} on SQS: one SendMessageBatch per call, failing when SQS rejects any entry
 * (SQS then redelivers the slice that sent it).
 * @example
 * await new SqsReprocessQueue(new SQSClient({}), queueUrl).send([{ kind: 'slice', runId, day }]);
 */
export class SqsReprocessQueue implements ReprocessQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly ReprocessMessage[]): Promise<void> {
    const response = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (response.Failed && response.Failed.length > 0) {
      const reasons = response.Failed.map((f) => f.Message ?? f.Code).join('; ');
      throw new StorageError(`SQS refused ${response.Failed.length} reprocess message(s): ${reasons}`);
    }
  }
}
