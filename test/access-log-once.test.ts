/**
 * Receipts logged once, on DynamoDB Local: a delivery batch's receipts of one enterprise are
 * chained in one write, a receipt logged before is left out while the others are written, and
 * two deliverers (two containers) logging the same enterprise at once still leave one unbroken
 * chain with each receipt in it once. A push's once-marker is its notification's delivered mark,
 * written with the entry; a push logged under its key alone (before delivered marks) is not logged
 * again when its delivery is retried, and is marked delivered then.
 */
import { describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../functions/core/access-log';
import type { AccessLogEntry, AccessRecord } from '../functions/core/model';
import { runtimePorts } from '../functions/runtime';
import { makeCreditCode } from '../local/samples';
import { newTable } from './helpers';
import { SAMPLE_NOTIFICATION_ID, sampleNotification } from './fakes/notifications';

const receipt = (creditCode: string, department: string, n: number): { record: AccessRecord; key: string } => ({
  record: {
    creditCode,
    at: '2026-11-27T02:00:00.000Z',
    clientId: `c${department}`,
    department,
    purpose: 'test: 推送留痕',
    resource: `notification:ntf_${n}`,
    channel: 'push',
  },
  key: `push:ntf_${n}:c${department}`,
});

async function wholeLog(ports: ReturnType<typeof runtimePorts>, creditCode: string) {
  const items: AccessLogEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.accessLog.list(creditCode, cursor, 100);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

describe('receipts logged once', () => {
  it('chains a batch of one enterprise together and leaves out what was logged before', async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const ports = runtimePorts({ table, dynamodbEndpoint });
    const code = makeCreditCode('91', '330402', 'MA2PNC01');
    await ports.accessLog.appendOnce([receipt(code, 'health', 1), receipt(code, 'credit', 2), receipt(code, 'transport', 3)]);
    // A retried batch: two of its receipts were logged by the first one, one is new.
    await ports.accessLog.appendOnce([receipt(code, 'credit', 2), receipt(code, 'culture', 4), receipt(code, 'health', 1)]);
    // The same receipt twice in one call is logged once.
    await ports.accessLog.appendOnce([receipt(code, 'market', 5), receipt(code, 'market', 5)]);

    const log = await wholeLog(ports, code);
    expect(log.map((e) => [e.seq, e.resource])).toEqual([
      [5, 'notification:ntf_5'],
      [4, 'notification:ntf_4'],
      [3, 'notification:ntf_3'],
      [2, 'notification:ntf_2'],
      [1, 'notification:ntf_1'],
    ]);
    expect(verifyAccessLog(log)).toEqual({ ok: true, entries: 5 });
  });

  it('keeps one unbroken chain when two deliverers log the same enterprise at once', async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const one = runtimePorts({ table, dynamodbEndpoint });
    const other = runtimePorts({ table, dynamodbEndpoint });
    const code = makeCreditCode('91', '330402', 'MA2PNC02');
    const receipts = Array.from({ length: 24 }, (_, i) => receipt(code, `dept-${i}`, i));
    // Overlapping batches, as a message delivered twice would give, plus plain reads of the enterprise.
    await Promise.all([
      one.accessLog.appendOnce(receipts.slice(0, 10)),
      other.accessLog.appendOnce(receipts.slice(5, 15)),
      one.accessLog.appendOnce(receipts.slice(15, 20)),
      other.accessLog.appendOnce(receipts.slice(12, 24)),
      one.accessLog.append({ ...receipt(code, 'supervision', 99).record, resource: 'profile', channel: 'api' }),
    ]);

    const log = await wholeLog(one, code);
    expect(verifyAccessLog(log)).toEqual({ ok: true, entries: 25 });
    const resources = log.map((e) => e.resource);
    expect(new Set(resources).size).toBe(25);
    expect(resources).toEqual(expect.arrayContaining([...receipts.map((r) => r.record.resource), 'profile']));
  });

  it("marks a push's notification delivered in the write that logs it, once", async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const ports = runtimePorts({ table, dynamodbEndpoint });
    const n = sampleNotification();
    await ports.notifications.put(n);
    const delivered = { ...n.delivery, status: 'delivered' as const, attempts: 1, deliveredAt: '2026-11-27T02:00:01.000Z' };
    const push = { ...receipt(n.event.subject, 'health', 1), delivered: { department: 'health', id: SAMPLE_NOTIFICATION_ID, delivery: delivered } };
    await ports.accessLog.appendOnce([push]);
    expect((await ports.notifications.get('health', SAMPLE_NOTIFICATION_ID))?.delivery).toEqual(delivered);
    // The same push again (another copy of the message, a retry): nothing more is logged.
    await ports.accessLog.appendOnce([push, { ...push, keyMarker: true }]);
    await ports.accessLog.appendOnce([{ ...push, keyMarker: true }]);
    expect((await wholeLog(ports, n.event.subject)).map((e) => e.resource)).toEqual(['notification:ntf_1']);
  });

  it('does not log again a push logged under its key alone, and marks it delivered when its delivery is retried', async () => {
    const { table, dynamodbEndpoint } = await newTable();
    const ports = runtimePorts({ table, dynamodbEndpoint });
    const n = sampleNotification();
    await ports.notifications.put(n);
    const logged = receipt(n.event.subject, 'health', 1);
    // How a push was logged before delivered marks: a marker under its key, the delivery marked after it.
    await ports.accessLog.appendOnce([logged]);
    const delivered = { ...n.delivery, status: 'delivered' as const, attempts: 2, deliveredAt: '2026-11-27T02:10:00.000Z' };
    await ports.accessLog.appendOnce([{ ...logged, delivered: { department: 'health', id: SAMPLE_NOTIFICATION_ID, delivery: delivered }, keyMarker: true }]);
    expect((await wholeLog(ports, n.event.subject)).map((e) => e.resource)).toEqual(['notification:ntf_1']);
    expect((await ports.notifications.get('health', SAMPLE_NOTIFICATION_ID))?.delivery).toEqual(delivered);
  });
});
