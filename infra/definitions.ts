/**
 * The table and queues as data, read by both the CDK stack (infra/stack.ts) and the local runner
 * (local/services.ts), so the local exchange runs on exactly the layout deployed to AWS.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { GSI1, GSI2 } from '../functions/core/keys';

export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  gsi1: {
    name: GSI1,
    partitionKey: 'GSI1PK',
    sortKey: 'GSI1SK',
    /** The summary and what a profile shows next to it; never the record body (see keys.ts). */
    projected: ['id', 'version', 'kind', 'creditCode', 'date', 'summary', 'department', 'receivedAt'],
  },
  /** Open notifications per department; projects everything (notifications are small). */
  gsi2: { name: GSI2, partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

/**
 * Which stream records wake fan-out, as Lambda event filter patterns: new record versions, and
 * notifications that carry feedback or an escalation mark (delivery-status updates never do).
 * The stack and the local stream poller apply the same patterns.
 */
export const FANOUT_STREAM_FILTERS = [
  { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['record-version'] } } } },
  { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, lastFeedbackAt: { S: [{ exists: true }] } } } },
  { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, escalatedAt: { S: [{ exists: true }] } } } },
];

/**
 * Delivery attempts: the first plus four retries, then the DLQ. The visibility timeout is six
 * times the deliver function's timeout (30 s), as AWS advises for SQS event sources.
 */
export const DELIVER_TIMEOUT_SECONDS = 30;
export const QUEUES = {
  delivery: { name: 'exchange-delivery', visibilityTimeoutSeconds: 6 * DELIVER_TIMEOUT_SECONDS, maxReceiveCount: 5 },
  deliveryDlq: { name: 'exchange-delivery-dlq', retentionDays: 14 },
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1, gsi2 } = TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey, gsi2.partitionKey, gsi2.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.name,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...gsi1.projected] },
      },
      {
        IndexName: gsi2.name,
        KeySchema: [
          { AttributeName: gsi2.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi2.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}
