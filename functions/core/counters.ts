/**
 * Counting for the statistics per department and quarter (部门统计): each count follows the write
 * that makes its event happen, and only when that write was this call's (see "Statistics" in
 * functions/store/table.ts for why nothing is counted twice and what a crash can lose).
 */
import { CLAIM_POOL, type StoredNotification, type StoredVersion } from './model';
import type { Ports } from './ports';

/** The quarter an instant falls in, China time: `2026Q4`. */
export function quarterOf(at: string | Date): string {
  const china = new Date(new Date(at).getTime() + 8 * 3600_000);
  return `${china.getUTCFullYear()}Q${Math.floor(china.getUTCMonth() / 3) + 1}`;
}

/** A new record counts as provided, a later version as corrected, in the quarter it was received. */
export const countRecord = (ports: Ports, v: StoredVersion) => ports.statistics.add(v.department, quarterOf(v.receivedAt), v.version === 1 ? 'provided' : 'corrected', `record#${v.id}#${v.version}`);

// What becomes of a notification counts in the quarter it arrived in; the claim pool is no department.
const counted = (n: StoredNotification) => n.department !== CLAIM_POOL;
const add = (ports: Ports, n: StoredNotification, measure: Parameters<Ports['statistics']['add']>[2]) =>
  counted(n) ? ports.statistics.add(n.department, quarterOf(n.createdAt), measure, `${n.department}#${n.id}`) : Promise.resolve();

/**
 * Notifications received, counted together: one ADD per department and quarter for all of them
 * (a fan-out batch's), instead of one per notification.
 */
export async function countReceived(ports: Ports, notifications: StoredNotification[]) {
  const groups = new Map<string, StoredNotification[]>();
  for (const n of notifications.filter(counted)) {
    const key = `${n.department}#${quarterOf(n.createdAt)}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  await Promise.all([...groups.values()].map((ns) => ports.statistics.add(ns[0].department, quarterOf(ns[0].createdAt), 'received', `${ns[0].department}#${ns[0].id}`, ns.length)));
}

/** After an acknowledgement (or feedback) at `at` by `clientId`: counted if it was the one that set acknowledgedAt. */
export async function countAcknowledged(ports: Ports, before: StoredNotification, after: StoredNotification, at: string, clientId: string) {
  if (before.acknowledgedAt || after.acknowledgedAt !== at || after.acknowledgedBy !== clientId) return;
  await add(ports, after, at <= after.ackBy ? 'acknowledgedInTime' : 'acknowledgedLate');
}

/** After feedback at `at` by `clientId`: counted if this call appended it (a repeat is refused by its feedback id). */
export async function countFeedback(ports: Ports, before: StoredNotification, after: StoredNotification, at: string, clientId: string) {
  const mine = (n: StoredNotification) => n.feedback.some((f) => f.at === at && f.clientId === clientId);
  if (!mine(before) && mine(after)) await add(ports, after, 'feedback');
}

/** Once the overdue job's escalation mark was set by this run. */
export const countOverdue = (ports: Ports, n: StoredNotification) => add(ports, n, 'overdue');
