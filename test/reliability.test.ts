/**
 * Nothing accepted is lost: a receiver that is down, slow or failing gets the event once it
 * recovers; one that never recovers ends in the DLQ and can be redriven; duplicates on the stream
 * or the queue never make two notifications; a crash between the inbox write and the queue send
 * is healed by the retry; signatures fail for tampered bodies and old timestamps.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPoster } from '../functions/adapters/webhook-poster';
import { fanoutBatch, type StreamChange } from '../functions/core/fanout';
import type { DeliveryQueue } from '../functions/core/ports';
import { verifyWebhook, webhookHeaders } from '../functions/core/webhooks';
import { WebhookReceiver } from '../local/receiver';
import { inspection, makeCreditCode } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
const receiver = new WebhookReceiver();
let crashNextSend = false;
let crashes = 0;

/** The fan-out's queue, made to fail once on demand: the process "dies" after the inbox write. */
const flaky = (queue: DeliveryQueue): DeliveryQueue => ({
  async send(messages) {
    if (crashNextSend) {
      crashNextSend = false;
      crashes++;
      throw new Error('crashed between the inbox write and the queue send');
    }
    return queue.send(messages);
  },
  retryLater: (handle, seconds) => queue.retryLater(handle, seconds),
});

beforeAll(async () => {
  await receiver.start();
  ex = await startExchange({ push: { delivery: { timeoutMs: 400, retryDelaysSeconds: [1] }, fanoutQueue: flaky } });
});
afterAll(async () => {
  await ex.close();
  await receiver.stop();
});

let n = 0;
/** A fresh enterprise, a webhook subscription of health for it, and a record about it. */
async function scenario(path: string) {
  const code = makeCreditCode('91', '330402', `MA2REL${String(n++).padStart(2, '0')}`);
  const sub = await ex.call('POST', '/v1/subscriptions', { as: 'health', body: { name: path, purpose: 'test: delivery', filters: { creditCodes: [code] }, webhook: { url: receiver.url(path) } } });
  receiver.expect(path, sub.body.webhookSecret);
  return {
    code,
    post: async (sourceId = `JC-${path}`) => (await ex.call('POST', '/v1/records', { body: inspection(code, sourceId) })).body,
    notification: async () => {
      const items = (await ex.call('GET', '/v1/inbox?limit=100', { as: 'health' })).body.items as Notification[];
      return items.find((i) => i.event.subject === code);
    },
    arrivals: () => receiver.received.filter((r) => r.path === path),
  };
}

const hitsOn = () => receiver.hits;

