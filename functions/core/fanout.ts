/**
 * Fan-out (推送分发): turns each change on the table's stream into events, decides which
 * departments receive each, writes one notification per department and queues webhook
 * deliveries.
 *
 * Every step is safe to repeat: notifications are written only if absent (a stream INSERT's found
 * absent by one consistent read and then written with the batch's others, as the stream hands an
 * item's change to one fan-out at a time; the rest with a conditional put), and a notification
 * still waiting for its webhook is queued again when its change is replayed, so a crash between
 * the inbox write and the queue send loses nothing (the stream retries the batch).
 */
import { isNoticeEventType, isRecordEventType } from '../../schemas/event-types';
import type { CloudEvent } from '../../schemas/events';
import { updateCover } from './cover';
import { catalogueChangedEvent, feedbackEvent, listChangeEvent, notificationIdFor, overdueEvent, recordEvent, taskEvent, taskOverdueEvent } from './events';
import { CLAIM_POOL, type CatalogueChange, type ChangedEntity, type DeliveryMessage, type RecordSummary, type StoredNotification, type StoredVersion, type SubscriptionView } from './model';
import type { NotificationPut, Ports } from './ports';
import { matches, matchesListChange } from './matching';
import { purposeOf, ReceiverCheck } from './receiving';
import { DEFAULT_CREDIT, type CreditConfig } from './credit-rules';
import { onListChange, onRecord } from './credit-reactions';
import { registrationNotices } from './notices';
import { catalogueIndex, chinaToday, departmentDirectory, scopeTable } from './catalogue-cache';
import { countReceived, countRecords, markRecordsCounted } from './counters';
import { DEFAULT_SUBSCRIPTION_CHECK_MS } from './limits';
import { normaliseName } from './name-key';
import { checkRecord, type ProblemCheck } from './problem-data';

export interface FanoutConfig {
  /** How long a department has to acknowledge a notification before it is escalated. */
  ackWithinHours: number;
  /** Receives the escalation of every overdue notification. */
  supervisingDepartment: string;
  /** Settings of credit's reactions (proposals, commitments, risk class); the defaults when absent. */
  credit?: CreditConfig;
  /** How stale the cached subscription set may be: its revision is read at most this often (default 5000 ms). */
  subscriptionCheckMs?: number;
  /** The problem data checks that run (问题数据); all of them when absent. */
  problemChecks?: readonly ProblemCheck[];
}

/**
 * The subscription set as fan-out matches against it, kept between batches in one container.
 * Reading every subscription on every batch costs a page per 4 KB of subscriptions per batch;
 * instead the set's revision (one small strongly consistent read) is checked at most every
 * `checkMs`, and the set is read again only when the revision moved. Every subscription write moves
 * the revision in its own transaction, so a subscription whose write was answered is matched by
 * every batch that starts more than `checkMs` later: the staleness bound.
 */
export class SubscriptionSet {
  private cached?: { revision: number; subs: Promise<SubscriptionView[]>; checkedAt: number };

  constructor(
    private readonly ports: Pick<Ports, 'subscriptions' | 'clock'>,
    private readonly checkMs = DEFAULT_SUBSCRIPTION_CHECK_MS,
  ) {}

  async get(): Promise<SubscriptionView[]> {
    const now = this.ports.clock.now().getTime();
    if (this.cached && now - this.cached.checkedAt < this.checkMs) return this.cached.subs;
    const revision = await this.ports.subscriptions.revision();
    if (this.cached?.revision === revision) {
      this.cached.checkedAt = now;
      return this.cached.subs;
    }
    // Read after the revision: a change between the two is in the list and moves the revision
    // again, so the next check reads once more; never the other way round (a change missed).
    const subs = this.ports.subscriptions.list();
    this.cached = { revision, subs, checkedAt: now };
    try {
      return await subs;
    } catch (e) {
      this.cached = undefined;
      throw e;
    }
  }
}

/** One change from the stream. */
export interface StreamChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  sequenceNumber: string;
  after?: ChangedEntity;
  before?: ChangedEntity;
}

