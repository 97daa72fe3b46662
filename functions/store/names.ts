/** The name index (名称查询) on DynamoDB (the NameIndexStore port); see "Name index" in table.ts. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NameIndexStore } from '../core/ports';
import type { TableClient } from './client';
import { ATTR, ITEM_TYPES, nameKey, namePartition } from './table';

export class DynamoNameIndexStore implements NameIndexStore {
  constructor(private readonly t: TableClient) {}

  async put(creditCode: string, name: string, normalised: string) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...nameKey(normalised, creditCode), [ATTR.type]: ITEM_TYPES.nameIndex, creditCode, name } }));
  }

  search(normalisedPrefix: string, cursor: string | undefined, limit: number) {
    const pk = namePartition(normalisedPrefix);
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': normalisedPrefix }, Limit: limit },
      cursor,
      (k) => k.PK === pk && typeof k.SK === 'string' && k.SK.startsWith(normalisedPrefix),
      (i) => ({ creditCode: String(i.creditCode), name: String(i.name) }),
    );
  }
}
