/**
 * The fan-out, delivery and overdue Lambda entry points, wired from their environment as on AWS,
 * called with events shaped as Lambda delivers them.
 */
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { recordKey } from '../functions/store/table';
import { ingestRecord } from '../functions/core/ingest';
import { runtimePorts } from '../functions/runtime';
import { WebhookReceiver } from '../local/receiver';
import { inspection, makeCreditCode } from '../local/samples';
import { ensureQueues } from '../local/services';
import { newTable, waitFor } from './helpers';
import type { Ports } from '../functions/core/ports';
import type { ApiClient } from '../functions/core/model';
import { newWebhookSecret, sealedWebhook } from '../functions/core/webhooks';
import { fileSecretBox } from '../functions/adapters/secret-box';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notificationId } from '../functions/core/ids';

type Handler<E, R> = (event: E) => Promise<R>;
let fanout: Handler<DynamoDBStreamEvent, { batchItemFailures: { itemIdentifier: string }[] }>;
let deliver: Handler<SQSEvent, { batchItemFailures: { itemIdentifier: string }[] }>;
let overdue: Handler<unknown, { escalated: number; tasksEscalated: number; rechecked: number }>;
let ports: Ports;
let queueUrl: string;
const receiver = new WebhookReceiver();
const client: ApiClient = { clientId: 'cLambdaTest01', department: 'market', name: 'lambda', scopes: ['records:write:inspection'], keyHash: '0'.repeat(64), createdAt: '' };

beforeAll(async () => {
  const { table, dynamodbEndpoint } = await newTable();
  const sqsEndpoint = inject('sqsEndpoint');
  queueUrl = (await ensureQueues(sqsEndpoint, `${table.slice(0, 20)}-`)).deliveryQueueUrl;
  // The local key file stands in for the KMS key the deliver function opens webhook secrets with.
  const keyFile = join(mkdtempSync(join(tmpdir(), 'edx-key-')), 'webhook-secrets.key');
  Object.assign(process.env, {
    TABLE_NAME: table,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    SQS_ENDPOINT: sqsEndpoint,
    DELIVERY_QUEUE_URL: queueUrl,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_SECRET_KEY_FILE: keyFile,
  });
  ports = runtimePorts({ table, dynamodbEndpoint, queueUrl, sqsEndpoint, secrets: fileSecretBox(keyFile) });
  await receiver.start();
  ({ handler: fanout } = (await import('../functions/fanout/handler')) as unknown as { handler: typeof fanout });
  ({ handler: deliver } = (await import('../functions/deliver/handler')) as unknown as { handler: typeof deliver });
  ({ handler: overdue } = (await import('../functions/overdue/handler')) as unknown as { handler: typeof overdue });
});
afterAll(() => receiver.stop());

describe('push Lambdas', () => {
  it('fan out a stream INSERT, deliver the queued message, and run the overdue job', async () => {
    const code = makeCreditCode('91', '330402', 'MA2LMB01');
    const secret = newWebhookSecret();
    receiver.expect('/hooks/health', secret);
    const now = new Date().toISOString();
    await ports.clients.put({ clientId: 'cLambdaHlth01', department: 'health', name: 'health', scopes: ['profiles:read', 'subscriptions:manage'], keyHash: '0'.repeat(64), createdAt: now });
    await ports.subscriptions.put({
      id: 'sub_lambda0000000001',
      department: 'health',
      name: 'lambda',
      purpose: 'test: lambda push',
      clientId: 'cLambdaHlth01',
      status: 'active',
      filters: { creditCodes: [code] },
      webhook: await sealedWebhook(ports.secrets, 'health', 'sub_lambda0000000001', receiver.url('/hooks/health'), secret),
      createdAt: now,
      updatedAt: now,
    });
    const { record } = await ingestRecord(ports, client, inspection(code, 'JC-lambda'));
    const image = marshall({ ...recordKey(record.id, 1), type: 'record-version', ...record }, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

    const streamEvent = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          eventSourceARN: 'arn:aws:dynamodb:cn-north-1:123456789012:table/t/stream/2026',
          dynamodb: { Keys: { PK: image.PK, SK: image.SK }, NewImage: image, SequenceNumber: '100', StreamViewType: 'NEW_AND_OLD_IMAGES' },
        },
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await fanout(streamEvent)).toEqual({ batchItemFailures: [] });

    const sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT });
    const received = await waitFor(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }))).Messages);
    sqs.destroy();
    const sqsEvent: SQSEvent = {
      Records: received.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '', SenderId: '', ApproximateFirstReceiveTimestamp: '' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:cn-north-1:123456789012:exchange-delivery',
        awsRegion: 'cn-north-1',
      })),
    };
    expect(await deliver(sqsEvent)).toEqual({ batchItemFailures: [] });
    expect(receiver.received.map((r) => r.event.subject)).toEqual([code]);

    // The overdue job escalates what is past its acknowledgement deadline, and only that.
    const [delivered] = await ports.notifications.open('health');
    const lateTime = new Date(Date.now() - 80 * 3600_000).toISOString();
    const late = { ...delivered, id: notificationId(lateTime, 'feedfacefeedface'), event: { ...delivered.event, time: lateTime }, ackBy: new Date(Date.now() - 3600_000).toISOString() };
    expect((await ports.notifications.put(late)).created).toBe(true);
    expect(await overdue({})).toEqual({ escalated: 1, tasksEscalated: 0, rechecked: 0, credit: { expired: 0, proposed: 0, escalated: 0, revocationsRequested: 0, reviewed: 0 } });
    expect((await ports.notifications.get('health', late.id))?.escalatedAt).toBeDefined();
    expect((await ports.notifications.get('health', delivered.id))?.escalatedAt).toBeUndefined();
  });
});
