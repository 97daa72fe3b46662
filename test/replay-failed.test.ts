/**
 * What the stream fan-out gives up on is kept, not lost: a record whose fan-out keeps failing goes
 * to the on-failure queue with its content while the records behind it go through, and
 * `npm run replay-failed` runs it through fan-out again once the cause is fixed, making nothing
 * twice.
 */
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeliveryQueue } from '../functions/core/ports';
import type { StreamFailure } from '../local/pollers';
import { WebhookReceiver } from '../local/receiver';
import { main, type ReplayTarget } from '../local/replay-failed';
import { inspection, makeCreditCode } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
let target: ReplayTarget;
const receiver = new WebhookReceiver();
/** While set, the fan-out cannot queue webhook deliveries. */
let queueBroken = false;
const breakable = (queue: DeliveryQueue): DeliveryQueue => ({
  async send(messages) {
    if (queueBroken) throw new Error('the delivery queue refused the messages');
    return queue.send(messages);
  },
  retryLater: (handle, seconds) => queue.retryLater(handle, seconds),
});
const watched = makeCreditCode('91', '330402', 'MA2RPL01');
const other = makeCreditCode('91', '330402', 'MA2RPL02');

beforeAll(async () => {
  await receiver.start();
  ex = await startExchange({ push: { fanoutQueue: breakable, streamRetry: { retryAttempts: 1, backoff: { initialMs: 20, maxMs: 100 } } } });
  const push = ex.push;
  if (!push) throw new Error('no push');
  target = { table: ex.table, dynamodbEndpoint: inject('dynamodbEndpoint'), sqsEndpoint: push.sqsEndpoint, deliveryQueueUrl: push.deliveryQueueUrl, failureQueueUrl: push.failureQueueUrl };
  const hook = await ex.call('POST', '/v1/subscriptions', {
    as: 'health',
    body: { name: 'replay', purpose: 'test: delivery', filters: { creditCodes: [watched] }, webhook: { url: receiver.url('/hooks/replay') } },
  });
  receiver.expect('/hooks/replay', hook.body.webhookSecret);
  expect((await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: 'replay', purpose: 'test: delivery', filters: { creditCodes: [watched, other] } } })).status).toBe(201);
});
afterAll(async () => {
  await ex?.close();
  await receiver.stop();
});

const inboxOf = async (as: 'health' | 'credit', code: string) => ((await ex.call('GET', '/v1/inbox?limit=100', { as })).body.items as Notification[]).filter((n) => n.event.subject === code);
const failureDepth = async () => {
  const sqs = new SQSClient({ endpoint: target.sqsEndpoint });
  try {
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: target.failureQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })))
      .Attributes;
    return Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
  } finally {
    sqs.destroy();
  }
};
const run = async (...argv: string[]) => {
  const lines: string[] = [];
  // Fan-out replays with the test's ports, whose delivery queue the test can break.
  const code = await main(
    argv,
    (l) => lines.push(l),
    () => target,
    { ...ex.ports, queue: ex.ports.queue && breakable(ex.ports.queue) },
  );
  return { code, text: lines.join('\n') };
};

describe('a record fan-out keeps failing on', () => {
  it('goes to the on-failure queue with its content, and replay-failed fans it out once fixed', async () => {
    queueBroken = true;
    const poisoned = (await ex.call('POST', '/v1/records', { body: inspection(watched, 'RPL-1') })).body;
    const after = (await ex.call('POST', '/v1/records', { body: inspection(other, 'RPL-2') })).body;
    // The record behind it is not held back.
    await waitFor(async () => (await inboxOf('credit', other)).length === 1, 30_000, 'the next record fanned out');
    await waitFor(async () => (await failureDepth()) === 1, 30_000, 'the given-up record in the on-failure queue');
    expect(ex.push?.sources.stream.givenUp).toBe(1);
    expect(receiver.received.filter((r) => r.path === '/hooks/replay')).toHaveLength(0);

    const listed = await run('--dry-run');
    expect(listed.code).toBe(0);
    expect(listed.text).toContain('1 failed batch(es)');
    expect(listed.text).toMatch(/1\/1 1 record\(s\) of shardId-\S+ (\d+)\.\.\1 \(RetryAttemptsExhausted: /);
    expect(await failureDepth()).toBe(1);

    // Still broken: the replay fails again and keeps the message.
    const failedAgain = await run();
    expect(failedAgain.code, failedAgain.text).toBe(1);
    expect(failedAgain.text).toContain('failed again');
    expect(await failureDepth()).toBe(1);

    queueBroken = false;
    const replayed = await run();
    expect(replayed.code).toBe(0);
    expect(replayed.text).toMatch(/1\/1 replayed 1 record\(s\)/);
    expect(replayed.text).toContain('done: 1 of 1 batch(es) replayed');
    expect(await failureDepth()).toBe(0);
    await waitFor(() => receiver.received.some((r) => r.path === '/hooks/replay' && r.event.data.recordId === poisoned.id), 30_000, 'the webhook of the replayed record');

    // Fan-out had written the notifications before the queue failed: the replay made none twice.
    expect(await inboxOf('health', watched)).toHaveLength(1);
    expect((await inboxOf('credit', watched)).map((n) => n.event.data.recordId)).toEqual([poisoned.id]);
    expect((await inboxOf('credit', other)).map((n) => n.event.data.recordId)).toEqual([after.id]);
    expect((await run()).text).toContain('0 failed batch(es)');
  }, 90_000);

  it('the message carries the stream records themselves, like the batch info AWS sends', async () => {
    queueBroken = true;
    const poisoned = (await ex.call('POST', '/v1/records', { body: inspection(watched, 'RPL-3') })).body;
    await waitFor(async () => (await failureDepth()) === 1, 30_000, 'the given-up record');
    queueBroken = false;
    const sqs = new SQSClient({ endpoint: target.sqsEndpoint });
    const [message] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: target.failureQueueUrl, MaxNumberOfMessages: 1 }))).Messages ?? [];
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: target.failureQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    sqs.destroy();
    const failure = JSON.parse(message.Body ?? '') as StreamFailure;
    expect(failure.requestContext).toEqual({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(failure.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, startSequenceNumber: failure.records[0].dynamodb?.SequenceNumber });
    expect(failure.records[0].eventName).toBe('INSERT');
    expect(JSON.stringify(failure.records[0].dynamodb?.NewImage)).toContain(poisoned.id);
    expect((await run()).code).toBe(0);
    await waitFor(() => receiver.received.some((r) => r.event.data.recordId === poisoned.id), 30_000, 'the replayed webhook');
  }, 60_000);

  it('replay-failed prints its usage on bad input', async () => {
    for (const argv of [['--max', 'x'], ['--max', '0'], ['--bogus'], ['extra']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.text).toContain('usage: npm run replay-failed');
    }
  });
});
