/**
 * The Store port on DynamoDB. Item shapes come from functions/core/keys.ts; this module only
 * turns them into requests. The DynamoDB client is created once per process by the caller.
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RecordKind } from '../../schemas/records';
import { invalidCursor } from '../core/errors';
import {
  ACCESS_LOG_PREFIX,
  accessLogKey,
  CLIENTS_PARTITION,
  clientKey,
  enterprisePartition,
  EXCEPTIONS_PARTITION,
  exceptionKey,
  INDEXES,
  ITEM_TYPES,
  SUMMARY_ATTRIBUTES,
  enterpriseIndexKey,
  openIndexKey,
  historyKindPrefix,
  INBOX_PREFIX,
  inboxPartition,
  notificationKey,
  openPartition,
  SUBSCRIPTIONS_PARTITION,
  subscriptionKey,
  subscriptionPrefix,
  historySortKey,
  recordKey,
  recordPartition,
} from './table';
import type {
  AccessLogEntry,
  ApiClient,
  CreditCodeException,
  Feedback,
  HistoryPosition,
  RecordSummary,
  StoredNotification,
  StoredSubscription,
  StoredVersion,
} from '../core/model';
import type { ChangedEntity } from '../core/fanout';
import type { Page, Store } from '../core/ports';

export interface DynamoStoreOptions {
  /** Called with the capacity every request consumed (benchmarks); requests ask for it only when set. */
  onCapacity?: (operation: string, capacity: ConsumedCapacity[]) => void;
  /** How long the credit code exception list is reused before it is read again. */
  exceptionsTtlMs?: number;
}

type Item = Record<string, unknown>;
const GSI1 = INDEXES.enterprise.name;
const GSI2 = INDEXES.open.name;

function versionItem(v: StoredVersion, current: boolean): Item {
  return {
    ...recordKey(v.id, v.version),
    type: ITEM_TYPES.recordVersion,
    ...(current ? enterpriseIndexKey(v.creditCode, v.kind, v.date, v.id) : {}),
    ...v,
  };
}

/** An item without the table's bookkeeping (keys, index keys, entity type): the domain object stored in it. */
const strip = <T>({ PK: _pk, SK: _sk, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, type: _t, ...rest }: Item) => rest as T;
const toVersion = (item: Item) => strip<StoredVersion>(item);
const toNotification = (item: Item) => strip<StoredNotification>(item);

/** Cursors are the last evaluated key, opaque to callers; `belongs` checks one came from this listing. */
const toCursor = (key: Item | undefined) => (key ? { next: Buffer.from(JSON.stringify(key)).toString('base64url') } : {});
function fromCursor(cursor: string | undefined, belongs: (key: Item) => boolean): Item | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!key || typeof key !== 'object' || !belongs(key as Item)) throw invalidCursor();
  return key as Item;
}

/** What a table item is, for readers of the stream: the entities fan-out reacts to, or something else. */
export function entityFromItem(item: Item | undefined): ChangedEntity | undefined {
  if (!item) return undefined;
  if (item.type === ITEM_TYPES.recordVersion) return { type: 'record-version', value: toVersion(item) };
  if (item.type === ITEM_TYPES.notification) return { type: 'notification', value: toNotification(item) };
  return { type: 'other' };
}

function notificationItem(n: StoredNotification): Item {
  const eventTime = n.event.time;
  return {
    ...notificationKey(n.department, n.id),
    type: ITEM_TYPES.notification,
    ...(n.acknowledgedAt ? {} : openIndexKey(n.department, eventTime, n.id)),
    ...n,
  };
}

/** Runs a conditional write; undefined when its condition did not hold. */
async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return undefined;
    throw e;
  }
}

function toSummary(item: Item): RecordSummary {
  return Object.fromEntries(SUMMARY_ATTRIBUTES.map((a) => [a, item[a]])) as unknown as RecordSummary;
}

