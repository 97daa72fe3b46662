/**
 * A department's inbox (收件箱): pulling notifications, acknowledging them, feeding back, redriving
 * failed deliveries; and for supervisors, what is overdue (see overdue.ts).
 */
import { createHash } from 'node:crypto';
import { isNoticeEventType, isRecordEventType } from '../../schemas/event-types';
import { FeedbackInput } from '../../schemas/events';
import { requireScope } from './clients';
import { cursorBinding, sealPage } from './cursor';
import { badRequest, invalidInput, notFound } from './errors';
import { isNotificationId } from './ids';
import type { ApiClient, StoredNotification } from './model';
import type { Ports } from './ports';
import { overdueNotifications } from './overdue';
import { parseOrThrow } from './validation';
import { logReceipts, RECEIVE_SCOPE } from './receiving';
import { countAcknowledged, countFeedback } from './counters';

export function presentNotification(n: StoredNotification) {
  const { feedbackIds: _ids, redriveClaim: _claim, ...shown } = n;
  return shown;
}

/**
 * Notifications as a client reads them. A record event's summary is enterprise data: a client
 * without profiles:read sees that the record exists, not its summary, and every record event shown
 * with its summary is logged as a pull (once per notification and client).
 */
async function shown(ports: Ports, client: ApiClient, notifications: StoredNotification[]) {
  const reads = client.scopes.includes(RECEIVE_SCOPE);
  if (reads)
    await logReceipts(
      ports,
      notifications.map((n) => ({ n, channel: 'pull', reader: client, purpose: n.purpose ?? `inbox of ${n.department}` })),
    );
  return notifications.map((n) => {
    const out = presentNotification(n);
    if (reads || !isRecordEventType(n.event.type)) return out;
    const { recordId, version, kind } = n.event.data;
    return { ...out, event: { ...out.event, data: { recordId, version, kind, withheld: `the summary needs ${RECEIVE_SCOPE}` } } };
  });
}

export async function listInbox(ports: Ports, client: ApiClient, q: { open: boolean; cursor?: string; limit: number }) {
  requireScope(client, 'inbox:read');
  const binding = cursorBinding('inbox', client.clientId, `open=${q.open}`);
  const cursor = q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding);
  const page = sealPage(ports.cursors, await ports.notifications.list(client.department, { ...q, cursor }), binding);
  return { items: await shown(ports, client, page.items), ...(page.next ? { next: page.next } : {}) };
}

async function own(ports: Ports, client: ApiClient, id: string, act = false) {
  requireScope(client, 'inbox:read');
  // Acting changes what the poster and the supervisor see, so reading alone does not allow it.
  if (act) requireScope(client, 'inbox:act');
  const n = isNotificationId(id) ? await ports.notifications.get(client.department, id) : undefined;
  if (!n) throw notFound(`no notification ${id} for department ${client.department}`);
  return n;
}

export const readNotification = async (ports: Ports, client: ApiClient, id: string) => (await shown(ports, client, [await own(ports, client, id)]))[0];

/** Idempotent: acknowledging twice keeps the first time and who did it. */
export async function acknowledge(ports: Ports, client: ApiClient, id: string) {
  const before = await own(ports, client, id, true);
  const at = ports.clock.now().toISOString();
  const n = await ports.notifications.acknowledge(client.department, id, at, client.clientId);
  if (!n) throw notFound(`no notification ${id}`);
  await countAcknowledged(ports, before, n, at, client.clientId);
  return (await shown(ports, client, [n]))[0];
}

/**
 * Feedback on a record notification or a 双告知 notice goes, as an event, to the department that
 * posted the record; it also acknowledges. On a notice, "not our competence" sends it to the claim pool.
 */
