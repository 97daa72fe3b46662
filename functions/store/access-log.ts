/**
 * The access log (查询留痕) on DynamoDB (the AccessLogStore port): one item per access in the
 * enterprise's own log partition, keyed by its position in the enterprise's hash chain
 * (core/access-log.ts). Every write is a put on a free position, never an update or a delete (IAM
 * allows no other); items carry the retention's expiry for the table's TTL.
 */
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { chain } from '../core/access-log';
import type { AccessLogEntry, AccessRecord } from '../core/model';
import type { AccessLogStore, OnceRecord, Page } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import { decodeCursor, encodeCursor } from '../core/cursor';
import {
  ACCESS_CHAIN_PREFIX,
  accessLogKey,
  accessLogOnceKey,
  accessLogPartition,
  ATTR,
  DEFAULT_RETENTION,
  enterprisePartition,
  expiryOf,
  ITEM_TYPES,
  LEGACY_ACCESS_LOG_PREFIX,
  notificationDeliveredItem,
} from './table';

/**
 * Positions tried before giving up. A lost race hands back the entry that took the position, so the
 * next try needs no read; only as many reads of one enterprise at the same moment collide.
 */
const APPEND_ATTEMPTS = 50;

/** Records chained in one transaction: a marker and an entry each, within TransactWriteItems' 100 items. */
const ONCE_PER_TRANSACTION = 50;

/** Receives each entry once written, to keep its hash outside the table (the function's log). */
export type AccessAnchor = (entry: AccessLogEntry) => void;

