/** The DeliveryQueue port on SQS: batched sends, visibility changes for retry delays. */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage } from '../core/model';
import type { DeliveryQueue } from '../core/ports';

export function sqsClient(endpoint?: string): SQSClient {
  return new SQSClient({ ...(endpoint ? { endpoint } : {}), maxAttempts: 4 });
}

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Ten messages a request (SendMessageBatch's limit), the requests at once; throws if any message was refused. */
  async send(messages: DeliveryMessage[]) {
    const chunks = Array.from({ length: Math.ceil(messages.length / 10) }, (_, i) => messages.slice(i * 10, i * 10 + 10));
    const refused = await Promise.all(
      chunks.map(async (chunk) => {
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })) }));
        return out.Failed ?? [];
      }),
    );
    const failed = refused.flat();
    if (failed.length) throw new Error(`SQS refused ${failed.length} of ${messages.length} messages: ${failed.map((f) => f.Message).join('; ')}`);
  }

  async retryLater(receiptHandle: string, seconds: number) {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.round(seconds) }));
  }
}
