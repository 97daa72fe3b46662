/**
 * The overdue list (逾期未签收) a page at a time and the overdue job reading from its place: the
 * open index is keyed by acknowledge-by time, so "overdue" is a key range, and neither the list
 * nor the job reads the whole of a department's open notifications. Notifications are written by
 * the store as fan-out writes them, with acknowledge-by times the test chooses.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { quarterOf } from '../functions/core/counters';
import { notificationId } from '../functions/core/ids';
import type { StoredNotification } from '../functions/core/model';
import { escalateOverdue } from '../functions/core/overdue';
import { documentClient } from '../functions/store/aws';
import { INDEXES, notificationKey, openSortKey } from '../functions/store/table';
import type { Notification } from '../schemas/events';
import { startExchange, type TestClient, type TestExchange } from './helpers';

const HOUR = 3600_000;
let now = Date.parse('2026-11-02T02:00:00.000Z');
const clock = { now: () => new Date(now) };
let ex: TestExchange;
let db: ReturnType<typeof documentClient>;
/** Read units the open index's queries consumed. */
let openUnits = 0;

beforeAll(async () => {
  ex = await startExchange({ clock, onCapacity: (op, capacity) => void (op === `QueryCommand ${INDEXES.open.name}` && (openUnits += capacity.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0))) });
  db = documentClient(inject('dynamodbEndpoint'));
});

/** What `work` returns, with the read units its queries of the open index consumed. */
async function metered<T>(work: () => Promise<T>): Promise<{ result: T; units: number }> {
  const before = openUnits;
  const result = await work();
  return { result, units: openUnits - before };
}

/** Gives a notification the open-index key it was written with before the index was keyed by ackBy. */
async function oldKeyed(n: StoredNotification) {
  await db.send(
    new UpdateCommand({
      TableName: ex.table,
      Key: notificationKey(n.department, n.id),
      UpdateExpression: 'SET #sk = :sk',
      ExpressionAttributeNames: { '#sk': INDEXES.open.sortKey },
      ExpressionAttributeValues: { ':sk': openSortKey(n.event.time, n.id) },
    }),
  );
  return n;
}
afterAll(async () => {
  db.destroy();
  await ex.close();
});

let serial = 0;
/** A notification as fan-out writes it: made `createdAt`, to be acknowledged `ackWithin` later. */
async function notify(department: string, createdAt: number, ackWithin = 72 * HOUR, eventTime = createdAt): Promise<StoredNotification> {
  const time = new Date(eventTime).toISOString();
  const n: StoredNotification = {
    id: notificationId(time, (++serial).toString(16).padStart(16, '0')),
    department,
    event: {
      specversion: '1.0',
      id: `evt_overdue_${serial}`,
      type: 'cn.edx.record.created',
      source: '/records',
      subject: '91330402MA2DUE0X1Y',
      time,
      datacontenttype: 'application/json',
      data: { recordId: `rec_${serial}`, version: 1, kind: 'licence' },
    },
    reasons: ['subscription:sub_overdue'],
    createdAt: new Date(createdAt).toISOString(),
    ackBy: new Date(createdAt + ackWithin).toISOString(),
    delivery: { mode: 'pull', status: 'none', attempts: 0 },
    feedback: [],
  };
  expect((await ex.ports.notifications.put(n)).created).toBe(true);
  return n;
}

/** Every page of the overdue list, following `next`. */
async function allPages(query: string, as: TestClient = 'supervision') {
  const pages: Notification[][] = [];
  let next: string | undefined;
  do {
    const res = await ex.call('GET', `/v1/notifications/overdue?${query}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`, { as });
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    next = res.body.next;
  } while (next && pages.length < 50);
  expect(next).toBeUndefined();
  return pages;
}

const byAckBy = (a: StoredNotification, b: StoredNotification) => (`${a.ackBy}#${a.id}` < `${b.ackBy}#${b.id}` ? -1 : 1);

