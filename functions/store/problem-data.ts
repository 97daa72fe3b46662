/** Problem items (问题数据) on DynamoDB (the ProblemDataStore port); keys and costs are in table.ts. */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../core/cursor';
import type { Page, ProblemDataStore } from '../core/ports';
import { parseProblemId, type ProblemCheck, type ProblemClosure, type ProblemItem, type ProblemStatus } from '../core/problem-items';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import { ATTR, enterprisePartition, expiryOf, INDEXES, ITEM_TYPES, PROBLEM_WAITING_PREFIX, problemKey, problemListIndexKey, problemListPartition, problemPartition, problemWaitingKey } from './table';

/** How long an ended waiting mark stays before the table's TTL removes it. */
const ENDED_MARK_DAYS = 1;

const LIST = INDEXES.open;

const keyOf = (id: string) => {
  const parsed = parseProblemId(id);
  return parsed && problemKey(parsed.recordId, parsed.version, parsed.check);
};
const toItem = (item: Item) => strip<ProblemItem>(item);

export class DynamoProblemDataStore implements ProblemDataStore {
  constructor(private readonly t: TableClient) {}

  async raise(p: ProblemItem) {
    const existing = await this.t.putIfAbsent({
      ...problemKey(p.recordId, p.version, p.check),
      [ATTR.type]: ITEM_TYPES.problemData,
      ...problemListIndexKey(p.department, p.status, p.check, p.status === 'open' ? p.raisedAt : (p.closedAt ?? p.raisedAt), p.id),
      ...p,
    });
    return existing ? { created: false, item: toItem(existing) } : { created: true, item: p };
  }

  async get(id: string) {
    const Key = keyOf(id);
    if (!Key) return undefined;
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key, ConsistentRead: true }));
    return out.Item ? toItem(out.Item) : undefined;
  }

  async ofRecord(recordId: string) {
    return (await this.t.queryAll({ KeyConditionExpression: `${ATTR.pk} = :pk`, ExpressionAttributeValues: { ':pk': problemPartition(recordId) }, ConsistentRead: true })).map(toItem);
  }

  async close(id: string, closure: ProblemClosure) {
    const Key = keyOf(id);
    if (!Key) return undefined;
    const current = await this.get(id);
    if (!current || current.status === 'closed') return current;
    const index = problemListIndexKey(current.department, 'closed', current.check, closure.at, id);
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key,
          UpdateExpression: 'SET #status = :closed, closedAt = :at, closure = :closure, #gpk = :gpk, #gsk = :gsk',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status', '#gpk': ATTR.gsi2pk, '#gsk': ATTR.gsi2sk },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': closure.at, ':closure': closure, ':gpk': index[ATTR.gsi2pk], ':gsk': index[ATTR.gsi2sk] },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Closed meanwhile by another writer: theirs stands.
    return out?.Attributes ? toItem(out.Attributes) : this.get(id);
  }

  async awaitRegistration(p: ProblemItem) {
    await unlessConditionFails(
      this.t.db.send(
        new PutCommand({
          TableName: this.t.table,
          Item: { ...problemWaitingKey(p.creditCode, p.id), [ATTR.type]: ITEM_TYPES.problemWaiting, id: p.id, department: p.department, raisedAt: p.raisedAt },
          // A replay of the raising batch after the mark ended must not start it again.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async waitingForRegistration(creditCode: string) {
    const items = await this.t.queryAll({
      KeyConditionExpression: `${ATTR.pk} = :pk AND begins_with(${ATTR.sk}, :w)`,
      FilterExpression: 'attribute_not_exists(#ended)',
      ExpressionAttributeNames: { '#ended': ATTR.expiresAtEpoch },
      ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':w': PROBLEM_WAITING_PREFIX },
      ConsistentRead: true,
    });
    return items.map((i) => String(i.id));
  }

  async doneWaiting(creditCode: string, id: string, at: string) {
    const ends = expiryOf(at, ENDED_MARK_DAYS);
    await this.t.db.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: problemWaitingKey(creditCode, id),
        UpdateExpression: 'SET #ended = :ends',
        ExpressionAttributeNames: { '#ended': ATTR.expiresAtEpoch },
        ExpressionAttributeValues: { ':ends': ends[ATTR.expiresAtEpoch] },
      }),
    );
  }

  /** One query per check from where the last page stopped, merged newest first. */
  async list(department: string, status: ProblemStatus, checks: readonly ProblemCheck[], cursor: string | undefined, limit: number): Promise<Page<ProblemItem>> {
    const before = cursor === undefined ? undefined : decodeCursor(cursor, (p) => (typeof p === 'string' && p.length < 300 ? p : undefined));
    const pages = await Promise.all(
      checks.map(async (check) => {
        const out = await this.t.db.send(
          new QueryCommand({
            TableName: this.t.table,
            IndexName: LIST.name,
            KeyConditionExpression: before ? `${LIST.partitionKey} = :pk AND ${LIST.sortKey} < :before` : `${LIST.partitionKey} = :pk`,
            ExpressionAttributeValues: { ':pk': problemListPartition(department, status, check), ...(before ? { ':before': before } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        return { items: (out.Items ?? []) as Item[], more: out.LastEvaluatedKey !== undefined };
      }),
    );
    const merged = pages.flatMap((p) => p.items).sort((a, b) => (String(a[LIST.sortKey]) < String(b[LIST.sortKey]) ? 1 : -1));
    const items = merged.slice(0, limit);
    const more = merged.length > limit || pages.some((p) => p.more);
    const last = items[items.length - 1];
    return { items: items.map(toItem), ...(more && last ? { next: encodeCursor(String(last[LIST.sortKey])) } : {}) };
  }
}
