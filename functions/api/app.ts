/**
 * The HTTP API (Hono). Routes adapt requests to core functions; every error becomes RFC 9457
 * problem+json here and nowhere else. The same app runs under Lambda (handler.ts), the local
 * runner and the tests.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate, cachedClientLookup } from '../core/clients';
import { invalidCursor, payloadTooLarge, ProblemError, type Problem } from '../core/errors';
import { InvalidCursor, STORE_RETRY_AFTER_SECONDS, StoreUnavailable } from '../core/store-errors';
import { MAX_RECORD_BYTES } from '../core/limits';
import type { Ports } from '../core/ports';
import { RateLimiter } from '../core/rate-limit';
import { invocationFields, type LambdaContextLike } from '../telemetry';
import type { AppOptions, Env, Handler, RouteContext, RouteModule } from './http';
import { ROUTE_TABLE, type RouteGroup, type RouteLine, type RouteName } from './route-table';

export type { AppOptions };

export const API_VERSION = '0.1.0';
const SINGLE_BODY_LIMIT = MAX_RECORD_BYTES;
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;
/** 1,000 credit codes are about 21 KB of JSON; room for whitespace, none for much else. */
const COMPARE_BODY_LIMIT = 64 * 1024;

/** The routes that take a body, with the most each reads; a larger body is a 413 before the route runs. */
const BODY_LIMITS: Partial<Record<RouteName, number>> = {
  postRecord: SINGLE_BODY_LIMIT,
  postRecordBatch: BATCH_BODY_LIMIT,
  compareEnterprises: COMPARE_BODY_LIMIT,
  findParty: SINGLE_BODY_LIMIT,
  createSubscription: SINGLE_BODY_LIMIT,
  updateSubscription: SINGLE_BODY_LIMIT,
  rotateSecret: SINGLE_BODY_LIMIT,
  giveFeedback: SINGLE_BODY_LIMIT,
  createPlan: SINGLE_BODY_LIMIT,
  putCalendarYear: SINGLE_BODY_LIMIT,
  addListEntry: SINGLE_BODY_LIMIT,
  removeListEntry: SINGLE_BODY_LIMIT,
  rejectProposal: SINGLE_BODY_LIMIT,
  reportMeasure: SINGLE_BODY_LIMIT,
  answerRevocation: SINGLE_BODY_LIMIT,
  addCatalogueVersion: SINGLE_BODY_LIMIT,
  explainProblemData: SINGLE_BODY_LIMIT,
};

/**
 * Each group's module, a chunk of its own: a cold start loads none of them (nor the schemas and
 * core code only they use), a request loads its group's on first use.
 */
const ROUTE_MODULES: { [G in RouteGroup]: () => Promise<RouteModule<G>> } = {
  disclosure: () => import('./routes/disclosure'),
  catalogue: () => import('./routes/catalogue'),
  account: () => import('./routes/account'),
  ingest: () => import('./routes/ingest'),
  statistics: () => import('./routes/statistics'),
  records: () => import('./routes/records'),
  subscriptions: () => import('./routes/subscriptions'),
  notifications: () => import('./routes/notifications'),
  inspections: () => import('./routes/inspections'),
  credit: () => import('./routes/credit'),
  'problem-data': () => import('./routes/problem-data'),
};

function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}) {
  return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json', ...headers });
}

/** Past this much, an oversized body is no longer read to its end and the connection may be closed on it. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/**
 * Reads the body whole before anything answers, discarding what is past the limit, so that a
 * client still sending a too-large body gets its 413 problem rather than a reset connection.
 */
const bodyLimit =
  (limit: number): MiddlewareHandler =>
  async (c, next) => {
    const length = c.req.header('content-length');
    const declared = Number(length ?? 0);
    // A declared length within the limit bounds the body (Node's HTTP/1.1 parser reads no more;
    // under Lambda it is in memory already), so it is read whole in one go: on Node's server that
    // reads the socket directly instead of through a web stream of a full Request. The route's own
    // read then gets the same bytes from Hono's body cache.
    if (length !== undefined && declared <= limit) {
      const size = (await c.req.arrayBuffer()).byteLength;
      if (size > limit) throw payloadTooLarge(`the body exceeds ${limit} bytes`);
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const kept: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size <= limit && declared <= limit) kept.push(value);
      else if (size > MAX_DRAINED_BYTES) {
        await reader.cancel();
        break;
      }
    }
    if (size > limit || declared > limit) throw payloadTooLarge(`the body exceeds ${limit} bytes`);
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(kept) });
    return next();
  };

