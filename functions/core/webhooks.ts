/**
 * Webhook signatures the Standard Webhooks way: `webhook-id`, `webhook-timestamp` (unix seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the
 * base64 part of a `whsec_` secret. Several signatures, space-separated, cover a secret rotation.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { StoredSubscription } from './model';

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** The secrets a delivery is signed with now: the current one, and the previous one during the rotation overlap. */
export function signingSecrets(sub: StoredSubscription, now: Date): string[] {
  if (!sub.webhook) return [];
  const { secret, previousSecret, previousSecretUntil } = sub.webhook;
  return previousSecret && previousSecretUntil && previousSecretUntil > now.toISOString() ? [secret, previousSecret] : [secret];
}

function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

export function webhookHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => `v1,${sign(s, id, timestamp, body)}`).join(' '),
  };
}

/** Loopback, private, link-local, carrier-grade NAT and unspecified addresses, and local names. */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.internal')) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(h) === 6) return h === '::' || h === '::1' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('::ffff:');
  return false;
}

export type VerifyResult = { ok: true; id: string } | { ok: false; reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature' };

/** What a receiver runs: the signature must match and the timestamp be within `toleranceSeconds` of now. */
export function verifyWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): VerifyResult {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return { ok: false, reason: 'missing-headers' };
  const timestamp = Number(ts);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(sign(secret, id, timestamp, body));
  for (const s of sigs.split(' ')) {
    const [version, value] = s.split(',');
    const given = Buffer.from(value ?? '');
    if (version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id };
  }
  return { ok: false, reason: 'bad-signature' };
}
