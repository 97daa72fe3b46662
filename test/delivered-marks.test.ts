/**
 * Delivered marks, on DynamoDB Local: a webhook delivery's success is kept in a small item beside
 * the notification (so marking it rewrites neither the notification nor its open-index copy), and
 * every read of the notification shows it; a later failure report does not undo it, a replayed
 * fan-out queues nothing more, and notifications marked delivered in themselves (written before
 * the marks) still read as delivered and are not delivered again.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliverBatch } from '../functions/core/delivery';
import type { WebhookPoster } from '../functions/core/ports';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import { notificationKey } from '../functions/store/table';
import { SAMPLE_NOTIFICATION_ID as ID, sampleNotification } from './fakes/notifications';
import { newTable } from './helpers';

async function setup() {
  const { table, dynamodbEndpoint } = await newTable();
  const ports = runtimePorts({ table, dynamodbEndpoint });
  const posted: string[] = [];
  const post: WebhookPoster = async (url) => (posted.push(url), { status: 204 });
  const message = { messageId: 'm1', receiptHandle: 'r1', body: JSON.stringify({ department: 'health', notificationId: ID }), receiveCount: 1 };
  const everyRead = async () => [
    await ports.notifications.get('health', ID),
    ...(await ports.notifications.getMany([{ department: 'health', id: ID }])),
    ...(await ports.notifications.list('health', { open: false, limit: 10 })).items,
    ...(await ports.notifications.list('health', { open: true, limit: 10 })).items,
  ];
  return { ports, posted, post, message, everyRead, table, db: documentClient(dynamodbEndpoint) };
}

describe('delivered marks', () => {
  it('show a success on every read of the notification, which itself is not rewritten, and no later report undoes it', async () => {
    const { ports, posted, post, message, everyRead, table, db } = await setup();
    await ports.notifications.put(sampleNotification());
    const delivered = { mode: 'webhook', status: 'delivered', subscriptionId: 'sub_x', attempts: 1, lastAttemptAt: '2026-11-27T02:00:01.000Z', deliveredAt: '2026-11-27T02:00:01.500Z' } as const;
    await ports.notifications.updateDelivery('health', ID, delivered);

    const raw = await db.send(new GetCommand({ TableName: table, Key: notificationKey('health', ID), ConsistentRead: true }));
    expect(raw.Item?.delivery.status).toBe('queued');
    const reads = await everyRead();
    expect(reads).toHaveLength(4);
    for (const n of reads) expect(n?.delivery).toEqual(delivered);

    // A late report of a failed attempt, and a second success, change nothing.
    await ports.notifications.updateDelivery('health', ID, { ...delivered, status: 'failed', deliveredAt: undefined, lastError: 'HTTP 500' });
    await ports.notifications.updateDelivery('health', ID, { ...delivered, attempts: 2, deliveredAt: '2026-11-27T03:00:00.000Z' });
    for (const n of await everyRead()) expect(n?.delivery).toEqual(delivered);

    const replayed = await ports.notifications.put(sampleNotification());
    expect(replayed).toMatchObject({ created: false, existing: { delivery: delivered } });
    expect(await deliverBatch(ports, post, [message])).toEqual([]);
    expect(posted).toEqual([]);
    const acknowledged = await ports.notifications.acknowledge('health', ID, '2026-11-27T04:00:00.000Z', 'client_1');
    expect(acknowledged).toMatchObject({ acknowledgedAt: '2026-11-27T04:00:00.000Z', delivery: delivered });
  });

  it('leave notifications marked delivered in themselves as they were: read as delivered, never delivered again', async () => {
    const { ports, posted, post, message, everyRead } = await setup();
    await ports.notifications.put(sampleNotification({ status: 'delivered', attempts: 2, deliveredAt: '2026-11-27T02:00:05.000Z' }));
    for (const n of await everyRead()) expect(n?.delivery).toMatchObject({ status: 'delivered', attempts: 2, deliveredAt: '2026-11-27T02:00:05.000Z' });
    await ports.notifications.updateDelivery('health', ID, { mode: 'webhook', status: 'failed', subscriptionId: 'sub_x', attempts: 3, lastError: 'HTTP 500' });
    expect((await ports.notifications.get('health', ID))?.delivery.status).toBe('delivered');
    expect(await deliverBatch(ports, post, [message])).toEqual([]);
    expect(posted).toEqual([]);
  });
});