export class DynamoStore implements Store {
  private exceptions: { set: ReadonlySet<string>; until: number } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoStoreOptions = {},
  ) {}

  private capacity(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined) {
    if (this.options.onCapacity && consumed) this.options.onCapacity(operation, Array.isArray(consumed) ? consumed : [consumed]);
  }
  private get returnCapacity() {
    return this.options.onCapacity ? ('INDEXES' as const) : undefined;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>, operation: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start, ReturnConsumedCapacity: this.returnCapacity }),
      );
      this.capacity(operation, out.ConsumedCapacity);
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Writes `item` unless its key exists; returns the item already there, read from the failed condition itself. */
  private async putIfAbsent(item: Item, operation: string): Promise<Item | undefined> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: this.returnCapacity,
        }),
      );
      this.capacity(operation, out.ConsumedCapacity);
      return undefined;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException && e.Item) return unmarshall(e.Item);
      throw e;
    }
  }

  async putFirstVersion(v: StoredVersion) {
    const existing = await this.putIfAbsent(versionItem(v, true), 'putFirstVersion');
    return existing ? { created: false as const, existing: toVersion(existing) } : { created: true as const };
  }

  async putCorrection(next: StoredVersion, previous: StoredVersion) {
    try {
      const out = await this.db.send(
        new TransactWriteCommand({
          ReturnConsumedCapacity: this.returnCapacity,
          TransactItems: [
            { Put: { TableName: this.table, Item: versionItem(next, true), ConditionExpression: 'attribute_not_exists(PK)' } },
            {
              Update: {
                TableName: this.table,
                Key: recordKey(previous.id, previous.version),
                UpdateExpression: 'SET supersededBy = :next REMOVE GSI1PK, GSI1SK',
                ConditionExpression: 'attribute_exists(GSI1PK) AND attribute_not_exists(supersededBy)',
                ExpressionAttributeValues: { ':next': next.version },
              },
            },
          ],
        }),
      );
      this.capacity('putCorrection', out.ConsumedCapacity);
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException) return false;
      throw e;
    }
  }

  async latestVersion(recordId: string) {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': recordPartition(recordId) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ReturnConsumedCapacity: this.returnCapacity,
      }),
    );
    this.capacity('latestVersion', out.ConsumedCapacity);
    const item = out.Items?.[0];
    return item ? toVersion(item) : undefined;
  }

  async recordVersions(recordId: string) {
    const items = await this.queryAll(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': recordPartition(recordId) }, ScanIndexForward: false },
      'recordVersions',
    );
    return items.map(toVersion);
  }

  async enterpriseRecords(creditCode: string) {
    const items = await this.queryAll(
      { IndexName: GSI1, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode) } },
      'enterpriseRecords',
    );
    return items.map(toSummary);
  }

  async enterpriseHistory(creditCode: string, kind: RecordKind, before: HistoryPosition | undefined, limit: number) {
    const upper = before ? historySortKey(kind, before.date, before.id) : undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: upper ? 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi' : 'GSI1PK = :pk AND begins_with(GSI1SK, :lo)',
        ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':lo': historyKindPrefix(kind), ...(upper ? { ':hi': upper } : {}) },
        ScanIndexForward: false,
        // BETWEEN includes the cursor's own record: read one more and drop it.
        Limit: upper ? limit + 1 : limit,
        ReturnConsumedCapacity: this.returnCapacity,
      }),
    );
    this.capacity('enterpriseHistory', out.ConsumedCapacity);
    return (out.Items ?? []).filter((i) => !(before && i.id === before.id && i.date === before.date)).slice(0, limit).map(toSummary);
  }

  async appendAccessLog(entry: AccessLogEntry, nonce: string) {
    const out = await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...accessLogKey(entry.creditCode, entry.at, nonce), type: ITEM_TYPES.accessLog, ...entry }, ReturnConsumedCapacity: this.returnCapacity }),
    );
    this.capacity('appendAccessLog', out.ConsumedCapacity);
  }

  async accessLog(creditCode: string, cursor: string | undefined, limit: number): Promise<Page<AccessLogEntry>> {
    const pk = enterprisePartition(creditCode);
    const start = fromCursor(cursor, (k) => k.PK === pk && typeof k.SK === 'string' && k.SK.startsWith(ACCESS_LOG_PREFIX));
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': ACCESS_LOG_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (out.Items ?? []).map((i) => strip<AccessLogEntry>(i)), ...toCursor(out.LastEvaluatedKey) };
  }

  async getClient(clientId: string) {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: clientKey(clientId), ReturnConsumedCapacity: this.returnCapacity }));
    this.capacity('getClient', out.ConsumedCapacity);
    return out.Item ? strip<ApiClient>(out.Item) : undefined;
  }

  async putClient(client: ApiClient) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...clientKey(client.clientId), type: ITEM_TYPES.client, ...client } }));
  }

  async listClients() {
    const items = await this.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': CLIENTS_PARTITION } }, 'listClients');
    return items.map((i) => strip<ApiClient>(i));
  }

  async revokeClient(clientId: string, at: string) {
    const out = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: clientKey(clientId),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }

  async latestRegistration(creditCode: string) {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :kind)',
        ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':kind': historyKindPrefix('registration') },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? toSummary(item) : undefined;
  }

  async putSubscription(sub: StoredSubscription) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...subscriptionKey(sub.department, sub.id), type: ITEM_TYPES.subscription, ...sub } }));
  }

  async getSubscription(department: string, id: string) {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: subscriptionKey(department, id), ConsistentRead: true }));
    return out.Item ? strip<StoredSubscription>(out.Item) : undefined;
  }

  async listSubscriptions(department?: string) {
    const items = await this.queryAll(
      department
        ? { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :dept)', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':dept': subscriptionPrefix(department) } }
        : { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION } },
      'listSubscriptions',
    );
    return items.map((i) => strip<StoredSubscription>(i));
  }

  async deleteSubscription(department: string, id: string) {
    const out = await this.db.send(new DeleteCommand({ TableName: this.table, Key: subscriptionKey(department, id), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  async putNotification(n: StoredNotification) {
    const existing = await this.putIfAbsent(notificationItem(n), 'putNotification');
    return existing ? { created: false as const, existing: toNotification(existing) } : { created: true as const };
  }

  async getNotification(department: string, id: string) {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: notificationKey(department, id), ConsistentRead: true }));
    return out.Item ? toNotification(out.Item) : undefined;
  }

  async listNotifications(department: string, q: { open: boolean; cursor?: string; limit: number }): Promise<Page<StoredNotification>> {
    const start = fromCursor(q.cursor, (k) => (q.open ? k.GSI2PK === openPartition(department) : k.PK === inboxPartition(department)));
    const out = await this.db.send(
      new QueryCommand(
        q.open
          ? {
              TableName: this.table,
              IndexName: GSI2,
              KeyConditionExpression: 'GSI2PK = :pk',
              ExpressionAttributeValues: { ':pk': openPartition(department) },
              Limit: q.limit,
              ExclusiveStartKey: start,
            }
          : {
              TableName: this.table,
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :n)',
              ExpressionAttributeValues: { ':pk': inboxPartition(department), ':n': INBOX_PREFIX },
              Limit: q.limit,
              ExclusiveStartKey: start,
            },
      ),
    );
    return {
      items: (out.Items ?? []).map((i) => toNotification(i)),
      ...toCursor(out.LastEvaluatedKey),
    };
  }

  async openNotifications(department: string) {
    const items = await this.queryAll(
      { IndexName: GSI2, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': openPartition(department) } },
      'openNotifications',
    );
    return items.map(toNotification);
  }

  async updateDelivery(department: string, id: string, delivery: StoredNotification['delivery']) {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET delivery = :d',
          // A late failure report must not undo a delivery that already succeeded.
          ConditionExpression: delivery.status === 'delivered' ? 'attribute_exists(PK)' : 'attribute_exists(PK) AND delivery.#s <> :delivered',
          ExpressionAttributeNames: delivery.status === 'delivered' ? undefined : { '#s': 'status' },
          ExpressionAttributeValues: { ':d': delivery, ...(delivery.status === 'delivered' ? {} : { ':delivered': 'delivered' }) },
        }),
      ),
    );
  }

  async acknowledge(department: string, id: string, at: string, clientId: string) {
    const out = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), acknowledgedBy = if_not_exists(acknowledgedBy, :by) REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at, ':by': clientId },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? toNotification(out.Attributes) : undefined;
  }

  async addFeedback(department: string, id: string, feedback: Feedback, feedbackId: string) {
    const out = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKey(department, id),
          UpdateExpression:
            'SET feedback = list_append(feedback, :f), lastFeedbackAt = :at, acknowledgedAt = if_not_exists(acknowledgedAt, :at), acknowledgedBy = if_not_exists(acknowledgedBy, :by) ADD feedbackIds :ids REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'attribute_exists(PK) AND NOT contains(feedbackIds, :id) AND size(feedback) < :max',
          ExpressionAttributeValues: { ':f': [feedback], ':at': feedback.at, ':by': feedback.clientId, ':ids': new Set([feedbackId]), ':id': feedbackId, ':max': 20 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // The condition fails for a repeated feedback (or a missing notification): answer with what is stored.
    return out?.Attributes ? toNotification(out.Attributes) : this.getNotification(department, id);
  }

  async markEscalated(department: string, id: string, at: string) {
    const out = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: notificationKey(department, id),
          UpdateExpression: 'SET escalatedAt = :at',
          ConditionExpression: 'attribute_exists(GSI2PK) AND attribute_not_exists(escalatedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }

  async creditCodeExceptions() {
    const now = Date.now();
    if (!this.exceptions || this.exceptions.until <= now) {
      const list = await this.listCreditCodeExceptions();
      this.exceptions = { set: new Set(list.map((e) => e.creditCode)), until: now + (this.options.exceptionsTtlMs ?? 60_000) };
    }
    return this.exceptions.set;
  }

  async listCreditCodeExceptions() {
    const items = await this.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': EXCEPTIONS_PARTITION } }, 'listExceptions');
    return items.map((i) => strip<CreditCodeException>(i));
  }

  async putCreditCodeException(e: CreditCodeException) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...exceptionKey(e.creditCode), type: ITEM_TYPES.creditCodeException, ...e } }));
    this.exceptions = undefined;
  }

  async deleteCreditCodeException(creditCode: string) {
    const out = await this.db.send(new DeleteCommand({ TableName: this.table, Key: exceptionKey(creditCode), ReturnValues: 'ALL_OLD' }));
    this.exceptions = undefined;
    return out.Attributes !== undefined;
  }
}
