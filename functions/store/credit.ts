/**
 * The enterprise's credit items on DynamoDB besides list memberships: listing proposals, the risk
 * class, reports of applied measures, directed events, and the credit file read (one query for
 * everything under `CR#`) with the due index. Keys and costs are in table.ts.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Commitment, CreditProposal, MeasureReport } from '../../schemas/credit';
import type { DirectedEvent, Due, Membership, StoredRisk } from '../core/model';
import type { CreditFileStore, DirectedEventStore, DueItem, MeasureReportStore, ProposalStore, RiskStore } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import {
  ATTR,
  CREDIT_PREFIX,
  directedEventKey,
  creditDueKey,
  creditDuePartition,
  enterprisePartition,
  INDEXES,
  ITEM_TYPES,
  proposalKey,
  reportKey,
  reportPartition,
  riskIndexKey,
  riskKey,
  riskPartition,
} from './table';

export const directedEventItem = (e: DirectedEvent): Item => ({ ...directedEventKey(e.event.id), [ATTR.type]: ITEM_TYPES.directedEvent, ...e });
export const toDirectedEvent = (item: Item) => strip<DirectedEvent>(item);

/** Writes `items` with put-if-absent in one transaction; false when the first already existed. */
export async function putAllIfAbsent(t: TableClient, items: Item[]): Promise<boolean> {
  try {
    await t.db.send(new TransactWriteCommand({ TransactItems: items.map((Item) => ({ Put: { TableName: t.table, Item, ConditionExpression: `attribute_not_exists(${ATTR.pk})` } })) }));
    return true;
  } catch (e) {
    if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
    throw e;
  }
}

export class DynamoProposalStore implements ProposalStore {
  constructor(private readonly t: TableClient) {}

  raise(p: CreditProposal, events: DirectedEvent[]) {
    return putAllIfAbsent(this.t, [{ ...proposalKey(p.creditCode, p.id), [ATTR.type]: ITEM_TYPES.creditProposal, ...p }, ...events.map(directedEventItem)]);
  }

  async get(creditCode: string, id: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: proposalKey(creditCode, id), ConsistentRead: true }));
    return out.Item ? strip<CreditProposal>(out.Item) : undefined;
  }

  async decide(p: CreditProposal) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new PutCommand({
          TableName: this.t.table,
          Item: { ...proposalKey(p.creditCode, p.id), [ATTR.type]: ITEM_TYPES.creditProposal, ...p },
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        }),
      ),
    );
    return out !== undefined;
  }
}

const RISK = INDEXES.risk;

export class DynamoRiskStore implements RiskStore {
  constructor(private readonly t: TableClient) {}

  async put(r: StoredRisk, due: Due | undefined) {
    await this.t.db.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...riskKey(r.creditCode),
          [ATTR.type]: ITEM_TYPES.risk,
          ...riskIndexKey(r.regionCode, r.riskClass, r.creditCode),
          ...(due ? creditDueKey(due.actOn, r.creditCode, due.what) : {}),
          ...r,
        },
      }),
    );
  }

  async get(creditCode: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: riskKey(creditCode) }));
    return out.Item ? strip<StoredRisk>(out.Item) : undefined;
  }

  list(regionCode: string, riskClass: string, cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { IndexName: RISK.name, KeyConditionExpression: `${RISK.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': riskPartition(regionCode, riskClass) }, Limit: limit },
      cursor,
      (k) => k[RISK.partitionKey] === riskPartition(regionCode, riskClass),
      (item) => ({ creditCode: String(item.creditCode), regionCode: String(item.regionCode), riskClass: item.riskClass as StoredRisk['riskClass'], computedAt: String(item.computedAt) }),
    );
  }
}

export class DynamoMeasureReportStore implements MeasureReportStore {
  constructor(private readonly t: TableClient) {}

  async put(r: MeasureReport) {
    await this.t.putIfAbsent({ ...reportKey(r.at, r.id), [ATTR.type]: ITEM_TYPES.creditReport, ...r });
  }

  list(month: string, cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': reportPartition(month) }, ScanIndexForward: false, Limit: limit },
      cursor,
      (k) => k.PK === reportPartition(month),
      (item) => strip<MeasureReport>(item),
    );
  }
}

export class DynamoDirectedEventStore implements DirectedEventStore {
  constructor(private readonly t: TableClient) {}

  async put(e: DirectedEvent) {
    await this.t.putIfAbsent(directedEventItem(e));
  }
}

const DUE = INDEXES.due;
/** How far back the due index is read: a job that was down longer than this misses nothing younger. */
export const DUE_LOOKBACK_MONTHS = 13;

function monthsUpTo(today: string, count: number): string[] {
  const [y, m] = today.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return d.toISOString().slice(0, 7);
  });
}

export class DynamoCreditFileStore implements CreditFileStore {
  constructor(private readonly t: TableClient) {}

  async read(creditCode: string) {
    const items = await this.t.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :cr)',
      ExpressionAttributeValues: { ':pk': enterprisePartition(creditCode), ':cr': CREDIT_PREFIX },
    });
    const of = <T>(type: string) => items.filter((i) => i[ATTR.type] === type).map((i) => strip<T>(i));
    return {
      memberships: of<Membership>(ITEM_TYPES.creditMembership),
      commitments: of<Commitment>(ITEM_TYPES.commitment),
      proposals: of<CreditProposal>(ITEM_TYPES.creditProposal),
      risk: of<StoredRisk>(ITEM_TYPES.risk)[0],
    };
  }

  async due(today: string) {
    const pages = await Promise.all(
      monthsUpTo(today, DUE_LOOKBACK_MONTHS).map((month) =>
        this.t.queryAll({
          IndexName: DUE.name,
          KeyConditionExpression: `${DUE.partitionKey} = :pk AND ${DUE.sortKey} <= :upto`,
          ExpressionAttributeValues: { ':pk': creditDuePartition(month), ':upto': `${today}#~` },
        }),
      ),
    );
    const out: DueItem[] = [];
    for (const item of pages.flat()) {
      const type = item[ATTR.type];
      if (type === ITEM_TYPES.creditMembership) out.push({ type: 'membership', value: strip<Membership>(item) });
      else if (type === ITEM_TYPES.commitment) out.push({ type: 'commitment', value: strip<Commitment>(item) });
      else if (type === ITEM_TYPES.risk) out.push({ type: 'risk', value: strip<StoredRisk>(item) });
    }
    return out;
  }
}
