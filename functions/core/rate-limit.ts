/**
 * Per-client rate limits (按接入系统限流). Every authenticated request takes one unit from its
 * client's current one-second window, counted in the table so that every api instance shares the
 * count (state in one Lambda container would let a client multiply its limit by the number of
 * containers). Over the limit the request is refused with 429 and `Retry-After`, and the container
 * remembers the refusal until the window ends, so a client hammering past its limit costs no more
 * writes there. The limit is the client's own (`rateLimitPerSecond`, set with `npm run clients --
 * limit`) or the deployment's default.
 */
import { ProblemError } from './errors';
import type { ApiClient } from './model';
import type { Clock, RateWindowStore } from './ports';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './limits';

/** How many refusals a container remembers; only authenticated clients enter, so it never fills in practice. */
const REMEMBERED_REFUSALS = 10_000;

export function rateLimited(clientId: string, limit: number, retryAfterSeconds: number) {
  return new ProblemError(429, {
    type: 'rate-limited',
    title: 'Too many requests',
    detail: `client ${clientId} may make ${limit} requests per second; retry after ${retryAfterSeconds} s`,
    extra: { limit, retryAfter: retryAfterSeconds },
  });
}

export class RateLimiter {
  /** Client → the window (epoch second) in which this container saw it refused. */
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly ports: { rateWindows: RateWindowStore; clock: Clock },
    private readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
  ) {}

  /** Takes one request of `client`'s allowance, or throws the 429 problem. */
  async take(client: ApiClient): Promise<void> {
    const limit = client.rateLimitPerSecond ?? this.limits.defaultPerSecond;
    const now = this.ports.clock.now().getTime();
    const window = Math.floor(now / 1000);
    const retryAfter = Math.max(1, Math.ceil((window + 1) * 1000 - now) / 1000);
    if (this.refused.get(client.clientId) === window) throw rateLimited(client.clientId, limit, Math.ceil(retryAfter));
    if (await this.ports.rateWindows.take(client.clientId, window, limit)) return;
    if (this.refused.size >= REMEMBERED_REFUSALS) this.refused.delete(this.refused.keys().next().value ?? '');
    this.refused.set(client.clientId, window);
    throw rateLimited(client.clientId, limit, Math.ceil(retryAfter));
  }
}
