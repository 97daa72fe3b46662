/**
 * Per-client rate limits (按接入系统限流). A client's requests per second are counted in the table,
 * so that every api instance shares the count (state in one Lambda container alone would let a
 * client multiply its limit by the number of containers). An instance does not write the count
 * on every request: it reserves a block of the client's current one-second window with one ADD
 * and spends it in memory, reserving the next block when it runs out. The table never hands out
 * more than the limit in a window, so the limit holds across instances; a block an instance does
 * not use up is lost when the second ends (so with several busy instances a client can be refused
 * a few blocks short of its limit), which is why blocks are small: they follow the client's recent
 * demand on the instance and are at most an eighth of the limit (one request for a limit under 16,
 * so small limits are counted request by request as before).
 *
 * A reservation is made ahead of need, so a busy client's requests seldom wait for it: once what
 * is left of a block falls to half the next block, the next block is asked for while the request
 * goes on, and in the last quarter of a second a client that made at least four requests in it
 * has its first block of the next second reserved too. Requests still wait for the table when a
 * block of one is used up (a client of a few requests a second, and limits under 16, which are
 * counted request by request and never ahead) and when a burst spends a block faster than one
 * write. What an instance holds unspent at a second's end is at most a block and a half.
 *
 * Over the limit the request is refused with 429 and `Retry-After`, and the instance remembers the
 * refusal until the window ends, so a client hammering past its limit costs no more writes there.
 * The limit is the client's own (`rateLimitPerSecond`, set with `npm run clients -- limit`) or the
 * deployment's default.
 */
import { ProblemError } from './errors';
import type { ApiClient } from './model';
import type { Clock, RateWindowStore } from './ports';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './limits';

/** How many clients a container keeps allowances and refusals for; only authenticated clients enter, so it never fills in practice. */
const REMEMBERED_CLIENTS = 10_000;

export function rateLimited(clientId: string, limit: number, retryAfterSeconds: number) {
  return new ProblemError(429, {
    type: 'rate-limited',
    title: 'Too many requests',
    detail: `client ${clientId} may make ${limit} requests per second; retry after ${retryAfterSeconds} s`,
    extra: { limit, retryAfter: retryAfterSeconds },
  });
}

/**
 * How many requests an instance reserves at once: a quarter of the client's demand on it (its
 * requests in the last or the current second, whichever is more), so a steady client costs about
 * four writes a second; at least one; at most an eighth of the limit, so instances that share a
 * client's traffic leave each other room and little is lost at the second's end.
 */
export function reservationSize(limit: number, demand: number): number {
  return Math.max(1, Math.min(Math.ceil(demand / 4), Math.floor(limit / 8)));
}

/** What an instance holds of a client's window. */
interface Allowance {
  window: number;
  /** Reserved and not yet spent. */
  left: number;
  /** Requests seen in this window, and in the one before it when that was the last second. */
  demand: number;
  previousDemand: number;
  /** The reservation under way: concurrent requests wait for it instead of writing too. */
  pending?: Promise<void>;
  /** A reservation found the window full: what is held is the last of it, then the client is refused. */
  exhausted?: boolean;
}

/** The part of a second after which a busy client's next second is reserved ahead. */
const NEXT_WINDOW_AHEAD_AFTER_MS = 750;
/** Requests in a second from which a client counts as busy enough to reserve its next second ahead. */
const BUSY_DEMAND = 4;

/** Sets a key, forgetting the oldest when the map is full. */
function remember<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key);
  if (map.size >= REMEMBERED_CLIENTS) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
}

export class RateLimiter {
  /** Client → the window (epoch second) in which this container saw it refused. */
  private readonly refused = new Map<string, number>();
  private readonly allowances = new Map<string, Allowance>();
  /** Client → its allowance of the next second, reserved ahead in the last part of this one. */
  private readonly upcoming = new Map<string, Allowance>();

  constructor(
    private readonly ports: { rateWindows: RateWindowStore; clock: Clock },
    private readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
  ) {}

  /** Takes one request of `client`'s allowance, or throws the 429 problem. */
  async take(client: ApiClient): Promise<void> {
    const limit = client.rateLimitPerSecond ?? this.limits.defaultPerSecond;
    const now = this.ports.clock.now().getTime();
    const window = Math.floor(now / 1000);
    const retryAfter = Math.ceil(Math.max(1, Math.ceil((window + 1) * 1000 - now) / 1000));
    const allowance = this.allowance(client.clientId, window);
    allowance.demand++;
    for (;;) {
      if (this.refused.get(client.clientId) === window) throw rateLimited(client.clientId, limit, retryAfter);
      if (allowance.left > 0) {
        allowance.left--;
        this.reserveAhead(client.clientId, allowance, limit);
        return;
      }
      if (allowance.exhausted) remember(this.refused, client.clientId, window);
      else await this.reservation(client.clientId, allowance, limit);
    }
  }

  /** The client's allowance in `window`, a new one (or the one reserved ahead for it) when the window moved on. */
  private allowance(clientId: string, window: number): Allowance {
    const held = this.allowances.get(clientId);
    if (held?.window === window) return held;
    const ahead = this.upcoming.get(clientId);
    this.upcoming.delete(clientId);
    const previousDemand = held?.window === window - 1 ? held.demand : 0;
    const fresh = ahead?.window === window ? Object.assign(ahead, { previousDemand }) : { window, left: 0, demand: 0, previousDemand };
    remember(this.allowances, clientId, fresh);
    return fresh;
  }

  /** The reservation under way for `allowance`, or a new one: concurrent requests share it. */
  private reservation(clientId: string, allowance: Allowance, limit: number): Promise<void> {
    return (allowance.pending ??= this.reserve(clientId, allowance, limit).finally(() => (allowance.pending = undefined)));
  }

  /**
   * Asks for the next block while this one still lasts, and for a busy client's first block of
   * the next second near the end of this one; the request goes on without waiting. Requests that
   * run out before a failed reservation made ahead answers wait for it and get its error, as
   * they would their own; the next one asks again.
   */
  private reserveAhead(clientId: string, allowance: Allowance, limit: number) {
    const now = this.ports.clock.now().getTime();
    // A request that waited for a reservation may answer in a later second than it began in:
    // the allowance it spent from is then no longer the client's current one.
    if (allowance.pending || allowance.exhausted || this.allowances.get(clientId) !== allowance || Math.floor(now / 1000) !== allowance.window) return;
    const block = reservationSize(limit, Math.max(allowance.demand, allowance.previousDemand));
    if (block > 1 && allowance.left <= Math.floor(block / 2)) {
      this.reservation(clientId, allowance, limit).catch(() => {});
      return;
    }
    const next = allowance.window + 1;
    if (limit < 16 || allowance.demand < BUSY_DEMAND || now - allowance.window * 1000 < NEXT_WINDOW_AHEAD_AFTER_MS) return;
    if (this.upcoming.get(clientId)?.window === next) return;
    const ahead: Allowance = { window: next, left: 0, demand: 0, previousDemand: allowance.demand };
    remember(this.upcoming, clientId, ahead);
    this.reservation(clientId, ahead, limit).catch(() => {});
  }

  private async reserve(clientId: string, allowance: Allowance, limit: number) {
    const want = reservationSize(limit, Math.max(allowance.demand, allowance.previousDemand));
    const granted = await this.ports.rateWindows.reserve(clientId, allowance.window, limit, want);
    allowance.left += granted;
    // What is still held is spent first; the request that finds nothing left is then refused.
    if (granted === 0) allowance.exhausted = true;
  }
}