/** API Gateway's request id when running under Lambda (hono/aws-lambda passes the event's request context as the env). */
function platformRequestId(env: unknown): string | undefined {
  const id = (env as { requestContext?: { requestId?: unknown } } | undefined)?.requestContext?.requestId;
  return typeof id === 'string' && id ? id : undefined;
}

/** The one place where errors raised below the api (neutral store errors) become problems. */
function asProblem(err: Error): Error {
  if (err instanceof InvalidCursor) return invalidCursor(err.parameter);
  if (err instanceof StoreUnavailable)
    return new ProblemError(503, { type: 'store-unavailable', title: 'Service unavailable', detail: `the data store is not answering; retry in ${STORE_RETRY_AFTER_SECONDS} s`, cause: err });
  return err;
}

/** How long one answer of the store's health is reused, so callers of /health cannot drive load on the table. */
const HEALTH_TTL_MS = 5000;

/** Whether the store answers, asked at most once per HEALTH_TTL_MS however many callers ask. */
function storeHealth(ports: Ports): () => Promise<boolean> {
  let last: { at: number; ok: Promise<boolean> } | undefined;
  return () => {
    if (!ports.ping) return Promise.resolve(true);
    if (!last || performance.now() - last.at > HEALTH_TTL_MS) {
      // Kept from when the answer came, so a slow answer is not asked again at once.
      const entry = {
        at: Infinity,
        ok: ports.ping().then(
          () => true,
          () => false,
        ),
      };
      void entry.ok.then(() => (entry.at = performance.now()));
      last = entry;
    }
    return last.ok;
  };
}

