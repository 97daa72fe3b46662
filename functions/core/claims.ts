/**
 * The claim pool (认领) for departments with `notices:claim`: list the 双告知 notices no department
 * is known to take, claim one (exactly one claimant wins) or pass on it.
 */
import { requireScope } from './clients';
import { cursorBinding, sealPage } from './cursor';
import { conflict, notFound } from './errors';
import { isNotificationId } from './ids';
import { presentNotification } from './inbox';
import { CLAIM_POOL, type ApiClient } from './model';
import type { Ports } from './ports';

export async function listPool(ports: Ports, client: ApiClient, q: { cursor?: string; limit: number }) {
  requireScope(client, 'notices:claim');
  const binding = cursorBinding('claim-pool', client.clientId);
  const cursor = q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding);
  const page = sealPage(ports.cursors, await ports.notifications.list(CLAIM_POOL, { open: true, cursor, limit: q.limit }), binding);
  // What this department passed on stays in the pool for the others.
  return { items: page.items.filter((n) => !n.passedBy?.includes(client.department)).map(presentNotification), ...(page.next ? { next: page.next } : {}) };
}

async function poolNotice(ports: Ports, id: string) {
  const n = isNotificationId(id) ? await ports.notifications.get(CLAIM_POOL, id) : undefined;
  if (!n) throw notFound(`no notice ${id} in the claim pool`);
  return n;
}

/** Claims a pool notice: exactly one department wins; the notice then reaches its inbox (and webhook). */
export async function claimNotice(ports: Ports, client: ApiClient, id: string) {
  requireScope(client, 'notices:claim');
  const claimed = isNotificationId(id) ? await ports.notifications.claim(id, { department: client.department, clientId: client.clientId }, ports.clock.now().toISOString()) : undefined;
  if (claimed) return presentNotification(claimed);
  const n = await poolNotice(ports, id);
  throw conflict('notice-not-open', n.claimedBy ? `notice ${id} was claimed by ${n.claimedBy}` : `notice ${id} is no longer open to claims`, { claimedBy: n.claimedBy });
}

/** Passes on a pool notice: it stays open for the other departments and leaves this one's listing. */
export async function passNotice(ports: Ports, client: ApiClient, id: string) {
  requireScope(client, 'notices:claim');
  if (isNotificationId(id) && (await ports.notifications.pass(id, client.department))) return presentNotification(await poolNotice(ports, id));
  const n = await poolNotice(ports, id);
  throw conflict('notice-not-open', n.claimedBy ? `notice ${id} was claimed by ${n.claimedBy}` : `notice ${id} is no longer open`, { claimedBy: n.claimedBy });
}
