/**
 * Overdue notifications (逾期未签收) and inspection tasks without a result in time (逾期未公示):
 * found across departments, and the scheduled job that escalates each once. Kept free of request
 * validation for the overdue function's bundle.
 */
import { EVENT_TYPES } from '../../schemas/event-types';
import { CLAIM_POOL, type StoredNotification } from './model';
import type { Ports } from './ports';
import { countOverdue } from './counters';

async function departments(ports: Ports): Promise<string[]> {
  const [clients, subs] = await Promise.all([ports.clients.list(), ports.subscriptions.list()]);
  // The claim pool too: a notice nobody claims in time is escalated like any other.
  return [...new Set([...clients.map((c) => c.department), ...subs.map((s) => s.department), CLAIM_POOL])].sort();
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
    if (await ports.notifications.markEscalated(n.department, n.id, now)) {
      escalated++;
      await countOverdue(ports, n);
    }
  }
  return { escalated };
}

/** How many due dates one run of the overdue job works through at most. */
const DUE_DATES_PER_RUN = 60;

/**
 * The scheduled job's share for tasks: every open task whose result due date has ended (China
 * Standard Time) is marked escalated once, which the stream turns into an event for the organising
 * department. It works through due dates in order from its stored place, so no day is skipped.
 */
export async function escalateOverdueTasks(ports: Ports): Promise<{ escalated: number }> {
  const through = await ports.plans.dueCursor();
  if (!through) return { escalated: 0 };
  const now = ports.clock.now();
  let escalated = 0;
  let day = through;
  for (let i = 0; i < DUE_DATES_PER_RUN; i++) {
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    // A due date is over at 24:00 China Standard Time, 16:00 UTC.
    if (Date.parse(`${next}T16:00:00Z`) > now.getTime()) break;
    for (const t of await ports.plans.openTasksDue(next)) {
      if (await ports.plans.markTaskEscalated(t.planId, t.creditCode, now.toISOString())) escalated++;
    }
    await ports.plans.setDueCursor(next);
    day = next;
  }
  return { escalated };
}

/** One run of the scheduled job: late notifications, then late inspection results. */
export async function overdueJob(ports: Ports): Promise<{ escalated: number; tasksEscalated: number }> {
  const notifications = await escalateOverdue(ports);
  const tasks = await escalateOverdueTasks(ports);
  return { escalated: notifications.escalated, tasksEscalated: tasks.escalated };
}
