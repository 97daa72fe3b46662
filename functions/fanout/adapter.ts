/** Adapts DynamoDB stream events (as Lambda delivers them) to the fan-out core and back. */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { fanoutBatch, type FanoutConfig, type StreamChange } from '../core/fanout';
import type { Ports } from '../core/ports';
import { entityFromItem } from '../store/stream';
import { consoleSink, createLogger, invocationFields, type Sink } from '../telemetry';

export function toChanges(event: DynamoDBStreamEvent): StreamChange[] {
  return event.Records.map((r) => ({
    eventName: r.eventName ?? 'MODIFY',
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
    after: entityFromItem(r.dynamodb?.NewImage && unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>)),
    before: entityFromItem(r.dynamodb?.OldImage && unmarshall(r.dynamodb.OldImage as Record<string, AttributeValue>)),
  }));
}

export function fanoutHandler(ports: Ports, config: FanoutConfig, sink: Sink = consoleSink) {
  return async (event: DynamoDBStreamEvent, context?: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<DynamoDBBatchResponse> => {
    const log = createLogger(invocationFields(context), sink);
    const result = await fanoutBatch(ports, toChanges(event), config);
    log.info('fan-out batch', { records: event.Records.length, notifications: result.notifications, ...(result.failed ? { failedAt: result.failed } : {}) });
    if (!result.failed) return { batchItemFailures: [] };
    log.error('fan-out failed; the batch is retried from this record', { sequenceNumber: result.failed, error: String(result.error) });
    return { batchItemFailures: [{ itemIdentifier: result.failed }] };
  };
}
