/**
 * The local event source mappings behave like Lambda's: a stream batch that throws is bisected
 * until the poison record is alone, retried, then handed to the on-failure destination while
 * every other record is processed in order; a reported item failure resumes from that record.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../functions/store/aws';
import { dynamodbStreamSource, StreamPoller } from '../local/pollers';
import { newTable, waitFor } from './helpers';

async function tableWith(n: number) {
  const { table, dynamodbEndpoint } = await newTable();
  const db = documentClient(dynamodbEndpoint);
  for (let i = 0; i < n; i++) await db.send(new PutCommand({ TableName: table, Item: { PK: `P#${i}`, SK: 'x', n: i } }));
  db.destroy();
  return { table, dynamodbEndpoint };
}
const nOf = (r: DynamoDBRecord) => Number(r.dynamodb?.NewImage?.n?.N);

describe('stream poller', () => {
  it('bisects a failing batch, gives up on the poison record only, and keeps order', async () => {
    const { table, dynamodbEndpoint } = await tableWith(10);
    const processed: number[] = [];
    const failed: number[] = [];
    const poller = new StreamPoller({
      source: dynamodbStreamSource(dynamodbEndpoint, table),
      retryAttempts: 2,
      backoff: { initialMs: 20, maxMs: 100 },
      idleMs: 20,
      log: () => {},
      onFailure: async (f) => void failed.push(...f.records.map(nOf)),
      handler: async (event) => {
        if (event.Records.some((r) => nOf(r) === 6)) throw new Error('poison');
        processed.push(...event.Records.map(nOf));
      },
    }).start();
    await waitFor(() => processed.length === 9 && failed.length === 1, 20_000, 'the batch to settle');
    await poller.stop();
    expect(failed).toEqual([6]);
    expect(processed).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
  });

  it('resumes from the record a handler reports as failed', async () => {
    const { table, dynamodbEndpoint } = await tableWith(6);
    const calls: number[][] = [];
    let failOnce = true;
    const poller = new StreamPoller({
      source: dynamodbStreamSource(dynamodbEndpoint, table),
      idleMs: 20,
      onFailure: async () => {},
      handler: async (event) => {
        calls.push(event.Records.map(nOf));
        const at = event.Records.find((r) => nOf(r) === 3);
        if (at && failOnce) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: at.dynamodb?.SequenceNumber ?? '' }] };
        }
        return { batchItemFailures: [] };
      },
    }).start();
    await waitFor(() => calls.length === 2, 20_000, 'the retry');
    await poller.stop();
    expect(calls).toEqual([
      [0, 1, 2, 3, 4, 5],
      [3, 4, 5],
    ]);
  });
});

describe('event filters', () => {
  it('pass what the fan-out mapping asks for and skip the rest, as Lambda does', async () => {
    const { FANOUT_STREAM_FILTERS } = await import('../functions/store/table');
    const { matchesPattern } = await import('../local/pollers');
    const rec = (eventName: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { NewImage: image } });
    const wakes = (r: object) => FANOUT_STREAM_FILTERS.some((f) => matchesPattern(r, f));
    expect(wakes(rec('INSERT', { type: { S: 'record-version' } }))).toBe(true);
    expect(wakes(rec('MODIFY', { type: { S: 'record-version' } }))).toBe(false);
    expect(wakes(rec('INSERT', { type: { S: 'notification' } }))).toBe(false);
    expect(wakes(rec('MODIFY', { type: { S: 'notification' }, delivery: { M: {} } }))).toBe(false);
    expect(wakes(rec('MODIFY', { type: { S: 'notification' }, lastFeedbackAt: { S: '2026-11-27T00:00:00Z' } }))).toBe(true);
    expect(wakes(rec('MODIFY', { type: { S: 'notification' }, escalatedAt: { S: '2026-11-27T00:00:00Z' } }))).toBe(true);
    expect(wakes(rec('INSERT', { type: { S: 'subscription' } }))).toBe(false);
  });
});