export function createApp(ports: Ports, options: AppOptions = {}) {
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const lookup = cachedClientLookup(ports, options.clientCache);
  const limiter = new RateLimiter(ports, options.rateLimits);
  const app = new Hono<Env>();
  const limits = new Map([...new Set(Object.values(BODY_LIMITS))].map((n) => [n, bodyLimit(n)]));
  // Loaded and built on the first request for the reference, not at cold start.
  let reference: Promise<typeof import('./reference') & ReturnType<(typeof import('./reference'))['buildReference']>> | undefined;
  const docs = () => (reference ??= import('./reference').then((m) => ({ ...m, ...m.buildReference(API_VERSION) })));

  app.use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    // The id logs and 500s quote is the platform's (API Gateway's, under Lambda), which a caller
    // cannot choose; the caller's own x-request-id is kept beside it, for their correlation only.
    const requestId = platformRequestId(c.env) ?? ports.ids.random(9);
    const callerRequestId = c.req.header('x-request-id')?.slice(0, 100) || undefined;
    c.set('requestId', requestId);
    // Every line logged for this request carries the invocation (function, Lambda request id, cold start) and both request ids.
    const fields = { requestId, ...(callerRequestId ? { callerRequestId } : {}), ...invocationFields((c.env as { lambdaContext?: LambdaContextLike } | undefined)?.lambdaContext) };
    c.set('logFields', fields);
    await next();
    // Set on the response's own headers, as secureHeaders does: c.header() on a finished response
    // copies it into a new one, which on Node's server turns its ready body into a stream to pump.
    c.res.headers.set('x-request-id', requestId);
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      message: 'request',
      timestamp: new Date().toISOString(),
      ...fields,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      clientId: c.get('client')?.clientId,
    });
  });

  app.onError((caught, c) => {
    const err = asProblem(caught);
    if (err instanceof ProblemError) {
      const headers: Record<string, string> =
        err.status === 401
          ? { 'www-authenticate': 'Bearer realm="exchange"' }
          : err.status === 503
            ? { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) }
            : err.status === 429
              ? { 'retry-after': String(err.extra?.retryAfter ?? 1) }
              : {};
      return problemResponse(c, err.toProblem(c.req.path), headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, { type: '/problems/bad-request', title: 'Bad request', status: err.status, detail: err.message, instance: c.req.path });
    }
    log({ level: 'error', timestamp: new Date().toISOString(), ...c.get('logFields'), message: err.message, stack: err.stack });
    return problemResponse(c, {
      type: '/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: `something failed on our side; quote request id ${c.get('requestId')}`,
      instance: c.req.path,
    });
  });
  // A documented path asked with another method is a 405 naming the methods it takes.
  const templates = (Object.values(ROUTE_TABLE) as RouteLine[]).map((r) => ({ method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}/?$`) }));
  app.notFound((c) => {
    const allowed = [...new Set(templates.filter((t) => t.pattern.test(c.req.path)).map((t) => t.method))];
    if (allowed.length) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return problemResponse(
        c,
        { type: '/problems/method-not-allowed', title: 'Method not allowed', status: 405, detail: `${c.req.path} takes ${allowed.join(', ')}, not ${c.req.method}`, instance: c.req.path },
        { allow: allowed.join(', ') },
      );
    }
    return problemResponse(c, { type: '/problems/not-found', title: 'Not found', status: 404, detail: `no route ${c.req.method} ${c.req.path}`, instance: c.req.path });
  });

  const healthy = storeHealth(ports);
  app.get('/health', async (c) =>
    (await healthy()) ? c.json({ status: 'ok', store: 'ok' }) : c.json({ status: 'unavailable', store: 'unavailable' }, 503, { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) }),
  );

  app.get('/openapi.json', async (c) => c.body((await docs()).json, 200, { 'content-type': 'application/json' }));
  app.get('/docs', async (c) => {
    const q = c.req.query('q')?.slice(0, 100);
    const ref = await docs();
    return c.html(q ? ref.docsPage(ref.doc, q) : ref.html);
  });
  app.get('/problems', async (c) => c.html((await docs()).problemsIndex()));
  app.get('/problems/:slug', async (c) => {
    const slug = c.req.param('slug');
    const ref = await docs();
    if (!Object.hasOwn(ref.PROBLEM_TYPES, slug)) return c.notFound();
    return c.html(ref.problemPage(slug as keyof typeof ref.PROBLEM_TYPES));
  });

  const v1 = new Hono<Env>();
  v1.use('*', async (c, next) => {
    const client = await authenticate(lookup, c.req.header('authorization'), options.keyEnvironment);
    c.set('client', client);
    await limiter.take(client);
    await next();
  });

  // 一公开: public routes answer without a key. Mounted before v1, they answer before its key check.
  const open = new Hono<Env>();

  // Each group's module is loaded, and its handlers built, on the first request for one of its routes.
  const context: RouteContext = { ports, log, options };
  const loaded = new Map<RouteGroup, Promise<Record<string, Handler>>>();
  const group = (name: RouteGroup) => {
    let handlers = loaded.get(name);
    if (!handlers) {
      handlers = (ROUTE_MODULES[name]() as Promise<RouteModule<RouteGroup>>).then((m) => m.handlers(context) as Record<string, Handler>);
      // A failed load (a missing chunk) is not remembered: the next request tries again.
      handlers.catch(() => loaded.delete(name));
      loaded.set(name, handlers);
    }
    return handlers;
  };
  for (const [name, route] of Object.entries(ROUTE_TABLE) as [RouteName, RouteLine][]) {
    const limit = BODY_LIMITS[name];
    const handle: MiddlewareHandler<Env> = async (c) => (await group(route.group))[name](c);
    const handlers = limit ? [limits.get(limit) ?? bodyLimit(limit), handle] : [handle];
    // 一公开 lists outside /v1 answer at the root, without a key; public /v1 routes are mounted
    // before v1 and so answer before its key check.
    if (!route.path.startsWith('/v1/')) app.on(route.method.toUpperCase(), [route.path], ...handlers);
    else (route.public ? open : v1).on(route.method.toUpperCase(), [route.path.slice(3).replace(/\{(\w+)\}/g, ':$1')], ...handlers);
  }

  // The console's pages are a chunk of their own, loaded on the first /console request, so API
  // cold starts do not pay for them.
  let consoleApp: Promise<{ fetch: (req: Request, env: unknown) => Response | Promise<Response> }> | undefined;
  const consolePages = async (c: Context) => {
    consoleApp ??= Promise.all([import('../console/app'), import('../core/subscriptions'), import('../core/ingest-rules'), import('../core/credit-rules')]).then(
      ([{ createConsole }, { STRICT_WEBHOOKS }, { DEFAULT_INGEST_RULES }, { DEFAULT_CREDIT }]) =>
        createConsole(ports, {
          lookup,
          keyEnvironment: options.keyEnvironment,
          secureCookies: options.secureCookies ?? false,
          webhooks: options.webhookPolicy ?? STRICT_WEBHOOKS,
          ingest: options.ingest ?? DEFAULT_INGEST_RULES,
          credit: options.credit ?? DEFAULT_CREDIT,
        }),
    );
    return (await consoleApp).fetch(c.req.raw, c.env);
  };
  app.all('/console', consolePages);
  app.all('/console/*', consolePages);

  app.route('/v1', open);
  app.route('/v1', v1);
  return app;
}
