/**
 * Overdue notifications (逾期未签收) and inspection tasks without a result in time (逾期未公示):
 * found across departments, and the scheduled job that escalates each once. Kept free of request
 * validation for the overdue function's bundle.
 */
import { EVENT_TYPES } from '../../schemas/event-types';
import { decodeCursor, encodeCursor } from './cursor';
import { CLAIM_POOL, type StoredNotification } from './model';
import type { Page, Ports } from './ports';
import { countOverdue } from './counters';
import { InvalidCursor } from './store-errors';

async function departments(ports: Ports): Promise<string[]> {
  const [clients, subs] = await Promise.all([ports.clients.list(), ports.subscriptions.list()]);
  // The claim pool too: a notice nobody claims in time is escalated like any other.
  return [...new Set([...clients.map((c) => c.department), ...subs.map((s) => s.department), CLAIM_POOL])].sort();
}

/** Where a listing of overdue notifications stopped: the department it was in and the place there. */
interface OverduePosition {
  d: string;
  k?: string;
}
const asPosition = (p: unknown): OverduePosition | undefined => {
  const { d, k, ...rest } = (p ?? {}) as Record<string, unknown>;
  return typeof d === 'string' && (k === undefined || typeof k === 'string') && Object.keys(rest).length === 0 ? { d, ...(k === undefined ? {} : { k }) } : undefined;
};

/** At most this many department queries serve one page across departments (most departments have nothing overdue). */
export const OVERDUE_QUERIES_PER_PAGE = 10;

/**
 * One page of open notifications past their acknowledge-by time, soonest due first within a
 * department. Across departments (no `department`) it goes department by department in name
 * order, the cursor carrying the department, so a page costs at most OVERDUE_QUERIES_PER_PAGE
 * queries however many departments and notifications there are (a page may then come back short,
 * even empty, with a `next`).
 */
export async function overdueNotifications(ports: Ports, q: { department?: string; cursor?: string; limit: number }): Promise<Page<StoredNotification>> {
  const before = ports.clock.now().toISOString();
  const position: OverduePosition | undefined = q.cursor === undefined ? undefined : decodeCursor(q.cursor, asPosition);
  if (q.department !== undefined && position && position.d !== q.department) throw new InvalidCursor('cursor');
  const names = q.department !== undefined ? [q.department] : await departments(ports);
  let at = position ? names.findIndex((d) => d >= position.d) : 0;
  // A department gone from the list since the previous page: go on with the one after it.
  let k = position && names[at] === position.d ? position.k : undefined;
  const items: StoredNotification[] = [];
  for (let queries = 0; at >= 0 && at < names.length && items.length < q.limit && queries < OVERDUE_QUERIES_PER_PAGE; queries++) {
    const page = await ports.notifications.overdue(names[at], { before, cursor: k, limit: q.limit - items.length });
    items.push(...page.items);
    k = page.next;
    if (!k) at++;
  }
  const more = at >= 0 && at < names.length;
  return { items, ...(more ? { next: encodeCursor({ d: names[at], ...(k ? { k } : {}) } satisfies OverduePosition) } : {}) };
}

/**
 * How far behind now the overdue job keeps its place in each department's open index: longer
 * than a fan-out can take between stamping a notification's createdAt and writing it (a Lambda
 * runs at most 15 minutes), so a notification due at once (ackWithinHours 0) written late still
 * lies at or after the place.
 */
export const OVERDUE_SETTLE_MS = 30 * 60_000;

/**
 * The next place of the overdue job in a department's open index, after a run at `now` read it
 * up to there: `settle` behind now, but never past the first notification it read that is not
 * due yet (only entries written before the index was keyed by ackBy sort by their event time and
 * can lie before now without being due).
 */
export function nextOverduePlace(now: Date, firstNotDue: string | undefined): string {
  const settled = new Date(now.getTime() - OVERDUE_SETTLE_MS).toISOString();
  return firstNotDue !== undefined && firstNotDue < settled ? firstNotDue : settled;
}

/**
 * The scheduled job: marks each overdue notification escalated once; the stream turns the mark
 * into an escalation event for the supervising department. Escalations are not escalated again.
 * Per department it reads the open index only from where its previous run left off (a stored
 * place), so the notifications it escalated before, which stay open until acknowledged, are not
 * read again run after run; a new notification is due no earlier than it was created, so it
 * always lies after the place.
 */
export async function escalateOverdue(ports: Ports): Promise<{ escalated: number }> {
  let escalated = 0;
  const clock = ports.clock.now();
  const now = clock.toISOString();
  const places = await ports.notifications.overduePlaces();
  for (const department of await departments(ports)) {
    const from = places.get(department);
    // A place ahead of now: the clock went back; nothing to read until it catches up.
    if (from !== undefined && from >= now) continue;
    let firstNotDue: string | undefined;
    let cursor: string | undefined;
    do {
      const page = await ports.notifications.unescalated(department, { from, before: now, cursor });
      for (const { notification: n, place } of page.items) {
        if (n.escalatedAt || n.event.type === EVENT_TYPES.overdue) continue;
        if (n.ackBy >= now) {
          firstNotDue ??= place;
          continue;
        }
        if (await ports.notifications.markEscalated(n.department, n.id, now)) {
          escalated++;
          await countOverdue(ports, n);
        }
      }
      cursor = page.next;
    } while (cursor);
    const next = nextOverduePlace(clock, firstNotDue);
    if (from === undefined || next > from) await ports.notifications.setOverduePlace(department, next);
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
