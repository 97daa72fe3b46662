/**
 * A department's inbox (收件箱): pulling notifications, acknowledging them, feeding back, redriving
 * failed deliveries; and for supervisors, what is overdue, with the job that escalates it.
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES, FeedbackInput } from '../../schemas/events';
import { badRequest, forbidden, invalidInput, notFound } from './errors';
import { isNotificationId } from './keys';
import type { ApiClient, StoredNotification } from './model';
import type { Ports } from './ports';
import { fieldErrors, PARSE_OPTIONS } from './validation';

function requireScope(client: ApiClient, scope: 'inbox:read' | 'notifications:oversee') {
  if (!client.scopes.includes(scope)) throw forbidden(`client ${client.clientId} lacks scope ${scope}`);
}

export function presentNotification(n: StoredNotification) {
  const { feedbackIds: _ids, ...shown } = n;
  return shown;
}

export async function listInbox(ports: Ports, client: ApiClient, q: { open: boolean; cursor?: string; limit: number }) {
  requireScope(client, 'inbox:read');
  const page = await ports.store.listNotifications(client.department, q);
  return { items: page.items.map(presentNotification), ...(page.next ? { next: page.next } : {}) };
}

async function own(ports: Ports, client: ApiClient, id: string) {
  requireScope(client, 'inbox:read');
  const n = isNotificationId(id) ? await ports.store.getNotification(client.department, id) : undefined;
  if (!n) throw notFound(`no notification ${id} for department ${client.department}`);
  return n;
}

export const readNotification = async (ports: Ports, client: ApiClient, id: string) => presentNotification(await own(ports, client, id));

/** Idempotent: acknowledging twice keeps the first time and who did it. */
export async function acknowledge(ports: Ports, client: ApiClient, id: string) {
  await own(ports, client, id);
  const n = await ports.store.acknowledge(client.department, id, ports.clock.now().toISOString(), client.clientId);
  if (!n) throw notFound(`no notification ${id}`);
  return presentNotification(n);
}

/** Feedback on a record notification goes, as an event, to the department that posted the record; it also acknowledges. */
export async function giveFeedback(ports: Ports, client: ApiClient, id: string, body: unknown) {
  const parsed = FeedbackInput.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) throw invalidInput('invalid feedback', fieldErrors(parsed.error));
  const n = await own(ports, client, id);
  if (n.event.type !== EVENT_TYPES.recordCreated && n.event.type !== EVENT_TYPES.recordCorrected) {
    throw badRequest('feedback is taken on record notifications only', [{ path: 'id', message: `${id} is a ${n.event.type} notification` }]);
  }
  const { outcome, comment } = parsed.data;
  const feedbackId = createHash('sha256').update(`${client.clientId}\n${outcome}\n${comment ?? ''}`).digest('hex').slice(0, 16);
  const after = await ports.store.addFeedback(
    client.department,
    id,
    { outcome, ...(comment ? { comment } : {}), at: ports.clock.now().toISOString(), clientId: client.clientId, department: client.department },
    feedbackId,
  );
  if (!after) throw notFound(`no notification ${id}`);
  return presentNotification(after);
}

/** Queues every failed webhook delivery of the department again. */
export async function redrive(ports: Ports, client: ApiClient) {
  requireScope(client, 'inbox:read');
  if (!ports.queue) throw new Error('redrive needs the delivery queue');
  const failed: StoredNotification[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.store.listNotifications(client.department, { open: true, cursor, limit: 100 });
    failed.push(...page.items.filter((n) => n.delivery.mode === 'webhook' && n.delivery.status === 'failed'));
    cursor = page.next;
  } while (cursor);
  for (const n of failed) await ports.store.updateDelivery(n.department, n.id, { ...n.delivery, status: 'queued' });
  await ports.queue.send(failed.map((n) => ({ department: n.department, notificationId: n.id })));
  return { redriven: failed.length, notificationIds: failed.map((n) => n.id) };
}

async function departments(ports: Ports): Promise<string[]> {
  const [clients, subs] = await Promise.all([ports.store.listClients(), ports.store.listSubscriptions()]);
  return [...new Set([...clients.map((c) => c.department), ...subs.map((s) => s.department)])].sort();
}

/** Open notifications past their acknowledge-by time, across departments (or one). */
export async function overdueNotifications(ports: Ports, department?: string): Promise<StoredNotification[]> {
  const now = ports.clock.now().toISOString();
  const out: StoredNotification[] = [];
  for (const d of department ? [department] : await departments(ports)) {
    let cursor: string | undefined;
    do {
      const page = await ports.store.listNotifications(d, { open: true, cursor, limit: 100 });
      out.push(...page.items.filter((n) => n.ackBy < now));
      cursor = page.next;
    } while (cursor);
  }
  return out.sort((a, b) => (a.ackBy < b.ackBy ? -1 : 1));
}

export async function listOverdue(ports: Ports, client: ApiClient, department?: string) {
  requireScope(client, 'notifications:oversee');
  return { items: (await overdueNotifications(ports, department)).map(presentNotification) };
}

/**
 * The scheduled job: marks each overdue notification escalated once; the stream turns the mark
 * into an escalation event for the supervising department. Escalations are not escalated again.
 */
export async function escalateOverdue(ports: Ports): Promise<{ escalated: number }> {
  let escalated = 0;
  const now = ports.clock.now().toISOString();
  for (const n of await overdueNotifications(ports)) {
    if (n.escalatedAt || n.event.type === EVENT_TYPES.overdue) continue;
    if (await ports.store.markEscalated(n.department, n.id, now)) escalated++;
  }
  return { escalated };
}
