/**
 * Fan-out against in-memory ports: one notification per receiving department, and replays of a
 * change (the stream retries a batch after a crash or a failed queue send) lose nothing and write
 * nothing twice.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fanoutBatch, type FanoutConfig, type StreamChange } from '../../functions/core/fanout';
import { ingestRecord } from '../../functions/core/ingest';
import { quarterOf } from '../../functions/core/counters';
import type { ApiClient, StoredSubscription, StoredVersion } from '../../functions/core/model';
import { ENTERPRISES, licence, registration } from '../../local/samples';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';

const config: FanoutConfig = { ackWithinHours: 72, supervisingDepartment: 'supervision' };
const market: ApiClient = { clientId: 'cmarket000001', department: 'market', name: 'market', scopes: ['records:write:licence'], keyHash: '00', createdAt: '2026-11-01T00:00:00Z' };
const code = ENTERPRISES.restaurant.creditCode;

/** Each department's client that subscribes: it reads profiles, so it may receive. */
const reader = (department: string): ApiClient => ({
  clientId: `c${department.padEnd(12, '0').slice(0, 12)}`,
  department,
  name: department,
  scopes: ['profiles:read', 'subscriptions:manage'],
  keyHash: '00',
  createdAt: '2026-11-01T00:00:00Z',
});

function subscription(department: string, id: string, webhook: boolean, filters: StoredSubscription['filters'] = { kinds: ['licence'] }): StoredSubscription {
  return {
    id,
    department,
    name: `${department} licences`,
    purpose: `${department}: supervision of licensed businesses`,
    clientId: reader(department).clientId,
    status: 'active',
    filters,
    ...(webhook ? { webhook: { url: `https://${department}.example.gov.cn/hook`, secretHint: 'AAAA', sealedSecret: 'aes.sealed' } } : {}),
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  };
}

const inserted = (version: StoredVersion, sequenceNumber: string): StreamChange => ({ eventName: 'INSERT', sequenceNumber, after: { type: 'record-version', value: version } });

let ports: MemoryPorts;
let change: StreamChange;
beforeEach(async () => {
  ports = memoryPorts();
  for (const d of ['health', 'culture', 'transport', 'market']) await ports.clients.put(reader(d));
  await ports.subscriptions.put(subscription('health', 'sub_h', true));
  await ports.subscriptions.put(subscription('culture', 'sub_c', false));
  await ports.subscriptions.put(subscription('transport', 'sub_t', true, { kinds: ['penalty'] }));
  await ports.subscriptions.put(subscription('market', 'sub_m', true)); // the poster is never told of its own record
  // Registered, so the licence raises no problem item for its poster.
  await ingestRecord(ports, { ...market, scopes: ['records:write:registration'] }, registration(code, 'DJ-1'));
  const { record } = await ingestRecord(ports, market, licence(code, 'XK-1'));
  change = inserted(record, '100');
});

describe('fan-out of a new record', () => {
  it('writes one notification per matching department and queues only webhook deliveries', async () => {
    expect(await fanoutBatch(ports, [change], config)).toEqual({ notifications: 2 });
    expect([...ports.notifications.notifications.values()].map((n) => [n.department, n.delivery.mode]).sort()).toEqual([
      ['culture', 'pull'],
      ['health', 'webhook'],
    ]);
    expect(ports.queue.sent.map((m) => m.department)).toEqual(['health']);
  });

  it('writes nothing twice when the change is replayed, and queues a delivery still waiting again', async () => {
    await fanoutBatch(ports, [change], config);
    const before = structuredClone([...ports.notifications.notifications.values()]);
    expect(await fanoutBatch(ports, [change], config)).toEqual({ notifications: 0 });
    expect([...ports.notifications.notifications.values()]).toEqual(before);
    expect(ports.queue.sent).toEqual([ports.queue.sent[0], ports.queue.sent[0]]);
  });

  it('does not queue again once the delivery succeeded or the department acknowledged', async () => {
    await fanoutBatch(ports, [change], config);
    const [sent] = ports.queue.sent;
    const n = await ports.notifications.get(sent.department, sent.notificationId);
    if (!n) throw new Error('the health notification was not written');
    await ports.notifications.updateDelivery(n.department, n.id, { ...n.delivery, status: 'delivered' });
    await fanoutBatch(ports, [change], config);
    expect(ports.queue.sent).toHaveLength(1);
  });

  it('reports the failing change when the queue is down, and the retry delivers what was written', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-2'));
    ports.queue.failNext = true;
    // The batch's deliveries are queued together after its changes: the first change with one is reported.
    const failed = await fanoutBatch(ports, [change, inserted(second, '200')], config);
    expect(failed).toMatchObject({ failed: '100', notifications: 4 });
    expect(ports.notifications.notifications.size).toBe(4); // written before the send failed
    expect(ports.queue.sent).toEqual([]);

    // The event source retries from the failed change on: nothing is written twice, every waiting delivery is queued.
    expect(await fanoutBatch(ports, [change, inserted(second, '200')], config)).toEqual({ notifications: 0 });
    expect(ports.queue.sent.map((m) => m.department)).toEqual(['health', 'health']);
    expect(new Set(ports.queue.sent.map((m) => m.notificationId)).size).toBe(2);
  });

  it('writes no notification for a subscription whose client lost profiles:read, or a legacy one whose department has no reader', async () => {
    await ports.clients.put({ ...reader('health'), scopes: ['subscriptions:manage'] });
    const { clientId: _c, purpose: _p, ...legacy } = subscription('culture', 'sub_c', false);
    await ports.subscriptions.put(legacy);
    await ports.clients.revoke(reader('culture').clientId, '2026-11-02T00:00:00Z');
    expect(await fanoutBatch(ports, [change], config)).toEqual({ notifications: 0 });
    expect(ports.queue.sent).toEqual([]);
  });

  it('writes the purposes of the matching subscriptions on the notification', async () => {
    await fanoutBatch(ports, [change], config);
    const health = [...ports.notifications.notifications.values()].find((n) => n.department === 'health');
    expect(health?.purpose).toBe('health: supervision of licensed businesses');
  });
});

