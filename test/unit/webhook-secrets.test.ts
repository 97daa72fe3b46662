/**
 * Webhook signing secrets at rest: sealed for their subscription, never stored or listed in plain
 * text, opened only where deliveries are signed; a rotation can retire the old secret early, and a
 * receiver verifies with several secrets while it switches.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../functions/adapters/secret-box';
import type { SQSEvent } from 'aws-lambda';
import { deliverBatch, OpenedSecrets, type QueueMessage } from '../../functions/core/delivery';
import { DEFAULT_DELIVERY } from '../../functions/core/delivery-config';
import { deliverHandler } from '../../functions/deliver/adapter';
import type { ApiClient, StoredNotification } from '../../functions/core/model';
import { createSubscription, retirePreviousSecret, rotateSecret } from '../../functions/core/subscriptions';
import { verifyWebhook, webhookHeaders } from '../../functions/core/webhooks';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';
import { SAMPLE_NOTIFICATION_ID, sampleNotification } from '../fakes/notifications';

const health: ApiClient = { clientId: 'cHealth000001', department: 'health', name: 'health', scopes: ['subscriptions:manage', 'profiles:read'], keyHash: '00', createdAt: '2026-11-01T00:00:00Z' };
const policy = { allowPrivateTargets: false };
const ID = SAMPLE_NOTIFICATION_ID;

let ports: MemoryPorts;
let posted: { headers: Record<string, string>; body: string }[];
const post = async (_url: string, headers: Record<string, string>, body: string) => {
  posted.push({ headers, body });
  return { status: 200 };
};

async function subscribe() {
  const created = await createSubscription(ports, health, { name: 'all', purpose: '食品经营许可后监管', filters: {}, webhook: { url: 'https://hooks.health.example.gov.cn/edx' } }, policy);
  return { id: created.id as string, secret: created.webhookSecret as string };
}

/** One delivery of a fresh notification through the subscription; returns what the receiver got. */
async function deliverThrough(subscriptionId: string, queuedAt?: string, status: StoredNotification['delivery']['status'] = 'queued') {
  ports.notifications.notifications.clear();
  await ports.notifications.put(sampleNotification({ status, subscriptionId }));
  const m: QueueMessage = { messageId: 'm1', receiptHandle: 'r1', receiveCount: 1, body: JSON.stringify({ department: 'health', notificationId: ID, ...(queuedAt ? { queuedAt } : {}) }) };
  posted = [];
  await deliverBatch(ports, post, [m]);
  return posted[0];
}

const verifies = (secret: string | string[], got: { headers: Record<string, string>; body: string }) => verifyWebhook(secret, got.headers, got.body, Number(got.headers['webhook-timestamp'])).ok;

beforeEach(async () => {
  ports = memoryPorts();
  // Delivery checks again that the subscribing client may read what it receives.
  await ports.clients.put(health);
  posted = [];
});

describe('the local secret box', () => {
  it('opens what it sealed only under the same context, and refuses a tampered value', async () => {
    const box = new AesGcmSecretBox();
    const sealed = await box.seal('whsec_abc', 'health/sub_1');
    expect(sealed).not.toContain('whsec_abc');
    expect(await box.open(sealed, 'health/sub_1')).toBe('whsec_abc');
    await expect(box.open(sealed, 'credit/sub_1')).rejects.toThrow();
    const [kind, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    await expect(box.open([kind, iv, tag, flipped.toString('base64url')].join('.'), 'health/sub_1')).rejects.toThrow();
    await expect(new AesGcmSecretBox().open(sealed, 'health/sub_1')).rejects.toThrow();
  });
});

describe('a subscription secret', () => {
  it('is stored only sealed, is never in a listing, and signs deliveries that verify', async () => {
    const { id, secret } = await subscribe();
    expect(JSON.stringify([...ports.subscriptions.subscriptions.values()])).not.toContain(secret.slice(6));
    const [listed] = await ports.subscriptions.list();
    expect(listed.webhook).toEqual({ url: 'https://hooks.health.example.gov.cn/edx', secretHint: secret.slice(-4) });
    const got = await deliverThrough(id);
    expect(verifies(secret, got)).toBe(true);
  });

  it('signs with both secrets for the overlap after a rotation, and with the new one alone once the old is retired', async () => {
    const { id, secret: old } = await subscribe();
    const { webhookSecret: fresh } = await rotateSecret(ports, health, id);
    const during = await deliverThrough(id);
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifies(old, during) && verifies(fresh, during)).toBe(true);

    await retirePreviousSecret(ports, health, id);
    const after = await deliverThrough(id);
    expect(verifies(fresh, after)).toBe(true);
    expect(verifies(old, after)).toBe(false);
  });

  it('can be rotated without any overlap', async () => {
    const { id, secret: old } = await subscribe();
    const { webhookSecret: fresh } = await rotateSecret(ports, health, id, { overlapHours: 0 });
    const got = await deliverThrough(id);
    expect([verifies(fresh, got), verifies(old, got)]).toEqual([true, false]);
    await expect(rotateSecret(ports, health, id, { overlapHours: 48 })).rejects.toMatchObject({ status: 422 });
  });
});

