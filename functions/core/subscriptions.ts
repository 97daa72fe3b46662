/**
 * Subscriptions (订阅): a department's standing request to be told about records, by webhook
 * and/or in its inbox. Each department sees and changes only its own.
 */
import type { z } from 'zod';
import { RotateSecret, SubscriptionCreate, SubscriptionUpdate } from '../../schemas/events';
import { requireScope } from './clients';
import { badRequest, conflict, invalidInput, notFound } from './errors';
import type { ApiClient, StoredSubscription, SubscriptionView } from './model';
import type { Ports } from './ports';
import { RECEIVE_SCOPE } from './receiving';
import { parseOrThrow } from './validation';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from './limits';
import { isRefusedAddress, newWebhookSecret, sealedWebhook } from './webhooks';

export interface WebhookPolicy {
  /** Lets webhooks point at http:// and private or loopback addresses (the local runner and tests). */
  allowPrivateTargets: boolean;
}
export const STRICT_WEBHOOKS: WebhookPolicy = { allowPrivateTargets: false };

/** How long the old secret keeps signing after a rotation, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

function checkWebhookUrl(url: string, policy: WebhookPolicy) {
  if (policy.allowPrivateTargets) return;
  const u = new URL(url);
  const errors = [];
  if (u.protocol !== 'https:') errors.push({ path: '/webhook/url', message: 'must use https', code: 'insecure-webhook' });
  if (isRefusedAddress(u.hostname)) errors.push({ path: '/webhook/url', message: 'must not point at a private, loopback or link-local address', code: 'private-webhook' });
  if (errors.length) throw invalidInput('the webhook URL is not allowed', errors);
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  return parseOrThrow(schema, body, (errors) => invalidInput('invalid subscription', errors));
}

/** A subscription as the API shows it: never the secret, only its last four characters. */
export function presentSubscription(s: SubscriptionView) {
  return {
    id: s.id,
    department: s.department,
    name: s.name,
    ...(s.purpose ? { purpose: s.purpose } : {}),
    status: s.status,
    filters: s.filters,
    ...(s.webhook ? { webhook: { url: s.webhook.url, secretHint: s.webhook.secretHint } } : {}),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export async function createSubscription(ports: Ports, client: ApiClient, body: unknown, policy: WebhookPolicy, limits: SubscriptionLimits = DEFAULT_SUBSCRIPTION_LIMITS) {
  requireScope(client, 'subscriptions:manage');
  requireScope(client, RECEIVE_SCOPE);
  const input = parse(SubscriptionCreate, body);
  if (input.webhook) checkWebhookUrl(input.webhook.url, policy);
  // Checked against the department's listing before the write: two creates at the same instant can
  // each pass it once, so the cap bounds the set within a few, which is what fan-out needs.
  const held = (await ports.subscriptions.list(client.department)).length;
  if (held >= limits.maxPerDepartment) {
    throw conflict('subscription-limit', `department ${client.department} holds ${held} subscriptions, the most allowed (${limits.maxPerDepartment}); delete or widen one instead`, {
      limit: limits.maxPerDepartment,
      held,
    });
  }
  const now = ports.clock.now().toISOString();
  const id = `sub_${ports.ids.random(12)}`;
  const secret = input.webhook ? newWebhookSecret() : undefined;
  const sub: StoredSubscription = {
    id,
    department: client.department,
    name: input.name,
    purpose: input.purpose,
    clientId: client.clientId,
    status: 'active',
    filters: input.filters,
    ...(input.webhook && secret ? { webhook: await sealedWebhook(ports.secrets, client.department, id, input.webhook.url, secret) } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await ports.subscriptions.put(sub);
  return { ...presentSubscription(sub), ...(secret ? { webhookSecret: secret } : {}) };
}

async function own(ports: Ports, client: ApiClient, id: string) {
  requireScope(client, 'subscriptions:manage');
  if (!/^sub_[A-Za-z0-9_-]{16}$/.test(id)) throw notFound(`no subscription ${id}`);
  const sub = await ports.subscriptions.get(client.department, id);
  if (!sub) throw notFound(`no subscription ${id}`);
  return sub;
}

export async function listSubscriptions(ports: Ports, client: ApiClient) {
  requireScope(client, 'subscriptions:manage');
  return (await ports.subscriptions.list(client.department)).map(presentSubscription);
}

export const getSubscription = async (ports: Ports, client: ApiClient, id: string) => presentSubscription(await own(ports, client, id));

export async function updateSubscription(ports: Ports, client: ApiClient, id: string, body: unknown, policy: WebhookPolicy) {
  const sub = await own(ports, client, id);
  // The client changing it becomes the one whose scope decides what it receives.
  requireScope(client, RECEIVE_SCOPE);
  const input = parse(SubscriptionUpdate, body);
  if (Object.keys(input).length === 0) throw badRequest('nothing to change', [{ path: '/', message: 'give at least one of name, purpose, status, filters, webhook' }]);
  if (input.webhook) checkWebhookUrl(input.webhook.url, policy);
  let secret: string | undefined;
  const next: StoredSubscription = {
    ...sub,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
    clientId: client.clientId,
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.filters !== undefined ? { filters: input.filters } : {}),
    updatedAt: ports.clock.now().toISOString(),
  };
  if (input.webhook === null) delete next.webhook;
  else if (input.webhook)
    next.webhook = sub.webhook ? { ...sub.webhook, url: input.webhook.url } : await sealedWebhook(ports.secrets, sub.department, sub.id, input.webhook.url, (secret = newWebhookSecret()));
  await ports.subscriptions.put(next);
  return { ...presentSubscription(next), ...(secret ? { webhookSecret: secret } : {}) };
}

export async function deleteSubscription(ports: Ports, client: ApiClient, id: string) {
  await own(ports, client, id);
  await ports.subscriptions.delete(client.department, id);
}

/**
 * A new signing secret, shown once; the old one keeps signing alongside it for `overlapHours`
 * (24 unless told; 0 retires it at once).
 */
export async function rotateSecret(ports: Ports, client: ApiClient, id: string, body: unknown = {}) {
  const sub = await own(ports, client, id);
  const { overlapHours } = parse(RotateSecret, body ?? {});
  if (!sub.webhook) throw badRequest('this subscription has no webhook', [{ path: 'id', message: 'no webhook to rotate the secret of' }]);
  const now = ports.clock.now();
  const secret = newWebhookSecret();
  const overlapMs = overlapHours === undefined ? ROTATION_OVERLAP_MS : overlapHours * 3600_000;
  const next: StoredSubscription = {
    ...sub,
    webhook: {
      ...(await sealedWebhook(ports.secrets, sub.department, sub.id, sub.webhook.url, secret)),
      ...(overlapMs > 0 ? { previousSealedSecret: sub.webhook.sealedSecret, previousSecretUntil: new Date(now.getTime() + overlapMs).toISOString() } : {}),
    },
    updatedAt: now.toISOString(),
  };
  await ports.subscriptions.put(next);
  return { ...presentSubscription(next), webhookSecret: secret };
}

/** Stops signing with the secret before the last rotation now, once the receiver has switched. */
export async function retirePreviousSecret(ports: Ports, client: ApiClient, id: string) {
  const sub = await own(ports, client, id);
  if (!sub.webhook) throw badRequest('this subscription has no webhook', [{ path: 'id', message: 'no webhook secret to retire' }]);
  const { previousSealedSecret: _previous, previousSecretUntil: _until, ...current } = sub.webhook;
  const next: StoredSubscription = { ...sub, webhook: current, updatedAt: ports.clock.now().toISOString() };
  await ports.subscriptions.put(next);
  return presentSubscription(next);
}
