/**
 * Nothing sits unacknowledged unseen: a notification past its acknowledge-by time is listed as
 * overdue, and the scheduled job escalates it once to the supervising department.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../functions/core/overdue';
import { notificationId } from '../functions/core/ids';
import type { StoredNotification } from '../functions/core/model';
import { inspection, makeCreditCode } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestExchange } from './helpers';

// Real time plus an offset the test moves: the stream and queue keep working while "days pass".
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
let ex: TestExchange;

beforeAll(async () => {
  ex = await startExchange({ clock, push: { fanout: { ackWithinHours: 72 } } });
});
afterAll(() => ex.close());

const code = makeCreditCode('91', '330402', 'MA2DUE01');
const items = async (as: 'credit' | 'supervision', q = '?limit=100') => (await ex.call('GET', `/v1/inbox${q}`, { as })).body.items as Notification[];

describe('overdue notifications', () => {
  it('are listed for the supervisor and escalated once, and acknowledged ones are not', async () => {
    await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: '逾期', purpose: 'test: overdue', filters: { creditCodes: [code] } } });
    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-due-1') });
    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-due-2', { date: '2025-07-01' }) });
    const [first, second] = await waitFor(async () => {
      const mine = (await items('credit')).filter((n) => n.event.subject === code);
      return mine.length === 2 ? mine : undefined;
    });
    expect(Date.parse(first.ackBy) - Date.parse(first.createdAt)).toBe(72 * 3600_000);
    await ex.call('POST', `/v1/notifications/${second.id}/ack`, { as: 'credit' });

    expect((await ex.call('GET', '/v1/notifications/overdue', { as: 'supervision' })).body.items.filter((n: Notification) => n.event.subject === code)).toEqual([]);
    offset = 73 * 3600_000;

    const overdue = await ex.call('GET', '/v1/notifications/overdue', { as: 'supervision' });
    expect(overdue.body.items.map((n: Notification) => n.id)).toEqual([first.id]);
    expect((await ex.call('GET', '/v1/notifications/overdue?department=credit', { as: 'supervision' })).body.items).toHaveLength(1);
    expect((await ex.call('GET', '/v1/notifications/overdue', { as: 'credit' })).status).toBe(403);

    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 1 });
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 0 });

    const escalation = await waitFor(async () => (await items('supervision')).find((n) => n.event.type === 'cn.edx.notification.overdue'));
    expect(escalation).toMatchObject({
      reasons: ['escalation'],
      event: { subject: code, data: { notificationId: first.id, department: 'credit', ackBy: first.ackBy } },
    });
    expect((await ex.call('GET', `/v1/notifications/${first.id}`, { as: 'credit' })).body.escalatedAt).toBeDefined();

    // The escalation itself is never escalated again, even when the supervisor is slow too.
    offset = 200 * 3600_000;
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 0 });
  });

  it('reads past hundreds of notifications escalated before to find the one newly overdue', async () => {
    // 250 of one department's open notifications, all escalated already, fell due before the one
    // not escalated yet: the job reads them a page at a time, every page filtered empty but the last.
    const now = clock.now().getTime();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const notification = (i: number, ackBy: string, escalatedAt?: string): StoredNotification => ({
      id: notificationId(at(60), i.toString(16).padStart(16, '0')),
      department: 'health',
      event: { specversion: '1.0', id: `evt_many_${i}`, type: 'cn.edx.record.created', source: '/records', subject: code, time: at(60), datacontenttype: 'application/json', data: {} },
      reasons: ['test'],
      createdAt: at(60),
      ackBy,
      ...(escalatedAt ? { escalatedAt } : {}),
      delivery: { mode: 'pull', status: 'none', attempts: 0 },
      feedback: [],
    });
    for (let i = 0; i < 250; i += 25) await Promise.all(Array.from({ length: 25 }, (_, j) => ex.ports.notifications.put(notification(i + j, at(20), at(15)))));
    const late = notification(999, at(5));
    await ex.ports.notifications.put(late);
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 1 });
    expect((await ex.call('GET', `/v1/notifications/${late.id}`, { as: 'health' })).body.escalatedAt).toBeDefined();
  });
});
