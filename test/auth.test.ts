/**
 * API keys: who may call, revocation, and what a client learns about itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchange, manualClock, type TestExchange } from './helpers';

let ex: TestExchange;
const clock = manualClock();
beforeAll(async () => {
  ex = await startExchange({ clock });
});
afterAll(() => ex.close());

describe('authentication', () => {
  it('tells a client who it is', async () => {
    const res = await ex.call('GET', '/v1/me', { as: 'transport' });
    expect(res.body).toEqual({ clientId: ex.clientIds.transport, department: 'transport', name: '区交通运输局', scopes: ['records:write:licence', 'records:write:inspection'] });
  });

  it.each([
    ['no header', {}],
    ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['a malformed key', { authorization: 'Bearer not-a-key' }],
    ['a wrong secret for a real client', { authorization: 'Bearer PLACEHOLDER' }],
  ])('refuses %s with 401', async (_n, headers: Record<string, string>) => {
    if (headers.authorization === 'Bearer PLACEHOLDER') {
      const [prefix, id] = ex.keys.market.split('.');
      headers = { authorization: `Bearer ${prefix}.${id}.${'A'.repeat(43)}` };
    }
    const res = await ex.call('GET', '/v1/me', { as: null, headers });
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('/problems/unauthorized');
  });

  it("marks keys with their environment and refuses another environment's key with 401 before looking it up", async () => {
    expect(ex.keys.market).toMatch(/^edx_local\.c[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}$/);
    const [, id, secret] = ex.keys.market.split('.');
    const foreign = await ex.call('GET', '/v1/me', { as: null, headers: { authorization: `Bearer edx_prod.${id}.${secret}` } });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect(foreign.headers.get('www-authenticate')).toBe('Bearer realm="exchange"');
    expect(foreign.body).toMatchObject({ type: '/problems/unauthorized', detail: expect.stringContaining('prod environment') });
    // A client that does not exist gets the same answer: the marker is checked before any lookup.
    const unknown = await ex.call('GET', '/v1/me', { as: null, headers: { authorization: `Bearer edx_prod.c${'Z'.repeat(12)}.${secret}` } });
    expect(unknown.body.detail).toBe(foreign.body.detail);
  });

  it('still takes a key made before the marker (edx.<clientId>.<secret>) as a local key', async () => {
    const legacy = ex.keys.market.replace(/^edx_local\./, 'edx.');
    const res = await ex.call('GET', '/v1/me', { as: null, headers: { authorization: `Bearer ${legacy}` } });
    expect(res.status).toBe(200);
    expect(res.body.clientId).toBe(ex.clientIds.market);
  });

  it('stops accepting a revoked key once the short cache expires', async () => {
    expect((await ex.call('GET', '/v1/me', { as: 'credit' })).status).toBe(200);
    expect(await ex.ports.clients.revoke(ex.clientIds.credit, clock.now().toISOString())).toBe(true);
    clock.advance(16_000);
    expect((await ex.call('GET', '/v1/me', { as: 'credit' })).status).toBe(401);
  });

  it('stores no key, only its hash', async () => {
    const stored = await ex.ports.clients.get(ex.clientIds.market);
    const secret = ex.keys.market.split('.')[2];
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('unknown routes and methods', () => {
  it('answers problem+json 404', async () => {
    const res = await ex.call('GET', '/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