export async function giveFeedback(ports: Ports, client: ApiClient, id: string, body: unknown) {
  requireScope(client, 'inbox:act');
  const { outcome, comment } = parseOrThrow(FeedbackInput, body, (errors) => invalidInput('invalid feedback', errors));
  const n = await own(ports, client, id, true);
  const at = ports.clock.now().toISOString();
  if (!isRecordEventType(n.event.type) && !isNoticeEventType(n.event.type)) {
    throw badRequest('feedback is taken on record notifications and notices only', [{ path: 'id', message: `${id} is a ${n.event.type} notification` }]);
  }
  const feedbackId = createHash('sha256')
    .update(`${client.clientId}\n${outcome}\n${comment ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  const after = await ports.notifications.addFeedback(client.department, id, { outcome, ...(comment ? { comment } : {}), at, clientId: client.clientId, department: client.department }, feedbackId);
  if (!after) throw notFound(`no notification ${id}`);
  await countFeedback(ports, n, after, at, client.clientId);
  await countAcknowledged(ports, n, after, at, client.clientId);
  return (await shown(ports, client, [after]))[0];
}

/**
 * Redrive works in bounded steps: one call reads at most `pages` pages of the department's open
 * notifications and answers `next` when more remain. Each failed delivery is claimed with a
 * conditional write before its message is sent, so of two simultaneous redrives only one queues
 * it; it says `queued` only after the message is sent, so a redrive that dies midway leaves it
 * `failed` (its claim lapses after `claimLeaseMs`) rather than `queued` with no message anywhere.
 */
export const REDRIVE = { pageSize: 100, pages: 10, sendBatch: 10, claimLeaseMs: 5 * 60_000 };

const failedWebhook = (n: StoredNotification) => n.delivery.mode === 'webhook' && n.delivery.status === 'failed';

/** Queues the department's failed webhook deliveries again, from `cursor` on. */
export async function redrive(ports: Ports, client: ApiClient, cursor?: string) {
  requireScope(client, 'inbox:act');
  const queue = ports.queue;
  if (!queue) throw new Error('redrive needs the delivery queue');
  const redriven: string[] = [];
  const binding = cursorBinding('redrive', client.clientId);
  let next = cursor === undefined ? undefined : ports.cursors.open(cursor, binding);
  for (let page = 0; page < REDRIVE.pages; page++) {
    const { items, next: after } = await ports.notifications.list(client.department, { open: true, cursor: next, limit: REDRIVE.pageSize });
    const failed = items.filter(failedWebhook);
    for (let i = 0; i < failed.length; i += REDRIVE.sendBatch) {
      const now = ports.clock.now();
      const claim = { token: ports.ids.random(12), at: now.toISOString() };
      const staleBefore = new Date(now.getTime() - REDRIVE.claimLeaseMs).toISOString();
      const chunk = failed.slice(i, i + REDRIVE.sendBatch);
      const won = await Promise.all(chunk.map((n) => ports.notifications.claimRedrive(n.department, n.id, claim, staleBefore)));
      const claimed = chunk.filter((_, j) => won[j]);
      if (!claimed.length) continue;
      try {
        await queue.send(claimed.map((n) => ({ department: n.department, notificationId: n.id, queuedAt: claim.at })));
      } catch (e) {
        await Promise.all(claimed.map((n) => ports.notifications.releaseRedrive(n.department, n.id, claim)));
        throw e;
      }
      await Promise.all(claimed.map((n) => ports.notifications.finishRedrive(n.department, n.id, claim)));
      redriven.push(...claimed.map((n) => n.id));
    }
    next = after;
    if (!next) break;
  }
  return { redriven: redriven.length, notificationIds: redriven, ...(next ? { next: ports.cursors.seal(next, binding) } : {}) };
}

/** A page of overdue notifications, of one department or department by department (see overdueNotifications). */
export async function listOverdue(ports: Ports, client: ApiClient, q: { department?: string; cursor?: string; limit: number }) {
  requireScope(client, 'notifications:oversee');
  const binding = cursorBinding('overdue', client.clientId, q.department ?? '*');
  const cursor = q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding);
  const page = sealPage(ports.cursors, await overdueNotifications(ports, { ...q, cursor }), binding);
  return { items: await shown(ports, client, page.items), ...(page.next ? { next: page.next } : {}) };
}
