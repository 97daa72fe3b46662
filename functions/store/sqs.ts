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

  async send(messages: DeliveryMessage[]) {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS refused ${out.Failed.length} of ${chunk.length} messages: ${out.Failed.map((f) => f.Message).join('; ')}`);
    }
  }

  async retryLater(receiptHandle: string, seconds: number) {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.round(seconds) }));
  }
}
