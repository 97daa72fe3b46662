/**
 * The overdue rules on their own: where the job's place goes after a run, and how a page across
 * departments is bounded.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../functions/core/clients';
import { notificationId } from '../../functions/core/ids';
import type { StoredNotification } from '../../functions/core/model';
import { nextOverduePlace, OVERDUE_QUERIES_PER_PAGE, OVERDUE_SETTLE_MS, overdueNotifications } from '../../functions/core/overdue';
import { InvalidCursor } from '../../functions/core/store-errors';
import { memoryPorts } from '../fakes/ports';

describe('the overdue job’s next place', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');
  const settled = new Date(now.getTime() - OVERDUE_SETTLE_MS).toISOString();

  it('trails now by the settle time', () => {
    expect(settled).toBe('2026-11-27T11:30:00.000Z');
    expect(nextOverduePlace(now, undefined)).toBe(settled);
  });

  it('stays at the first notification read that is not due yet, when that lies before', () => {
    expect(nextOverduePlace(now, '2026-11-20T08:00:00.000Z#ntf_x')).toBe('2026-11-20T08:00:00.000Z#ntf_x');
    expect(nextOverduePlace(now, '2026-11-27T11:45:00.000Z#ntf_x')).toBe(settled);
  });
});

describe('overdue notifications across departments', () => {
  const notification = (department: string, i: number, ackBy: string): StoredNotification => {
    const time = '2026-11-20T00:00:00.000Z';
    return {
      id: notificationId(time, i.toString(16).padStart(16, '0')),
      department,
      event: { specversion: '1.0', id: `evt_${i}`, type: 'cn.edx.record.created', source: '/records', subject: '91330402MA2DUE0X1Y', time, datacontenttype: 'application/json', data: {} },
      reasons: ['test'],
      createdAt: time,
      ackBy,
      delivery: { mode: 'pull', status: 'none', attempts: 0 },
      feedback: [],
    };
  };

  it('reads at most a bounded number of departments per page, handing on the department in the cursor', async () => {
    const ports = memoryPorts();
    // Many departments with nothing overdue before the one that has.
    for (let d = 0; d < 25; d++) await createClient(ports, { department: `d${String(d).padStart(2, '0')}`, name: `d${d}`, scopes: ['inbox:read'] });
    await ports.notifications.put(notification('d24', 1, '2026-11-26T00:00:00.000Z'));
    await ports.notifications.put(notification('d24', 2, '2026-11-25T00:00:00.000Z'));
    await ports.notifications.put(notification('d24', 3, '2099-01-01T00:00:00.000Z'));
    const asked: string[] = [];
    const overdue = ports.notifications.overdue.bind(ports.notifications);
    ports.notifications.overdue = (department, q) => (asked.push(department), overdue(department, q));

    const pages = [];
    let cursor: string | undefined;
    do {
      asked.length = 0;
      const page = await overdueNotifications(ports, { cursor, limit: 10 });
      expect(asked.length).toBeLessThanOrEqual(OVERDUE_QUERIES_PER_PAGE);
      pages.push(page.items);
      cursor = page.next;
    } while (cursor);
    // 26 departments (the claim pool among them): three pages, the first two empty.
    expect(pages.map((p) => p.length)).toEqual([0, 0, 2]);
    expect(pages.flat().map((n) => n.ackBy)).toEqual(['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z']);
  });

  it('refuses a cursor naming another department than the one asked for', async () => {
    const ports = memoryPorts();
    await ports.notifications.put(notification('d1', 1, '2026-11-26T00:00:00.000Z'));
    await ports.notifications.put(notification('d1', 2, '2026-11-26T00:00:00.000Z'));
    const first = await overdueNotifications(ports, { department: 'd1', limit: 1 });
    expect(first.next).toBeDefined();
    await expect(overdueNotifications(ports, { department: 'd2', cursor: first.next, limit: 1 })).rejects.toBeInstanceOf(InvalidCursor);
    expect((await overdueNotifications(ports, { department: 'd1', cursor: first.next, limit: 1 })).items).toHaveLength(1);
  });
});