describe('a receiver in trouble', () => {
  it('answering 500 is retried, and the event arrives once it recovers', async () => {
    const s = await scenario('/hooks/r500');
    receiver.behaviour = { kind: 'status', status: 500 };
    const before = hitsOn();
    await s.post();
    await waitFor(() => hitsOn() >= before + 2, 15_000, 'two failed attempts');
    const failing = await s.notification();
    expect(failing?.delivery).toMatchObject({ status: 'queued', lastError: 'HTTP 500' });
    receiver.behaviour = { kind: 'ok' };
    await waitFor(() => s.arrivals().length > 0, 15_000, 'delivery after recovery');
    const n1 = await waitFor(async () => ((await s.notification())?.delivery.status === 'delivered' ? s.notification() : undefined));
    expect(n1.delivery.attempts).toBeGreaterThanOrEqual(3);
    expect(s.arrivals()).toHaveLength(1);
  });

  it('that is down is retried until it is back', async () => {
    const s = await scenario('/hooks/down');
    await receiver.stop();
    await s.post();
    const down = await waitFor(async () => ((await s.notification())?.delivery.lastError ? s.notification() : undefined), 15_000, 'a failed attempt');
    expect(down.delivery.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    await receiver.start();
    await waitFor(() => s.arrivals().length > 0, 15_000, 'delivery after the receiver came back');
  });

  it('that is slower than the timeout is retried, and the timeout is recorded', async () => {
    const s = await scenario('/hooks/slow');
    receiver.behaviour = { kind: 'hang', ms: 1500 };
    await s.post();
    const slow = await waitFor(async () => ((await s.notification())?.delivery.lastError ? s.notification() : undefined), 15_000, 'a timed-out attempt');
    expect(slow.delivery.lastError).toBe('timed out after 400 ms');
    receiver.behaviour = { kind: 'ok' };
    await waitFor(() => s.arrivals().some((a) => !a.duplicate), 15_000, 'delivery after the receiver sped up');
  });

  it('that never recovers ends in the DLQ, says failed, and can be redriven', async () => {
    const s = await scenario('/hooks/never');
    receiver.behaviour = { kind: 'status', status: 503 };
    await s.post();
    const failed = await waitFor(async () => ((await s.notification())?.delivery.status === 'failed' ? s.notification() : undefined), 30_000, 'the last attempt');
    expect(failed.delivery).toMatchObject({ status: 'failed', attempts: 5, lastError: 'HTTP 503' });

    // The message reached the DLQ, whose consumer took it off: the table says failed, the DLQ is empty again.
    await waitFor(() => (ex.push?.sources.deadLetters?.handled ?? 0) >= 1, 15_000, 'the message through the DLQ');
    const sqs = new SQSClient({ endpoint: ex.push?.sqsEndpoint });
    const dlqDepth = async () =>
      Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: ex.push?.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages);
    await waitFor(async () => (await dlqDepth()) === 0, 15_000, 'an empty DLQ');
    sqs.destroy();

    receiver.behaviour = { kind: 'ok' };
    const redrive = await ex.call('POST', '/v1/deliveries/redrive', { as: 'health' });
    expect(redrive.status).toBe(200);
    expect(redrive.body.notificationIds).toContain(failed.id);
    await waitFor(() => s.arrivals().length > 0, 15_000, 'the redriven delivery');
    // The receiver sees the request before the deliverer records its answer: wait for the record.
    await waitFor(async () => (await s.notification())?.delivery.status === 'delivered', 15_000, 'the redriven delivery recorded as delivered');
    expect(s.arrivals()).toHaveLength(1);
  }, 60_000);
});

describe('duplicates', () => {
  it('a stream record seen twice makes one notification with one event id', async () => {
    const s = await scenario('/hooks/dup-stream');
    const record = await s.post();
    await waitFor(() => s.arrivals().length > 0);
    const [version] = await ex.ports.records.versions(record.id);
    const change: StreamChange = { eventName: 'INSERT', sequenceNumber: '1', after: { type: 'record-version', value: version } };
    const again = await fanoutBatch(ex.ports, [change, change], ex.push?.fanoutConfig ?? { ackWithinHours: 72, supervisingDepartment: 'supervision' });
    expect(again).toEqual({ notifications: 0 });
    const all = ((await ex.call('GET', '/v1/inbox?limit=100', { as: 'health' })).body.items as Notification[]).filter((i) => i.event.subject === s.code);
    expect(all).toHaveLength(1);
    // Anything the replay queued is handled once the queue drains; then a second delivery would show.
    await ex.push?.sources.queue.drained();
    expect(new Set(s.arrivals().map((a) => a.id)).size).toBe(1);
    expect(new Set(s.arrivals().map((a) => a.event.id)).size).toBe(1);
  });

  it('a queue message delivered twice reaches the receiver with the same webhook-id', async () => {
    const s = await scenario('/hooks/dup-queue');
    receiver.behaviour = { kind: 'ok' };
    await s.post();
    const n1 = await waitFor(() => s.notification());
    await ex.ports.queue?.send([
      { department: 'health', notificationId: n1.id },
      { department: 'health', notificationId: n1.id },
    ]);
    await waitFor(() => s.arrivals().length > 0);
    await ex.push?.sources.queue.drained();
    expect((await s.notification())?.delivery.status).toBe('delivered');
    expect(new Set(s.arrivals().map((a) => a.id))).toEqual(new Set([n1.id]));
    expect(s.arrivals().filter((a) => !a.duplicate)).toHaveLength(1);
    expect(((await ex.call('GET', '/v1/inbox?limit=100', { as: 'health' })).body.items as Notification[]).filter((i) => i.event.subject === s.code)).toHaveLength(1);
  });
});

