/** The table client's batch read on DynamoDB Local: a key named more than once is asked for once. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { documentClient } from '../functions/store/aws';
import { TableClient } from '../functions/store/client';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

it('reads 150 keys that name 60 items, in chunks of 100, and returns each item once', async () => {
  const db = documentClient(inject('dynamodbEndpoint'));
  const t = new TableClient(db, ex.table);
  for (let n = 0; n < 60; n++) await db.send(new PutCommand({ TableName: ex.table, Item: { PK: 'TEST#batch-get', SK: String(n), n } }));
  const keys = Array.from({ length: 150 }, (_, i) => ({ PK: 'TEST#batch-get', SK: String(i % 60) }));
  const items = await t.batchGet(keys, undefined, true);
  expect(items.map((i) => Number(i.n)).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, n) => n));
});
