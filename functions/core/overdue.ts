/**
 * Overdue notifications (逾期未签收): found across departments, and the scheduled job that
 * escalates each once. Kept free of request validation for the overdue function's bundle.
 */
import { EVENT_TYPES } from '../../schemas/event-types';
import type { StoredNotification } from './model';
import type { Ports } from './ports';

async function departments(ports: Ports): Promise<string[]> {
  const [clients, subs] = await Promise.all([ports.clients.list(), ports.subscriptions.list()]);
  return [...new Set([...clients.map((c) => c.department), ...subs.map((s) => s.department)])].sort();
}

/** Open notifications past their acknowledge-by time, across departments (or one). */
export async function overdueNotifications(ports: Ports, department?: string): Promise<StoredNotification[]> {
  const now = ports.clock.now().toISOString();
  const out: StoredNotification[] = [];
  for (const d of department ? [department] : await departments(ports)) {
    out.push(...(await ports.notifications.open(d)).filter((n) => n.ackBy < now));
  }
  return out.sort((a, b) => (a.ackBy < b.ackBy ? -1 : 1));
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
    if (await ports.notifications.markEscalated(n.department, n.id, now)) escalated++;
  }
  return { escalated };
}
