/**
 * Abuse limits through the real API: each client has its own request rate, enforced across api
 * instances through the table, and junk API keys are answered from a bounded negative cache, so
 * neither a flooding client nor a flood of made-up keys can starve the other departments.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as clients } from '../local/clients';
import { documentClient } from '../functions/store/aws';
import { TableClient } from '../functions/store/client';
import { DynamoRateWindowStore } from '../functions/store/rate-windows';
import { commandRunner, manualClock, startExchange, type TestExchange } from './helpers';

const clock = manualClock('2026-11-27T02:00:00.100Z');
/** GetItem calls: what authenticating costs the table. */
let clientReads = 0;
let ex: TestExchange;
const run = commandRunner(clients);

/** A well-formed key of this deployment for a client id no item has. */
const junkKey = (n: number) => `edx_local.cJunk${String(n).padStart(8, '0')}.${'x'.repeat(43)}`;
const asKey = (key: string) => ({ as: null, headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  ex = await startExchange({
    clock,
    app: { rateLimits: { defaultPerSecond: 5 }, clientCache: { ttlMs: 15_000, unknownTtlMs: 30_000, unknownEntries: 50 } },
    // On GET /v1/me a GetItem is the client lookup and nothing else.
    onCapacity: (operation) => void (operation === 'GetItemCommand' && clientReads++),
  });
  process.env.TABLE_NAME = ex.table;
  process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
});
afterAll(() => ex.close());

describe('per-client rate limits', () => {
  it('refuses a burst from one client past its limit with 429 and Retry-After, and leaves another client alone', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, () => ex.call('GET', '/v1/me', { as: 'market' })));
    const refused = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toMatchObject({ type: '/problems/rate-limited', status: 429, limit: 5, retryAfter: 1 });
    }
    const other = await Promise.all(Array.from({ length: 5 }, () => ex.call('GET', '/v1/me', { as: 'health' })));
    expect(other.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('lets the client in again in the next second', async () => {
    clock.advance(1000);
    expect((await ex.call('GET', '/v1/me', { as: 'market' })).status).toBe(200);
  });

  it('does not refuse a client seen by an instance whose clock is a second behind another instance', async () => {
    clock.advance(1000);
    expect((await ex.call('GET', '/v1/me', { as: 'health' })).status).toBe(200);
    clock.advance(-1000);
    expect((await ex.call('GET', '/v1/me', { as: 'health' })).status).toBe(200);
    clock.advance(1000);
  });

  it('counts each second on its own, whatever other instances (their clocks a little apart) count in the seconds around it', async () => {
    const db = documentClient(inject('dynamodbEndpoint'));
    const [one, other] = [0, 1].map(() => new DynamoRateWindowStore(new TableClient(db, ex.table)));
    const clientId = 'cRaceWindow01';
    // The other instance fills the seconds before and after; this one's second is untouched.
    expect(await other.reserve(clientId, 99, 10, 10)).toBe(10);
    expect(await other.reserve(clientId, 101, 10, 10)).toBe(10);
    expect(await one.reserve(clientId, 100, 10, 4)).toBe(4);
    expect(await other.reserve(clientId, 100, 10, 8)).toBe(6);
    expect(await one.reserve(clientId, 100, 10, 1)).toBe(0);
  });

  it('hands out blocks of a window that never add up to more than the limit, across instances', async () => {
    const db = documentClient(inject('dynamodbEndpoint'));
    const instances = [0, 1, 2].map(() => new DynamoRateWindowStore(new TableClient(db, ex.table)));
    const clientId = 'cBlockWindow1';
    expect(await instances[0].reserve(clientId, 200, 20, 8)).toBe(8);
    // Concurrent asks of 8 from three instances: only 12 are left, and the last asker gets what remains.
    const granted = await Promise.all(instances.map((s) => s.reserve(clientId, 200, 20, 8)));
    expect(granted.reduce((a, b) => a + b, 0)).toBe(12);
    expect(await instances[1].reserve(clientId, 200, 20, 1)).toBe(0);
    // The next second starts a window of its own.
    expect(await instances[2].reserve(clientId, 201, 20, 8)).toBe(8);
  });

  it('takes a limit set on the client with npm run clients, within the client cache time', async () => {
    const set = await run('limit', ex.clientIds.credit, '--per-second', '2');
    expect(set.code).toBe(0);
    expect(set.text).toContain('2 requests per second');
    clock.advance(15_001);
    const burst = await Promise.all(Array.from({ length: 4 }, () => ex.call('GET', '/v1/me', { as: 'credit' })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
    expect((await run('limit', ex.clientIds.credit, '--per-second', 'many')).code).toBe(2);
    expect((await run('list')).text).toMatch(new RegExp(`${ex.clientIds.credit} .*2/s`));
  });
});

describe('the negative cache of unknown keys', () => {
  it('reads the table once for a junk key however often it is sent', async () => {
    clock.advance(1000);
    clientReads = 0;
    for (let i = 0; i < 20; i++) expect((await ex.call('GET', '/v1/me', asKey(junkKey(1)))).status).toBe(401);
    expect(clientReads).toBe(1);
  });

  it('never evicts a good client: a flood of distinct junk ids beyond its size costs the good client no read', async () => {
    clock.advance(1000);
    expect((await ex.call('GET', '/v1/me', { as: 'supervision' })).status).toBe(200);
    clientReads = 0;
    for (let i = 100; i < 200; i++) expect((await ex.call('GET', '/v1/me', asKey(junkKey(i)))).status).toBe(401);
    expect(clientReads).toBe(100);
    clientReads = 0;
    expect((await ex.call('GET', '/v1/me', { as: 'supervision' })).status).toBe(200);
    expect(clientReads).toBe(0);
    // Bounded: the oldest junk ids were forgotten and cost a read again.
    expect((await ex.call('GET', '/v1/me', asKey(junkKey(100)))).status).toBe(401);
    expect(clientReads).toBe(1);
  });

  it('lets a client id cached as unknown in once its item exists, within the negative time', async () => {
    const id = 'cLateArrival0';
    const key = `edx_local.${id}.${'y'.repeat(43)}`;
    expect((await ex.call('GET', '/v1/me', asKey(key))).status).toBe(401);
    const { client } = await (await import('../functions/core/clients')).createClient(ex.ports, { department: 'culture', name: '区文化和旅游局', scopes: ['profiles:read'] });
    // The same client under the id the caller used, as if that key had just been made.
    await ex.ports.clients.put({ ...client, clientId: id, keyHash: (await import('node:crypto')).createHash('sha256').update('y'.repeat(43)).digest('hex') });
    expect((await ex.call('GET', '/v1/me', asKey(key))).status).toBe(401);
    clock.advance(30_001);
    expect((await ex.call('GET', '/v1/me', asKey(key))).status).toBe(200);
  });
});
