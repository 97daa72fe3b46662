/**
 * Limits a deployment sets on what one department or client may cost the exchange, with their
 * defaults. Kept free of schemas so that every function's configuration can read them.
 */

/** The largest record accepted, alone or in a batch: its versions and summary stay far below DynamoDB's 400 KB item limit. */
export const MAX_RECORD_BYTES = 64 * 1024;

/**
 * How many subscriptions one department may hold (active and paused together). Fan-out matches every
 * stream batch against all subscriptions, so the set must stay small enough to read and match
 * within a batch whatever departments do.
 */
export interface SubscriptionLimits {
  maxPerDepartment: number;
}
export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { maxPerDepartment: 50 };

/** How stale fan-out's cached subscription set may be, in ms (see SubscriptionSet in fanout.ts). */
export const DEFAULT_SUBSCRIPTION_CHECK_MS = 5_000;

/** Requests per second a client may make unless its own `rateLimitPerSecond` says otherwise. */
export interface RateLimits {
  defaultPerSecond: number;
}
export const DEFAULT_RATE_LIMITS: RateLimits = { defaultPerSecond: 50 };

/** How the api remembers clients between requests (see cachedClientLookup). */
export interface ClientCacheLimits {
  /** How long a found client is reused: a revoked key or a changed limit takes effect within it. */
  ttlMs: number;
  /** How long a client id found in no item is answered 401 without a read: a key made in between works after it. */
  unknownTtlMs: number;
  /** How many unknown ids are remembered; beyond it the oldest is forgotten. Found clients are kept apart. */
  unknownEntries: number;
}
export const DEFAULT_CLIENT_CACHE: ClientCacheLimits = { ttlMs: 15_000, unknownTtlMs: 30_000, unknownEntries: 10_000 };
