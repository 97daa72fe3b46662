/**
 * Per-client rate limits as api instances apply them: each reserves blocks of the client's shared
 * one-second window and spends them in memory; the blocks never add up to more than the limit.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, reservationSize } from '../../functions/core/rate-limit';
import type { ApiClient } from '../../functions/core/model';
import { ProblemError } from '../../functions/core/errors';
import { MemoryRateWindowStore } from '../fakes/ports';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRateWindowStore } from '../../functions/store/rate-windows';
import { TableClient } from '../../functions/store/client';

const client = (rateLimitPerSecond: number): ApiClient => ({
  clientId: 'cmarket000001',
  department: 'market',
  name: 'market',
  scopes: [],
  keyHash: '00',
  createdAt: '2026-11-01T00:00:00Z',
  rateLimitPerSecond,
});

/** A shared window store that records each reservation (one table write each). */
function sharedWindows() {
  const store = new MemoryRateWindowStore();
  const reservations: { want: number; granted: number }[] = [];
  return {
    reservations,
    rateWindows: {
      reserve: async (clientId: string, window: number, limit: number, want: number) => {
        const granted = await store.reserve(clientId, window, limit, want);
        reservations.push({ want, granted });
        return granted;
      },
    },
  };
}

const at = (ms: number) => ({ now: () => new Date(Date.UTC(2026, 10, 27, 2, 0, 0) + ms) });

/**
 * A window store whose reservations answer only when the test lets the table answer, recording
 * each (the second it reserves in, and what it asked for).
 */
function heldWindows(fail?: (call: number) => boolean) {
  const store = new MemoryRateWindowStore();
  const asked: { window: number; want: number }[] = [];
  const open: (() => void)[] = [];
  return {
    asked,
    rateWindows: {
      reserve: (clientId: string, window: number, limit: number, want: number) => {
        const call = asked.push({ window, want });
        return new Promise<number>((ok, no) => open.push(() => (fail?.(call) ? no(new Error('table unavailable')) : ok(store.reserve(clientId, window, limit, want)))));
      },
    },
    /** The table answers every reservation asked so far. */
    answer: async () => {
      for (const release of open.splice(0)) release();
      await new Promise((r) => setImmediate(r));
    },
  };
}

/**
 * Sequential requests, the table answering between them (as it does while a request does its own
 * work): how many of them had to wait for a reservation.
 */
async function waitsOf(limiter: RateLimiter, c: ApiClient, n: number, windows: ReturnType<typeof heldWindows>, before?: (i: number) => void) {
  let waits = 0;
  for (let i = 0; i < n; i++) {
    before?.(i);
    let done = false;
    const taking = limiter.take(c).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    if (!done) waits++;
    await windows.answer();
    await taking;
  }
  return waits;
}

/** How many of `n` concurrent requests the limiter lets through. */
async function admitted(limiter: RateLimiter, c: ApiClient, n: number) {
  const results = await Promise.allSettled(Array.from({ length: n }, () => limiter.take(c)));
  return results.filter((r) => r.status === 'fulfilled').length;
}

describe('the reservation rule', () => {
  it('reserves a quarter of the recent demand, at least one, at most an eighth of the limit', () => {
    expect(reservationSize(1_000_000, 0)).toBe(1);
    expect(reservationSize(1_000_000, 1000)).toBe(250);
    expect(reservationSize(1_000_000, 1001)).toBe(251);
    expect(reservationSize(50, 1000)).toBe(6);
    expect(reservationSize(50, 10)).toBe(3);
    expect(reservationSize(16, 1000)).toBe(2);
  });

  it('counts a limit under 16 request by request', () => {
    for (const limit of [1, 2, 5, 15]) expect(reservationSize(limit, 10_000)).toBe(1);
  });
});

