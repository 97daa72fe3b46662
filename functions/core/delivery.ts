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
import { isNotificationId } from './ids';
import type { DeliveryMessage } from './model';
import type { Ports, WebhookPoster } from './ports';
import { secretContext, signingSecrets, webhookHeaders } from './webhooks';
import { isRecordEventType } from '../../schemas/event-types';
import { logReceipt, purposeOf, RECEIVE_SCOPE, ReceiverCheck } from './receiving';

export interface DeliveryConfig {
  timeoutMs: number;
  /** Delay before attempt 2, 3, ...; the last entry repeats. */
  retryDelaysSeconds: number[];
  /** Attempts before giving up; equals the queue's maxReceiveCount. */
  maxAttempts: number;
}

export const DEFAULT_DELIVERY: DeliveryConfig = { timeoutMs: 5000, retryDelaysSeconds: [10, 60, 300, 1800], maxAttempts: 5 };

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

type SubscriptionLookup = (department: string, id: string) => ReturnType<Ports['subscriptions']['get']>;

type Opener = (sealed: string, context: string) => Promise<string>;

async function deliverOne(
  ports: Ports,
  post: WebhookPoster,
  m: QueueMessage,
  config: DeliveryConfig,
  subscription: SubscriptionLookup,
  receivers: ReceiverCheck,
  open: Opener,
  report: DeliveryReporter,
): Promise<Outcome> {
  let ref: DeliveryMessage;
  try {
    ref = JSON.parse(m.body) as DeliveryMessage;
  } catch {
    return 'retry'; // not ours: let it reach the DLQ for someone to look at
  }
  const n = await ports.notifications.get(ref.department, ref.notificationId);
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
    const secrets = await Promise.all(signingSecrets(sub, now).map((sealed) => open(sealed, secretContext(sub.department, sub.id))));
    const headers = webhookHeaders(secrets, n.id, Math.floor(now.getTime() / 1000), body);
    const res = await post(sub.webhook.url, headers, body, config.timeoutMs);
    if (res.status >= 200 && res.status < 300) {
      // Logged before the delivery is marked, so a crash between the two retries the log write, never skips it.
      await logReceipt(ports, n, 'push', { clientId: sub.clientId ?? `department:${n.department}`, department: n.department }, n.purpose ?? purposeOf(sub));
      const deliveredAt = ports.clock.now();
      await ports.notifications.updateDelivery(n.department, n.id, { ...n.delivery, ...attempt, status: 'delivered', deliveredAt: deliveredAt.toISOString(), lastError: undefined });
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

/** Delivers a batch; returns the ids of messages to retry (Lambda's batchItemFailures). */
export async function deliverBatch(ports: Ports, post: WebhookPoster, messages: QueueMessage[], config: DeliveryConfig = DEFAULT_DELIVERY, report: DeliveryReporter = () => {}): Promise<string[]> {
  // A batch often holds several deliveries for one subscription: read each subscription once.
  const subs = new Map<string, ReturnType<SubscriptionLookup>>();
  const subscription: SubscriptionLookup = (department, id) => {
    const key = `${department}#${id}`;
    if (!subs.has(key)) subs.set(key, ports.subscriptions.get(department, id));
    return subs.get(key) as ReturnType<SubscriptionLookup>;
  };
  // ... and open each sealed secret once.
  const opened = new Map<string, Promise<string>>();
  const open: Opener = (sealed, context) => {
    const key = `${context}#${sealed}`;
    if (!opened.has(key)) opened.set(key, ports.secrets.open(sealed, context));
    return opened.get(key) as Promise<string>;
  };
  const receivers = new ReceiverCheck(ports);
  const outcomes = await Promise.all(
    messages.map((m) =>
      deliverOne(ports, post, m, config, subscription, receivers, open, report).catch((e: unknown) => {
        console.error(JSON.stringify({ level: 'error', message: 'delivery failed', messageId: m.messageId, error: String(e) }));
        return 'retry' as const;
      }),
    ),
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
