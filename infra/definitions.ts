/**
 * The table and queues as data, read by both the CDK stack (infra/stack.ts) and the local runner
 * (local/services.ts), so the local exchange runs on exactly the layout deployed to AWS.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DEFAULT_DELIVERY } from '../functions/core/delivery-config';
import { TABLE } from '../functions/store/table';

/**
 * Delivery attempts: the first plus four retries, then the DLQ. The visibility timeout is six
 * times the deliver function's timeout (30 s), as AWS advises for SQS event sources.
 */
export const DELIVER_TIMEOUT_SECONDS = 30;
export const QUEUES = {
  delivery: { name: 'exchange-delivery', visibilityTimeoutSeconds: 6 * DELIVER_TIMEOUT_SECONDS, maxReceiveCount: DEFAULT_DELIVERY.maxAttempts },
  deliveryDlq: { name: 'exchange-delivery-dlq', retentionDays: 14 },
  /** The stream fan-out's on-failure destination (locally it also carries the records, for replay). */
  fanoutFailures: { name: 'exchange-fanout-failures', retentionDays: 14 },
} as const;

/**
 * The stream → fan-out mapping's error handling, deployed by the stack and played by the local
 * poller: a failing batch is bisected and retried from the failed record; a record is given up
 * after 10 retries or once 6 hours old, and then goes to the on-failure queue. Well inside the
 * stream's 24 hours, so on AWS the queue's consumer still finds the records its message points at
 * and parks their keys for replay.
 */
export const FANOUT_MAPPING = { batchSize: 100, retryAttempts: 10, bisectBatchOnError: true, maxRecordAgeSeconds: 6 * 3600 } as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: i.projection === 'ALL' || i.projection === 'KEYS_ONLY' ? { ProjectionType: i.projection } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection] },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}
