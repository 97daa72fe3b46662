/**
 * The access log (查询留痕) on DynamoDB (the AccessLogStore port): one item per access in the
 * enterprise's own log partition, keyed by its position in the enterprise's hash chain
 * (core/access-log.ts). Every write is a put on a free position, never an update or a delete (IAM
 * allows no other); items carry the retention's expiry for the table's TTL.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { chain } from '../core/access-log';
import type { AccessLogEntry, AccessRecord } from '../core/model';
import type { AccessLogStore, Page } from '../core/ports';
import { strip, type Item, type TableClient } from './client';
import { decodeCursor, encodeCursor } from '../core/cursor';
import { ACCESS_CHAIN_PREFIX, accessLogKey, accessLogOnceKey, accessLogPartition, ATTR, DEFAULT_RETENTION, enterprisePartition, expiryOf, ITEM_TYPES, LEGACY_ACCESS_LOG_PREFIX } from './table';

/**
 * Positions tried before giving up. A lost race hands back the entry that took the position, so the
 * next try needs no read; only as many reads of one enterprise at the same moment collide.
 */
const APPEND_ATTEMPTS = 50;

/** Receives each entry once written, to keep its hash outside the table (the function's log). */
export type AccessAnchor = (entry: AccessLogEntry) => void;

export class DynamoAccessLogStore implements AccessLogStore {
  constructor(
    private readonly t: TableClient,
    private readonly retentionDays = DEFAULT_RETENTION.accessLogDays,
    private readonly anchor?: AccessAnchor,
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

  async appendOnce(record: AccessRecord, key: string) {
    const marker = { ...accessLogOnceKey(record.creditCode, key), [ATTR.type]: ITEM_TYPES.accessLogOnce, ...expiryOf(record.at, this.retentionDays) };
    const absent = `attribute_not_exists(${ATTR.pk})`;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const entry = chain(record, await this.latest(record.creditCode));
      try {
        await this.t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.t.table, Item: { ...marker, seq: entry.seq }, ConditionExpression: absent } },
              { Put: { TableName: this.t.table, Item: this.item(entry), ConditionExpression: absent } },
            ],
          }),
        );
        this.anchor?.(entry);
        return;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        // Logged before (a retry, another pull): done. Else the position was taken: chain again.
        if (e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return;
      }
    }
    throw new Error(`access log of ${record.creditCode}: no free position after ${APPEND_ATTEMPTS} attempts`);
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
