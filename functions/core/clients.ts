/**
 * API clients of department systems (接入系统): keys, authentication, administration.
 * A key is `edx_<environment>.<clientId>.<secret>`; only the SHA-256 of the secret is stored.
 * Secrets carry 256 random bits, so a fast hash is enough (no password stretching needed). The
 * environment marker names the deployment that made the key, so a key that leaks from a test
 * deployment (or is pasted into the wrong one) is refused by every other before any lookup.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { badRequest, forbidden, unauthorized } from './errors';
import { SCOPES, type ApiClient, type Scope } from './model';
import type { Ports } from './ports';

/** The environment of `npm start` and the tests; keys made before the marker (`edx.<clientId>.<secret>`) count as its keys. */
export const LOCAL_ENVIRONMENT = 'local';
export const ENVIRONMENT_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
const KEY_PATTERN = /^edx(?:_([a-z][a-z0-9]{1,15}))?\.(c[A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;
export const DEPARTMENT_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createClient(
  ports: Ports,
  spec: { department: string; name: string; scopes: string[] },
  environment: string = LOCAL_ENVIRONMENT,
): Promise<{ client: ApiClient; apiKey: string }> {
  const errors = [];
  if (!DEPARTMENT_PATTERN.test(spec.department)) errors.push({ path: 'department', message: 'lower-case letters, digits and hyphens, 2-32, starting with a letter' });
  if (!spec.name.trim()) errors.push({ path: 'name', message: 'required' });
  const unknown = spec.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) errors.push({ path: 'scopes', message: `unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}` });
  if (errors.length) throw badRequest('invalid client specification', errors);

  const clientId = 'c' + ports.ids.random(9); // 12 base64url characters
  const secret = ports.ids.random(32);
  const client: ApiClient = {
    clientId,
    department: spec.department,
    name: spec.name.trim(),
    scopes: [...new Set(spec.scopes)] as Scope[],
    keyHash: hashSecret(secret),
    createdAt: ports.clock.now().toISOString(),
  };
  await ports.clients.put(client);
  return { client, apiKey: `edx_${environment}.${clientId}.${secret}` };
}

/** Adds scopes to an existing client, keeping its key (a scope split must not force new keys on departments). */
export async function grantScopes(ports: Ports, clientId: string, scopes: string[]): Promise<ApiClient | undefined> {
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length || !scopes.length)
    throw badRequest('invalid scopes', [{ path: 'scopes', message: unknown.length ? `unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}` : 'name at least one scope' }]);
  const client = await ports.clients.get(clientId);
  if (!client || client.revokedAt) return undefined;
  const next = { ...client, scopes: [...new Set([...client.scopes, ...scopes])] as Scope[] };
  await ports.clients.put(next);
  return next;
}

export type ClientLookup = (clientId: string) => Promise<ApiClient | undefined>;

/**
 * A lookup that remembers clients for `ttlMs` so a warm Lambda does not read the table on every
 * request; a revoked key stops working within that time.
 */
export function cachedClientLookup(ports: Ports, ttlMs = 15_000): ClientLookup {
  const cache = new Map<string, { client: ApiClient | undefined; until: number }>();
  return async (clientId) => {
    const now = ports.clock.now().getTime();
    const hit = cache.get(clientId);
    if (hit && hit.until > now) return hit.client;
    const client = await ports.clients.get(clientId);
    if (cache.size > 1000) cache.clear();
    cache.set(clientId, { client, until: now + ttlMs });
    return client;
  };
}

/** Every scoped operation starts here: a 403 naming the scope that is missing. */
export function requireScope(client: ApiClient, scope: Scope) {
  if (!client.scopes.includes(scope)) throw forbidden(`client ${client.clientId} lacks scope ${scope}`);
}

/** The caller's client; `environment` is this deployment's marker, and a key with another one is refused unread. */
export async function authenticate(lookup: ClientLookup, authorization: string | undefined, environment: string = LOCAL_ENVIRONMENT): Promise<ApiClient> {
  const match = authorization?.match(/^Bearer (\S+)$/);
  if (!match) throw unauthorized('send the API key as "Authorization: Bearer <key>"');
  const parts = KEY_PATTERN.exec(match[1]);
  if (!parts) throw unauthorized('malformed API key');
  const marker = parts[1] ?? LOCAL_ENVIRONMENT;
  if (marker !== environment) throw unauthorized(`the API key was made for the ${marker} environment, not this one`);
  const client = await lookup(parts[2]);
  const given = Buffer.from(hashSecret(parts[3]), 'hex');
  if (!client || client.revokedAt || !timingSafeEqual(given, Buffer.from(client.keyHash, 'hex'))) throw unauthorized('unknown or revoked API key');
  return client;
}
