/** Clients' request counts per one-second window (the RateWindowStore port). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RateWindowStore } from '../core/ports';
import { unlessConditionFails, type TableClient } from './client';
import { ATTR, ITEM_TYPES, rateWindowKey } from './table';

const NAMES = { '#window': 'window', '#count': 'count' };
/** Rounds of count-then-restart before a request is let through on the window's churn alone. */
const RESTART_ATTEMPTS = 3;

export class DynamoRateWindowStore implements RateWindowStore {
  constructor(private readonly t: TableClient) {}

  /**
   * Counts one request in the current window while under the limit: true when counted, false when
   * the window is full, undefined when the item holds another window (or none) and must be restarted.
   */
  private async count(clientId: string, window: number, limit: number): Promise<boolean | undefined> {
    try {
      await this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: rateWindowKey(clientId),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: '#window = :window AND #count < :limit',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':one': 1, ':window': window, ':limit': limit },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const old = e.Item ? unmarshall(e.Item) : undefined;
      return old?.window === window ? false : undefined;
    }
  }

  async take(clientId: string, window: number, limit: number) {
    if (limit < 1) return false;
    for (let attempt = 0; attempt < RESTART_ATTEMPTS; attempt++) {
      const counted = await this.count(clientId, window, limit);
      if (counted !== undefined) return counted;
      const started = await unlessConditionFails(
        this.t.db.send(
          new UpdateCommand({
            TableName: this.t.table,
            Key: rateWindowKey(clientId),
            UpdateExpression: 'SET #window = :window, #count = :one, #type = :type',
            // Any other window is restarted, an earlier or a later one: instances' clocks differ a little
            // at a second's boundary, and one behind must not find its client refused by one ahead.
            ConditionExpression: 'attribute_not_exists(#window) OR #window <> :window',
            ExpressionAttributeNames: { ...NAMES, '#type': ATTR.type },
            ExpressionAttributeValues: { ':one': 1, ':window': window, ':type': ITEM_TYPES.rateWindow },
          }),
        ),
      );
      if (started !== undefined) return true;
      // Another instance restarted the item between the two writes: count again in whatever it holds now.
    }
    // Instances at both sides of a second's boundary keep moving the item: only a full window refuses.
    return true;
  }
}
