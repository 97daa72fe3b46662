/**
 * When the table stops answering, callers hear so quickly and clearly: a 503 problem with
 * Retry-After within a bounded time (never a 500, never a request hanging for as long as the
 * outage), and /health says 503 too. This file runs its own DynamoDB Local, which it pauses
 * (SIGSTOP) and kills; the shared one is never touched.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { STORE_GIVE_UP_MS } from '../functions/store/aws';
import { runtimePorts } from '../functions/runtime';
import { inspection, makeCreditCode } from '../local/samples';
import { ensureTable, startLocalServices, type LocalServices } from '../local/services';

let services: LocalServices;
let base: string;
let key: string;
let server: ReturnType<typeof serve>;
const code = makeCreditCode('91', '330402', 'MA2D0WN1');

beforeAll(async () => {
  services = await startLocalServices();
  await ensureTable(services.dynamodbEndpoint, 'down');
  const ports = runtimePorts({ table: 'down', dynamodbEndpoint: services.dynamodbEndpoint });
  key = (await createClient(ports, { department: 'market', name: 'x', scopes: ['records:write:inspection', 'profiles:read'] })).apiKey;
  server = serve({ fetch: createApp(ports, { log: () => {} }).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 90_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  try {
    process.kill(services.dynamodbPid, 'SIGCONT');
  } catch {
    // already gone
  }
  await services.stop();
});

const headers = () => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', 'access-purpose': 'test' });
const post = (sourceId: string) => fetch(`${base}/v1/records`, { method: 'POST', headers: headers(), body: JSON.stringify(inspection(code, sourceId)) });
const health = () => fetch(`${base}/health`);
/** A call that must be answered well within the outage. */
async function timed(call: () => Promise<Response>) {
  const started = performance.now();
  const res = await call();
  return { res, ms: performance.now() - started, body: (await res.json()) as { type?: string } };
}

describe('the store unavailable', () => {
  it('answers normally while the table answers', async () => {
    expect((await post('UP-1')).status).toBe(201);
    const h = await health();
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok', store: 'ok' });
  });

  it('paused (SIGSTOP): a post is a 503 problem with Retry-After within the bounded time, and /health says 503', async () => {
    process.kill(services.dynamodbPid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 5500)); // the cached health answer expires
    try {
      const { res, ms, body } = await timed(() => post('PAUSED-1'));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(body.type).toBe('/problems/store-unavailable');
      expect(ms).toBeLessThan(STORE_GIVE_UP_MS);
      const h = await timed(health);
      expect(h.res.status).toBe(503);
      expect(h.res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(h.ms).toBeLessThan(STORE_GIVE_UP_MS);
      // Asked again at once, /health answers from its cache instead of queueing another read.
      expect((await timed(health)).ms).toBeLessThan(500);
    } finally {
      process.kill(services.dynamodbPid, 'SIGCONT');
    }
    await new Promise((r) => setTimeout(r, 5500));
    expect((await health()).status).toBe(200);
    expect((await post('RESUMED-1')).status).toBe(201);
  }, 60_000);

  it('killed: reads and writes are 503 problems with Retry-After, never 500', async () => {
    process.kill(services.dynamodbPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 5500));
    for (const call of [() => post('DEAD-1'), () => fetch(`${base}/v1/enterprises/${code}`, { headers: headers() }), health]) {
      const { res, ms } = await timed(call);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(STORE_GIVE_UP_MS);
    }
  }, 60_000);
});
