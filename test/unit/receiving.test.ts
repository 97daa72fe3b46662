/**
 * Receiving is reading: delivery checks the subscribing client's read scope again (it can be
 * revoked after fan-out), and each delivered record event is logged once in the enterprise's
 * access log, however often the delivery is retried.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../functions/core/delivery';
import { fanoutBatch } from '../../functions/core/fanout';
import { ingestRecord } from '../../functions/core/ingest';
import { GENESIS } from '../../functions/core/access-log';
import type { ApiClient, DeliveryMessage, StoredNotification } from '../../functions/core/model';
import { secretContext } from '../../functions/core/webhooks';
import { ENTERPRISES, licence } from '../../local/samples';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';

const code = ENTERPRISES.restaurant.creditCode;
const market: ApiClient = { clientId: 'cmarket000001', department: 'market', name: 'market', scopes: ['records:write:licence'], keyHash: '00', createdAt: '2026-11-01T00:00:00Z' };
const health: ApiClient = { clientId: 'chealth000001', department: 'health', name: 'health', scopes: ['profiles:read', 'subscriptions:manage'], keyHash: '00', createdAt: '2026-11-01T00:00:00Z' };

let ports: MemoryPorts;
let posted: string[];
const poster = async (url: string) => {
  posted.push(url);
  return { status: 200 };
};
const message = (n: DeliveryMessage, receiveCount = 1) => ({ messageId: `m${receiveCount}`, body: JSON.stringify(n), receiptHandle: `r${receiveCount}`, receiveCount });

beforeEach(async () => {
  ports = memoryPorts();
  posted = [];
  await ports.clients.put(health);
  await ports.subscriptions.put({
    id: 'sub_h',
    department: 'health',
    name: 'licences',
    purpose: '食品经营许可后监管',
    clientId: health.clientId,
    status: 'active',
    filters: { kinds: ['licence'] },
    webhook: { url: 'https://health.example.gov.cn/hook', secretHint: 'AAAA', sealedSecret: await ports.secrets.seal('whsec_AAAA', secretContext('health', 'sub_h')) },
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  });
  const { record } = await ingestRecord(ports, market, licence(code, 'XK-r'));
  await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'record-version', value: record } }], { ackWithinHours: 72, supervisingDepartment: 'supervision' });
});

describe('delivery of a record event', () => {
  it('posts nothing once the subscribing client lost profiles:read after fan-out', async () => {
    await ports.clients.put({ ...health, scopes: ['subscriptions:manage'] });
    await deliverBatch(ports, poster, [message(ports.queue.sent[0])]);
    expect(posted).toEqual([]);
    const n = await ports.notifications.get('health', ports.queue.sent[0].notificationId);
    expect(n?.delivery).toMatchObject({ status: 'failed', lastError: 'the subscribing client no longer holds profiles:read' });
    expect(ports.accessLog.entries).toEqual([]);
  });

  it('is logged once as a push under the subscription purpose, even when delivered twice', async () => {
    // The first delivery succeeds at the receiver but crashes before it is marked delivered.
    const update = ports.notifications.updateDelivery.bind(ports.notifications);
    let crash = true;
    ports.notifications.updateDelivery = async (department: string, id: string, delivery: StoredNotification['delivery']) => {
      if (crash && delivery.status === 'delivered') {
        crash = false;
        throw new Error('crashed');
      }
      return update(department, id, delivery);
    };
    await deliverBatch(ports, poster, [message(ports.queue.sent[0], 1)]);
    await deliverBatch(ports, poster, [message(ports.queue.sent[0], 2)]);
    expect(posted).toHaveLength(2);
    expect(ports.accessLog.entries).toEqual([
      {
        creditCode: code,
        at: '2026-11-27T02:00:00.000Z',
        clientId: health.clientId,
        department: 'health',
        purpose: '食品经营许可后监管',
        resource: `notification:${ports.queue.sent[0].notificationId}`,
        channel: 'push',
        seq: 1,
        prev: GENESIS,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('names the subscription and its client in the queued message, and still goes by the stored ones', async () => {
    const sent = ports.queue.sent[0];
    expect(sent).toMatchObject({ department: 'health', subscriptionId: 'sub_h', clientId: health.clientId });
    // A hint that names another client, which may read, does not let the data out once the
    // subscription's own client lost profiles:read.
    const other: ApiClient = { ...health, clientId: 'chealth000002' };
    await ports.clients.put(other);
    await ports.clients.put({ ...health, scopes: ['subscriptions:manage'] });
    await deliverBatch(ports, poster, [message({ ...sent, clientId: other.clientId })]);
    expect(posted).toEqual([]);
    expect(ports.accessLog.entries).toEqual([]);
  });

  it('delivers a message whose hints name a subscription that is gone, and one queued without hints', async () => {
    const { department, notificationId } = ports.queue.sent[0];
    await deliverBatch(ports, poster, [message({ department, notificationId, subscriptionId: 'sub_gone', clientId: 'cgone0000001' })]);
    expect(posted).toEqual(['https://health.example.gov.cn/hook']);
    const { record } = await ingestRecord(ports, market, licence(code, 'XK-s'));
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '2', after: { type: 'record-version', value: record } }], { ackWithinHours: 72, supervisingDepartment: 'supervision' });
    const second = ports.queue.sent[1];
    await deliverBatch(ports, poster, [message({ department: second.department, notificationId: second.notificationId }, 2)]);
    expect(posted).toHaveLength(2);
    expect(ports.accessLog.entries.map((e) => e.resource)).toEqual([`notification:${notificationId}`, `notification:${second.notificationId}`]);
  });

  it('names no client for an event delivery does not check the receiving client of', async () => {
    const event = { ...JSON.parse(JSON.stringify((await ports.notifications.get('health', ports.queue.sent[0].notificationId))?.event)), id: 'evt_proposal', type: 'cn.edx.credit.proposal' };
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '3', after: { type: 'directed-event', value: { event, departments: ['health'], reason: 'credit' } } }], {
      ackWithinHours: 72,
      supervisingDepartment: 'supervision',
    });
    const sent = ports.queue.sent.at(-1);
    expect(sent).toMatchObject({ department: 'health', subscriptionId: 'sub_h' });
    expect(sent).not.toHaveProperty('clientId');
  });
});
