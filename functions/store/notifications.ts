/** Notifications, the departments' inboxes (收件箱), on DynamoDB (the NotificationStore port). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_POOL, type Feedback, type RedriveClaim, type StoredNotification } from '../core/model';
import type { NotificationPut, NotificationStore } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import {
  ATTR,
  DEFAULT_RETENTION,
  expiryOf,
  INBOX_PREFIX,
  inboxPartition,
  INDEXES,
  ITEM_TYPES,
  JOBS_PARTITION,
  notificationDeliveredItem,
  notificationDeliveredKey,
  notificationKey,
  openIndexKey,
  openPartition,
  OVERDUE_JOB_PREFIX,
  overdueJobKey,
} from './table';

const OPEN = INDEXES.open;
/** At most this many feedback entries per notification, so an item stays far below 400 KB. */
const MAX_FEEDBACK = 20;

/** Open-index entries the overdue job reads per query (1-2 KB each: a few hundred KB a page). */
const UNESCALATED_PAGE = 200;

function notificationItem(n: StoredNotification, retentionDays: number): Item {
  return {
    ...notificationKey(n.department, n.id),
    [ATTR.type]: ITEM_TYPES.notification,
    ...(n.acknowledgedAt ? {} : openIndexKey(n.department, n.ackBy, n.id)),
    ...expiryOf(n.createdAt, retentionDays),
    ...n,
  };
}

/**
 * A webhook notification whose own item does not say delivered: delivery records its success in
 * the small item of notificationDeliveredKey, which then says how it went. Notifications marked
 * delivered in themselves (before that item existed) need no second read.
 */
const mayBeMarkedApart = (n: StoredNotification) => n.delivery.mode === 'webhook' && n.delivery.status !== 'delivered';
const markKey = (k: { PK?: unknown; SK?: unknown }) => `${String(k.PK)}|${String(k.SK)}`;

/** Each notification with the delivery its mark (if among `marks`) records. */
function withMarks(ns: StoredNotification[], marks: Item[]): StoredNotification[] {
  const byKey = new Map(marks.map((m) => [markKey(m), m.delivery as StoredNotification['delivery']]));
  return ns.map((n) => {
    const delivery = mayBeMarkedApart(n) ? byKey.get(markKey(notificationDeliveredKey(n.department, n.id))) : undefined;
    return delivery ? { ...n, delivery } : n;
  });
}

