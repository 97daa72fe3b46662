/**
 * Replaying fan-out after it gave up: the on-failure destination's pointer into the stream is
 * turned into the keys of the changed items and parked in the table, and `npm run replay-fanout`
 * fans them out again from the table, however long after; each notification exists exactly once
 * however often a change is parked and replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { inject } from 'vitest';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fanoutFailureHandler } from '../functions/fanout/adapter';
import { streamRangeReader, streamsClient, type StreamBatchPointer } from '../functions/store/stream-range';
import { ensureQueues } from '../local/services';
import { main as replayFanout } from '../local/replay-fanout';
import { inspection, makeCreditCode, penalty } from '../local/samples';
import { commandRunner, startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
const dynamodbEndpoint = inject('dynamodbEndpoint');
const sqsEndpoint = inject('sqsEndpoint');
const code = makeCreditCode('91', '330402', 'MA2RPL01');
const recordIds: string[] = [];

const replay = commandRunner(replayFanout);

/** Lambda's on-failure record for each shard's run of the given items' stream records (the pointer only). */
async function onFailureEvent(table: string, isFailed: (image: Record<string, { S?: string }>) => boolean): Promise<SQSEvent> {
  const streams = streamsClient(dynamodbEndpoint);
  const streamArn = (await new DynamoDBClient({ endpoint: dynamodbEndpoint }).send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
  const pointers: StreamBatchPointer[] = [];
  for (const shard of shards) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const seqs: string[] = [];
    for (let empty = 0; iterator && empty < 3;) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      empty = page.Records?.length ? 0 : empty + 1;
      for (const r of page.Records ?? []) if (r.dynamodb?.NewImage && isFailed(r.dynamodb.NewImage as Record<string, { S?: string }>)) seqs.push(r.dynamodb.SequenceNumber ?? '');
      iterator = page.NextShardIterator;
    }
    if (seqs.length) pointers.push({ streamArn, shardId: shard.ShardId ?? '', startSequenceNumber: seqs[0], endSequenceNumber: seqs[seqs.length - 1], batchSize: seqs.length });
  }
  return {
    Records: pointers.map((p, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify({ requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 }, version: '1.0', timestamp: new Date().toISOString(), DDBStreamBatchInfo: p }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'lambda', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:cn-north-1:000000000000:FanoutFailures',
      awsRegion: 'cn-north-1',
    })),
  };
}

beforeAll(async () => {
  // No stream poller runs: fan-out "fails" for every change, as in a long outage.
  ex = await startExchange();
  const subscribe = async (as: 'health' | 'credit', body: object) => expect((await ex.call('POST', '/v1/subscriptions', { as, body })).status).toBe(201);
  await subscribe('health', { name: '南湖检查', purpose: '餐饮服务食品安全监管', filters: { kinds: ['inspection'] } });
  await subscribe('credit', { name: '处罚归集', purpose: '行政处罚信息归集', filters: { kinds: ['penalty'] }, webhook: { url: 'https://hooks.credit.example.gov.cn/edx' } });
  for (const body of [inspection(code, 'JC-replay-1'), inspection(code, 'JC-replay-2'), penalty(code, 'CF-replay-1'), penalty(code, 'CF-replay-2')]) {
    const res = await ex.call('POST', '/v1/records', { body });
    expect(res.status).toBe(201);
    recordIds.push(res.body.id);
  }
  process.env.TABLE_NAME = ex.table;
  process.env.DYNAMODB_ENDPOINT = dynamodbEndpoint;
  delete process.env.DELIVERY_QUEUE_URL;
  // The replay runs fan-out as the test exchange does: without the problem data checks.
  process.env.PROBLEM_DATA_CHECKS = 'none';
});
afterAll(() => ex.close());

const inbox = async (department: string) => (await ex.ports.notifications.open(department)).filter((n) => recordIds.includes(String(n.event.data.recordId)));

describe('after fan-out gave up on a batch', () => {
  it('the on-failure consumer parks the keys of the failed changes, read from the pointer into the stream', async () => {
    const event = await onFailureEvent(ex.table, (image) => image.type?.S === 'record-version');
    expect(event.Records.length).toBeGreaterThan(0);
    const logged: Record<string, unknown>[] = [];
    const handler = fanoutFailureHandler(ex.ports, streamRangeReader(streamsClient(dynamodbEndpoint)), (l) => logged.push(l));
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    // Counted for the alarm that tells the operators to replay.
    expect(logged.reduce((n, l) => n + Number(l.FanoutChangesParked ?? 0), 0)).toBe(4);
    const listed = await replay('--list');
    expect(listed.code).toBe(0);
    expect(listed.text).toContain('4 parked change(s)');
    for (const id of recordIds) expect(listed.text).toContain(`REC#${id} V#000001`);
    expect(listed.text).toContain('RetryAttemptsExhausted');
    expect(await inbox('health')).toEqual([]);
  });

  it('a replay while the cause lasts delivers what it can and keeps the rest parked', async () => {
    // No delivery queue yet: the penalties (a webhook receiver) cannot be queued, the inspections (pull) go through.
    const first = await replay();
    expect(first.code).toBe(1);
    expect(first.text).toContain('done: 2 change(s) replayed, 2 notification(s) written; 2 still failing, first: REC#');
    expect(first.text).toContain('fan-out needs the delivery queue');
    expect(await inbox('health')).toHaveLength(2);
    const listed = (await replay('--list')).text;
    expect(listed).toContain('2 parked change(s)');
    for (const id of recordIds.slice(2)) expect(listed).toContain(`REC#${id} V#000001`);
  });

  it('once the cause is fixed, the replay fans out the rest, and each notification exists exactly once however often it runs', async () => {
    const queues = await ensureQueues(sqsEndpoint, `${ex.table.slice(0, 20)}-`);
    process.env.DELIVERY_QUEUE_URL = queues.deliveryQueueUrl;
    process.env.SQS_ENDPOINT = sqsEndpoint;
    const second = await replay();
    expect(second.code).toBe(0);
    // Their notifications were written by the failed run; this run queues their webhooks.
    expect(second.text).toContain('done: 2 change(s) replayed, 0 notification(s) written');
    expect((await replay('--list')).text).toContain('0 parked change(s)');
    const queued = await new SQSClient({ endpoint: sqsEndpoint }).send(new GetQueueAttributesCommand({ QueueUrl: queues.deliveryQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(queued.Attributes?.ApproximateNumberOfMessages).toBe('2');

    // The same batch fails again and is parked and replayed again: nothing new is written.
    const handler = fanoutFailureHandler(ex.ports, streamRangeReader(streamsClient(dynamodbEndpoint)), () => {});
    expect(await handler(await onFailureEvent(ex.table, (image) => image.type?.S === 'record-version'))).toEqual({ batchItemFailures: [] });
    const third = await replay();
    expect(third.text).toContain('done: 4 change(s) replayed, 0 notification(s) written');

    const health = await inbox('health');
    const credit = await inbox('credit');
    expect(health.map((n) => n.event.data.recordId).sort()).toEqual(recordIds.slice(0, 2).sort());
    expect(credit.map((n) => n.event.data.recordId).sort()).toEqual(recordIds.slice(2).sort());
    expect(new Set([...health, ...credit].map((n) => n.id)).size).toBe(4);
    expect(credit.every((n) => n.delivery.mode === 'webhook' && n.delivery.status === 'queued')).toBe(true);
  });

  it('prints its usage on a bad option', async () => {
    const bad = await replay('--everything');
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('usage: npm run replay-fanout');
  });
});
