/**
 * Webhook signatures the Standard Webhooks way: `webhook-id`, `webhook-timestamp` (unix seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the
 * base64 part of a `whsec_` secret. Several signatures, space-separated, cover a secret rotation.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { StoredSubscription } from './model';
import type { SecretBox } from './ports';

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** What a subscription's secret is sealed under (SecretBox context): it opens only for this subscription. */
export const secretContext = (department: string, id: string) => `${department}/${id}`;

/** A subscription's webhook with `secret` sealed for it; the plain secret is never stored. */
export async function sealedWebhook(box: SecretBox, department: string, id: string, url: string, secret: string) {
  return { url, secretHint: secret.slice(-4), sealedSecret: await box.seal(secret, secretContext(department, id)) };
}

/** The sealed secrets a delivery is signed with now: the current one, and the previous one during the rotation overlap. */
export function signingSecrets(sub: StoredSubscription, now: Date): string[] {
  if (!sub.webhook) return [];
  const { sealedSecret, previousSealedSecret, previousSecretUntil } = sub.webhook;
  return previousSealedSecret && previousSecretUntil && previousSecretUntil > now.toISOString() ? [sealedSecret, previousSealedSecret] : [sealedSecret];
}

function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

export function webhookHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    // The CloudEvents HTTP binding's structured mode: SDK receivers read the envelope by this type.
    'content-type': 'application/cloudevents+json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => `v1,${sign(s, id, timestamp, body)}`).join(' '),
  };
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Host names that always mean this machine or a private network, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|internal|local|localdomain|home\.arpa)$/;

/**
 * Whether a webhook may not go to `host` (a name or an IP literal, bracketed or not) under the
 * strict policy. An address is allowed only when ipaddr.js classifies its range as `unicast`, so
 * loopback, private, link-local, multicast, broadcast, reserved, benchmarking and site-local
 * addresses are refused, and so is every IPv6 form that embeds an IPv4 address (IPv4-mapped and
 * -compatible, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4, Teredo), which could reach a private
 * one. IPv6 must also be global unicast (2000::/3): ipaddr.js calls the deprecated IPv4-compatible
 * form (`::127.0.0.1`, i.e. ::/96) unicast. Names are compared without their trailing dots
 * (`localhost.` is `localhost`).
 */
export function isRefusedAddress(host: string): boolean {
  const h = host
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');
  if (!ipaddr.isValid(h)) return h === '' || LOCAL_NAMES.test(h);
  const address = ipaddr.parse(h);
  return address.range() !== 'unicast' || (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6));
}

export type VerifyResult = { ok: true; id: string } | { ok: false; reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature' };

/**
 * What a receiver runs: a signature must match one of its secrets (give both while it rotates) and
 * the timestamp be within `toleranceSeconds` of now.
 */
export function verifyWebhook(
  secrets: string | string[],
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): VerifyResult {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return { ok: false, reason: 'missing-headers' };
  const timestamp = Number(ts);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale-timestamp' };
  const expected = [secrets].flat().map((secret) => Buffer.from(sign(secret, id, timestamp, body)));
  for (const s of sigs.split(' ')) {
    const [version, value] = s.split(',');
    const given = Buffer.from(value ?? '');
    if (version === 'v1' && expected.some((e) => given.length === e.length && timingSafeEqual(given, e))) return { ok: true, id };
  }
  return { ok: false, reason: 'bad-signature' };
}