interface Receiver {
  department: string;
  reasons: string[];
  webhookSubscription?: string;
  /** Why it receives a record event: the purposes of the subscriptions that matched. */
  purposes?: string[];
  /** A feedback comment, kept on the poster's notification and out of the event. */
  comment?: string;
  /** What the notification id is derived from, when not the department (the pool takes one event more than once). */
  idKey?: string;
}

/** The feedback outcome that sends a notice to the claim pool. */
const NOT_OURS = 'not-our-competence';

/** The first active subscription of a department with a webhook: where its directed events go. */
function webhookOf(subs: SubscriptionView[], department: string): string | undefined {
  return subs.filter((s) => s.department === department && s.status === 'active' && s.webhook).sort((a, b) => (a.id < b.id ? -1 : 1))[0]?.id;
}

/** Catalogue changes go to subscriptions that ask for kind `catalogue`, by item code if they name any. */
function catalogueReceivers(subs: SubscriptionView[], change: CatalogueChange): Receiver[] {
  const byDepartment = new Map<string, Receiver>();
  for (const s of [...subs].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (s.status !== 'active' || !s.filters.kinds?.includes('catalogue')) continue;
    if (s.filters.catalogueItemCodes && !s.filters.catalogueItemCodes.includes(change.code)) continue;
    const r = byDepartment.get(s.department) ?? { department: s.department, reasons: [] };
    r.reasons.push(`subscription:${s.id}`);
    if (!r.webhookSubscription && s.webhook) r.webhookSubscription = s.id;
    byDepartment.set(s.department, r);
  }
  return [...byDepartment.values()];
}

export class Fanout {
  private readonly registrations = new Map<string, Promise<RecordSummary | undefined>>();
  private subscriptions?: Promise<SubscriptionView[]>;
  private mapped?: Promise<Set<string>>;
  /** Reads each subscribing client once per batch. */
  private readonly receivers: ReceiverCheck;

  /**
   * @param replaying changes come from the replay of parked changes, which may run beside the
   * stream and more than once at a time: every notification is then written with a conditional put.
   */
  constructor(
    private readonly ports: Ports,
    private readonly config: FanoutConfig,
    private readonly subscriptionSet = new SubscriptionSet(ports, config.subscriptionCheckMs),
    private readonly replaying = false,
  ) {
    this.receivers = new ReceiverCheck(ports);
  }

  private get credit() {
    return this.config.credit ?? DEFAULT_CREDIT;
  }

  /** One look at the subscription set per batch: every change of a batch is matched against the same set. */
  private subs() {
    return (this.subscriptions ??= this.subscriptionSet.get());
  }

  /** Departments with a place on the exchange to receive notices: a live client that reads an inbox. */
  private mappedDepartments() {
    return (this.mapped ??= this.ports.clients.list().then((clients) => new Set(clients.filter((c) => !c.revokedAt && c.scopes.includes('inbox:read')).map((c) => c.department))));
  }

  /** 双告知 for a new registration, after keeping its licence cover and counting its unmatched phrases. */
  private async registrationEffects(version: StoredVersion, subs: SubscriptionView[]): Promise<{ event: CloudEvent; receivers: Receiver[] }[]> {
    if (version.kind !== 'registration' && version.kind !== 'licence' && version.kind !== 'filing') return [];
    await updateCover(this.ports, version.creditCode, [version]);
    if (version.kind !== 'registration' || version.version !== 1) return [];
    const scope = version.summary.scope as { unmatched?: string[] } | undefined;
    for (const phrase of scope?.unmatched ?? []) await this.ports.scopePhrases.count(phrase, chinaToday(this.ports.clock), version.id);
    const [older] = await this.ports.records.enterpriseHistory(version.creditCode, 'registration', { date: version.date, id: version.id }, 1);
    const mapped = await this.mappedDepartments();
    const ctx = { catalogue: await catalogueIndex(this.ports), terms: scopeTable(), departments: departmentDirectory(), isMapped: (d: string) => mapped.has(d) };
    return registrationNotices(version, older, ctx).map(({ event, department, reason }) => ({
      event,
      receivers: [{ department, reasons: [reason], ...(department === CLAIM_POOL ? {} : { webhookSubscription: webhookOf(subs, department) }) }],
    }));
  }

