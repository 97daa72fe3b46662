/**
 * Limits a deployment sets on what one department or client may cost the exchange, with their
 * defaults. Kept free of schemas so that every function's configuration can read them.
 */

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