describe('a crash between the inbox write and the queue send', () => {
  it('loses nothing: the retried batch queues the delivery', async () => {
    const s = await scenario('/hooks/crash');
    receiver.behaviour = { kind: 'ok' };
    const crashesBefore = crashes;
    crashNextSend = true;
    await s.post();
    await waitFor(() => s.arrivals().length > 0, 15_000, 'delivery after the crash');
    expect(crashes).toBe(crashesBefore + 1);
    expect(((await ex.call('GET', '/v1/inbox?limit=100', { as: 'health' })).body.items as Notification[]).filter((i) => i.event.subject === s.code)).toHaveLength(1);
  });
});

describe('signatures', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = JSON.stringify({ id: 'evt_1', type: 'cn.edx.record.created' });
  const now = 1_795_744_800;
  const headers = webhookHeaders([secret], 'ntf_1', now, body);

  it('verify for the body and time they were made for', () => {
    expect(verifyWebhook(secret, headers, body, now)).toEqual({ ok: true, id: 'ntf_1' });
  });
  it('fail for a tampered body, an old timestamp, another secret or missing headers', () => {
    expect(verifyWebhook(secret, headers, body.replace('evt_1', 'evt_2'), now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhook(secret, headers, body, now + 301)).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyWebhook('whsec_' + Buffer.from('another key').toString('base64'), headers, body, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhook(secret, { ...headers, 'webhook-id': undefined }, body, now)).toEqual({ ok: false, reason: 'missing-headers' });
  });
  it('carry both secrets during a rotation, so either verifies', () => {
    const old = 'whsec_' + Buffer.from('old key material 123').toString('base64');
    const both = webhookHeaders([secret, old], 'ntf_2', now, body);
    expect(verifyWebhook(secret, both, body, now).ok).toBe(true);
    expect(verifyWebhook(old, both, body, now).ok).toBe(true);
  });
  it('are rejected by the receiver when tampered', async () => {
    receiver.expect('/hooks/tamper', secret);
    const ts = Math.floor(Date.now() / 1000);
    const h = webhookHeaders([secret], 'ntf_3', ts, body);
    const tampered = await fetch(receiver.url('/hooks/tamper'), { method: 'POST', headers: h, body: body + ' ' });
    expect(tampered.status).toBe(401);
    const stale = await fetch(receiver.url('/hooks/tamper'), { method: 'POST', headers: webhookHeaders([secret], 'ntf_4', ts - 3600, body), body });
    expect(stale.status).toBe(401);
    expect(receiver.rejected.filter((r) => r.path === '/hooks/tamper').map((r) => r.reason)).toEqual(['bad-signature', 'stale-timestamp']);
  });
});

describe('webhook targets at send time', () => {
  // The receiver listens on 127.0.0.1; these names resolve wherever the test says.
  const resolvesTo = (address: string) => (_host: string, cb: (err: Error | null, a: { address: string; family: number }[]) => void) => cb(null, [{ address, family: 4 }]);
  const body = '{}';

  it('are refused when the name resolves to a private address, before any connection', async () => {
    const strict = (address: string) => httpPoster({ allowPrivateTargets: false, resolve: resolvesTo(address) });
    const before = receiver.hits;
    await expect(strict('127.0.0.1')(`http://hooks.example.gov.cn:${receiver.port}/x`, {}, body, 1000)).rejects.toThrow(/private address 127\.0\.0\.1/);
    await expect(strict('10.0.0.5')('https://hooks.example.gov.cn/x', {}, body, 1000)).rejects.toThrow(/private address 10\.0\.0\.5/);
    await expect(strict('169.254.169.254')('https://hooks.example.gov.cn/x', {}, body, 1000)).rejects.toThrow(/private/);
    await expect(strict('203.0.113.9')(`http://127.0.0.1:${receiver.port}/x`, {}, body, 1000)).rejects.toThrow(/private/);
    expect(receiver.hits).toBe(before);
  });

  it('are reached through the checked lookup when private targets are allowed (the local runner)', async () => {
    const local = httpPoster({ allowPrivateTargets: true });
    receiver.behaviour = { kind: 'status', status: 202 };
    expect(await local(`http://localhost:${receiver.port}/x`, {}, body, 1000)).toEqual({ status: 202 });
    receiver.behaviour = { kind: 'ok' };
  });
});
