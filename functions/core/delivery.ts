/**
 * Delivery (推送): POSTs a notification's event to the department's webhook, signed. A 2xx marks
 * it delivered; anything else is retried with growing delay, and after the last attempt the
 * notification says failed with the last error while the message goes on to the DLQ.
 *
 * The table, not the DLQ, is where failed deliveries wait for a redrive: the dead-letter consumer
 * makes sure each dead-lettered notification says `failed` (also when the deliverer died before it
 * could record that), counts it for the alarm, and removes the message, so the DLQ is empty
 * between outages and a new arrival is seen as one.
 */
import { DEFAULT_DELIVERY, type DeliveryConfig } from './delivery-config';
import { isNotificationId } from './ids';
import type { DeliveryMessage } from './model';
import type { Clock, Ports, SecretBox, WebhookPoster } from './ports';
import { secretContext, signingSecrets, webhookHeaders } from './webhooks';
import { isRecordEventType } from '../../schemas/event-types';
import { logReceipts, purposeOf, RECEIVE_SCOPE, ReceiverCheck, type Receipt } from './receiving';

export interface QueueMessage {
  messageId: string;
  body: string;
  receiptHandle: string;
  /** 1 on the first receive. */
  receiveCount: number;
}

type Outcome = 'done' | 'retry';

/** What became of one delivery attempt, for the operators' logs and metrics (the adapter writes them). */
export interface DeliveryReport {
  outcome: 'delivered' | 'retried' | 'failed';
  notificationId: string;
  eventId: string;
  department: string;
  attempt: number;
  /** From the event's time to the receiver's 2xx, retries included. */
  latencyMs?: number;
  error?: string;
}
export type DeliveryReporter = (report: DeliveryReport) => void;

type NotificationLookup = (department: string, id: string) => ReturnType<Ports['notifications']['get']>;
type SubscriptionLookup = (department: string, id: string) => ReturnType<Ports['subscriptions']['get']>;

/**
 * Webhook secrets this container has opened, kept so that deliveries do not ask KMS again: one
 * Decrypt per subscription and container instead of one per delivery batch. A secret's sealed
 * form changes when it is rotated, so the key (context and sealed text) never serves an old
 * secret. Bounded: at most `max` are kept, the least recently used leaving first, and none longer
 * than `ttlMs`, so a long-lived container does not hold every plain secret it ever saw.
 */
export class OpenedSecrets {
  private readonly opened = new Map<string, { secret: Promise<string>; at: number }>();

