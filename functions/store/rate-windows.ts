/** Clients' request allowances per one-second window, reserved in blocks (the RateWindowStore port). */
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
   * Adds `n` units to the current window if they all fit under the limit: `n` when added; the
   * units left when the window holds too few (0 when it is full); undefined when the item holds
   * another window (or none) and must be restarted.
   */
  private async count(clientId: string, window: number, limit: number, n: number): Promise<number | { left: number } | undefined> {
    try {
      await this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: rateWindowKey(clientId),
          UpdateExpression: 'ADD #count :n',
          ConditionExpression: '#window = :window AND #count <= :room',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':n': n, ':window': window, ':room': limit - n },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return n;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const old = e.Item ? unmarshall(e.Item) : undefined;
      return old?.window === window ? { left: Math.max(0, limit - Number(old.count)) } : undefined;
    }
  }

  async reserve(clientId: string, window: number, limit: number, want: number) {
    if (limit < 1) return 0;
    let n = Math.max(1, Math.min(want, limit));
    for (let attempt = 0; attempt < RESTART_ATTEMPTS;) {
      const counted = await this.count(clientId, window, limit, n);
      if (typeof counted === 'number') return counted;
      if (counted) {
        if (counted.left === 0) return 0;
        // Fewer left than asked for: take what is left (others may take some first; n only shrinks).
        n = counted.left;
        continue;
      }
      const started = await unlessConditionFails(
        this.t.db.send(
          new UpdateCommand({
            TableName: this.t.table,
            Key: rateWindowKey(clientId),
            UpdateExpression: 'SET #window = :window, #count = :n, #type = :type',
            // Any other window is restarted, an earlier or a later one: instances' clocks differ a little
            // at a second's boundary, and one behind must not find its client refused by one ahead.
            ConditionExpression: 'attribute_not_exists(#window) OR #window <> :window',
            ExpressionAttributeNames: { ...NAMES, '#type': ATTR.type },
            ExpressionAttributeValues: { ':n': n, ':window': window, ':type': ITEM_TYPES.rateWindow },
          }),
        ),
      );
      if (started !== undefined) return n;
      // Another instance restarted the item between the two writes: count again in whatever it holds now.
      attempt++;
    }
    // Instances at both sides of a second's boundary keep moving the item: only a full window
    // refuses, so this request is let through (one unit, counted nowhere).
    return 1;
  }
}
