/**
 * Settings of the push side, from the environment with defaults; a malformed value fails at
 * start with the variable's name.
 */
import { DEFAULT_DELIVERY, type DeliveryConfig } from './core/delivery';
import type { FanoutConfig } from './core/fanout';
import { requireEnv } from './env';
import { DEFAULT_INGEST_RULES, type IngestRules } from './core/ingest-rules';
import type { WebhookPolicy } from './core/subscriptions';

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`environment variable ${name} must be a non-negative number, got ${raw}`);
  return n;
}

export function fanoutConfig(): FanoutConfig {
  return {
    ackWithinHours: numberEnv('ACK_WITHIN_HOURS', 72),
    supervisingDepartment: process.env.SUPERVISING_DEPARTMENT || 'supervision',
  };
}

export function deliveryConfig(): DeliveryConfig {
  const delays = (process.env.DELIVERY_RETRY_DELAYS ?? DEFAULT_DELIVERY.retryDelaysSeconds.join(',')).split(',').map(Number);
  if (delays.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`environment variable DELIVERY_RETRY_DELAYS must be comma-separated seconds`);
  return { timeoutMs: numberEnv('DELIVERY_TIMEOUT_MS', DEFAULT_DELIVERY.timeoutMs), retryDelaysSeconds: delays, maxAttempts: numberEnv('DELIVERY_MAX_ATTEMPTS', DEFAULT_DELIVERY.maxAttempts) };
}

export function webhookPolicy(): WebhookPolicy {
  return { allowPrivateTargets: process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true' };
}

/** The key the api seals its cursors with: at least 32 characters, the same in every instance (a secret on AWS). */
export function cursorKey(): Buffer {
  const key = requireEnv('CURSOR_KEY');
  if (key.length < 32) throw new Error('environment variable CURSOR_KEY must have at least 32 characters');
  return Buffer.from(key);
}

export function ingestRules(): IngestRules {
  return { maxFutureDays: numberEnv('RECORD_MAX_FUTURE_DAYS', DEFAULT_INGEST_RULES.maxFutureDays) };
}
