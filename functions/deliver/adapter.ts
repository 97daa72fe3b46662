/** Adapts SQS events (as Lambda delivers them) to the delivery core, reporting partial batch failures. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DEAD_LETTER_METRIC, deadLetterBatch, deliverBatch, type DeliveryConfig, type QueueMessage } from '../core/delivery';
import type { Ports, WebhookPoster } from '../core/ports';

export const toMessages = (event: SQSEvent): QueueMessage[] =>
  event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiptHandle: r.receiptHandle, receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1 }));

export function deliverHandler(ports: Ports, post: WebhookPoster, config: DeliveryConfig) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = await deliverBatch(ports, post, toMessages(event), config);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/**
 * The DLQ's consumer. Each message it sees is a delivery that gave up: one line in CloudWatch's
 * embedded metric format counts them (`DeliveriesDeadLettered`, which the DLQ alarm watches), and a
 * batch that returns removes them from the DLQ. A failure throws, so the messages stay and come back.
 */
export function deadLetterHandler(ports: Ports, log: (line: string) => void = console.log) {
  return async (event: SQSEvent): Promise<void> => {
    const outcome = await deadLetterBatch(ports, toMessages(event));
    log(
      JSON.stringify({
        _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: DEAD_LETTER_METRIC.namespace, Dimensions: [[]], Metrics: [{ Name: DEAD_LETTER_METRIC.name, Unit: 'Count' }] }] },
        [DEAD_LETTER_METRIC.name]: outcome.deadLettered,
        level: 'warn',
        message: 'deliveries dead-lettered',
        ...outcome,
      }),
    );
  };
}
