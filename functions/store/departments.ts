/** The department directory as administrators keep it, on DynamoDB (the DepartmentStore port). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DepartmentEntry } from '../core/model';
import type { DepartmentStore } from '../core/ports';
import { strip, type TableClient } from './client';
import { ATTR, DEPARTMENTS_PARTITION, departmentEntryKey, ITEM_TYPES } from './table';

export class DynamoDepartmentStore implements DepartmentStore {
  constructor(private readonly t: TableClient) {}

  async get(department: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: departmentEntryKey(department) }));
    return out.Item ? strip<DepartmentEntry>(out.Item) : undefined;
  }

  async put(entry: DepartmentEntry) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...departmentEntryKey(entry.department), [ATTR.type]: ITEM_TYPES.departmentEntry, ...entry } }));
  }

  async list() {
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': DEPARTMENTS_PARTITION } });
    return items.map((i) => strip<DepartmentEntry>(i));
  }
}
