/** Subscriptions (订阅) on DynamoDB (the SubscriptionStore port). */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSubscription } from '../core/model';
import type { SubscriptionStore } from '../core/ports';
import { strip, type TableClient } from './client';
import { ATTR, ITEM_TYPES, SUBSCRIPTIONS_PARTITION, subscriptionKey, subscriptionPrefix } from './table';

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
    const items = await this.t.queryAll(
      department
        ? { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :dept)', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':dept': subscriptionPrefix(department) } }
        : { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION } },
    );
    return items.map((i) => strip<StoredSubscription>(i));
  }

  async delete(department: string, id: string) {
    const out = await this.t.db.send(new DeleteCommand({ TableName: this.t.table, Key: subscriptionKey(department, id), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }
}
