/** Subscriptions (订阅) on DynamoDB (the SubscriptionStore port). */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSubscription, SubscriptionView } from '../core/model';
import type { SubscriptionStore } from '../core/ports';
import { strip, type Item, type TableClient } from './client';
import { ATTR, ITEM_TYPES, SUBSCRIPTIONS_PARTITION, subscriptionKey, subscriptionPrefix } from './table';

/** What a listing reads of a subscription: the webhook's URL and hint, not its sealed secrets. */
const VIEW_ATTRIBUTES = ['id', 'department', 'name', 'purpose', 'clientId', 'status', 'filters', 'webhook.url', 'webhook.secretHint', 'createdAt', 'updatedAt'] as const;

export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(private readonly t: TableClient) {}

  async put(sub: StoredSubscription) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...subscriptionKey(sub.department, sub.id), [ATTR.type]: ITEM_TYPES.subscription, ...sub } }));
  }

  async get(department: string, id: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: subscriptionKey(department, id), ConsistentRead: true }));
    return out.Item ? strip<StoredSubscription>(out.Item) : undefined;
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
        : { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION }, ...projection },
    );
    return items.map((i) => {
      const { webhook, ...rest } = i as Item & { webhook?: Record<string, unknown> };
      return { ...rest, ...(webhook ? { webhook: { url: webhook.url, secretHint: webhook.secretHint } } : {}) } as SubscriptionView;
    });
  }

  async delete(department: string, id: string) {
    const out = await this.t.db.send(new DeleteCommand({ TableName: this.t.table, Key: subscriptionKey(department, id), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }
}
