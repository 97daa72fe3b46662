/**
 * Adapts DynamoDB stream events (as Lambda delivers them) to the fan-out core and back, and the
 * on-failure destination's messages to the parked changes an operator replays.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { fanoutBatch, SubscriptionSet, type FanoutConfig, type StreamChange } from '../core/fanout';
import { PARKED_METRIC, parkChanges } from '../core/fanout-replay';
import type { ChangeKey, Ports } from '../core/ports';
import { entityFromItem } from '../store/stream';
import { consoleSink, createLogger, emfLine, invocationFields, type Sink } from '../telemetry';
import type { StreamBatchPointer } from '../store/stream-range';

export function toChanges(event: DynamoDBStreamEvent): StreamChange[] {
  return event.Records.map((r) => ({
    eventName: r.eventName ?? 'MODIFY',
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
    after: entityFromItem(r.dynamodb?.NewImage && unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>)),
    before: entityFromItem(r.dynamodb?.OldImage && unmarshall(r.dynamodb.OldImage as Record<string, AttributeValue>)),
  }));
}

export function fanoutHandler(ports: Ports, config: FanoutConfig, sink: Sink = consoleSink) {
  // Lives as long as the container: batches share it (see SubscriptionSet for the staleness bound).
  const subscriptions = new SubscriptionSet(ports, config.subscriptionCheckMs);
  return async (event: DynamoDBStreamEvent, context?: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<DynamoDBBatchResponse> => {
    const log = createLogger(invocationFields(context), sink);
    const result = await fanoutBatch(ports, toChanges(event), config, subscriptions);
    log.info('fan-out batch', { records: event.Records.length, notifications: result.notifications, ...(result.failed ? { failedAt: result.failed } : {}) });
    if (!result.failed) return { batchItemFailures: [] };
    log.error('fan-out failed; the batch is retried from this record', { sequenceNumber: result.failed, error: String(result.error) });
    return { batchItemFailures: [{ itemIdentifier: result.failed }] };
  };
}

/** The key of the item a stream record is about (what `parkChanges` and `replayChange` take). */
export function changeKeyOf(record: DynamoDBRecord): ChangeKey | undefined {
  const keys = record.dynamodb?.Keys && unmarshall(record.dynamodb.Keys as Record<string, AttributeValue>);
  return keys && typeof keys.PK === 'string' && typeof keys.SK === 'string' ? { pk: keys.PK, sk: keys.SK } : undefined;
}

/** What Lambda sends the on-failure destination of a stream event source. */
interface OnFailureRecord {
  requestContext?: { condition?: string };
  DDBStreamBatchInfo?: StreamBatchPointer;
}

/**
 * The consumer of fan-out's on-failure queue. Each message points at a range of the stream fan-out
 * gave up on (retries spent, or the records grew too old); the consumer reads that range while the
 * stream still holds it and parks the key of every change in it, so the changes can be replayed
 * from the table whenever the cause is fixed (`npm run replay-fanout`). A message it cannot resolve
 * stays on the queue and comes back (its alarm stays raised).
 */
export function fanoutFailureHandler(ports: Ports, readRange: (p: StreamBatchPointer) => Promise<ChangeKey[]>, sink: Sink = consoleSink) {
  return async (event: SQSEvent, context?: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<SQSBatchResponse> => {
    const log = createLogger(invocationFields(context), sink);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const m of event.Records) {
      try {
        const failure = JSON.parse(m.body) as OnFailureRecord;
        const pointer = failure.DDBStreamBatchInfo;
        if (!pointer) throw new Error('not a stream on-failure record (no DDBStreamBatchInfo)');
        const reason = `${failure.requestContext?.condition ?? 'failed'} ${pointer.shardId} ${pointer.startSequenceNumber}..${pointer.endSequenceNumber}`;
        const keys = await readRange(pointer);
        await parkChanges(
          ports,
          keys.map((key) => ({ key, reason })),
        );
        sink(
          emfLine([{ name: PARKED_METRIC.name, unit: 'Count', value: keys.length }], {}, [[]], {
            level: 'warn',
            message: 'fan-out gave up on stream records; parked for replay (npm run replay-fanout)',
            ...invocationFields(context),
            reason,
          }),
        );
      } catch (error) {
        log.error('could not park a failed fan-out batch', { messageId: m.messageId, error: String(error) });
        batchItemFailures.push({ itemIdentifier: m.messageId });
      }
    }
    return { batchItemFailures };
  };
}
