/** Adapts SQS events (as Lambda delivers them) to the delivery core, reporting partial batch failures. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverBatch, type DeliveryConfig, type QueueMessage } from '../core/delivery';
import type { Ports, WebhookPoster } from '../core/ports';

export const toMessages = (event: SQSEvent): QueueMessage[] =>
  event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiptHandle: r.receiptHandle, receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1 }));

export function deliverHandler(ports: Ports, post: WebhookPoster, config: DeliveryConfig) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = await deliverBatch(ports, post, toMessages(event), config);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
