/**
 * An exchange for one test file: its own table on the shared DynamoDB Local, the real Hono app on
 * a real HTTP port, and API clients for the departments the tests act as.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { createApp, type AppOptions } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import type { Scope } from '../functions/core/model';
import type { Clock, Ports } from '../functions/core/ports';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { runtimePorts } from '../functions/runtime';
import { serveApi } from '../local/http-server';
import { ensureQueues, ensureTable } from '../local/services';
import { DEFAULT_DELIVERY, type DeliveryConfig } from '../functions/core/delivery-config';
import { startEventSources, type EventSourceOptions, type EventSources } from '../local/event-sources';
import type { FanoutConfig } from '../functions/core/fanout';
import type { DeliveryQueue } from '../functions/core/ports';
import type { CapacityListener } from '../functions/store/client';
import type { Retention } from '../functions/store/table';
import type { Notification } from '../schemas/events';

const WRITE_ALL: Scope[] = ['records:write:registration', 'records:write:licence', 'records:write:filing', 'records:write:inspection', 'records:write:penalty'];

const PUSH: Scope[] = ['subscriptions:manage', 'inbox:read', 'inbox:act'];

export const TEST_CLIENTS = {
  market: { department: 'market', name: '区市场监管局', scopes: [...WRITE_ALL, 'profiles:read', 'credit:read', ...PUSH] as Scope[] },
  transport: { department: 'transport', name: '区交通运输局', scopes: ['records:write:licence', 'records:write:inspection'] as Scope[] },
  supervision: { department: 'supervision', name: '区监管平台', scopes: ['profiles:read', 'personal:read', 'audit:read', ...PUSH, 'notifications:oversee'] as Scope[] },
  credit: { department: 'credit', name: '区信用办', scopes: ['profiles:read', 'credit:read', 'credit:write', ...PUSH] as Scope[] },
  health: { department: 'health', name: '区卫生健康局', scopes: ['records:write:inspection', 'profiles:read', ...PUSH] as Scope[] },
};
export type TestClient = keyof typeof TEST_CLIENTS;

export interface CallOptions {
  as?: TestClient | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  purpose?: string | null;
}

export interface PushOptions {
  delivery?: Partial<DeliveryConfig>;
  fanout?: Partial<FanoutConfig>;
  /** Wraps the queue the fan-out sends with (to make it fail on purpose). */
  fanoutQueue?: (queue: DeliveryQueue) => DeliveryQueue;
  /** The stream poller's retries, when not the mapping's. */
  streamRetry?: EventSourceOptions['streamRetry'];
}