  private registration(creditCode: string) {
    let r = this.registrations.get(creditCode);
    if (!r) this.registrations.set(creditCode, (r = this.ports.records.latestRegistration(creditCode)));
    return r;
  }

  /** Events a change produces, each with the departments that receive it. */
  private async eventsOf(change: StreamChange): Promise<{ event: CloudEvent; receivers: Receiver[] }[]> {
    const { after, before: prior } = change;
    if (change.eventName === 'INSERT' && after?.type === 'directed-event') {
      const { event, departments, reason } = after.value;
      const subs = await this.subs();
      return [{ event, receivers: departments.map((d) => ({ department: d, reasons: [reason], webhookSubscription: webhookOf(subs, d) })) }];
    }
    if (change.eventName === 'INSERT' && after?.type === 'credit-change') {
      const c = after.value;
      await onListChange(this.ports, c, this.credit);
      const byDepartment = new Map<string, Receiver>();
      for (const s of (await this.subs()).filter((s) => s.status === 'active').sort((a, b) => (a.id < b.id ? -1 : 1))) {
        if (!matchesListChange(s.filters, c)) continue;
        const r = byDepartment.get(s.department) ?? { department: s.department, reasons: [] };
        r.reasons.push(`subscription:${s.id}`);
        if (!r.webhookSubscription && s.webhook) r.webhookSubscription = s.id;
        byDepartment.set(s.department, r);
      }
      return [{ event: listChangeEvent(c), receivers: [...byDepartment.values()] }];
    }
    if (change.eventName === 'INSERT' && after?.type === 'record-version') {
      const version = after.value;
      if (version.kind === 'registration') await this.keepDirectory(version);
      await onRecord(this.ports, version, this.credit);
      const subs = (await this.subs()).filter((s) => s.status === 'active' && s.department !== version.department);
      const registration = version.kind === 'registration' ? undefined : await this.registration(version.creditCode);
      const byDepartment = new Map<string, Receiver>();
      const matched = subs.filter((s) => matches(s.filters, { record: version, registration })).sort((a, b) => (a.id < b.id ? -1 : 1));
      this.receivers.preload(matched);
      const allowed = await Promise.all(matched.map((s) => this.receivers.allows(s)));
      for (const [i, s] of matched.entries()) {
        if (!allowed[i]) continue;
        const r = byDepartment.get(s.department) ?? { department: s.department, reasons: [], purposes: [] };
        r.reasons.push(`subscription:${s.id}`);
        if (!r.purposes?.includes(purposeOf(s))) r.purposes?.push(purposeOf(s));
        if (!r.webhookSubscription && s.webhook) r.webhookSubscription = s.id;
        byDepartment.set(s.department, r);
      }
      const notices = await this.registrationEffects(version, await this.subs());
      return [{ event: recordEvent(version), receivers: [...byDepartment.values()] }, ...notices, ...(await this.problemData(version, registration))];
    }
    if (change.eventName === 'INSERT' && after?.type === 'catalogue-change') {
      return [{ event: catalogueChangedEvent(after.value), receivers: catalogueReceivers(await this.subs(), after.value) }];
    }
    if (change.eventName === 'MODIFY' && after?.type === 'notification' && prior?.type === 'notification') {
      const now = after.value;
      const before = prior.value;
      const out: { event: CloudEvent; receivers: Receiver[] }[] = [];
      const subs = await this.subs();
      const poster = typeof now.event.data.postedBy === 'string' ? now.event.data.postedBy : undefined;
      const notice = isNoticeEventType(now.event.type);
      if ((isRecordEventType(now.event.type) || notice) && poster) {
        for (let i = before.feedback.length; i < now.feedback.length; i++) {
          const { comment } = now.feedback[i];
          out.push({
            event: feedbackEvent(now, now.feedback[i], i),
            receivers: [{ department: poster, reasons: ['feedback'], webhookSubscription: webhookOf(subs, poster), ...(comment ? { comment } : {}) }],
          });
        }
      }
      // "Not ours": the notice goes to the claim pool, once per department that said so.
      if (notice && now.feedback.slice(before.feedback.length).some((f) => f.outcome === NOT_OURS)) {
        out.push({ event: now.event, receivers: [{ department: CLAIM_POOL, reasons: [`not-ours:${now.department}`], idKey: `${CLAIM_POOL}#${now.department}` }] });
      }
      // A claim hands the notice to the department that won it, on its usual path.
      if (now.department === CLAIM_POOL && now.claimedBy && now.claimedAt && !before.claimedAt) {
        out.push({ event: now.event, receivers: [{ department: now.claimedBy, reasons: [`claimed:${now.id}`], webhookSubscription: webhookOf(subs, now.claimedBy) }] });
      }
      if (now.escalatedAt && !before.escalatedAt) {
        const sup = this.config.supervisingDepartment;
        out.push({ event: overdueEvent(now), receivers: [{ department: sup, reasons: ['escalation'], webhookSubscription: webhookOf(subs, sup) }] });
      }
      return out;
    }
    if (after?.type === 'inspection-task') {
      const task = after.value;
      const subs = await this.subs();
      if (change.eventName === 'INSERT' && task.status !== 'unassigned') {
        return [{ event: taskEvent(task), receivers: task.departments.map((d) => ({ department: d, reasons: ['task'], webhookSubscription: webhookOf(subs, d) })) }];
      }
      if (change.eventName === 'MODIFY' && task.escalatedAt && !(prior?.type === 'inspection-task' && prior.value.escalatedAt)) {
        return [{ event: taskOverdueEvent(task), receivers: [{ department: task.organiser, reasons: ['escalation'], webhookSubscription: webhookOf(subs, task.organiser) }] }];
      }
    }
    return [];
  }

