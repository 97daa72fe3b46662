/**
 * Fan-out's batched notification write, on DynamoDB Local: a batch of notifications (more than one
 * BatchWriteItem's 25 and one BatchGetItem's 100) is written once each, and those already there
 * are answered as stored (acknowledged, marked delivered) and never overwritten.
 */
import { describe, expect, it } from 'vitest';
import type { StoredNotification } from '../functions/core/model';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import { TableClient } from '../functions/store/client';
import { DynamoNotificationStore } from '../functions/store/notifications';
import { sampleNotification } from './fakes/notifications';
import { newTable } from './helpers';

const numbered = (i: number): StoredNotification => ({ ...sampleNotification(), id: `ntf_20261127020000000_${String(i).padStart(16, '0')}` });

describe('writing a batch of notifications', () => {
  it('writes each absent one once and answers those already stored as they are', async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const ports = runtimePorts({ table, dynamodbEndpoint });
    // Stored before: one acknowledged, one marked delivered.
    await ports.notifications.putMany([numbered(3), numbered(7)]);
    const acknowledged = await ports.notifications.acknowledge('health', numbered(3).id, '2026-11-27T05:00:00.000Z', 'client_1');
    const delivered = { mode: 'webhook', status: 'delivered', subscriptionId: 'sub_x', attempts: 1, lastAttemptAt: '2026-11-27T02:00:01.000Z', deliveredAt: '2026-11-27T02:00:01.500Z' } as const;
    await ports.notifications.updateDelivery('health', numbered(7).id, delivered);

    // 130 notifications, one of them given twice.
    const batch = [...Array.from({ length: 130 }, (_, i) => numbered(i)), numbered(42)];
    const results = await ports.notifications.putMany(batch.map((n) => ({ ...n, createdAt: '2026-11-27T06:00:00.000Z' })));
    expect(results).toHaveLength(131);
    expect(results.filter((r) => r.created)).toHaveLength(128);
    expect(results[3]).toMatchObject({ created: false, existing: { acknowledgedAt: '2026-11-27T05:00:00.000Z', createdAt: acknowledged?.createdAt } });
    expect(results[7]).toMatchObject({ created: false, existing: { delivery: delivered } });
    expect(results[130]).toMatchObject({ created: false, existing: { id: numbered(42).id } });

    const stored = await ports.notifications.getMany(batch.map((n) => ({ department: 'health', id: n.id })));
    expect(stored).toHaveLength(130);
    expect(stored.find((n) => n.id === numbered(3).id)).toMatchObject({ acknowledgedAt: '2026-11-27T05:00:00.000Z', createdAt: acknowledged?.createdAt });
    expect(stored.find((n) => n.id === numbered(7).id)?.delivery).toEqual(delivered);
    expect(stored.find((n) => n.id === numbered(100).id)).toMatchObject({ createdAt: '2026-11-27T06:00:00.000Z', delivery: { status: 'queued' } });
    // The open index holds every one not acknowledged.
    const open = await ports.notifications.list('health', { open: true, limit: 200 });
    expect(open.items).toHaveLength(129);
  });

  it('answers which were not written when a batch write fails, having written the rest, and the next call writes those', async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const db = documentClient(dynamodbEndpoint);
    let writes = 0;
    // The second BatchWriteItem of the call fails (throttled past the SDK's retries).
    const failing = {
      send: (command: Parameters<typeof db.send>[0]) => {
        if (command instanceof BatchWriteCommand && ++writes === 2) return Promise.reject(new Error('throttled'));
        return db.send(command);
      },
    } as unknown as typeof db;
    const store = new DynamoNotificationStore(new TableClient(failing, table));
    const batch = Array.from({ length: 60 }, (_, i) => numbered(i));
    const first = await store.putMany(batch);
    const failed = first.filter((r) => 'failed' in r);
    expect(failed).toHaveLength(25);
    expect(failed[0]).toMatchObject({ failed: new Error('throttled') });
    expect(first.filter((r) => r.created)).toHaveLength(35);
    const second = await store.putMany(batch);
    // Exactly those the first call could not write are written now.
    expect(second.map((r) => r.created)).toEqual(first.map((r) => 'failed' in r));
    expect(await store.getMany(batch.map((n) => ({ department: 'health', id: n.id })))).toHaveLength(60);
  });
});
