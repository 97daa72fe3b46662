/**
 * The table client on DynamoDB Local: a batch read asks for a key named more than once once; the
 * capacity meter (the benchmarks' figures) bills keys a batch read finds nothing under, as DynamoDB does.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { documentClient } from '../functions/store/aws';
import { meterCapacity, TableClient } from '../functions/store/client';
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

it('meters a batch read at 1 read unit for each key it finds nothing under, strongly consistent, and 0.5 otherwise', async () => {
  const db = documentClient(inject('dynamodbEndpoint'));
  const metered: { op: string; units: number }[] = [];
  meterCapacity(db, (op, capacity) => metered.push({ op, units: capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0) }));
  const t = new TableClient(db, ex.table);
  await db.send(new PutCommand({ TableName: ex.table, Item: { PK: 'TEST#metered', SK: 'present' } }));
  const keys = ['present', 'absent-1', 'absent-2', 'absent-3'].map((SK) => ({ PK: 'TEST#metered', SK }));
  expect(await t.batchGet(keys, undefined, true)).toHaveLength(1);
  expect(await t.batchGet(keys)).toHaveLength(1);
  expect(metered.filter((m) => m.op.startsWith('BatchGetItemCommand'))).toEqual([
    { op: 'BatchGetItemCommand TEST', units: 4 },
    { op: 'BatchGetItemCommand TEST', units: 2 },
  ]);
});