describe('verifyWebhook', () => {
  it('accepts a signature by any of the secrets it is given', () => {
    const [a, b, c] = [
      'whsec_' + Buffer.from('key a 0123456789').toString('base64'),
      'whsec_' + Buffer.from('key b 0123456789').toString('base64'),
      'whsec_' + Buffer.from('key c').toString('base64'),
    ];
    const headers = webhookHeaders([b], 'ntf_1', 1_795_744_800, '{}');
    expect(verifyWebhook([a, b], headers, '{}', 1_795_744_800)).toEqual({ ok: true, id: 'ntf_1' });
    expect(verifyWebhook([a, c], headers, '{}', 1_795_744_800)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('a delivery that already failed', () => {
  it('is not posted again by a stray copy of its message, only by the redrive that claimed it', async () => {
    const { id } = await subscribe();
    expect(await deliverThrough(id, '2026-11-27T02:00:00.000Z', 'failed')).toBeUndefined();
    await ports.notifications.claimRedrive('health', ID, { token: 't', at: '2026-11-27T05:00:00.000Z' }, '2026-11-27T04:55:00.000Z');
    posted = [];
    await deliverBatch(ports, post, [
      { messageId: 'm2', receiptHandle: 'r2', receiveCount: 1, body: JSON.stringify({ department: 'health', notificationId: ID, queuedAt: '2026-11-27T05:00:00.000Z' }) },
    ]);
    expect(posted).toHaveLength(1);
  });
});

describe('secrets opened by a deliverer', () => {
  it('are opened once per container and subscription, again after a rotation or when kept too long, and only so many are kept', async () => {
    let opens = 0;
    const box = new AesGcmSecretBox();
    const counting = { seal: box.seal.bind(box), open: (sealed: string, context: string) => (opens++, box.open(sealed, context)) };
    let now = Date.parse('2026-11-27T02:00:00.000Z');
    const secrets = new OpenedSecrets(counting, { now: () => new Date(now) }, 2, 60_000);
    const a = await box.seal('whsec_a', 'health/sub_a');
    const b = await box.seal('whsec_b', 'health/sub_b');
    const c = await box.seal('whsec_c', 'health/sub_c');

    expect(await Promise.all([secrets.open(a, 'health/sub_a'), secrets.open(a, 'health/sub_a')])).toEqual(['whsec_a', 'whsec_a']);
    expect(opens).toBe(1);
    // A rotated secret is sealed anew: it is opened, never served from the old one.
    const rotated = await box.seal('whsec_a2', 'health/sub_a');
    expect(await secrets.open(rotated, 'health/sub_a')).toBe('whsec_a2');
    expect(opens).toBe(2);
    // Two are kept: a third pushes out the least recently used.
    await secrets.open(a, 'health/sub_a');
    await secrets.open(b, 'health/sub_b');
    await secrets.open(c, 'health/sub_c');
    expect(opens).toBe(4);
    await secrets.open(b, 'health/sub_b');
    expect(opens).toBe(4);
    await secrets.open(a, 'health/sub_a');
    expect(opens).toBe(5);
    // None is kept past its time.
    now += 60_000;
    await secrets.open(a, 'health/sub_a');
    expect(opens).toBe(6);
    // A failed open is not kept.
    await expect(secrets.open(a, 'credit/sub_a')).rejects.toThrow();
    await expect(secrets.open(a, 'credit/sub_a')).rejects.toThrow();
    expect(opens).toBe(8);
  });

  it('are shared by the batches of one deliver handler', async () => {
    const { id } = await subscribe();
    await ports.notifications.put(sampleNotification({ status: 'queued', subscriptionId: id }));
    let opens = 0;
    const open = ports.secrets.open.bind(ports.secrets);
    ports.secrets.open = (sealed, context) => (opens++, open(sealed, context));
    const handler = deliverHandler(ports, post, DEFAULT_DELIVERY, () => {});
    const record = (messageId: string) => ({ messageId, receiptHandle: messageId, body: JSON.stringify({ department: 'health', notificationId: ID }), attributes: { ApproximateReceiveCount: '1' } });
    await handler({ Records: [record('m1')] } as unknown as SQSEvent);
    ports.notifications.notifications.clear();
    await ports.notifications.put(sampleNotification({ status: 'queued', subscriptionId: id }));
    await handler({ Records: [record('m2')] } as unknown as SQSEvent);
    expect(posted).toHaveLength(2);
    expect(opens).toBe(1);
  });
});