  constructor(
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly max = 1000,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  open(sealed: string, context: string): Promise<string> {
    const key = `${context}#${sealed}`;
    const now = this.clock.now().getTime();
    const hit = this.opened.get(key);
    this.opened.delete(key);
    if (hit && now - hit.at < this.ttlMs) {
      this.opened.set(key, hit); // now the most recently used
      return hit.secret;
    }
    const kept = { secret: this.box.open(sealed, context), at: now };
    this.opened.set(key, kept);
    // A failed open is asked again next time.
    kept.secret.catch(() => this.opened.get(key) === kept && this.opened.delete(key));
    for (const oldest of this.opened.keys()) {
      if (this.opened.size <= this.max) break;
      this.opened.delete(oldest);
    }
    return kept.secret;
  }
}

async function deliverOne(
  ports: Ports,
  post: WebhookPoster,
  m: QueueMessage,
  config: DeliveryConfig,
  notification: NotificationLookup,
  subscription: SubscriptionLookup,
  receivers: ReceiverCheck,
  secrets: OpenedSecrets,
  receipts: Pick<BatchReceipts, 'log'>,
  report: DeliveryReporter,
): Promise<Outcome> {
  let ref: DeliveryMessage;
  try {
    ref = JSON.parse(m.body) as DeliveryMessage;
  } catch {
    return 'retry'; // not ours: let it reach the DLQ for someone to look at
  }
  const n = await notification(ref.department, ref.notificationId);
  if (!n || n.delivery.mode !== 'webhook' || n.delivery.status === 'delivered' || n.acknowledgedAt) return 'done';
  // A failed delivery goes out again only with the message of the redrive that claimed it; any
  // other copy (a stream replay queued two) stops here instead of retrying past the failure.
  if (n.delivery.status === 'failed' && !(n.redriveClaim && ref.queuedAt === n.redriveClaim.at)) return 'done';
  const sub = n.delivery.subscriptionId ? await subscription(n.department, n.delivery.subscriptionId) : undefined;
  const now = ports.clock.now();
  const attempt = { attempts: m.receiveCount, lastAttemptAt: now.toISOString() };
  const about = { notificationId: n.id, eventId: n.event.id, department: n.department, attempt: m.receiveCount };
  if (!sub?.webhook || sub.status !== 'active') {
    const lastError = !sub ? 'subscription deleted' : sub.status !== 'active' ? 'subscription paused' : 'subscription has no webhook';
    await ports.notifications.updateDelivery(n.department, n.id, { ...n.delivery, ...attempt, status: 'failed', lastError });
    report({ ...about, outcome: 'failed', error: lastError });
    return 'done';
  }
  if (isRecordEventType(n.event.type) && !(await receivers.allows(sub))) {
    // The scope was revoked after fan-out: the data must not leave.
    const lastError = `the subscribing client no longer holds ${RECEIVE_SCOPE}`;
    await ports.notifications.updateDelivery(n.department, n.id, { ...n.delivery, ...attempt, status: 'failed', lastError });
    report({ ...about, outcome: 'failed', error: lastError });
    return 'done';
  }

  const body = JSON.stringify(n.event);
  let error: string;
  try {
    const keys = await Promise.all(signingSecrets(sub, now).map((sealed) => secrets.open(sealed, secretContext(sub.department, sub.id))));
    const headers = webhookHeaders(keys, n.id, Math.floor(now.getTime() / 1000), body);
    const res = await post(sub.webhook.url, headers, body, config.timeoutMs);
    if (res.status >= 200 && res.status < 300) {
      const deliveredAt = ports.clock.now();
      const delivered = { ...n.delivery, ...attempt, status: 'delivered' as const, deliveredAt: deliveredAt.toISOString(), lastError: undefined };
      if (isRecordEventType(n.event.type)) {
        // Logged (with the batch's other receipts) in the write that marks it delivered: a crash
        // before it leaves the delivery to be retried and logged, never marked and unlogged.
        const reader = { clientId: sub.clientId ?? `department:${n.department}`, department: n.department };
        await receipts.log({ n, channel: 'push', reader, purpose: n.purpose ?? purposeOf(sub), delivered, retried: m.receiveCount > 1 });
      } else {
        await ports.notifications.updateDelivery(n.department, n.id, delivered);
      }
      report({ ...about, outcome: 'delivered', latencyMs: Math.max(0, deliveredAt.getTime() - Date.parse(n.event.time)) });
      return 'done';
    }
    error = `HTTP ${res.status}`;
  } catch (e) {
    const err = e as Error;
    error = err.name === 'TimeoutError' ? `timed out after ${config.timeoutMs} ms` : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`;
  }

  const last = m.receiveCount >= config.maxAttempts;
  await ports.notifications.updateDelivery(n.department, n.id, { ...n.delivery, ...attempt, status: last ? 'failed' : 'queued', lastError: error });
  const delays = config.retryDelaysSeconds;
  // After the last attempt the message becomes visible at once, so the queue moves it to the DLQ.
  await ports.queue?.retryLater(m.receiptHandle, last ? 0 : delays[Math.min(m.receiveCount - 1, delays.length - 1)]);
  report({ ...about, outcome: last ? 'failed' : 'retried', error });
  return 'retry';
}

/**
 * The access-log receipts of one delivery batch, written together: each delivery hands in its
 * receipt and waits; once every delivery of the batch has handed one in or finished otherwise,
 * they are written in one call (an enterprise's receipts chained in one transaction), and each
 * waiting delivery learns whether its own was written.
 */
class BatchReceipts {
  private waiting: { receipt: Receipt; done: (error?: unknown) => void }[] = [];
  private open: number;

  constructor(
    private readonly ports: Ports,
    deliveries: number,
  ) {
    this.open = deliveries;
  }

  log(receipt: Receipt): Promise<void> {
    return new Promise((ok, fail) => {
      this.waiting.push({ receipt, done: (error) => (error === undefined ? ok() : fail(error)) });
      this.finished();
    });
  }

  /** A delivery that will hand in no (more) receipt. */
  finished() {
    if (--this.open > 0 || !this.waiting.length) return;
    const waiting = this.waiting;
    this.waiting = [];
    logReceipts(
      this.ports,
      waiting.map((w) => w.receipt),
    ).then(
      () => waiting.forEach((w) => w.done()),
      (error: unknown) => waiting.forEach((w) => w.done(error ?? new Error('access log write failed'))),
    );
  }
}

/**
 * Delivers a batch; returns the ids of messages to retry (Lambda's batchItemFailures). `secrets`
 * outlives the batch where the caller keeps it (the Lambda handler keeps one per container).
 */
export async function deliverBatch(
  ports: Ports,
  post: WebhookPoster,
  messages: QueueMessage[],
  config: DeliveryConfig = DEFAULT_DELIVERY,
  report: DeliveryReporter = () => {},
  secrets = new OpenedSecrets(ports.secrets, ports.clock),
): Promise<string[]> {
  // The batch's notifications, their subscriptions and the subscribing clients, each in one read
  // (a batch often holds ten deliveries to ten departments), all three at once where the messages
  // name the subscription and client fan-out saw; what the hints missed is read after.
  const parsed = messages.flatMap((m) => {
    try {
      const ref = JSON.parse(m.body) as Partial<DeliveryMessage> | null;
      return typeof ref?.department === 'string' && typeof ref.notificationId === 'string' ? [ref as DeliveryMessage] : [];
    } catch {
      return [];
    }
  });
  const key = (department: string, id: string) => `${department}#${id}`;
  const asked = new Set<string>();
  const readSubs = (keys: { department: string; id: string }[]) => {
    const fresh = [...new Map(keys.filter((k) => !asked.has(key(k.department, k.id))).map((k) => [key(k.department, k.id), k])).values()];
    fresh.forEach((k) => asked.add(key(k.department, k.id)));
    return fresh.length ? ports.subscriptions.getMany(fresh) : Promise.resolve([]);
  };
  const receivers = new ReceiverCheck(ports);
  receivers.preload(parsed.flatMap((m) => (typeof m.clientId === 'string' ? [{ clientId: m.clientId }] : [])));
  const [found, hinted] = await Promise.all([
    ports.notifications.getMany(parsed.map((m) => ({ department: m.department, id: m.notificationId }))),
    readSubs(parsed.flatMap((m) => (typeof m.subscriptionId === 'string' ? [{ department: m.department, id: m.subscriptionId }] : []))),
  ]);
  const notes = new Map(found.map((n) => [key(n.department, n.id), n]));
  const notification: NotificationLookup = async (department, id) => notes.get(key(department, id));
  const subKeys = [...notes.values()].flatMap((n) => (n.delivery.mode === 'webhook' && n.delivery.subscriptionId ? [{ department: n.department, id: n.delivery.subscriptionId }] : []));
  const subs = new Map([...hinted, ...(await readSubs(subKeys))].map((s) => [key(s.department, s.id), s]));
  const subscription: SubscriptionLookup = async (department, id) => subs.get(key(department, id));
  receivers.preload([...subs.values()]);
  const receipts = new BatchReceipts(ports, messages.length);
  const outcomes = await Promise.all(
    messages.map((m) => {
      let handedIn = false;
      const mine: Pick<BatchReceipts, 'log'> = { log: (r) => ((handedIn = true), receipts.log(r)) };
      return deliverOne(ports, post, m, config, notification, subscription, receivers, secrets, mine, report)
        .catch((e: unknown) => {
          console.error(JSON.stringify({ level: 'error', message: 'delivery failed', messageId: m.messageId, error: String(e) }));
          return 'retry' as const;
        })
        .finally(() => {
          if (!handedIn) receipts.finished();
        });
    }),
  );
  return messages.filter((_, i) => outcomes[i] === 'retry').map((m) => m.messageId);
}

/** The custom metric counting dead-lettered deliveries; the stack's alarm watches it. */
export const DEAD_LETTER_METRIC = { namespace: 'EnterpriseDataExchange', name: 'DeliveriesDeadLettered' } as const;

/** How many messages of a batch the DLQ consumer found dead (each one raises the DLQ alarm). */
export interface DeadLetterOutcome {
  deadLettered: number;
  /** Notifications that still said `queued`: the deliverer never recorded its last attempt. */
  markedFailed: number;
  /** Messages older than the latest redrive of their notification: nothing to do. */
  stale: number;
}

export async function deadLetterBatch(ports: Ports, messages: QueueMessage[]): Promise<DeadLetterOutcome> {
  const out: DeadLetterOutcome = { deadLettered: messages.length, markedFailed: 0, stale: 0 };
  for (const m of messages) {
    let ref: DeliveryMessage;
    try {
      ref = JSON.parse(m.body) as DeliveryMessage;
    } catch {
      continue; // not ours; counted, so the alarm shows it
    }
    if (typeof ref?.department !== 'string' || typeof ref.notificationId !== 'string' || !isNotificationId(ref.notificationId)) continue;
    // A failing read throws: the message stays in the DLQ and is tried again.
    const n = await ports.notifications.get(ref.department, ref.notificationId);
    if (!n || n.delivery.mode !== 'webhook' || n.delivery.status !== 'queued' || n.acknowledgedAt) continue;
    if (n.delivery.requeuedAt && (ref.queuedAt ?? '') < n.delivery.requeuedAt) {
      out.stale++;
      continue;
    }
    await ports.notifications.updateDelivery(n.department, n.id, {
      ...n.delivery,
      status: 'failed',
      attempts: Math.max(n.delivery.attempts, m.receiveCount - 1),
      lastError: n.delivery.lastError ?? 'dead-lettered without a recorded attempt',
    });
    out.markedFailed++;
  }
  return out;
}
