/**
 * Redrive and the dead-letter queue on the real local services: deliveries that used up their
 * attempts reach the DLQ, whose consumer empties it; two redrives at once queue each failed
 * notification once; a redrive whose queue send fails leaves nothing `queued` without a message.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryQueue } from '../functions/core/ports';
import { WebhookReceiver } from '../local/receiver';
import { inspection, makeCreditCode } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  // The receiver answers at once; a generous timeout keeps a loaded machine from turning slow answers into retries (duplicates).
  ex = await startExchange({ push: { delivery: { timeoutMs: 5000, retryDelaysSeconds: [1] } } });
});
afterAll(async () => {
  await ex.close();
  await receiver.stop();
});

const inboxOf = async (codes: Set<string>) => {
  const out: Notification[] = [];
  let cursor: string | undefined;
  do {
    const page = await ex.call('GET', `/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: 'health' });
    out.push(...(page.body.items as Notification[]).filter((n) => codes.has(n.event.subject)));
    cursor = page.body.next;
  } while (cursor);
  return out;
};

async function dlqDepth() {
  const sqs = new SQSClient({ endpoint: ex.push?.sqsEndpoint });
  try {
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: ex.push?.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(attrs.Attributes?.ApproximateNumberOfMessages) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible);
  } finally {
    sqs.destroy();
  }
}

describe('twenty deliveries that used up their attempts', () => {
  const path = '/hooks/redrive-twenty';
  const codes = new Set(Array.from({ length: 20 }, (_, i) => makeCreditCode('91', '330402', `MA2RDW${String(i).padStart(2, '0')}`)));

  it('reach the DLQ, which its consumer empties, and two simultaneous redrives deliver each once', async () => {
    const sub = await ex.call('POST', '/v1/subscriptions', {
      as: 'health',
      body: { name: 'redrive', purpose: 'test: redrive', filters: { creditCodes: [...codes] }, webhook: { url: receiver.url(path) } },
    });
    receiver.expect(path, sub.body.webhookSecret);
    receiver.behaviour = { kind: 'status', status: 503 };
    const deadBefore = ex.push?.sources.deadLetters?.handled ?? 0;
    const posted = await ex.call('POST', '/v1/records/batch', { body: { records: [...codes].map((c, i) => inspection(c, `JC-RDW-${i}`)) } });
    expect(posted.body.counts).toMatchObject({ created: 20 });

    await waitFor(async () => (await inboxOf(codes)).filter((n) => n.delivery.status === 'failed').length === 20, 60_000, 'all 20 deliveries failed');
    // As on AWS, a message whose receive count is used up moves to the DLQ on its next receive.
    await waitFor(() => (ex.push?.sources.deadLetters?.handled ?? 0) - deadBefore >= 20, 15_000, '20 messages through the DLQ');
    await waitFor(async () => (await dlqDepth()) === 0, 15_000, 'an empty DLQ');
    expect((await inboxOf(codes)).every((n) => n.delivery.status === 'failed' && n.delivery.attempts === 5)).toBe(true);

    receiver.behaviour = { kind: 'ok' };
    const [a, b] = await Promise.all([ex.call('POST', '/v1/deliveries/redrive', { as: 'health' }), ex.call('POST', '/v1/deliveries/redrive', { as: 'health' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.redriven + b.body.redriven).toBe(20);
    expect(new Set([...a.body.notificationIds, ...b.body.notificationIds]).size).toBe(20);

    await waitFor(async () => (await inboxOf(codes)).every((n) => n.delivery.status === 'delivered'), 30_000, 'every redriven delivery');
    await ex.push?.sources.queue.drained();
    const arrivals = receiver.received.filter((r) => r.path === path);
    expect(arrivals).toHaveLength(20);
    expect(new Set(arrivals.map((r) => r.id)).size).toBe(20);
    expect((await ex.call('POST', '/v1/deliveries/redrive', { as: 'health' })).body.redriven).toBe(0);
  }, 120_000);
});

describe('a redrive whose queue send fails', () => {
  it('leaves the notifications failed, not queued without a message, and the next redrive queues them', async () => {
    const path = '/hooks/redrive-send-fails';
    const code = makeCreditCode('91', '330402', 'MA2RDWX1');
    const sub = await ex.call('POST', '/v1/subscriptions', {
      as: 'health',
      body: { name: 'send fails', purpose: 'test: redrive', filters: { creditCodes: [code] }, webhook: { url: receiver.url(path) } },
    });
    receiver.expect(path, sub.body.webhookSecret);
    receiver.behaviour = { kind: 'status', status: 503 };
    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-RDW-X1') });
    const failed = await waitFor(async () => (await inboxOf(new Set([code]))).find((n) => n.delivery.status === 'failed'), 30_000, 'the failed delivery');

    const { redrive } = await import('../functions/core/inbox');
    const broken: DeliveryQueue = { send: async () => Promise.reject(new Error('SQS unavailable')), retryLater: async () => {} };
    const client = { clientId: ex.clientIds.health, department: 'health', name: 'health', scopes: ['inbox:act' as const], keyHash: '', createdAt: '' };
    await expect(redrive({ ...ex.ports, queue: broken }, client)).rejects.toThrow('SQS unavailable');
    expect((await ex.ports.notifications.get('health', failed.id))?.delivery.status).toBe('failed');

    receiver.behaviour = { kind: 'ok' };
    const again = await ex.call('POST', '/v1/deliveries/redrive', { as: 'health' });
    expect(again.body.notificationIds).toContain(failed.id);
    await waitFor(() => receiver.received.some((r) => r.path === path && r.id === failed.id), 15_000, 'the redriven delivery');
  }, 60_000);
});
