/** Record versions and the enterprise index on DynamoDB (the RecordStore port). */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordKind } from '../../schemas/records';
import type { HistoryPosition, StoredVersion } from '../core/model';
import type { RecordStore } from '../core/ports';
import { strip, transactOrLose, unlessConditionFails, type Item, type TableClient } from './client';
import {
  ATTR,
  enterpriseIndexKey,
  enterprisePartition,
  historyKindPrefix,
  historySortKey,
  INDEXES,
  ITEM_TYPES,
  postedIndexKey,
  publishedIndexKey,
  recordKey,
  recordPartition,
  SUMMARY_ATTRIBUTES,
  type RecordSummary,
} from './table';

const ENTERPRISE = INDEXES.enterprise;
/** Index keys a version loses when a correction supersedes it. */
const LIVE_INDEX_KEYS = [...new Set([INDEXES.enterprise, INDEXES.posted, INDEXES.published].flatMap((i) => [i.partitionKey, i.sortKey]))].join(', ');

/** The public list's keys for a publishable record (licences, penalties, inspections whose result is public). */
function publication(v: StoredVersion) {
  if (v.kind === 'licence' || v.kind === 'penalty' || (v.kind === 'inspection' && v.data.public === true)) return publishedIndexKey(v.kind, v.date, v.id);
  return {};
}

function versionItem(v: StoredVersion, current: boolean): Item {
  return {
    ...recordKey(v.id, v.version),
    [ATTR.type]: ITEM_TYPES.recordVersion,
    ...(current ? { ...enterpriseIndexKey(v.creditCode, v.kind, v.date, v.id), ...postedIndexKey(v.department, v.kind, v.date, v.id), ...publication(v) } : {}),
    ...v,
  };
}

export const toVersion = (item: Item) => strip<StoredVersion>(item);
const toSummary = (item: Item) => Object.fromEntries(SUMMARY_ATTRIBUTES.map((a) => [a, item[a]])) as unknown as RecordSummary;

export class DynamoRecordStore implements RecordStore {
  constructor(private readonly t: TableClient) {}

  async putFirstVersion(v: StoredVersion) {
    const existing = await this.t.putIfAbsent(versionItem(v, true));
    return existing ? { created: false as const, existing: toVersion(existing) } : { created: true as const };
  }

  async putCorrection(next: StoredVersion, previous: StoredVersion) {
    return transactOrLose(this.t, [
      { Put: { Item: versionItem(next, true), ConditionExpression: `attribute_not_exists(${ATTR.pk})` } },
      {
        Update: {
          Key: recordKey(previous.id, previous.version),
          UpdateExpression: `SET supersededBy = :next REMOVE ${LIVE_INDEX_KEYS}`,
          ConditionExpression: `attribute_exists(${ENTERPRISE.partitionKey}) AND attribute_not_exists(supersededBy)`,
          ExpressionAttributeValues: { ':next': next.version },
        },
      },
    ]);
  }

  async latestVersion(recordId: string) {
    const out = await this.t.db.send(
      new QueryCommand({
        TableName: this.t.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': recordPartition(recordId) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? toVersion(item) : undefined;
  }

  async versions(recordId: string) {
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': recordPartition(recordId) }, ScanIndexForward: false });
    return items.map(toVersion);
  }

  async enterpriseRecords(creditCode: string) {
    const items = await this.t.queryAll({
      IndexName: ENTERPRISE.name,
      KeyConditionExpression: `${ENTERPRISE.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode) },
    });
    return items.map(toSummary);
  }

  async enterpriseHistory(creditCode: string, kind: RecordKind, before: HistoryPosition | undefined, limit: number) {
    const upper = before ? historySortKey(kind, before.date, before.id) : undefined;
    const { partitionKey: pk, sortKey: sk } = ENTERPRISE;
    const out = await this.t.db.send(
      new QueryCommand({
        TableName: this.t.table,
        IndexName: ENTERPRISE.name,
        KeyConditionExpression: upper ? `${pk} = :pk AND ${sk} BETWEEN :lo AND :hi` : `${pk} = :pk AND begins_with(${sk}, :lo)`,
        ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':lo': historyKindPrefix(kind), ...(upper ? { ':hi': upper } : {}) },
        ScanIndexForward: false,
        // BETWEEN includes the cursor's own record: read one more and drop it.
        Limit: upper ? limit + 1 : limit,
      }),
    );
    return (out.Items ?? [])
      .filter((i) => !(before && i.id === before.id && i.date === before.date))
      .slice(0, limit)
      .map(toSummary);
  }

  async latestRegistration(creditCode: string) {
    const out = await this.t.db.send(
      new QueryCommand({
        TableName: this.t.table,
        IndexName: ENTERPRISE.name,
        KeyConditionExpression: `${ENTERPRISE.partitionKey} = :pk AND begins_with(${ENTERPRISE.sortKey}, :kind)`,
        ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':kind': historyKindPrefix('registration') },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? toSummary(item) : undefined;
  }

  async replaceData(recordId: string, version: number, data: Record<string, unknown>) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: recordKey(recordId, version),
          UpdateExpression: 'SET #data = :data',
          ConditionExpression: `attribute_exists(${ATTR.pk})`,
          ExpressionAttributeNames: { '#data': 'data' },
          ExpressionAttributeValues: { ':data': data },
        }),
      ),
    );
    return out !== undefined;
  }
}
