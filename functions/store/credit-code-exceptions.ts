/** The administrator-kept credit code exception list on DynamoDB (the CreditCodeExceptionStore port). */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditCodeException } from '../core/model';
import type { CreditCodeExceptionStore } from '../core/ports';
import { strip, type TableClient } from './client';
import { ATTR, EXCEPTIONS_PARTITION, exceptionKey, ITEM_TYPES } from './table';

export class DynamoCreditCodeExceptionStore implements CreditCodeExceptionStore {
  constructor(private readonly t: TableClient) {}

  async list() {
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': EXCEPTIONS_PARTITION } });
    return items.map((i) => strip<CreditCodeException>(i));
  }

  async put(e: CreditCodeException) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...exceptionKey(e.creditCode), [ATTR.type]: ITEM_TYPES.creditCodeException, ...e } }));
  }

  async delete(creditCode: string) {
    const out = await this.t.db.send(new DeleteCommand({ TableName: this.t.table, Key: exceptionKey(creditCode), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }
}