describe('counting records as fan-out handles them', () => {
  const quarter = (v: StoredVersion) => quarterOf(v.receivedAt);
  const counts = (department: string, q: string) => ports.statistics.read([department], q).then((m) => m.get(department));

  it('counts a batch with one ADD per department, quarter and measure, and one per enterprise and kind', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-2'));
    const { record: corrected } = await ingestRecord(ports, market, { ...licence(code, 'XK-2', { content: '预包装食品（含冷藏冷冻食品）销售' }), corrects: 1 });
    const { record: registered } = await ingestRecord(ports, { ...market, scopes: ['records:write:registration'] }, registration(code, 'DJ-1'));
    ports.statistics.adds.length = 0;
    const directoryAdds: unknown[][] = [];
    const countRecord = ports.directory.countRecord.bind(ports.directory);
    ports.directory.countRecord = (...args) => {
      directoryAdds.push(args);
      return countRecord(...args);
    };
    expect(await fanoutBatch(ports, [inserted(registered, '90'), change, inserted(second, '200'), inserted(corrected, '300')], config)).toMatchObject({ notifications: expect.any(Number) });
    expect(directoryAdds).toEqual([
      [code, 'registration', 1],
      [code, 'licence', 2],
    ]);
    expect(ports.statistics.adds.filter((a) => a.measure === 'provided' || a.measure === 'corrected')).toEqual([
      { department: 'market', quarter: quarter(second), measure: 'provided', by: 3 },
      { department: 'market', quarter: quarter(corrected), measure: 'corrected', by: 1 },
    ]);
    expect(await counts('market', quarter(corrected))).toMatchObject({ provided: 3, corrected: 1 });
    expect((await ports.directory.get(code))?.counts).toEqual({ registration: 1, licence: 2 });
  });

  it('counts nothing again when the batch is delivered again', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-1'));
    await fanoutBatch(ports, [change], config);
    ports.statistics.adds.length = 0;
    await fanoutBatch(ports, [change], config);
    expect(ports.statistics.adds.filter((a) => a.measure === 'provided')).toEqual([]);
    expect(await counts('market', quarter(second))).toMatchObject({ provided: 1 });
    expect((await ports.directory.get(code))?.counts).toEqual({ licence: 1 });
  });

  it('counts each record once when a batch fails part way and is retried from the failed change', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-2'));
    const put = ports.notifications.put.bind(ports.notifications);
    let failing = true;
    // The second change fails while writing its notifications: the first is handled and counted.
    ports.notifications.put = async (n) => {
      if (failing && JSON.stringify(n.event).includes(second.id)) throw new Error('throttled');
      return put(n);
    };
    expect(await fanoutBatch(ports, [change, inserted(second, '200')], config)).toMatchObject({ failed: '200' });
    expect(await counts('market', quarter(second))).toMatchObject({ provided: 1 });
    failing = false;
    // The event source retries from the failed change; a whole-batch redelivery counts nothing more either.
    await fanoutBatch(ports, [inserted(second, '200')], config);
    await fanoutBatch(ports, [change, inserted(second, '200')], config);
    expect(await counts('market', quarter(second))).toMatchObject({ provided: 2 });
    expect((await ports.directory.get(code))?.counts).toEqual({ licence: 2 });
  });

  it('counts every notification it wrote, also of a change that failed, queues only the changes before it, and the retry counts the rest', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-2'));
    const put = ports.notifications.put.bind(ports.notifications);
    let failing = true;
    // Of the second change's two notifications, culture's cannot be written; health's is.
    ports.notifications.put = async (n) => {
      if (failing && n.department === 'culture' && JSON.stringify(n.event).includes(second.id)) throw new Error('throttled');
      return put(n);
    };
    const received = async () => ({ health: (await counts('health', quarter(second)))?.received, culture: (await counts('culture', quarter(second)))?.received });
    expect(await fanoutBatch(ports, [change, inserted(second, '200')], config)).toMatchObject({ failed: '200', notifications: 3 });
    expect(await received()).toEqual({ health: 2, culture: 1 });
    // Only the first change's webhook delivery is queued (culture pulls).
    expect(ports.queue.sent.map((m) => m.notificationId)).toHaveLength(1);
    failing = false;
    expect(await fanoutBatch(ports, [inserted(second, '200')], config)).toEqual({ notifications: 1 });
    expect(await received()).toEqual({ health: 2, culture: 2 });
    expect(new Set(ports.queue.sent.map((m) => m.notificationId)).size).toBe(2);
  });

  it('has the batch retried from its first record when marking fails, and then counts each once', async () => {
    const { record: second } = await ingestRecord(ports, market, licence(code, 'XK-2'));
    const mark = ports.statistics.markCounted.bind(ports.statistics);
    ports.statistics.markCounted = async () => {
      throw new Error('throttled');
    };
    // A change that is no record version comes first: the retry starts at the first record's.
    const other: StreamChange = { eventName: 'MODIFY', sequenceNumber: '50' };
    expect(await fanoutBatch(ports, [other, change, inserted(second, '200')], config)).toMatchObject({ failed: '100', error: new Error('throttled') });
    expect(await counts('market', quarter(second))).toMatchObject({ provided: 0 });
    ports.statistics.markCounted = mark;
    await fanoutBatch(ports, [change, inserted(second, '200')], config);
    expect(await counts('market', quarter(second))).toMatchObject({ provided: 2 });
  });
});
