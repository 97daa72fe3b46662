/**
 * 证照匹配 on DynamoDB (the CoverStore port): one cover item per enterprise next to its records,
 * in the uncovered index (per district, by the date its first need went uncovered) while a need is
 * uncovered, and in the recheck index until the date a licence of it expires or starts. Saving a
 * cover moves the quota stock counters in the same transaction, so stock changes exactly once.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredCover } from '../core/model';
import type { CoverStore } from '../core/ports';
import { strip, transactOrLose, type Item, type TableClient } from './client';
import { ATTR, coverKey, INDEXES, ITEM_TYPES, quotaStockKey, RECHECK_SHARDS, recheckIndexKey, recheckPartition, uncoveredIndexKey, uncoveredPartition } from './table';

const UNCOVERED = INDEXES.uncovered;
const RECHECK = INDEXES.recheck;

function coverItem(c: StoredCover): Item {
  return {
    ...coverKey(c.creditCode),
    [ATTR.type]: ITEM_TYPES.licenceCover,
    ...(c.uncoveredSince && c.region ? uncoveredIndexKey(c.region, c.uncoveredSince, c.creditCode) : {}),
    ...(c.recheckOn ? recheckIndexKey(c.recheckOn, c.creditCode) : {}),
    ...c,
  };
}

export class DynamoCoverStore implements CoverStore {
  constructor(private readonly t: TableClient) {}

  async get(creditCode: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: coverKey(creditCode), ConsistentRead: true }));
    return out.Item ? strip<StoredCover>(out.Item) : undefined;
  }

  async save(cover: StoredCover, stock: Record<string, number>) {
    const moves = Object.entries(stock).filter(([, n]) => n !== 0);
    return transactOrLose(this.t, [
      {
        Put: {
          Item: coverItem(cover),
          ConditionExpression: cover.rev === 1 ? `attribute_not_exists(${ATTR.pk})` : 'rev = :prev',
          ...(cover.rev === 1 ? {} : { ExpressionAttributeValues: { ':prev': cover.rev - 1 } }),
        },
      },
      ...moves.map(([code, n]) => ({
        Update: {
          Key: quotaStockKey(code),
          UpdateExpression: 'SET #t = :t, #code = :c ADD stock :n',
          ExpressionAttributeNames: { '#t': ATTR.type, '#code': 'code' },
          ExpressionAttributeValues: { ':t': ITEM_TYPES.quotaStock, ':c': code, ':n': n },
        },
      })),
    ]);
  }

  uncovered(region: string, onOrBefore: string, cursor: string | undefined, limit: number) {
    // `~` sorts after every credit code character, so everything uncovered on `onOrBefore` or earlier is in range.
    return this.t.queryPage(
      {
        IndexName: UNCOVERED.name,
        KeyConditionExpression: `${UNCOVERED.partitionKey} = :pk AND ${UNCOVERED.sortKey} < :cut`,
        ExpressionAttributeValues: { ':pk': uncoveredPartition(region), ':cut': `${onOrBefore}~` },
        Limit: limit,
      },
      cursor,
      (k) => k[UNCOVERED.partitionKey] === uncoveredPartition(region),
      (item) => ({ creditCode: String(item.creditCode), region: String(item.region), uncoveredSince: String(item.uncoveredSince), uncovered: item.uncovered as string[] }),
    );
  }

  async due(date: string) {
    const codes: string[] = [];
    for (let shard = 0; shard < RECHECK_SHARDS; shard++) {
      let start: Item | undefined;
      do {
        const out = await this.t.db.send(
          new QueryCommand({
            TableName: this.t.table,
            IndexName: RECHECK.name,
            KeyConditionExpression: `${RECHECK.partitionKey} = :pk`,
            ExpressionAttributeValues: { ':pk': recheckPartition(date, shard) },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) codes.push(String(item[RECHECK.sortKey]));
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return codes;
  }
}
