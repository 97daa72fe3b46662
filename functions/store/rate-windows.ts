/** Clients' request allowances per one-second window, reserved in blocks (the RateWindowStore port). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RateWindowStore } from '../core/ports';
import type { TableClient } from './client';
import { ATTR, ITEM_TYPES, rateWindowKey } from './table';

const NAMES = { '#count': 'count', '#type': ATTR.type, '#expires': ATTR.expiresAtEpoch };
/** Asks after finding fewer units left than asked for, before giving up on the window. */
const SHRINK_ATTEMPTS = 5;
/** How long a window's item outlives its second (TTL deletes it; nothing reads it after the second). */
const WINDOW_ITEM_SECONDS = 120;

export class DynamoRateWindowStore implements RateWindowStore {
  constructor(private readonly t: TableClient) {}

  /**
   * Each second's window is an item of its own, so a reservation is one conditional ADD whether the
   * window is new or not (an item per client, restarted each second, took two writes on the first
   * reservation of every second, and its restarts raced between instances at the boundary).
   */
  async reserve(clientId: string, window: number, limit: number, want: number) {
    if (limit < 1) return 0;
    let n = Math.max(1, Math.min(want, limit));
    for (let attempt = 0; attempt < SHRINK_ATTEMPTS; attempt++) {
      try {
        await this.t.db.send(
          new UpdateCommand({
            TableName: this.t.table,
            Key: rateWindowKey(clientId, window),
            UpdateExpression: 'ADD #count :n SET #type = :type, #expires = :expires',
            ConditionExpression: 'attribute_not_exists(#count) OR #count <= :room',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':n': n, ':room': limit - n, ':type': ITEM_TYPES.rateWindow, ':expires': window + WINDOW_ITEM_SECONDS },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return n;
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
        // Fewer left than asked for: take what is left (others may take some first; n only shrinks).
        const left = Math.max(0, limit - Number(e.Item ? unmarshall(e.Item).count : limit));
        if (left === 0) return 0;
        n = left;
      }
    }
    // Others keep taking what is left of a nearly full window: this instance waits for the next.
    return 0;
  }
}
