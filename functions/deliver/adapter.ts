/** Adapts SQS events (as Lambda delivers them) to the delivery core, reporting partial batch failures, and writes the operators' signals. */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DeliveryConfig } from '../core/delivery-config';
import { DEAD_LETTER_METRIC, deadLetterBatch, deliverBatch, OpenedSecrets, type DeliveryReport, type QueueMessage } from '../core/delivery';
import type { Ports, WebhookPoster } from '../core/ports';
import { consoleSink, createLogger, emfLine, invocationFields, METRICS, type Sink } from '../telemetry';

export const toMessages = (event: SQSEvent): QueueMessage[] =>
  event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiptHandle: r.receiptHandle, receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1 }));

/**
 * One log line per delivery attempt with its correlation ids (notification, CloudEvent,
 * department), and per batch the EMF lines: `Deliveries` by `Outcome` (delivered, retried,
 * failed) and in total, and `DeliveryLatency` of each delivered one (event time to the receiver's 2xx).
 */
export function deliverHandler(ports: Ports, post: WebhookPoster, config: DeliveryConfig, sink: Sink = consoleSink) {
  // Lives as long as the container: batches share the secrets it opened (see OpenedSecrets for the bounds).
  const secrets = new OpenedSecrets(ports.secrets, ports.clock);
  return async (event: SQSEvent, context?: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<SQSBatchResponse> => {
    const invocation = invocationFields(context);
    const log = createLogger(invocation, sink);
    const reports: DeliveryReport[] = [];
    const failed = await deliverBatch(ports, post, toMessages(event), config, (r) => reports.push(r), secrets);
    for (const r of reports) (r.outcome === 'delivered' ? log.info : log.warn)(`delivery ${r.outcome}`, { ...r });
    const outcomes = new Map<string, number>();
    for (const r of reports) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    for (const [outcome, n] of outcomes) sink(emfLine([{ name: METRICS.deliveries, unit: 'Count', value: n }], { Outcome: outcome }, [['Outcome'], []], { message: 'deliveries', ...invocation }));
    const latencies = reports.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
    if (latencies.length) sink(emfLine([{ name: METRICS.deliveryLatency, unit: 'Milliseconds', value: latencies.slice(0, 100) }], {}, [[]], { message: 'delivery latency', ...invocation }));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/**
 * The DLQ's consumer. Each message it sees is a delivery that gave up: one EMF line counts them
 * (`DeliveriesDeadLettered`, which the DLQ alarm watches), and a batch that returns removes them
 * from the DLQ. A failure throws, so the messages stay and come back.
 */
export function deadLetterHandler(ports: Ports, sink: Sink = consoleSink) {
  return async (event: SQSEvent, context?: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<void> => {
    const outcome = await deadLetterBatch(ports, toMessages(event));
    sink(
      emfLine([{ name: DEAD_LETTER_METRIC.name, unit: 'Count', value: outcome.deadLettered }], {}, [[]], {
        level: 'warn',
        message: 'deliveries dead-lettered',
        ...invocationFields(context),
        ...outcome,
      }),
    );
  };
}