  /** 问题数据: what the checks find goes back to the posting department (problem-data.ts). */
  private async problemData(version: StoredVersion, registration: RecordSummary | undefined): Promise<{ event: CloudEvent; receivers: Receiver[] }[]> {
    const found = await checkRecord(this.ports, version, registration, this.config.problemChecks);
    const subs = found.length ? await this.subs() : [];
    return found.map(({ event, department }) => ({ event, receivers: [{ department, reasons: ['problem-data'], webhookSubscription: webhookOf(subs, department) }] }));
  }

  /** Keeps the enterprise's pool directory entry (对象库) from its registrations. */
  private async keepDirectory(v: StoredVersion) {
    const d = v.data as { action?: string; regionCode?: string; industryCode?: string; name?: string };
    if (!d.regionCode || !d.industryCode) return;
    await this.ports.directory.apply({
      creditCode: v.creditCode,
      regionCode: d.regionCode,
      industryCode: d.industryCode,
      registered: d.action !== 'deregister',
      asOf: `${v.date}#${v.receivedAt}`,
      ...(d.name ? { name: d.name } : {}),
    });
    if (d.name) await this.ports.names.put(v.creditCode, d.name, normaliseName(d.name));
  }

  private notification(event: CloudEvent, r: Receiver): StoredNotification {
    const now = this.ports.clock.now();
    return {
      id: notificationIdFor(event, r.idKey ?? r.department),
      department: r.department,
      event,
      reasons: r.reasons,
      ...(r.purposes?.length ? { purpose: r.purposes.join('; ') } : {}),
      ...(r.comment ? { comment: r.comment } : {}),
      createdAt: now.toISOString(),
      // Counted from when the department could first see it, so a fan-out catching up after an
      // outage does not hand out notifications that are overdue already.
      ackBy: new Date(now.getTime() + this.config.ackWithinHours * 3600_000).toISOString(),
      delivery: r.webhookSubscription ? { mode: 'webhook', status: 'queued', subscriptionId: r.webhookSubscription, attempts: 0 } : { mode: 'pull', status: 'none', attempts: 0 },
      feedback: [],
    };
  }

  /**
   * The notifications of the changes handled so far, in stream order, to write at `flush`; each
   * change's in one batch with the others' when only one fan-out writes them at a time.
   */
  private pending: { sequenceNumber: string; notifications: StoredNotification[]; batched: boolean }[] = [];