export class DynamoAccessLogStore implements AccessLogStore {
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    private readonly t: TableClient,
    private readonly retentionDays = DEFAULT_RETENTION.accessLogDays,
    private readonly anchor?: AccessAnchor,
    /** Delivered marks (the once-markers of pushes) are kept as long as notifications. */
    private readonly notificationDays = DEFAULT_RETENTION.notificationDays,
  ) {}

  private item(entry: AccessLogEntry & { seq: number }): Item {
    return { ...accessLogKey(entry.creditCode, entry.seq), [ATTR.type]: ITEM_TYPES.accessLog, ...expiryOf(entry.at, this.retentionDays), ...entry };
  }

  /** The enterprise's newest chained entry (strongly consistent). */
  private async latest(creditCode: string): Promise<AccessLogEntry | undefined> {
    const out = await this.t.db.send(
      new QueryCommand({
        TableName: this.t.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
        ExpressionAttributeValues: { ':pk': accessLogPartition(creditCode), ':s': ACCESS_CHAIN_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? strip<AccessLogEntry>(item) : undefined;
  }

  append(record: AccessRecord) {
    return this.appendWhenSettled(record.creditCode, Promise.resolve(record));
  }

  async appendWhenSettled(creditCode: string, pending: Promise<AccessRecord>) {
    const [head, record] = await Promise.all([this.latest(creditCode), pending]);
    if (record.creditCode !== creditCode) throw new Error(`access log of ${creditCode}: an entry about ${record.creditCode}`);
    let previous = head;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const entry = chain(record, previous);
      const taken = await this.t.putIfAbsent(this.item(entry));
      if (!taken) {
        this.anchor?.(entry);
        return entry;
      }
      previous = strip<AccessLogEntry>(taken);
    }
    throw new Error(`access log of ${record.creditCode}: no free position after ${APPEND_ATTEMPTS} attempts`);
  }

  /**
   * Each record once per its key, the records of one enterprise chained in one transaction (its
   * once-markers and its entries, up to 50 records a transaction): a delivery batch pushing one
   * record event to several departments reads the chain's head once and writes once, where one
   * append per delivery would race the others for the same positions. A push's once-marker is its
   * notification's delivered mark, so one write logs the push and marks the delivery. A record
   * whose marker exists (logged before: a retry, another pull) is left out and the rest chained
   * again.
   */
  async appendOnce(records: OnceRecord[]) {
    const byEnterprise = new Map<string, OnceRecord[]>();
    const seen = new Set<string>();
    for (const r of records) {
      // One transaction may not touch an item twice: a record given twice is logged once anyway.
      const id = r.delivered ? `delivered#${r.delivered.department}#${r.delivered.id}` : `${r.record.creditCode}#${r.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      byEnterprise.set(r.record.creditCode, [...(byEnterprise.get(r.record.creditCode) ?? []), r]);
    }
    await Promise.all(
      [...byEnterprise].map(async ([creditCode, all]) => {
        for (let i = 0; i < all.length; i += ONCE_PER_TRANSACTION) await this.inTurn(creditCode, () => this.chainOnce(creditCode, all.slice(i, i + ONCE_PER_TRANSACTION)));
      }),
    );
  }

  /**
   * Runs this process's once-appends of one enterprise one after another: racing each other for
   * the chain's next positions, whole transactions would only be cancelled and read again. The
   * map holds only enterprises with such an append under way.
   */
  private inTurn<T>(creditCode: string, append: () => Promise<T>): Promise<T> {
    const before = this.turns.get(creditCode) ?? Promise.resolve();
    const mine = before.then(append, append);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(creditCode, settled);
    void settled.then(() => {
      if (this.turns.get(creditCode) === settled) this.turns.delete(creditCode);
    });
    return mine;
  }

  /** A record's once-markers: its delivered mark (a push), a marker under its key (a pull), or both (a retried push). */
  private markers(creditCode: string, r: OnceRecord, seq: number): Item[] {
    const keyed = { ...accessLogOnceKey(creditCode, r.key), [ATTR.type]: ITEM_TYPES.accessLogOnce, ...expiryOf(r.record.at, this.retentionDays), seq };
    if (!r.delivered) return [keyed];
    const mark = notificationDeliveredItem(r.delivered.department, r.delivered.id, r.delivered.delivery, this.notificationDays);
    return r.keyMarker ? [mark, keyed] : [mark];
  }

  private async chainOnce(creditCode: string, records: OnceRecord[]) {
    const absent = `attribute_not_exists(${ATTR.pk})`;
    let pending = records;
    // Pushes logged under their key before delivered marks existed, whose mark is still to write.
    const unmarked: OnceRecord[] = [];
    for (let attempt = 0; attempt < APPEND_ATTEMPTS && pending.length; attempt++) {
      let previous = await this.latest(creditCode);
      const entries = pending.map(({ record }) => (previous = chain(record, previous)));
      const markers = pending.flatMap((r, i) => this.markers(creditCode, r, entries[i].seq).map((item) => ({ owner: i, item })));
      try {
        await this.t.db.send(
          new TransactWriteCommand({
            TransactItems: [...markers, ...entries.map((entry) => ({ item: this.item(entry) }))].map(({ item }) => ({ Put: { TableName: this.t.table, Item: item, ConditionExpression: absent } })),
          }),
        );
        for (const entry of entries) this.anchor?.(entry);
        pending = [];
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        // Those logged before are done; if none was, a position was taken: chain again either way.
        const reasons = e.CancellationReasons ?? [];
        const before = markers.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
        for (const m of before) if (m.item[ATTR.type] === ITEM_TYPES.accessLogOnce && pending[m.owner].delivered) unmarked.push(pending[m.owner]);
        pending = pending.filter((_, i) => !before.some((m) => m.owner === i));
      }
    }
    if (pending.length) throw new Error(`access log of ${creditCode}: no free position after ${APPEND_ATTEMPTS} attempts`);
    for (const { delivered } of unmarked) {
      if (!delivered) continue;
      const mark = notificationDeliveredItem(delivered.department, delivered.id, delivered.delivery, this.notificationDays);
      await unlessConditionFails(this.t.db.send(new PutCommand({ TableName: this.t.table, Item: mark, ConditionExpression: absent })));
    }
  }

  /**
   * Newest first: the chain, then the entries logged before it (under the enterprise partition).
   * The cursor is the last key read, so it says which of the two a page continues in.
   */
  async list(creditCode: string, cursor: string | undefined, limit: number): Promise<Page<AccessLogEntry>> {
    const log = accessLogPartition(creditCode);
    const legacy = enterprisePartition(creditCode);
    const start = cursor
      ? decodeCursor(cursor, (k) => {
          const key = k as Item | null;
          return key && typeof key.SK === 'string' && ((key.PK === log && key.SK.startsWith(ACCESS_CHAIN_PREFIX)) || (key.PK === legacy && key.SK.startsWith(LEGACY_ACCESS_LOG_PREFIX)))
            ? key
            : undefined;
        })
      : undefined;
    const query = async (pk: string, prefix: string, from: Item | undefined, max: number) =>
      this.t.db.send(
        new QueryCommand({
          TableName: this.t.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
          ScanIndexForward: false,
          Limit: max,
          ExclusiveStartKey: from,
        }),
      );
    const items: Item[] = [];
    let last: Item | undefined;
    if (!start || start.PK === log) {
      const out = await query(log, ACCESS_CHAIN_PREFIX, start, limit);
      items.push(...((out.Items ?? []) as Item[]));
      last = out.LastEvaluatedKey;
      if (last) return { items: items.map((i) => strip<AccessLogEntry>(i)), next: encodeCursor(last) };
    }
    if (items.length < limit) {
      const out = await query(legacy, LEGACY_ACCESS_LOG_PREFIX, start?.PK === legacy ? start : undefined, limit - items.length);
      items.push(...((out.Items ?? []) as Item[]));
      last = out.LastEvaluatedKey;
    }
    return { items: items.map((i) => strip<AccessLogEntry>(i)), ...(last ? { next: encodeCursor(last) } : {}) };
  }
}
