/** Console sessions: what a session token stands for, and when it stops standing for anything. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../functions/core/clients';
import { csrfToken, sameToken, SESSION_HOURS, sessionClient, signIn, signOut } from '../../functions/core/sessions';
import { memoryPorts } from '../fakes/ports';

async function setUp() {
  const ports = memoryPorts();
  const { client, apiKey } = await createClient(ports, { department: 'market', name: '区市场监管局', scopes: ['inbox:read'] });
  const lookup = (id: string) => ports.clients.get(id);
  return { ports, client, apiKey, lookup };
}

describe('console sessions', () => {
  it('exchange a valid key for a token that stands for its client; the store keeps only a hash of it', async () => {
    const { ports, client, apiKey, lookup } = await setUp();
    const { token, expiresAt } = await signIn(ports, lookup, apiKey);
    expect((await sessionClient(ports, lookup, token))?.clientId).toBe(client.clientId);
    expect(expiresAt).toBe(new Date(ports.clock.now().getTime() + SESSION_HOURS * 3600_000).toISOString());
    const stored = [...ports.sessions.sessions.values()];
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(apiKey);
  });

  it('refuse a wrong or revoked key', async () => {
    const { ports, client, apiKey, lookup } = await setUp();
    await expect(signIn(ports, lookup, `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`)).rejects.toMatchObject({ status: 401 });
    await expect(signIn(ports, lookup, '')).rejects.toMatchObject({ status: 400 });
    await ports.clients.revoke(client.clientId, ports.clock.now().toISOString());
    await expect(signIn(ports, lookup, apiKey)).rejects.toMatchObject({ status: 401 });
  });

  it('end at sign-out, at expiry, and when the key is revoked', async () => {
    const { ports, client, apiKey, lookup } = await setUp();
    const a = await signIn(ports, lookup, apiKey);
    const b = await signIn(ports, lookup, apiKey);
    await signOut(ports, a.token);
    expect(await sessionClient(ports, lookup, a.token)).toBeUndefined();
    expect(await sessionClient(ports, lookup, b.token)).toBeDefined();

    ports.clock.advance(SESSION_HOURS * 3600_000);
    expect(await sessionClient(ports, lookup, b.token)).toBeUndefined();

    const c = await signIn(ports, lookup, apiKey);
    await ports.clients.revoke(client.clientId, ports.clock.now().toISOString());
    expect(await sessionClient(ports, lookup, c.token)).toBeUndefined();
    expect(await sessionClient(ports, lookup, 'not a token')).toBeUndefined();
    expect(await sessionClient(ports, lookup, undefined)).toBeUndefined();
  });

  it('give each session its own form token, which only the same value matches', async () => {
    const { ports, apiKey, lookup } = await setUp();
    const a = await signIn(ports, lookup, apiKey);
    const b = await signIn(ports, lookup, apiKey);
    expect(csrfToken(a.token)).not.toBe(csrfToken(b.token));
    expect(sameToken(csrfToken(a.token), csrfToken(a.token))).toBe(true);
    expect(sameToken(csrfToken(b.token), csrfToken(a.token))).toBe(false);
    expect(sameToken(undefined, csrfToken(a.token))).toBe(false);
    expect(sameToken('', csrfToken(a.token))).toBe(false);
  });
});