describe('RateLimiter', () => {
  it('lets exactly the limit through in a second and refuses the rest with 429 and Retry-After', async () => {
    const windows = sharedWindows();
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: at(400) });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => limiter.take(client(5))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refusal = results.find((r) => r.status === 'rejected');
    expect(refusal?.status === 'rejected' && refusal.reason).toBeInstanceOf(ProblemError);
    expect(refusal?.status === 'rejected' && (refusal.reason as ProblemError).toProblem()).toMatchObject({ status: 429, limit: 5, retryAfter: 1 });
    // Refused once, the instance writes nothing more for the client in that second.
    const writes = windows.reservations.length;
    await expect(limiter.take(client(5))).rejects.toThrow(ProblemError);
    expect(windows.reservations).toHaveLength(writes);
  });

  it('never lets instances together exceed the limit, however the traffic is spread', async () => {
    const windows = sharedWindows();
    const clock = at(0);
    const instances = [0, 1, 2].map(() => new RateLimiter({ rateWindows: windows.rateWindows, clock }));
    const c = client(400);
    const counts = await Promise.all(instances.map((limiter, i) => admitted(limiter, c, [50, 200, 600][i])));
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(400);
    expect(windows.reservations.reduce((a, r) => a + r.granted, 0)).toBeLessThanOrEqual(400);
    // Blocks of at most an eighth of the limit: the busiest instance gets most of it.
    expect(Math.max(...windows.reservations.map((r) => r.granted))).toBeLessThanOrEqual(50);
    // What is lost is what instances reserved and did not spend: here, where each spends until it is
    // refused, at most a block each (a block and a half where a reservation made ahead is unspent).
    expect(counts[0]).toBe(50);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(400 - 3 * 50);
  });

  it('costs a few writes a second at a steady rate instead of one per request', async () => {
    const windows = sharedWindows();
    let now = 0;
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: { now: () => at(now).now() } });
    const c = client(1_000_000);
    // 1,000 requests a second, 16 at a time, for three seconds.
    for (let second = 0; second < 3; second++) {
      for (let burst = 0; burst < 1000 / 16; burst++) {
        now = second * 1000 + burst * 16;
        expect(await admitted(limiter, c, 16)).toBe(16);
      }
    }
    // The first second ramps up from blocks of one; later ones need about four reservations.
    const writes = windows.reservations.length;
    expect(writes).toBeLessThan(40);
  });

  it('has concurrent requests of one instance wait for one reservation instead of each writing', async () => {
    const windows = sharedWindows();
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: at(0) });
    expect(await admitted(limiter, client(5), 5)).toBe(5);
    expect(windows.reservations.map((r) => r.granted)).toEqual([1, 1, 1, 1, 1]);
    expect(await admitted(limiter, client(1000), 64)).toBe(64);
    expect(windows.reservations.length).toBeLessThan(5 + 64);
  });

  it('reserves the next block while the last one lasts, so a steady client’s requests do not wait for the table', async () => {
    const windows = heldWindows();
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: at(100) });
    // Blocks grow with the demand (one request each for the first four); then each is asked for
    // when half of the one before is left, and answered before it runs out.
    expect(await waitsOf(limiter, client(1_000_000), 300, windows)).toBeLessThanOrEqual(5);
    expect(windows.asked.length).toBeLessThan(300 / 4);
    expect(new Set(windows.asked.map((a) => a.window))).toEqual(new Set([windows.asked[0].window]));
  });

  it('reserves a busy client’s first block of the next second near the end of this one', async () => {
    const windows = heldWindows();
    let now = 0;
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: { now: () => at(now).now() } });
    const c = client(1_000_000);
    // 20 requests in the first 950 ms of a second, then 20 in the next one.
    let askedInFirstSecond: typeof windows.asked = [];
    const waits = await waitsOf(limiter, c, 40, windows, (i) => {
      if (i === 20) askedInFirstSecond = [...windows.asked];
      now = i < 20 ? i * 50 : 1000 + (i - 20) * 50;
    });
    const second = Math.floor(at(0).now().getTime() / 1000);
    expect(askedInFirstSecond.filter((a) => a.window === second + 1)).toHaveLength(1);
    // Only the ramp-up of the first second waited: the next second's first request found its block reserved.
    expect(waits).toBeLessThanOrEqual(5);
  });

  it('never reserves ahead for a limit under 16 or a client of a few requests', async () => {
    const small = heldWindows();
    const limiter = new RateLimiter({ rateWindows: small.rateWindows, clock: at(900) });
    // A limit of 10 is counted request by request: every request waits for its own write.
    expect(await waitsOf(limiter, client(10), 10, small)).toBe(10);
    expect(small.asked.map((a) => a.want)).toEqual(Array(10).fill(1));
    const quiet = heldWindows();
    const other = new RateLimiter({ rateWindows: quiet.rateWindows, clock: at(900) });
    // Three requests late in a second: nothing is reserved for the next one.
    await waitsOf(other, client(1000), 3, quiet);
    expect(new Set(quiet.asked.map((a) => a.window)).size).toBe(1);
  });

  it('shrugs off a reservation made ahead that fails: the request that needs a block asks again', async () => {
    // The table fails the sixth reservation, the first one made ahead of need (four blocks of
    // one, then one of two, of which the fifth request leaves one).
    const windows = heldWindows((call) => call === 6);
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: at(100) });
    // Every request is let in (a failure reaching one would fail the run), and the seventh
    // reservation, asked for after the failure, is the one that serves the rest.
    await waitsOf(limiter, client(1_000_000), 40, windows);
    expect(windows.asked.length).toBeGreaterThan(7);
  });

  /** A window store whose every reservation the test answers by hand, with the grant it chooses. */
  function scriptedWindows(clock: () => number) {
    const open: { window: number; second: number; answer: (granted: number) => void }[] = [];
    const asked: { window: number; second: number }[] = [];
    return {
      open,
      asked,
      rateWindows: {
        reserve: (_c: string, window: number) =>
          new Promise<number>((answer) => {
            const second = Math.floor(clock() / 1000);
            asked.push({ window, second });
            open.push({ window, second, answer });
          }),
      },
      /** Answers every open reservation with what `grant` says for its second. */
      answer: async (grant: (window: number) => number) => {
        for (const o of open.splice(0)) o.answer(grant(o.window));
        await new Promise((r) => setImmediate(r));
      },
    };
  }

  it('keeps a second refused, without a write, when the next second’s block reserved ahead also finds it full', async () => {
    let now = 0;
    const clock = () => at(now).now().getTime();
    const windows = scriptedWindows(clock);
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: { now: () => new Date(clock()) } });
    const c = client(1000);
    const second = Math.floor(clock() / 1000);
    // Four requests late in the second, one block each: the fourth has the next second reserved ahead.
    for (let i = 0; i < 4; i++, now = 800 + i * 20) {
      const taking = limiter.take(c);
      await new Promise((r) => setImmediate(r));
      await windows.answer(() => 1);
      await taking;
    }
    const ahead = windows.open.find((o) => o.window === second + 1);
    expect(ahead).toBeDefined();
    // The fifth finds this second full (the next second's answer still to come) and is refused.
    const fifth = limiter.take(c);
    await new Promise((r) => setImmediate(r));
    const full = windows.open.filter((o) => o.window === second);
    windows.open.splice(0, windows.open.length, ...windows.open.filter((o) => o.window !== second));
    full.forEach((o) => o.answer(0));
    await expect(fifth).rejects.toThrow(ProblemError);
    // Then the next second turns out full too; this second stays refused without asking again.
    await windows.answer(() => 0);
    const writes = windows.asked.length;
    await expect(limiter.take(c)).rejects.toThrow(ProblemError);
    expect(windows.asked).toHaveLength(writes);
    // And the next second's first request is refused without a write.
    now = 1010;
    await expect(limiter.take(c)).rejects.toThrow(ProblemError);
    expect(windows.asked).toHaveLength(writes);
  });

  it('reserves nothing for a second that has passed, when a request waited into the next one', async () => {
    let now = 100;
    const clock = () => at(now).now().getTime();
    const windows = scriptedWindows(clock);
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: { now: () => new Date(clock()) } });
    const c = client(1000);
    for (let i = 0; i < 4; i++) {
      const taking = limiter.take(c);
      await new Promise((r) => setImmediate(r));
      await windows.answer(() => 1);
      await taking;
    }
    // The fifth asks for a block of two, answered only in the next second.
    const fifth = limiter.take(c);
    await new Promise((r) => setImmediate(r));
    now = 1030;
    await windows.answer(() => 2);
    await fifth;
    await new Promise((r) => setImmediate(r));
    expect(windows.asked.filter((a) => a.window < a.second)).toEqual([]);
  });

  it('lets the client in again in the next second', async () => {
    const windows = sharedWindows();
    let now = 100;
    const limiter = new RateLimiter({ rateWindows: windows.rateWindows, clock: { now: () => at(now).now() } });
    expect(await admitted(limiter, client(3), 5)).toBe(3);
    now = 1100;
    expect(await admitted(limiter, client(3), 5)).toBe(3);
  });
});