export interface TestExchange {
  base: string;
  table: string;
  ports: Ports;
  push?: { sources: EventSources; deliveryQueueUrl: string; dlqUrl: string; failureQueueUrl: string; sqsEndpoint: string; fanoutConfig: FanoutConfig };
  keys: Record<TestClient, string>;
  clientIds: Record<TestClient, string>;
  // Response bodies are whatever JSON the API sent; each test asserts the parts it cares about.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the parts of arbitrary response JSON they assert on
  call(method: string, path: string, opts?: CallOptions): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** A fresh table on the run's DynamoDB Local, or on the one at `dynamodbEndpoint`. */
export async function newTable(dynamodbEndpoint = inject('dynamodbEndpoint')): Promise<{ table: string; dynamodbEndpoint: string }> {
  const table = `t-${randomUUID()}`;
  await ensureTable(dynamodbEndpoint, table);
  return { table, dynamodbEndpoint };
}

/**
 * With `push`, the exchange also gets its own delivery queue and DLQ on the SQS emulator, and the
 * stream and queue pollers run the fan-out and delivery handlers, as `npm start` does.
 */
export async function startExchange(
  opts: {
    clock?: Clock;
    push?: PushOptions;
    log?: (line: Record<string, unknown>) => void;
    retention?: Retention;
    app?: Omit<AppOptions, 'log' | 'webhookPolicy'>;
    /** Receives the capacity every table request of the exchange consumed. */
    onCapacity?: CapacityListener;
    /** Services of the test's own, instead of the run's shared ones (tests that kill them). */
    services?: { dynamodbEndpoint: string; sqsEndpoint: string };
  } = {},
): Promise<TestExchange> {
  const { table, dynamodbEndpoint } = await newTable(opts.services?.dynamodbEndpoint);
  const sqsEndpoint = opts.services?.sqsEndpoint ?? inject('sqsEndpoint');
  const queues = opts.push ? await ensureQueues(sqsEndpoint, `${table.slice(0, 20)}-`) : undefined;
  const ports = runtimePorts({ table, dynamodbEndpoint, clock: opts.clock, queueUrl: queues?.deliveryQueueUrl, sqsEndpoint, store: { retention: opts.retention, onCapacity: opts.onCapacity } });
  await seedCatalogue(ports);
  // Tests fire bursts of requests as one client: the rate limit stays out of their way unless a test sets one.
  const app = createApp(ports, { rateLimits: { defaultPerSecond: 100_000 }, ...opts.app, log: opts.log ?? (() => {}), webhookPolicy: { allowPrivateTargets: !!opts.push } });
  let push: TestExchange['push'];
  if (opts.push && queues && ports.queue) {
    // Tests post right after subscribing: fan-out looks at the subscription set's revision on every batch.
    // Problem data checks run only where a test asks for them: most tests post records about
    // enterprises they never registered, which the checks answer with items in the poster's inbox.
    const fanoutConfig: FanoutConfig = { ackWithinHours: 72, supervisingDepartment: 'supervision', subscriptionCheckMs: 0, problemChecks: [], ...opts.push.fanout };
    const fanoutPorts = { ...ports, queue: opts.push.fanoutQueue ? opts.push.fanoutQueue(ports.queue) : ports.queue };
    const sources = await startEventSources({
      ports,
      fanoutPorts,
      dynamodbEndpoint,
      table,
      sqsEndpoint,
      queueUrl: queues.deliveryQueueUrl,
      dlqUrl: queues.dlqUrl,
      failureQueueUrl: queues.failureQueueUrl,
      fanout: fanoutConfig,
      delivery: { ...DEFAULT_DELIVERY, timeoutMs: 500, retryDelaysSeconds: [1], ...opts.push.delivery },
      webhooks: { allowPrivateTargets: true },
      streamIdleMs: 20,
      streamRetry: opts.push.streamRetry,
    });
    push = { sources, ...queues, sqsEndpoint, fanoutConfig };
  }
  const server = serveApi(app.fetch, 0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const keys = {} as Record<TestClient, string>;
  const clientIds = {} as Record<TestClient, string>;
  for (const [name, spec] of Object.entries(TEST_CLIENTS) as [TestClient, (typeof TEST_CLIENTS)[TestClient]][]) {
    const { client, apiKey } = await createClient(ports, spec);
    keys[name] = apiKey;
    clientIds[name] = client.clientId;
  }

  return {
    base,
    table,
    ports,
    push,
    keys,
    clientIds,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const as = o.as === undefined ? 'market' : o.as;
      if (as) headers.authorization ??= `Bearer ${keys[as]}`;
      if (o.purpose !== null && method === 'GET') headers['access-purpose'] ??= o.purpose ?? 'test: supervision';
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (docs page)
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async close() {
      await push?.sources.stop();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls `check` until it returns something truthy, or fails after `ms`. */
export async function waitFor<T>(check: () => Promise<T> | T, ms = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-27T02:00:00.000Z') {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms), set: (iso: string) => void (now = new Date(iso).getTime()) };
}

/** A clock running with real time but shifted: `goTo(date)` moves it to 01:00 China time on that date. */
export function shiftedClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    goTo: (date: string) => void (offset = Date.parse(`${date}T01:00:00+08:00`) - Date.now()),
    reset: () => void (offset = 0),
  };
}

/** The first hundred notifications in a department's inbox. */
export async function inboxOf(ex: TestExchange, as: TestClient): Promise<Notification[]> {
  return (await ex.call('GET', '/v1/inbox?limit=100', { as })).body.items as Notification[];
}

/** Runs an administrators' command's `main` in-process, collecting what it prints. */
export function commandRunner(main: (argv: string[], out: (s: string) => void) => Promise<number>) {
  return async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await main(argv, (s) => lines.push(s));
    return { code, text: lines.join('\n') };
  };
}

/** Points the administrators' commands at a fresh table of the test DynamoDB Local. */
export async function useFreshTable(): Promise<void> {
  const { table, dynamodbEndpoint } = await newTable();
  process.env.TABLE_NAME = table;
  process.env.DYNAMODB_ENDPOINT = dynamodbEndpoint;
}
