/**
 * Receiving record events is reading enterprise data: it needs the scope reading needs
 * (`profiles:read`), held by the client that set the subscription up. Fan-out checks it before
 * writing a notification and delivery checks it again before posting, since a scope can be revoked
 * in between; each record event a department is pushed or pulls is logged as an access.
 */
import { isRecordEventType } from '../../schemas/event-types';
import type { AccessRecord, ApiClient, StoredNotification, StoredSubscription } from './model';
import type { Ports } from './ports';

export const RECEIVE_SCOPE = 'profiles:read';

const mayRead = (c: ApiClient | undefined, department: string) => !!c && !c.revokedAt && c.department === department && c.scopes.includes(RECEIVE_SCOPE);

/** Whether subscriptions may receive, reading each client once (one per fan-out batch or delivery batch). */
export class ReceiverCheck {
  private readonly clients = new Map<string, Promise<ApiClient | undefined>>();
  private all?: Promise<ApiClient[]>;

  constructor(private readonly ports: Ports) {}

  /** Reads the clients of these subscriptions together, ahead of asking about them one by one. */
  preload(subs: Pick<StoredSubscription, 'clientId'>[]) {
    const ids = [...new Set(subs.flatMap((s) => (s.clientId && !this.clients.has(s.clientId) ? [s.clientId] : [])))];
    if (!ids.length) return;
    const read = ids.length === 1 ? this.ports.clients.get(ids[0]).then((c) => (c ? [c] : [])) : this.ports.clients.getMany(ids);
    for (const id of ids) {
      const client = read.then((found) => found.find((c) => c.clientId === id));
      // A client read ahead may never be asked about (a delivery message named one that is not the
      // subscription's own): its failure is seen only by who asks.
      client.catch(() => {});
      this.clients.set(id, client);
    }
  }

  async allows(sub: Pick<StoredSubscription, 'clientId' | 'department'>): Promise<boolean> {
    if (sub.clientId) {
      let c = this.clients.get(sub.clientId);
      if (!c) this.clients.set(sub.clientId, (c = this.ports.clients.get(sub.clientId)));
      return mayRead(await c, sub.department);
    }
    // Made before subscriptions recorded their client: some active client of the department must hold the scope.
    return (await (this.all ??= this.ports.clients.list())).some((c) => mayRead(c, sub.department));
  }
}

/** The purpose a subscription receives under; older subscriptions stated none. */
export const purposeOf = (sub: Pick<StoredSubscription, 'purpose' | 'name'>) => sub.purpose ?? `subscription "${sub.name}" (no purpose stated)`;

/** A record event reaching a reader: which notification, by which channel, under which purpose. */
export interface Receipt {
  n: StoredNotification;
  channel: 'push' | 'pull';
  reader: { clientId: string; department: string };
  purpose: string;
  /** A push: the notification's delivery as delivered, recorded with the receipt. */
  delivered?: StoredNotification['delivery'];
  /** A push on a retried delivery, which a version logging pushes under their key alone may have logged. */
  retried?: boolean;
}

/**
 * Logs record events reaching departments as accesses to the enterprises' data. Each is filed
 * under its time with a key per notification, channel and reader, so a retried delivery or a
 * repeated pull writes no second entry; `at` is when it first happened. The receipts of one
 * enterprise are chained in one write (a delivery batch, an inbox page); a push's receipt marks
 * its notification delivered in that write.
 */
export async function logReceipts(ports: Ports, receipts: Receipt[]) {
  const at = ports.clock.now().toISOString();
  const records = receipts
    .filter(({ n }) => isRecordEventType(n.event.type))
    .map(({ n, channel, reader, purpose, delivered, retried }) => ({
      record: { creditCode: n.event.subject, at, clientId: reader.clientId, department: reader.department, purpose, resource: `notification:${n.id}`, channel } satisfies AccessRecord,
      key: `${channel}:${n.id}:${reader.clientId}`,
      ...(delivered ? { delivered: { department: n.department, id: n.id, delivery: delivered }, ...(retried ? { keyMarker: true } : {}) } : {}),
    }));
  if (records.length) await ports.accessLog.appendOnce(records);
}
