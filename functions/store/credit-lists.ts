/**
 * Credit lists on DynamoDB (the CreditListStore port): memberships, each list's members and its
 * change feed. The feed's design, its ordering argument and its limits are in table.ts.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CreditChange, CreditEntry, CreditList } from '../../schemas/credit';
import type { Membership } from '../core/model';
import type { CreditListStore, ListChange } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import { directedEventItem } from './credit';
import { ATTR, creditDueKey, FEED_BLOCK, feedChangeKey, feedHeadKey, feedPartition, feedSortKey, INDEXES, ITEM_TYPES, listedKey, listedPartition, membershipKey } from './table';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const DUE = INDEXES.due;
/** Attempts at numbering one change before the list is reported busy (each re-reads the head). */
const MAX_ATTEMPTS = 50;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const toMembership = (item: Item) => strip<Membership>(item);

export class DynamoCreditListStore implements CreditListStore {
  constructor(private readonly t: TableClient) {}

  async head(list: CreditList) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: feedHeadKey(list), ConsistentRead: true }));
    return typeof out.Item?.seq === 'number' ? out.Item.seq : 0;
  }

  private membershipWrite(c: ListChange): TransactItem {
    const key = membershipKey(c.entry.creditCode, c.list);
    const due = c.due ? creditDueKey(c.due.actOn, c.entry.creditCode, `${c.list}:${c.due.what}`) : undefined;
    if (c.kind === 'added') {
      const names = { '#current': 'current', '#due': 'due', '#type': ATTR.type, '#gpk': DUE.partitionKey, '#gsk': DUE.sortKey };
      return {
        Update: {
          TableName: this.t.table,
          Key: key,
          UpdateExpression: `SET #current = :entry, #type = :type, creditCode = :code, #list = :list, past = if_not_exists(past, :none)${
            due ? ', #due = :due, #gpk = :gpk, #gsk = :gsk' : ' REMOVE #due, #gpk, #gsk'
          }`,
          ConditionExpression: 'attribute_not_exists(#current)',
          ExpressionAttributeNames: { ...names, '#list': 'list' },
          ExpressionAttributeValues: {
            ':entry': c.entry,
            ':type': ITEM_TYPES.creditMembership,
            ':code': c.entry.creditCode,
            ':list': c.list,
            ':none': [],
            ...(due && c.due ? { ':due': c.due, ':gpk': due[DUE.partitionKey], ':gsk': due[DUE.sortKey] } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    }
    return {
      Update: {
        TableName: this.t.table,
        Key: key,
        UpdateExpression: 'SET past = list_append(past, :gone) REMOVE #current, #due, #gpk, #gsk',
        ConditionExpression: '#current.id = :id',
        ExpressionAttributeNames: { '#current': 'current', '#due': 'due', '#gpk': DUE.partitionKey, '#gsk': DUE.sortKey },
        ExpressionAttributeValues: { ':gone': [c.entry], ':id': c.entry.id },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  async apply(c: ListChange) {
    for (let attempt = 0; ; attempt++) {
      const n = await this.head(c.list);
      const seq = n + 1;
      const change: CreditChange = { seq, list: c.list, change: c.kind, entry: c.entry, at: c.at };
      const items: TransactItem[] = [
        {
          Update: {
            TableName: this.t.table,
            Key: feedHeadKey(c.list),
            UpdateExpression: 'SET seq = :seq, #type = :type',
            ConditionExpression: n === 0 ? 'attribute_not_exists(seq)' : 'seq = :n',
            ExpressionAttributeNames: { '#type': ATTR.type },
            ExpressionAttributeValues: { ':seq': seq, ':type': ITEM_TYPES.creditFeedHead, ...(n === 0 ? {} : { ':n': n }) },
          },
        },
        { Put: { TableName: this.t.table, Item: { ...feedChangeKey(c.list, seq), [ATTR.type]: ITEM_TYPES.creditChange, ...change }, ConditionExpression: `attribute_not_exists(${ATTR.pk})` } },
        this.membershipWrite(c),
        c.kind === 'added'
          ? { Put: { TableName: this.t.table, Item: { ...listedKey(c.list, c.entry.creditCode), [ATTR.type]: ITEM_TYPES.creditListed, ...c.entry } } }
          : { Delete: { TableName: this.t.table, Key: listedKey(c.list, c.entry.creditCode) } },
        ...(c.events ?? []).map((e) => ({ Put: { TableName: this.t.table, Item: directedEventItem(e), ConditionExpression: `attribute_not_exists(${ATTR.pk})` } })),
      ];
      try {
        await this.t.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { applied: true as const, seq };
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        const reasons = e.CancellationReasons ?? [];
        if (reasons[2]?.Code === 'ConditionalCheckFailed') {
          const old = reasons[2].Item ? toMembership(unmarshall(reasons[2].Item)) : await this.membership(c.entry.creditCode, c.list);
          return { applied: false as const, ...(old?.current ? { current: old.current } : {}) };
        }
        // Another writer took this number (or the transactions collided): read the head again.
        if (attempt + 1 >= MAX_ATTEMPTS) throw new Error(`credit list ${c.list} is too busy: ${MAX_ATTEMPTS} attempts to number a change failed`, { cause: e });
        await pause(Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
      }
    }
  }

  async membership(creditCode: string, list: CreditList) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: membershipKey(creditCode, list), ConsistentRead: true }));
    return out.Item ? toMembership(out.Item) : undefined;
  }

  async membershipsOf(creditCodes: string[], list: CreditList) {
    const items = await this.t.batchGet(
      creditCodes.map((code) => membershipKey(code, list)),
      undefined,
      true,
    );
    return new Map(items.map((i) => [String(i.creditCode), toMembership(i)]));
  }

  async clearDue(creditCode: string, list: CreditList, what: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: membershipKey(creditCode, list),
          UpdateExpression: 'REMOVE #due, #gpk, #gsk',
          ConditionExpression: '#due.what = :what',
          ExpressionAttributeNames: { '#due': 'due', '#gpk': DUE.partitionKey, '#gsk': DUE.sortKey },
          ExpressionAttributeValues: { ':what': what },
        }),
      ),
    );
    return out !== undefined;
  }

  async changes(list: CreditList, after: number, limit: number) {
    const items: CreditChange[] = [];
    let pos = after;
    for (;;) {
      const want = limit - items.length;
      const out = await this.t.db.send(
        new QueryCommand({
          TableName: this.t.table,
          KeyConditionExpression: 'PK = :pk AND SK > :after',
          ExpressionAttributeValues: { ':pk': feedPartition(list, pos + 1), ':after': feedSortKey(pos) },
          Limit: want,
          ConsistentRead: true,
        }),
      );
      const got = out.Items ?? [];
      for (const item of got) {
        // Only the unbroken run is returned: a number not yet visible is never skipped.
        if (item.seq !== pos + 1) return { items, full: false };
        items.push(strip<CreditChange>(item));
        pos++;
      }
      if (items.length >= limit) return { items, full: true };
      // A 1 MB page can end early; the caller then asks again from here.
      if (out.LastEvaluatedKey && got.length < want) return { items, full: true };
      // The block ended exactly here: the run may continue in the next block's partition.
      if (got.length > 0 && pos % FEED_BLOCK === 0) continue;
      return { items, full: false };
    }
  }

  members(list: CreditList, cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': listedPartition(list) }, Limit: limit, ConsistentRead: true },
      cursor,
      (k) => k.PK === listedPartition(list),
      (item) => strip<CreditEntry>(item),
    );
  }
}