  /**
   * Handles one change: works out its notifications, which wait for `flush` with its deliveries
   * and counts, so that a batch writes its notifications together (a read and 25 to a write),
   * queues the deliveries ten to an SQS request and counts them with one ADD per department.
   * Only an INSERT's notifications are batched: its item reaches one fan-out at a time, while
   * changes to several items can lead to one notification (two claims of one notice).
   */
  async handle(change: StreamChange): Promise<void> {
    const notifications = (await this.eventsOf(change)).flatMap(({ event, receivers }) => receivers.map((r) => this.notification(event, r)));
    if (notifications.length) this.pending.push({ sequenceNumber: change.sequenceNumber, notifications, batched: change.eventName === 'INSERT' && !this.replaying });
    this.toCount(change);
  }

  /**
   * What a delivery message names beside its notification: the webhook subscription, and for a
   * record event (the only one delivery checks the receiving client of) that subscription's
   * client, from the subscription set this batch matched against (no read of its own).
   */
  private async deliveryHints(ns: StoredNotification[]): Promise<(n: StoredNotification) => Pick<DeliveryMessage, 'subscriptionId' | 'clientId'>> {
    if (!ns.some((n) => n.delivery.subscriptionId)) return () => ({});
    const subs = new Map((await this.subs()).map((s) => [`${s.department}#${s.id}`, s]));
    return (n) => {
      const id = n.delivery.subscriptionId;
      const clientId = id && isRecordEventType(n.event.type) ? subs.get(`${n.department}#${id}`)?.clientId : undefined;
      return id ? { subscriptionId: id, ...(clientId ? { clientId } : {}) } : {};
    };
  }

  /**
   * Writes the pending notifications: those of batched changes together, the others each with a
   * conditional put, all at the same time. Answers what became of each notification, and the first
   * change (in stream order) any of whose notifications was not written, with its error: it and
   * the changes after it are left to the stream's retry, which finds what was written.
   */
  private async writePending(): Promise<{ written: { sequenceNumber: string; notifications: StoredNotification[]; results: NotificationPut[] }[]; failed?: string; error?: unknown }> {
    const pending = this.pending;
    this.pending = [];
    const failedAll = (failed: unknown, n: number): NotificationPut[] => Array.from({ length: n }, () => ({ created: false as const, failed }));
    const together = pending.filter((p) => p.batched).flatMap((p) => p.notifications);
    const [batchedResults, singles] = await Promise.all([
      this.ports.notifications.putMany(together).catch((error: unknown) => failedAll(error, together.length)),
      Promise.all(
        pending.map((p) => (p.batched ? [] : Promise.all(p.notifications.map((n) => this.ports.notifications.put(n).catch((failed: unknown): NotificationPut => ({ created: false, failed })))))),
      ),
    ]);
    let at = 0;
    const written = pending.map((p, i) => ({ ...p, results: p.batched ? batchedResults.slice(at, (at += p.notifications.length)) : singles[i] }));
    const first = written.findIndex((w) => w.results.some((r) => 'failed' in r));
    if (first < 0) return { written };
    const error = written[first].results.find((r) => 'failed' in r) as { failed: unknown };
    return { written, failed: written[first].sequenceNumber, error: error.failed };
  }

  /** Record versions handled so far, with their changes' places in the stream, to count at `flush`. */
  private versions: { sequenceNumber: string; version: StoredVersion }[] = [];

  private toCount(change: StreamChange) {
    if (change.eventName === 'INSERT' && change.after?.type === 'record-version') this.versions.push({ sequenceNumber: change.sequenceNumber, version: change.after.value });
  }

  /**
   * Counts the record versions handled so far (statistics and the directory's per kind), each once
   * however often its change is handled: only the versions this call marks counted are added.
   * When marking fails, the stream retries from the first of them (handling a change again is
   * safe, and the retry counts what is not marked yet); an ADD that fails after marking is lost
   * (the bound the statistics state) and shown. Versions from `before` on are left to the retry.
   */
  private async countVersions(before?: string): Promise<{ failed?: string; error?: unknown }> {
    const versions = this.versions.filter((v) => before === undefined || isEarlier(v.sequenceNumber, before));
    this.versions = [];
    if (!versions.length) return {};
    let marked: StoredVersion[];
    try {
      marked = await markRecordsCounted(
        this.ports,
        versions.map((v) => v.version),
      );
    } catch (error) {
      return { failed: versions[0].sequenceNumber, error };
    }
    try {
      await countRecords(this.ports, marked);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', message: 'fan-out could not count records', records: marked.length, error: String(error) }));
    }
    return {};
  }

