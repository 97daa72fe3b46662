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
import { DEFAULT_CLIENT_CACHE, type ClientCacheLimits } from './limits';

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

/** The most requests per second a client may be given: one partition takes about 1,000 writes a second, and each request is one. */
export const MAX_RATE_LIMIT_PER_SECOND = 500;

/** Sets a client's own rate limit (requests per second), or with `undefined` gives it the deployment's default again. */
export async function setRateLimit(ports: Ports, clientId: string, perSecond: number | undefined): Promise<ApiClient | undefined> {
  if (perSecond !== undefined && (!Number.isInteger(perSecond) || perSecond < 1 || perSecond > MAX_RATE_LIMIT_PER_SECOND)) {
    throw badRequest('invalid rate limit', [{ path: 'per-second', message: `a whole number from 1 to ${MAX_RATE_LIMIT_PER_SECOND}` }]);
  }
  const client = await ports.clients.get(clientId);
  if (!client || client.revokedAt) return undefined;
  const { rateLimitPerSecond: _old, ...rest } = client;
  const next: ApiClient = perSecond === undefined ? rest : { ...rest, rateLimitPerSecond: perSecond };
  await ports.clients.put(next);
  return next;
}

export type ClientLookup = (clientId: string) => Promise<ApiClient | undefined>;

/**
 * A lookup that remembers clients so a warm Lambda does not read the table on every request: found
 * clients for `ttlMs` (a revoked key or a changed limit takes effect within it), and client ids that
 * no item has for `unknownTtlMs`, so a junk key sent again and again costs one read. The two are
 * kept apart: only ids the table answered with nothing enter the negative cache, which is bounded
 * (the oldest forgotten first), so no flood of made-up ids can push a good client out or make it
 * read again; and a key made for an id that was cached as unknown works once `unknownTtlMs` passed.
 */
export function cachedClientLookup(ports: Ports, limits: ClientCacheLimits = DEFAULT_CLIENT_CACHE): ClientLookup {
  const known = new Map<string, { client: ApiClient; until: number }>();
  const unknown = new Map<string, number>();
  return async (clientId) => {
    const now = ports.clock.now().getTime();
    const hit = known.get(clientId);
    if (hit && hit.until > now) return hit.client;
    const missUntil = unknown.get(clientId);
    if (missUntil !== undefined && missUntil > now) return undefined;
    const client = await ports.clients.get(clientId);
    if (client) {
      unknown.delete(clientId);
      known.set(clientId, { client, until: now + limits.ttlMs });
    } else {
      known.delete(clientId);
      unknown.delete(clientId);
      if (unknown.size >= limits.unknownEntries) unknown.delete(unknown.keys().next().value ?? '');
      unknown.set(clientId, now + limits.unknownTtlMs);
    }
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