describe('the overdue list', () => {
  it('pages one department soonest due first, and across departments department by department, each once', async () => {
    const start = now;
    // Made in an order unlike their deadlines: differing acknowledge-by periods.
    const credit = [];
    for (let i = 0; i < 7; i++) credit.push(await notify('credit', start + i * 60_000, (10 - i) * HOUR));
    const health = [];
    for (let i = 0; i < 5; i++) health.push(await notify('health', start + i * 60_000, (5 + i) * HOUR));
    const notDue = [await notify('credit', start, 100 * HOUR), await notify('market', start, 100 * HOUR)];
    expect((await allPages('department=credit')).flat()).toEqual([]);
    now = start + 11 * HOUR;

    const pages = await allPages('department=credit&limit=3');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((n) => n.id)).toEqual(credit.sort(byAckBy).map((n) => n.id));
    expect(pages.flat().map((n) => n.ackBy)).toEqual([...pages.flat().map((n) => n.ackBy)].sort());

    const across = (await allPages('limit=4')).flat();
    expect(across.map((n) => n.id)).toEqual([...credit.sort(byAckBy), ...health.sort(byAckBy)].map((n) => n.id));
    expect(new Set(across.map((n) => n.id)).size).toBe(across.length);
    expect(across.map((n) => n.id)).not.toContain(notDue[0].id);
    expect(across.map((n) => n.id)).not.toContain(notDue[1].id);

    // Acknowledged: gone from the list, from the next page on too.
    const first = await ex.call('GET', '/v1/notifications/overdue?department=health&limit=2', { as: 'supervision' });
    expect((await ex.call('POST', `/v1/notifications/${health[2].id}/ack`, { as: 'health' })).status).toBe(200);
    const rest = (await ex.call('GET', `/v1/notifications/overdue?department=health&limit=10&cursor=${encodeURIComponent(first.body.next)}`, { as: 'supervision' })).body.items as Notification[];
    expect([...first.body.items, ...rest].map((n: Notification) => n.id)).toEqual([health[0], health[1], health[3], health[4]].map((n) => n.id));
    expect((await allPages('department=health')).flat().map((n) => n.id)).not.toContain(health[2].id);
  });

  it('refuses a cursor of another listing and a bad limit, naming the parameter', async () => {
    const page = await ex.call('GET', '/v1/notifications/overdue?department=credit&limit=1', { as: 'supervision' });
    expect(page.body.next).toBeDefined();
    const elsewhere = await ex.call('GET', `/v1/notifications/overdue?department=health&cursor=${encodeURIComponent(page.body.next)}`, { as: 'supervision' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors.map((e: { path: string }) => e.path)).toEqual(['cursor']);
    const bad = await ex.call('GET', '/v1/notifications/overdue?limit=0', { as: 'supervision' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['limit']);
    expect((await ex.call('GET', '/v1/notifications/overdue?limit=5', { as: 'credit' })).status).toBe(403);
  });
});

describe('the overdue job', () => {
  // First: the job has no place yet in any department, as on its first run after the change.
  it('finds notifications keyed the older way (by event time): listed and escalated once due, the job holding its place for them', async () => {
    const start = now;
    const department = 'market';
    // Made before the open index was keyed by ackBy: their events happened well before.
    const oldDue = await oldKeyed(await notify(department, start - 80 * HOUR, 72 * HOUR, start - 120 * HOUR));
    const oldNotDue = await oldKeyed(await notify(department, start - 10 * HOUR, 72 * HOUR, start - 100 * HOUR));
    const fresh = await notify(department, start - 73 * HOUR, 72 * HOUR);

    const listed = (await allPages(`department=${department}&limit=1`)).flat();
    expect(listed.map((n) => n.id).sort()).toEqual([oldDue.id, fresh.id].sort());
    await escalateOverdue(ex.ports);
    expect((await ex.ports.notifications.get(department, oldDue.id))?.escalatedAt).toBeDefined();
    expect((await ex.ports.notifications.get(department, fresh.id))?.escalatedAt).toBeDefined();
    expect((await ex.ports.notifications.get(department, oldNotDue.id))?.escalatedAt).toBeUndefined();
    expect((await ex.ports.notifications.overduePlaces()).get(department)).toBe(openSortKey(oldNotDue.event.time, oldNotDue.id));

    now = start + 63 * HOUR;
    await escalateOverdue(ex.ports);
    expect((await ex.ports.notifications.get(department, oldNotDue.id))?.escalatedAt).toBe(new Date(now).toISOString());
    expect((await allPages(`department=${department}`)).flat().map((n) => n.id)).toContain(oldNotDue.id);
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 0 });
    // Nothing held any more: the place follows now.
    expect((await ex.ports.notifications.overduePlaces()).get(department)).toBe(new Date(now - 30 * 60_000).toISOString());
  });

  it('escalates each overdue notification once across runs, those made after a run too, without reading the escalated ones again', async () => {
    const start = now;
    const department = 'transport';
    const early: StoredNotification[] = [];
    // Ten at a time: DynamoDB Local on a busy machine refuses a burst of new connections.
    for (let i = 0; i < 150; i += 10) early.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => notify(department, start + (i + j) * 1000, HOUR)))));
    now = start + 2 * HOUR;
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 150 });
    const escalated = await ex.ports.notifications.getMany(early.map((n) => ({ department, id: n.id })));
    expect(escalated.map((n) => n.escalatedAt)).toEqual(early.map(() => new Date(now).toISOString()));

    // Made after the run: one due an hour later, and one stamped before the run but written after
    // it, due at once (ackWithinHours 0).
    const later = await notify(department, now + 60_000, HOUR);
    const late = await notify(department, now - 10 * 60_000, 0);
    now += 5 * 60_000;
    const second = await metered(() => escalateOverdue(ex.ports));
    expect(second.result).toEqual({ escalated: 1 });
    expect((await ex.ports.notifications.get(department, late.id))?.escalatedAt).toBeDefined();
    expect((await ex.ports.notifications.get(department, later.id))?.escalatedAt).toBeUndefined();
    now += 2 * HOUR;
    expect((await metered(() => escalateOverdue(ex.ports))).result).toEqual({ escalated: 1 });
    expect((await ex.ports.notifications.get(department, later.id))?.escalatedAt).toBeDefined();
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 0 });

    const stats = await ex.call('GET', `/v1/statistics?quarter=${quarterOf(new Date(start).toISOString())}`, { as: 'transport' });
    expect(stats.body.overdue).toBe(152);
    // Escalated is not acknowledged: still listed.
    expect((await allPages(`department=${department}&limit=100`)).flat()).toHaveLength(152);
    // The 152 escalated notifications stay in the open index, but a run reads from its place.
    const whole = await metered(() => ex.ports.notifications.open(department));
    expect(whole.result).toHaveLength(152);
    expect(second.units * 5).toBeLessThan(whole.units);
  });
});
