/** Changes fan-out gave up on, parked by their item's key (the FanoutReplayStore port). */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeKey, FanoutReplayStore, ParkedChange } from '../core/ports';
import { unlessConditionFails, type Item, type TableClient } from './client';
import { entityFromItem } from './stream';
import { ATTR, ITEM_TYPES, PARKED_PARTITION, parkedChangeKey } from './table';

export class DynamoFanoutReplayStore implements FanoutReplayStore {
  constructor(private readonly t: TableClient) {}

  async park(changes: { key: ChangeKey; reason: string }[], at: string) {
    for (const { key, reason } of changes) {
      const item = { ...parkedChangeKey(key.pk, key.sk), [ATTR.type]: ITEM_TYPES.fanoutParked, itemPk: key.pk, itemSk: key.sk, parkedAt: at, reason };
      await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: item }));
    }
  }

  parked(cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PARKED_PARTITION }, Limit: limit, ConsistentRead: true },
      cursor,
      (k) => k.PK === PARKED_PARTITION,
      (i: Item): ParkedChange => ({ key: { pk: String(i.itemPk), sk: String(i.itemSk) }, parkedAt: String(i.parkedAt), reason: String(i.reason) }),
    );
  }

  async read(key: ChangeKey) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: { [ATTR.pk]: key.pk, [ATTR.sk]: key.sk }, ConsistentRead: true }));
    return entityFromItem(out.Item);
  }

  async release(change: ParkedChange) {
    await unlessConditionFails(
      this.t.db.send(
        new DeleteCommand({
          TableName: this.t.table,
          Key: parkedChangeKey(change.key.pk, change.key.sk),
          ConditionExpression: 'parkedAt = :at',
          ExpressionAttributeValues: { ':at': change.parkedAt },
        }),
      ),
    );
  }
}