export function toNotification(item: Item): StoredNotification {
  const n = strip<StoredNotification>(item);
  // A string set comes back as a Set; the domain object holds a list.
  return n.passedBy instanceof Set ? { ...n, passedBy: [...(n.passedBy as Set<string>)].sort() } : n;
}

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly t: TableClient,
    private readonly retentionDays = DEFAULT_RETENTION.notificationDays,
  ) {}

  async put(n: StoredNotification) {
    const existing = await this.t.putIfAbsent(notificationItem(n, this.retentionDays));
    // A replayed change finds the notification delivered, and queues no second delivery.
    return existing ? { created: false as const, existing: await this.withDelivered(toNotification(existing)) } : { created: true as const };
  }

  /**
   * One strongly consistent batch read finds those that exist (with their delivered marks), then
   * the rest go 25 to a BatchWriteItem: a change to fifty departments costs one read and two
   * writes where a conditional PutItem each cost fifty requests (the same write units, and a read
   * unit per notification more). The read and the write are two steps, so a second writer of the
   * same notification between them would be overwritten: fan-out batches only the notifications of
   * a stream INSERT, which one fan-out at a time handles.
   */
  async putMany(ns: StoredNotification[]): Promise<NotificationPut[]> {
    const keyOf = (n: { department: string; id: string }) => `${n.department}#${n.id}`;
    const found = ns.length
      ? (
          await this.t.batchGet(
            ns.map((n) => notificationKey(n.department, n.id)),
            undefined,
            true,
          )
        ).map(toNotification)
      : [];
    const existing = new Map((await this.withDeliveredMarks(found, true)).map((n) => [keyOf(n), n]));
    const fresh = new Map<string, StoredNotification>();
    for (const n of ns) if (!existing.has(keyOf(n)) && !fresh.has(keyOf(n))) fresh.set(keyOf(n), n);
    const errors = await this.t.batchPutSettled([...fresh.values()].map((n) => notificationItem(n, this.retentionDays)));
    const failed = new Map([...fresh.keys()].map((k, i) => [k, errors[i]]));
    return ns.map((n): NotificationPut => {
      const k = keyOf(n);
      const had = existing.get(k);
      if (had) return { created: false, existing: had };
      if (failed.get(k) !== undefined) return { created: false, failed: failed.get(k) };
      // Given twice: the first is written, the second finds it.
      return fresh.get(k) === n ? { created: true } : { created: false, existing: fresh.get(k) ?? n };
    });
  }

  async get(department: string, id: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: notificationKey(department, id), ConsistentRead: true }));
    return out.Item ? this.withDelivered(toNotification(out.Item)) : undefined;
  }

  /** The notifications with their delivered marks, read together in one consistent batch (delivery's read). */
  async getMany(keys: { department: string; id: string }[]) {
    const items = await this.t.batchGet(
      keys.flatMap((k) => [notificationKey(k.department, k.id), notificationDeliveredKey(k.department, k.id)]),
      undefined,
      true,
    );
    const isMark = (i: Item) => i[ATTR.type] === ITEM_TYPES.notificationDelivered;
    return withMarks(items.filter((i) => !isMark(i)).map(toNotification), items.filter(isMark));
  }

  /** The notifications with their delivered marks: one batch read for those that may have one. */
  private async withDeliveredMarks(ns: StoredNotification[], consistent: boolean): Promise<StoredNotification[]> {
    const asked = ns.filter(mayBeMarkedApart);
    if (!asked.length) return ns;
    const marks = await this.t.batchGet(
      asked.map((n) => notificationDeliveredKey(n.department, n.id)),
      undefined,
      consistent,
    );
    return withMarks(ns, marks);
  }

  private async withDelivered(n: StoredNotification): Promise<StoredNotification> {
    if (!mayBeMarkedApart(n)) return n;
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: notificationDeliveredKey(n.department, n.id), ConsistentRead: true }));
    return withMarks([n], out.Item ? [out.Item] : [])[0];
  }

  async list(department: string, q: { open: boolean; cursor?: string; limit: number }) {
    const page = await (q.open
      ? this.t.queryPage(
          { IndexName: OPEN.name, KeyConditionExpression: `${OPEN.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': openPartition(department) }, Limit: q.limit },
          q.cursor,
          (k) => k[OPEN.partitionKey] === openPartition(department),
          toNotification,
        )
      : this.t.queryPage(
          { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :n)', ExpressionAttributeValues: { ':pk': inboxPartition(department), ':n': INBOX_PREFIX }, Limit: q.limit },
          q.cursor,
          (k) => k.PK === inboxPartition(department),
          toNotification,
        ));
    return { ...page, items: await this.withDeliveredMarks(page.items, false) };
  }

  async open(department: string) {
    const items = await this.t.queryAll({ IndexName: OPEN.name, KeyConditionExpression: `${OPEN.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': openPartition(department) } });
    return items.map(toNotification);
  }

  async overdue(department: string, q: { before: string; cursor?: string; limit: number }) {
    const page = await this.t.queryPage(
      {
        IndexName: OPEN.name,
        KeyConditionExpression: `${OPEN.partitionKey} = :pk AND ${OPEN.sortKey} < :before`,
        // Entries written before the index was keyed by ackBy sort by their event time, which is
        // never after their ackBy: the range holds every one that is overdue and the filter drops
        // those that are not due yet.
        FilterExpression: 'ackBy < :before',
        ExpressionAttributeValues: { ':pk': openPartition(department), ':before': q.before },
        Limit: q.limit,
      },
      q.cursor,
      (k) => k[OPEN.partitionKey] === openPartition(department),
      toNotification,
    );
    return { ...page, items: await this.withDeliveredMarks(page.items, false) };
  }

  /**
   * Escalation does not look at delivery: no delivered marks read. A page reads at most
   * `UNESCALATED_PAGE` index entries before the filter, so each request stays short even when the
   * range holds a department's whole index (the job's first run), where a 1 MB page of entries
   * escalated long ago, all filtered out, took seconds on a loaded table.
   */
  unescalated(department: string, q: { from?: string; before: string; cursor?: string }) {
    return this.t.queryPage(
      {
        IndexName: OPEN.name,
        Limit: UNESCALATED_PAGE,
        KeyConditionExpression: `${OPEN.partitionKey} = :pk AND ${q.from === undefined ? `${OPEN.sortKey} < :before` : `${OPEN.sortKey} BETWEEN :from AND :before`}`,
        FilterExpression: 'attribute_not_exists(escalatedAt)',
        ExpressionAttributeValues: { ':pk': openPartition(department), ':before': q.before, ...(q.from === undefined ? {} : { ':from': q.from }) },
      },
      q.cursor,
      (k) => k[OPEN.partitionKey] === openPartition(department),
      (item) => ({ notification: toNotification(item), place: String(item[OPEN.sortKey]) }),
    );
  }

  async overduePlaces() {
    const items = await this.t.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': JOBS_PARTITION, ':prefix': OVERDUE_JOB_PREFIX },
      ConsistentRead: true,
    });
    return new Map(items.flatMap((i) => (typeof i.through === 'string' ? [[String(i.SK).slice(OVERDUE_JOB_PREFIX.length), i.through] as const] : [])));
  }

  async setOverduePlace(department: string, place: string) {
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: overdueJobKey(department),
          UpdateExpression: 'SET #type = :type, through = :p',
          // Two runs at once (a retried invocation) cannot move it back.
          ConditionExpression: 'attribute_not_exists(through) OR through < :p',
          ExpressionAttributeNames: { '#type': ATTR.type },
          ExpressionAttributeValues: { ':type': ITEM_TYPES.jobCursor, ':p': place },
        }),
      ),
    );
  }

  /**
   * A success is recorded in the notification's delivered mark, a small item outside every index
   * written once (the first success stays); every other state in the notification itself, never
   * over one that says delivered. Readers put the mark in place of the notification's own state.
   */
  async updateDelivery(department: string, id: string, delivery: StoredNotification['delivery']) {
    if (delivery.status === 'delivered') {
      await unlessConditionFails(
        this.t.db.send(
          new PutCommand({
            TableName: this.t.table,
            Item: notificationDeliveredItem(department, id, delivery, this.retentionDays),
            ConditionExpression: `attribute_not_exists(${ATTR.pk})`,
          }),
        ),
      );
      return;
    }
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET delivery = :d',
          // A late failure report must not undo a delivery that already succeeded.
          ConditionExpression: 'attribute_exists(PK) AND delivery.#s <> :delivered',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':d': delivery, ':delivered': 'delivered' },
        }),
      ),
    );
  }

  async acknowledge(department: string, id: string, at: string, clientId: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: `SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), acknowledgedBy = if_not_exists(acknowledgedBy, :by) REMOVE ${OPEN.partitionKey}, ${OPEN.sortKey}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at, ':by': clientId },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? this.withDelivered(toNotification(out.Attributes)) : undefined;
  }

  async addFeedback(department: string, id: string, feedback: Feedback, feedbackId: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: `SET feedback = list_append(feedback, :f), lastFeedbackAt = :at, acknowledgedAt = if_not_exists(acknowledgedAt, :at), acknowledgedBy = if_not_exists(acknowledgedBy, :by) ADD feedbackIds :ids REMOVE ${OPEN.partitionKey}, ${OPEN.sortKey}`,
          ConditionExpression: 'attribute_exists(PK) AND NOT contains(feedbackIds, :id) AND size(feedback) < :max',
          ExpressionAttributeValues: { ':f': [feedback], ':at': feedback.at, ':by': feedback.clientId, ':ids': new Set([feedbackId]), ':id': feedbackId, ':max': MAX_FEEDBACK },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // The condition fails for a repeated feedback (or a missing notification): answer with what is stored.
    return out?.Attributes ? this.withDelivered(toNotification(out.Attributes)) : this.get(department, id);
  }

  async claimRedrive(department: string, id: string, claim: RedriveClaim, staleBefore: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET redriveClaim = :claim',
          ConditionExpression: 'delivery.#s = :failed AND attribute_not_exists(acknowledgedAt) AND (attribute_not_exists(redriveClaim) OR redriveClaim.#at < :stale)',
          ExpressionAttributeNames: { '#s': 'status', '#at': 'at' },
          ExpressionAttributeValues: { ':claim': claim, ':failed': 'failed', ':stale': staleBefore },
        }),
      ),
    );
    return out !== undefined;
  }

  async finishRedrive(department: string, id: string, claim: RedriveClaim) {
    const finished = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET delivery.#s = :queued, delivery.attempts = :zero, delivery.requeuedAt = :at REMOVE redriveClaim',
          // The sent message may already have been delivered; then the claim only goes away.
          ConditionExpression: 'redriveClaim.#token = :token AND delivery.#s = :failed',
          ExpressionAttributeNames: { '#s': 'status', '#token': 'token' },
          ExpressionAttributeValues: { ':queued': 'queued', ':zero': 0, ':at': claim.at, ':token': claim.token, ':failed': 'failed' },
        }),
      ),
    );
    if (finished === undefined) await this.releaseRedrive(department, id, claim);
  }

  async releaseRedrive(department: string, id: string, claim: RedriveClaim) {
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'REMOVE redriveClaim',
          ConditionExpression: 'redriveClaim.#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': claim.token },
        }),
      ),
    );
  }

  async markEscalated(department: string, id: string, at: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET escalatedAt = :at',
          ConditionExpression: `attribute_exists(${OPEN.partitionKey}) AND attribute_not_exists(escalatedAt)`,
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }

  async claim(id: string, claimant: { department: string; clientId: string }, at: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(CLAIM_POOL, id),
          // The condition makes exactly one of racing claims win: the first removes the open-index keys the others need.
          UpdateExpression: `SET claimedBy = :d, claimedAt = :at, acknowledgedAt = :at, acknowledgedBy = :by REMOVE ${OPEN.partitionKey}, ${OPEN.sortKey}`,
          ConditionExpression: `attribute_exists(${OPEN.partitionKey}) AND attribute_not_exists(claimedBy)`,
          ExpressionAttributeValues: { ':d': claimant.department, ':at': at, ':by': claimant.clientId },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? toNotification(out.Attributes) : undefined;
  }

  async pass(id: string, department: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: notificationKey(CLAIM_POOL, id),
          UpdateExpression: 'ADD passedBy :d',
          ConditionExpression: `attribute_exists(${OPEN.partitionKey})`,
          ExpressionAttributeValues: { ':d': new Set([department]) },
        }),
      ),
    );
    return out !== undefined;
  }
}
