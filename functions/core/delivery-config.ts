/**
 * How webhook deliveries are timed and retried, with the defaults. A module of its own so that
 * every function's configuration reads it without loading the delivery code (and the address
 * checks it brings along) into the api's cold start.
 */
export interface DeliveryConfig {
  timeoutMs: number;
  /** Delay before attempt 2, 3, ...; the last entry repeats. */
  retryDelaysSeconds: number[];
  /** Attempts before giving up; equals the queue's maxReceiveCount. */
  maxAttempts: number;
}

export const DEFAULT_DELIVERY: DeliveryConfig = { timeoutMs: 5000, retryDelaysSeconds: [10, 60, 300, 1800], maxAttempts: 5 };
