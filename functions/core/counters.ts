/**
 * Counting for the statistics per department and quarter (部门统计) and the directory's records
 * per kind: each count follows the write that makes its event happen once, and only when that
 * write was this call's (see "Statistics" in functions/store/table.ts for why nothing is counted
 * twice and what a crash can lose).
 */
import { CLAIM_POOL, type StoredNotification, type StoredVersion } from './model';
import type { Ports } from './ports';
import { isDerivedPartyKey } from '../store/table';

/** The quarter an instant falls in, China time: `2026Q4`. */
export function quarterOf(at: string | Date): string {
  const china = new Date(new Date(at).getTime() + 8 * 3600_000);
  return `${china.getUTCFullYear()}Q${Math.floor(china.getUTCMonth() / 3) + 1}`;
}

/** Items grouped by a key, in first-seen order. */
function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

/**
 * Marks record versions counted (see StatisticsStore.markCounted) and returns those this call
 * marked: only they may be counted, so a stream batch handled twice counts each version once.
 */
export async function markRecordsCounted(ports: Ports, versions: StoredVersion[]): Promise<StoredVersion[]> {
  const unique = groupBy(versions, (v) => `${v.id}#${v.version}`).map((g) => g[0]);
  const marked = await ports.statistics.markCounted(unique.map((v) => ({ id: v.id, version: v.version })));
  return unique.filter((_, i) => marked[i]);
}

const recordMeasure = (v: StoredVersion) => (v.version === 1 ? 'provided' : 'corrected');

/**
 * Counts marked record versions together (a fan-out batch's): a new record as provided, a later
 * version as corrected, in the quarter it was received, with one ADD per department, quarter and
 * measure; and each new record on its enterprise's directory entry, one ADD per enterprise and
 * kind (parties known only by a derived key have no directory entry).
 */
export async function countRecords(ports: Ports, marked: StoredVersion[]) {
  const statistics = groupBy(marked, (v) => `${v.department}#${quarterOf(v.receivedAt)}#${recordMeasure(v)}`).map((vs) =>
    ports.statistics.add(vs[0].department, quarterOf(vs[0].receivedAt), recordMeasure(vs[0]), `record#${vs[0].id}#${vs[0].version}`, vs.length),
  );
  const fresh = marked.filter((v) => v.version === 1 && !isDerivedPartyKey(v.creditCode));
  const directory = groupBy(fresh, (v) => `${v.creditCode}#${v.kind}`).map((vs) => ports.directory.countRecord(vs[0].creditCode, vs[0].kind, vs.length));
  await Promise.all([...statistics, ...directory]);
}

// What becomes of a notification counts in the quarter it arrived in; the claim pool is no department.
const counted = (n: StoredNotification) => n.department !== CLAIM_POOL;
const add = (ports: Ports, n: StoredNotification, measure: Parameters<Ports['statistics']['add']>[2]) =>
  counted(n) ? ports.statistics.add(n.department, quarterOf(n.createdAt), measure, `${n.department}#${n.id}`) : Promise.resolve();

/**
 * Notifications received, counted together: one ADD per department and quarter for all of them
 * (a fan-out batch's), instead of one per notification.
 */
export async function countReceived(ports: Ports, notifications: StoredNotification[]) {
  const groups = groupBy(notifications.filter(counted), (n) => `${n.department}#${quarterOf(n.createdAt)}`);
  await Promise.all(groups.map((ns) => ports.statistics.add(ns[0].department, quarterOf(ns[0].createdAt), 'received', `${ns[0].department}#${ns[0].id}`, ns.length)));
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