describe('the table’s window under contention', () => {
  /**
   * A table where others always got there first: each conditional ADD fails and hands back the
   * window as the others left it (`counts`, one per attempt), until `accept` takes the ask.
   */
  function contended(counts: number[], accept: (n: number) => boolean = () => false) {
    const asks: number[] = [];
    const db = {
      send: async (command: UpdateCommand) => {
        const n = Number(command.input.ExpressionAttributeValues?.[':n']);
        asks.push(n);
        if (accept(n)) return {};
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: { count: { N: String(counts[asks.length - 1] ?? counts.at(-1)) } } });
      },
    };
    return { asks, store: new DynamoRateWindowStore(new TableClient(db as unknown as DynamoDBDocumentClient, 'exchange')) };
  }

  it('takes what is left when others took part of the block it asked for', async () => {
    // 20 of 24 taken: the ask of 8 shrinks to the 4 left, which are granted.
    const { asks, store } = contended([20], (n) => n <= 4);
    expect(await store.reserve('cmarket000001', 100, 24, 8)).toBe(4);
    expect(asks).toEqual([8, 4]);
  });

  it('gives up on the window after five asks that others always beat, and asks no more', async () => {
    // One unit seems left each time, and each time someone else takes it first.
    const { asks, store } = contended([15, 15, 15, 15, 15, 15]);
    expect(await store.reserve('cmarket000001', 100, 16, 2)).toBe(0);
    expect(asks).toEqual([2, 1, 1, 1, 1]);
  });

  it('stops at once when the window is full', async () => {
    const { asks, store } = contended([16]);
    expect(await store.reserve('cmarket000001', 100, 16, 2)).toBe(0);
    expect(asks).toEqual([2]);
  });
});
