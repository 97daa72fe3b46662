/** Subscriptions (订阅) on DynamoDB (the SubscriptionStore port). */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSubscription, SubscriptionView } from '../core/model';
import type { SubscriptionStore } from '../core/ports';
import { strip, transactOrLose, type Item, type TableClient } from './client';
import { ATTR, ITEM_TYPES, SUBSCRIPTIONS_PARTITION, SUBSCRIPTIONS_STAMP_KEY, subscriptionKey, subscriptionPrefix } from './table';

/** What a listing reads of a subscription: the webhook's URL and hint, not its sealed secrets. */
const VIEW_ATTRIBUTES = ['id', 'department', 'name', 'purpose', 'clientId', 'status', 'filters', 'webhook.url', 'webhook.secretHint', 'createdAt', 'updatedAt'] as const;

export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(private readonly t: TableClient) {}

  /** Every change moves the set's revision in the same transaction, so a reader that sees the revision sees the change. */
  private readonly bump = () => ({
    Update: {
      Key: SUBSCRIPTIONS_STAMP_KEY,
      UpdateExpression: 'ADD revision :one SET #type = :type',
      ExpressionAttributeNames: { '#type': ATTR.type },
      ExpressionAttributeValues: { ':one': 1, ':type': ITEM_TYPES.subscriptionStamp },
    },
  });

  /**
   * Runs a write together with the revision bump. Two subscription writes at the same moment touch
   * the one revision item, and DynamoDB cancels one of the transactions: it is tried again (a cancel
   * for a failed condition is left to `lost`, which says whether the write can never succeed).
   */
  private async withBump(write: Parameters<typeof transactOrLose>[1][number], lost: () => Promise<boolean> = async () => false): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (await transactOrLose(this.t, [write, this.bump()])) return true;
      if ((await lost()) || attempt === 5) return false;
      await new Promise((r) => setTimeout(r, 20 * attempt * Math.random()));
    }
  }

  async put(sub: StoredSubscription) {
    const written = await this.withBump({ Put: { Item: { ...subscriptionKey(sub.department, sub.id), [ATTR.type]: ITEM_TYPES.subscription, ...sub } } });
    if (!written) throw new Error(`subscription ${sub.id}: its write kept meeting concurrent subscription writes`);
  }

  async revision() {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: SUBSCRIPTIONS_STAMP_KEY, ConsistentRead: true }));
    return typeof out.Item?.revision === 'number' ? out.Item.revision : 0;
  }

  async get(department: string, id: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: subscriptionKey(department, id), ConsistentRead: true }));
    return out.Item ? strip<StoredSubscription>(out.Item) : undefined;
  }

  async getMany(keys: { department: string; id: string }[]) {
    const items = await this.t.batchGet(
      keys.map((k) => subscriptionKey(k.department, k.id)),
      undefined,
      true,
    );
    return items.map((i) => strip<StoredSubscription>(i));
  }

  async list(department?: string) {
    // Listings never carry the sealed secrets: fan-out and the overdue job have no use for them.
    const names = [...new Set(VIEW_ATTRIBUTES.flatMap((a) => a.split('.')))];
    const projection = {
      ProjectionExpression: VIEW_ATTRIBUTES.map((a) =>
        a
          .split('.')
          .map((part) => `#a${names.indexOf(part)}`)
          .join('.'),
      ).join(', '),
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
    };
    const items = await this.t.queryAll(
      department
        ? { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :dept)', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':dept': subscriptionPrefix(department) }, ...projection }
        : // Strongly consistent: read right after the stamp, it holds at least every change the stamp counts.
          {
            KeyConditionExpression: 'PK = :pk AND SK > :stamp',
            ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':stamp': SUBSCRIPTIONS_STAMP_KEY.SK },
            ConsistentRead: true,
            ...projection,
          },
    );
    return items.map((i) => {
      const { webhook, ...rest } = i as Item & { webhook?: Record<string, unknown> };
      return { ...rest, ...(webhook ? { webhook: { url: webhook.url, secretHint: webhook.secretHint } } : {}) } as SubscriptionView;
    });
  }

  async delete(department: string, id: string) {
    return this.withBump({ Delete: { Key: subscriptionKey(department, id), ConditionExpression: `attribute_exists(${ATTR.pk})` } }, async () => !(await this.get(department, id)));
  }
}
