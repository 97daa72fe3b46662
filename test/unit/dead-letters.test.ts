/**
 * The DLQ's consumer against in-memory ports: a dead-lettered delivery always ends `failed` in the
 * table (where redrive finds it), also when the deliverer died before recording its last attempt;
 * a message older than the latest redrive of its notification changes nothing; each batch is
 * counted in the metric the DLQ alarm watches.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_METRIC } from '../../functions/core/delivery';
import type { StoredNotification } from '../../functions/core/model';
import { deadLetterHandler } from '../../functions/deliver/adapter';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';
import { SAMPLE_NOTIFICATION_ID, sampleNotification } from '../fakes/notifications';
import type { SQSEvent } from 'aws-lambda';

const ID = SAMPLE_NOTIFICATION_ID;
const notification = (delivery: Partial<StoredNotification['delivery']>) => sampleNotification({ attempts: 2, ...delivery });
const sqsEvent = (bodies: unknown[], receiveCount = 6): SQSEvent => ({
  Records: bodies.map((b, i) => ({
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body: typeof b === 'string' ? b : JSON.stringify(b),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '', SenderId: '', ApproximateFirstReceiveTimestamp: '' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:cn-north-1:123456789012:exchange-delivery-dlq',
    awsRegion: 'cn-north-1',
  })),
});

let ports: MemoryPorts;
let lines: Record<string, unknown>[];
let handle: (e: SQSEvent) => Promise<void>;
beforeEach(() => {
  ports = memoryPorts();
  lines = [];
  handle = deadLetterHandler(ports, (l) => lines.push(l));
});

describe('the dead-letter consumer', () => {
  it('marks failed a delivery the deliverer never recorded as given up, so redrive finds it', async () => {
    await ports.notifications.put(notification({ status: 'queued', attempts: 2 }));
    await handle(sqsEvent([{ department: 'health', notificationId: ID, queuedAt: '2026-11-27T02:00:00.000Z' }]));
    const n = await ports.notifications.get('health', ID);
    expect(n?.delivery).toMatchObject({ status: 'failed', attempts: 5, lastError: 'dead-lettered without a recorded attempt' });
  });

  it('leaves a delivery alone that a redrive queued after the message was sent', async () => {
    await ports.notifications.put(notification({ status: 'queued', attempts: 0, requeuedAt: '2026-11-27T03:00:00.000Z' }));
    await handle(sqsEvent([{ department: 'health', notificationId: ID, queuedAt: '2026-11-27T02:00:00.000Z' }]));
    expect((await ports.notifications.get('health', ID))?.delivery).toMatchObject({ status: 'queued', attempts: 0 });
    expect(lines[0]).toMatchObject({ stale: 1, markedFailed: 0 });
  });

  it('never undoes a delivery, and counts every message, also ones it cannot read, in the alarm metric', async () => {
    await ports.notifications.put(notification({ status: 'delivered', attempts: 3 }));
    await handle(sqsEvent([{ department: 'health', notificationId: ID }, 'not json', { department: 'health', notificationId: '../x' }]));
    expect((await ports.notifications.get('health', ID))?.delivery.status).toBe('delivered');
    expect(lines).toHaveLength(1);
    expect(lines[0][DEAD_LETTER_METRIC.name]).toBe(3);
    expect(lines[0]._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: DEAD_LETTER_METRIC.namespace, Metrics: [{ Name: DEAD_LETTER_METRIC.name, Unit: 'Count' }] }] });
  });

  it('throws when the table cannot be read, so the messages stay in the DLQ', async () => {
    ports.notifications.get = async () => Promise.reject(new Error('table unavailable'));
    await expect(handle(sqsEvent([{ department: 'health', notificationId: ID }]))).rejects.toThrow('table unavailable');
    expect(lines).toEqual([]);
  });
});
