/**
 * Console sessions (控制台会话): a department's API key is exchanged once for a random session
 * token kept in an HttpOnly cookie, so the key is never held by the browser after sign-in. The
 * table stores only the token's SHA-256; the client is looked up on every request, so a revoked
 * key ends its sessions within the client cache's lifetime. Forms carry a token derived from the
 * session token (session-bound CSRF protection), which a page of another site cannot read.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { authenticate, type ClientLookup } from './clients';
import { badRequest } from './errors';
import type { ApiClient } from './model';
import type { Ports } from './ports';

/** How long a session lasts from sign-in: one working day. */
export const SESSION_HOURS = 8;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function signIn(ports: Ports, lookup: ClientLookup, apiKey: string, environment?: string): Promise<{ token: string; client: ApiClient; expiresAt: string }> {
  const key = apiKey.trim();
  if (!key) throw badRequest('enter the API key', [{ path: 'apiKey', message: 'required' }]);
  const client = await authenticate(lookup, `Bearer ${key}`, environment);
  const token = ports.ids.random(32);
  const now = ports.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString();
  await ports.sessions.put({ tokenHash: tokenHash(token), clientId: client.clientId, createdAt: now.toISOString(), expiresAt });
  return { token, client, expiresAt };
}

/** The client a session token stands for, or undefined when it is unknown, expired or its key was revoked. */
export async function sessionClient(ports: Ports, lookup: ClientLookup, token: string | undefined): Promise<ApiClient | undefined> {
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  const session = await ports.sessions.get(tokenHash(token));
  if (!session || session.expiresAt <= ports.clock.now().toISOString()) return undefined;
  const client = await lookup(session.clientId);
  return client && !client.revokedAt ? client : undefined;
}

export async function signOut(ports: Ports, token: string | undefined): Promise<void> {
  if (token && TOKEN_PATTERN.test(token)) await ports.sessions.delete(tokenHash(token));
}

/** The form token of a session: derived, so it needs no storage, and unguessable without the session token. */
export const csrfToken = (sessionToken: string) => createHmac('sha256', sessionToken).update('console-form').digest('base64url');

/** Whether `given` equals `expected`, in constant time. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