  /**
   * Writes the notifications of the changes handled so far, queues their deliveries and counts
   * their record versions and notifications. Returns the first change that failed, if any: the
   * stream retries from there, and the changes handled again queue every notification still
   * waiting (a copy already sent is delivered once: delivery skips a notification marked
   * delivered). A change whose notifications could not be written is neither queued nor counted.
   */
  async flush(): Promise<{ failed?: string; error?: unknown; notifications: number }> {
    const { written, ...unwritten } = await this.writePending();
    const counted = await this.countVersions(unwritten.failed);
    // Every notification written is counted, also of a change left to the retry (which finds it
    // written and counts nothing); only the changes before the first failure are queued.
    const created = written.flatMap((w) => w.notifications.filter((_, i) => w.results[i].created));
    const queuedAt = this.ports.clock.now().toISOString();
    const done =
      unwritten.failed === undefined
        ? written
        : written.slice(
            0,
            written.findIndex((w) => w.sequenceNumber === unwritten.failed),
          );
    const hints = await this.deliveryHints(done.flatMap((w) => w.notifications));
    const outbox = done.flatMap(({ sequenceNumber, notifications, results }) => {
      const messages: DeliveryMessage[] = [];
      notifications.forEach((n, i) => {
        const put = results[i];
        const stored = put.created ? n : 'existing' in put ? put.existing : undefined;
        if (stored && stored.delivery.status === 'queued' && !stored.acknowledgedAt) messages.push({ department: stored.department, notificationId: stored.id, queuedAt, ...hints(stored) });
      });
      return messages.length ? [{ sequenceNumber, messages }] : [];
    });
    const failures: Outcome[] = [unwritten, counted];
    if (outbox.length) {
      if (!this.ports.queue) failures.push({ failed: outbox[0].sequenceNumber, error: new Error('fan-out needs the delivery queue') });
      else {
        try {
          await this.ports.queue.send(outbox.flatMap((o) => o.messages));
        } catch (error) {
          failures.push({ failed: outbox[0].sequenceNumber, error });
        }
      }
    }
    try {
      await countReceived(this.ports, created);
    } catch (error) {
      // The notifications are written and queued: a retry would find them and count nothing, so
      // these counts are lost either way (the bound the statistics state); the error is shown.
      console.error(JSON.stringify({ level: 'error', message: 'fan-out could not count received notifications', notifications: created.length, error: String(error) }));
    }
    return { ...earliest(failures), notifications: created.length };
  }
}

/** Whether stream sequence number `a` comes before `b` (decimal strings of any length). */
function isEarlier(a: string, b: string) {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/** A step of `flush`: the change it failed at, if it did, and why. */
type Outcome = { failed?: string; error?: unknown };

/** Of several outcomes, the failure earliest in the stream (nothing when none failed). */
function earliest(outcomes: Outcome[]): Outcome {
  return outcomes.reduce<Outcome>((a, b) => (b.failed !== undefined && (a.failed === undefined || isEarlier(b.failed, a.failed)) ? { failed: b.failed, error: b.error } : a), {});
}

/**
 * Processes a stream batch in order and stops at the first change that fails, returning its
 * sequence number: the event source then retries from there (Lambda's reportBatchItemFailures).
 * The notifications and deliveries of the changes before it are written and queued first.
 */
export async function fanoutBatch(ports: Ports, changes: StreamChange[], config: FanoutConfig, subscriptions?: SubscriptionSet): Promise<{ failed?: string; notifications: number; error?: unknown }> {
  const fanout = new Fanout(ports, config, subscriptions);
  let failure: { failed: string; error: unknown } | undefined;
  for (const change of changes) {
    try {
      await fanout.handle(change);
    } catch (error) {
      failure = { failed: change.sequenceNumber, error };
      break;
    }
  }
  const flushed = await fanout.flush();
  if (flushed.failed) return flushed as { failed: string; notifications: number; error?: unknown };
  return failure ? { ...failure, notifications: flushed.notifications } : { notifications: flushed.notifications };
}
