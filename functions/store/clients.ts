/** API clients (接入系统) on DynamoDB (the ClientStore port). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiClient } from '../core/model';
import type { ClientStore } from '../core/ports';
import { strip, unlessConditionFails, type TableClient } from './client';
import { ATTR, CLIENTS_PARTITION, clientKey, ITEM_TYPES } from './table';

export class DynamoClientStore implements ClientStore {
  constructor(private readonly t: TableClient) {}

  async get(clientId: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: clientKey(clientId) }));
    return out.Item ? strip<ApiClient>(out.Item) : undefined;
  }

  async getMany(clientIds: string[]) {
    const items = await this.t.batchGet(clientIds.map(clientKey));
    return items.map((i) => strip<ApiClient>(i));
  }

  async put(client: ApiClient) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...clientKey(client.clientId), [ATTR.type]: ITEM_TYPES.client, ...client } }));
  }

  async list() {
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': CLIENTS_PARTITION } });
    return items.map((i) => strip<ApiClient>(i));
  }

  async revoke(clientId: string, at: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: clientKey(clientId),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }
}
