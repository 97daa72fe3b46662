/**
 * The HTTP API (Hono). Routes adapt requests to core functions; every error becomes RFC 9457
 * problem+json here and nowhere else. The same app runs under Lambda (handler.ts), the local
 * runner and the tests.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import { BatchRequest, DisclosureQuery, PUBLIC_KINDS, ROUTES, type Route } from '../../schemas/api';
import { authenticate, cachedClientLookup } from '../core/clients';
import { badRequest, invalidCursor, invalidInput, payloadTooLarge, ProblemError, unsupportedMediaType, type Problem } from '../core/errors';
import { InvalidCursor, StoreUnavailable } from '../core/store-errors';
import { acknowledge, giveFeedback, listInbox, listOverdue, readNotification, redrive } from '../core/inbox';
import { parseJsonBody } from '../core/json-body';
import { ingestBatch, ingestRecord, MAX_RECORD_BYTES } from '../core/ingest';
import { DEFAULT_INGEST_RULES, type IngestRules } from '../core/ingest-rules';
import { listUncovered } from '../core/uncovered';
import { claimNotice, listPool, passNotice } from '../core/claims';
import { addCatalogueVersion, listUnmatchedPhrases, readCatalogue, readCatalogueChanges, readCatalogueCsv, readCatalogueItem, readQuota } from '../core/permits';
import type { ApiClient } from '../core/model';
import type { Ports } from '../core/ports';
import { findParty, presentVersion, readAccessLog, readHistory, readProfile, readRecord, requirePurpose } from '../core/profile';
import { exportStandard, publicList, toCsv } from '../core/disclosure';
import { listPosted } from '../core/own-data';
import { compareEnterprises } from '../core/compare';
import { searchByName } from '../core/names';
import { readAllStatistics, readStatistics } from '../core/statistics';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  retirePreviousSecret,
  rotateSecret,
  STRICT_WEBHOOKS,
  updateSubscription,
  type WebhookPolicy,
} from '../core/subscriptions';
import type { ClientCacheLimits, RateLimits, SubscriptionLimits } from '../core/limits';
import { RateLimiter } from '../core/rate-limit';
import { parseOrThrow } from '../core/validation';
import { calendarView, putCalendarYear } from '../core/calendar';
import { createPlan, drawDocument, drawPlan, fixPlan, listPlans, listTasks, presentPlan, readOwnPlan, readPlan } from '../core/inspections';
import { PROBLEM_TYPES } from '../../schemas/problems';
import { SnapshotQuery } from '../../schemas/credit';
import { addEntry, creditCheck, listHistory, listReports, listRisk, parseList, readFeed, readProposal, readSnapshot, rejectProposal, removeEntry, reportMeasure } from '../core/credit';
import { declineRevocation, readCommitment } from '../core/commitments';
import { DEFAULT_CREDIT, type CreditConfig } from '../core/credit-rules';
import { invocationFields, recordMetrics, type Fields, type LambdaContextLike } from '../telemetry';
import { RECORD_KINDS } from '../../schemas/records';

export const API_VERSION = '0.1.0';
const SINGLE_BODY_LIMIT = MAX_RECORD_BYTES;
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;
/** 1,000 credit codes are about 21 KB of JSON; room for whitespace, none for much else. */
const COMPARE_BODY_LIMIT = 64 * 1024;

type Env = { Variables: { client: ApiClient; requestId: string; logFields: Fields } };

export interface AppOptions {
  /** Where to write one JSON line per request; console.log under Lambda. */
  log?: (line: Record<string, unknown>) => void;
  /** Which webhook URLs subscriptions may use; strict (public HTTPS only) unless told otherwise. */
  webhookPolicy?: WebhookPolicy;
  /** Ingest rules a deployment sets (how far in the future an event date may lie). */
  ingest?: IngestRules;
  /** Settings of credit (who is told, commitment deadlines); the defaults when absent. */
  credit?: CreditConfig;
  /** The environment marker API keys must carry (`edx_<environment>.`); `local` when absent. */
  keyEnvironment?: string;
  /** Console cookies only over HTTPS: true on AWS, false for the local http://127.0.0.1 runner. */
  secureCookies?: boolean;
  /** How many subscriptions a department may hold; the default when absent. */
  subscriptions?: SubscriptionLimits;
  /** Requests per second a client may make unless its own limit says otherwise. */
  rateLimits?: RateLimits;
  /** How long found and unknown clients are remembered, and how many unknown ones. */
  clientCache?: ClientCacheLimits;
}

function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}) {
  return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json', ...headers });
}

/** The body as JSON; in a list body, elements of `listKey` that are nested too deeply parse as TooDeep. */
async function jsonBody(c: Context, listKey?: string): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw unsupportedMediaType('send the body as application/json', [{ path: 'Content-Type', message: `must be application/json, got ${type || 'nothing'}`, code: 'content-type' }]);
  }
  return parseJsonBody(new Uint8Array(await c.req.arrayBuffer()), listKey);
}

function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseOrThrow(schema, c.req.query(), (errors) =>
    badRequest(
      'invalid query parameters',
      errors.map((e) => ({ ...e, path: e.path.replace(/^\//, '') })),
    ),
  );
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
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = Number(c.req.header('content-length') ?? 0);
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
    return new ProblemError(503, { type: 'store-unavailable', title: 'Service unavailable', detail: `the data store is not answering; retry in ${RETRY_AFTER_SECONDS} s`, cause: err });
  return err;
}

/** What a 503 asks callers to wait before retrying. */
const RETRY_AFTER_SECONDS = 5;
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

/** Counts a posted record under its kind (`unknown` when the body names none the exchange knows). */
function countRecord(byKind: Map<string, { accepted: number; rejected: number }>, body: unknown, accepted: boolean) {
  const named = (body as { kind?: unknown } | null)?.kind;
  const kind = typeof named === 'string' && (RECORD_KINDS as readonly string[]).includes(named) ? named : 'unknown';
  const n = byKind.get(kind) ?? { accepted: 0, rejected: 0 };
  n[accepted ? 'accepted' : 'rejected']++;
  byKind.set(kind, n);
}

export function createApp(ports: Ports, options: AppOptions = {}) {
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const lookup = cachedClientLookup(ports, options.clientCache);
  const limiter = new RateLimiter(ports, options.rateLimits);
  const webhooks = options.webhookPolicy ?? STRICT_WEBHOOKS;
  const ingestRules = options.ingest ?? DEFAULT_INGEST_RULES;
  const app = new Hono<Env>();
  const small = bodyLimit(SINGLE_BODY_LIMIT);
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
    c.header('x-request-id', requestId);
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
            ? { 'retry-after': String(RETRY_AFTER_SECONDS) }
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
  const templates = (Object.values(ROUTES) as Route[]).map((r) => ({ method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}/?$`) }));
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
    (await healthy()) ? c.json({ status: 'ok', store: 'ok' }) : c.json({ status: 'unavailable', store: 'unavailable' }, 503, { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  );

  const snapshot = async (c: Context, client: ApiClient | undefined) => {
    const list = parseList(c.req.param('list') ?? '');
    const q = parseQuery(c, SnapshotQuery);
    const page = await readSnapshot(ports, client, list, q);
    if (q.format === 'json') return c.json(page);
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', 'x-follow-from': page.followFrom, ...(page.next ? { 'x-next-cursor': page.next } : {}) };
    return c.body(page.items.map((e) => JSON.stringify(e) + '\n').join(''), 200, headers);
  };
  app.get('/openapi.json', async (c) => c.body((await docs()).json, 200, { 'content-type': 'application/json' }));
  app.get('/docs', async (c) => {
    const q = c.req.query('q')?.slice(0, 100);
    const ref = await docs();
    return c.html(q ? ref.docsPage(ref.doc, q) : ref.html);
  });
  app.get('/problems', async (c) => c.html((await docs()).problemsIndex()));
  app.get('/problems/:slug', async (c) => {
    const slug = c.req.param('slug');
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) return c.notFound();
    return c.html((await docs()).problemPage(slug as keyof typeof PROBLEM_TYPES));
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

  const served = new Set<Route>();
  /** Serves a route of the table in schemas/api.ts, at the method and path documented there. */
  const serve = (route: Route, ...handlers: MiddlewareHandler<Env>[]) => {
    served.add(route);
    (route.public ? open : v1).on(route.method.toUpperCase(), [route.path.replace(/^\/v1/, '').replace(/\{(\w+)\}/g, ':$1')], ...handlers);
  };

  // 一公开: without a key, so outside /v1 and its authentication.
  for (const route of [ROUTES.publicLicences, ROUTES.publicPenalties, ROUTES.publicInspections]) {
    served.add(route);
    const kind = PUBLIC_KINDS[route.path.replace('/public/', '') as keyof typeof PUBLIC_KINDS];
    app.get(route.path, async (c) => c.json(await publicList(ports, kind, parseQuery(c, DisclosureQuery))));
  }

  // The permit catalogue is public (its routes are marked public): these reads take no key.
  serve(ROUTES.getCatalogue, async (c) => {
    const q = parseQuery(c, ROUTES.getCatalogue.query);
    if (q.format === 'csv') return c.body(await readCatalogueCsv(ports, q.asOf), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(await readCatalogue(ports, q.asOf));
  });
  serve(ROUTES.getCatalogueChanges, async (c) => {
    const q = parseQuery(c, ROUTES.getCatalogueChanges.query);
    return c.json(await readCatalogueChanges(ports, q.cursor, q.limit));
  });
  serve(ROUTES.getCatalogueItem, async (c) => c.json(await readCatalogueItem(ports, c.req.param('code') ?? '')));
  serve(ROUTES.getQuota, async (c) => c.json(await readQuota(ports, c.req.param('code') ?? '')));

  serve(ROUTES.me, async (c) => {
    const { clientId, department, name, scopes } = c.get('client');
    return c.json({ clientId, department, name, scopes });
  });

  serve(ROUTES.postRecordBatch, bodyLimit(BATCH_BODY_LIMIT), async (c) => {
    const batch = parseOrThrow(BatchRequest, await jsonBody(c, 'records'), (errors) => invalidInput('invalid batch', errors));
    const client = c.get('client');
    const results = await ingestBatch(ports, client, batch.records, ingestRules);
    const counts = { created: 0, replayed: 0, rejected: 0 };
    for (const r of results) counts[r.outcome ?? 'rejected']++;
    const byKind = new Map<string, { accepted: number; rejected: number }>();
    results.forEach((r, i) => countRecord(byKind, batch.records[i], !!r.outcome));
    for (const line of recordMetrics(client.department, byKind, c.get('logFields'))) log(line);
    return c.json({
      results: results.map((r) => ({ ...r, ...(r.record ? { record: presentVersion(r.record, client) } : {}) })),
      counts,
    });
  });

  serve(ROUTES.postRecord, small, async (c) => {
    const client = c.get('client');
    const body = await jsonBody(c);
    const byKind = new Map<string, { accepted: number; rejected: number }>();
    let ingested: Awaited<ReturnType<typeof ingestRecord>>;
    try {
      ingested = await ingestRecord(ports, client, body, ingestRules);
      countRecord(byKind, body, true);
    } catch (e) {
      // A record refused for what it says (invalid, conflicting, not this client's to post) counts as rejected; an outage does not.
      if (e instanceof ProblemError && e.status < 500) countRecord(byKind, body, false);
      throw e;
    } finally {
      for (const line of recordMetrics(client.department, byKind, c.get('logFields'))) log(line);
    }
    const { outcome, record } = ingested;
    c.header('location', `/v1/records/${record.id}`);
    if (outcome === 'replayed') c.header('idempotent-replayed', 'true');
    return c.json(presentVersion(record, client), 201);
  });

  serve(ROUTES.listPosted, async (c) => c.json(await listPosted(ports, c.get('client'), parseQuery(c, ROUTES.listPosted.query))));

  serve(ROUTES.getStatistics, async (c) => c.json(await readStatistics(ports, c.get('client'), parseQuery(c, ROUTES.getStatistics.query).quarter)));
  serve(ROUTES.listStatistics, async (c) => c.json(await readAllStatistics(ports, c.get('client'), parseQuery(c, ROUTES.listStatistics.query).quarter)));

  serve(ROUTES.exportStandard, async (c) => {
    const kind = c.req.param('kind');
    if (kind !== 'licence' && kind !== 'penalty') throw badRequest('the 双公示 export covers licences and penalties', [{ path: 'kind', message: 'must be licence or penalty' }]);
    const { format, ...q } = parseQuery(c, ROUTES.exportStandard.query);
    const out = await exportStandard(ports, c.get('client'), kind, q, requirePurpose(c.req.header('access-purpose')));
    if (out.next) c.header('link', `<${c.req.path}?${new URLSearchParams({ from: q.from, to: q.to, limit: String(q.limit), format, cursor: out.next })}>; rel="next"`);
    if (format === 'csv') return c.body(toCsv(out.columns, out.rows), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(out);
  });

  serve(ROUTES.findParty, small, async (c) => c.json(await findParty(ports, c.get('client'), await jsonBody(c), ingestRules.partyKeySecret, c.req.header('access-purpose'))));

  serve(ROUTES.getRecord, async (c) => c.json(await readRecord(ports, c.get('client'), c.req.param('id') ?? '', c.req.header('access-purpose'))));

  serve(ROUTES.getProfile, async (c) => c.json(await readProfile(ports, c.get('client'), c.req.param('creditCode') ?? '', c.req.header('access-purpose'))));

  serve(ROUTES.searchEnterprises, async (c) => c.json(await searchByName(ports, c.get('client'), parseQuery(c, ROUTES.searchEnterprises.query), c.req.header('access-purpose'))));
  serve(ROUTES.compareEnterprises, bodyLimit(COMPARE_BODY_LIMIT), async (c) => c.json(await compareEnterprises(ports, c.get('client'), await jsonBody(c), c.req.header('access-purpose'))));

  serve(ROUTES.getHistory, async (c) => {
    const q = parseQuery(c, ROUTES.getHistory.query);
    return c.json(await readHistory(ports, c.get('client'), c.req.param('creditCode') ?? '', { ...q, purpose: c.req.header('access-purpose') }));
  });

  serve(ROUTES.getAccessLog, async (c) => {
    const q = parseQuery(c, ROUTES.getAccessLog.query);
    return c.json(await readAccessLog(ports, c.get('client'), c.req.param('creditCode') ?? '', { ...q, purpose: c.req.header('access-purpose') }));
  });

  serve(ROUTES.createSubscription, small, async (c) => c.json(await createSubscription(ports, c.get('client'), await jsonBody(c), webhooks, options.subscriptions), 201));
  serve(ROUTES.listSubscriptions, async (c) => c.json({ items: await listSubscriptions(ports, c.get('client')) }));
  serve(ROUTES.getSubscription, async (c) => c.json(await getSubscription(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.updateSubscription, small, async (c) => c.json(await updateSubscription(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c), webhooks)));
  serve(ROUTES.deleteSubscription, async (c) => {
    await deleteSubscription(ports, c.get('client'), c.req.param('id') ?? '');
    return c.body(null, 204);
  });
  serve(ROUTES.rotateSecret, small, async (c) => c.json(await rotateSecret(ports, c.get('client'), c.req.param('id') ?? '', c.req.header('content-type') ? await jsonBody(c) : {})));
  serve(ROUTES.retirePreviousSecret, async (c) => c.json(await retirePreviousSecret(ports, c.get('client'), c.req.param('id') ?? '')));

  serve(ROUTES.listInbox, async (c) => {
    const q = parseQuery(c, ROUTES.listInbox.query);
    return c.json(await listInbox(ports, c.get('client'), { open: q.open === 'true', cursor: q.cursor, limit: q.limit }));
  });
  // Registered before /notifications/{id} so "overdue" is not taken for an id.
  serve(ROUTES.listOverdue, async (c) => c.json(await listOverdue(ports, c.get('client'), parseQuery(c, ROUTES.listOverdue.query).department)));
  serve(ROUTES.getNotification, async (c) => c.json(await readNotification(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.acknowledge, async (c) => c.json(await acknowledge(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.giveFeedback, small, async (c) => c.json(await giveFeedback(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c)), 201));
  serve(ROUTES.redrive, async (c) => c.json(await redrive(ports, c.get('client'), parseQuery(c, ROUTES.redrive.query).cursor)));

  serve(ROUTES.createPlan, small, async (c) => {
    const client = c.get('client');
    const plan = await createPlan(ports, client, await jsonBody(c));
    c.header('location', `/v1/inspection-plans/${plan.id}`);
    return c.json(presentPlan(plan, client), 201);
  });
  serve(ROUTES.getPlan, async (c) => c.json(await readOwnPlan(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.fixPlan, async (c) => c.json(presentPlan(await fixPlan(ports, c.get('client'), c.req.param('id') ?? ''), c.get('client'))));
  serve(ROUTES.drawPlan, async (c) => c.json(presentPlan(await drawPlan(ports, c.get('client'), c.req.param('id') ?? ''), c.get('client'))));
  serve(ROUTES.listPlanTasks, async (c) => {
    const q = parseQuery(c, ROUTES.listPlanTasks.query);
    const id = c.req.param('id') ?? '';
    await readOwnPlan(ports, c.get('client'), id);
    return c.json(await listTasks(ports, id, q.cursor, q.limit, c.get('client')));
  });
  serve(ROUTES.putCalendarYear, small, async (c) => c.json(await putCalendarYear(ports, c.get('client'), c.req.param('year') ?? '', await jsonBody(c))));

  serve(ROUTES.listPublicPlans, async (c) => {
    const q = parseQuery(c, ROUTES.listPublicPlans.query);
    return c.json(await listPlans(ports, q.department, q.cursor, q.limit));
  });
  serve(ROUTES.getPublicPlan, async (c) => c.json(await readPlan(ports, c.req.param('id') ?? '')));
  serve(ROUTES.getDrawDocument, async (c) => {
    const { part } = parseQuery(c, ROUTES.getDrawDocument.query);
    const { text, parts } = await drawDocument(ports, c.req.param('id') ?? '', part);
    // The stored text as it is: what is downloaded is byte for byte what was published.
    return c.body(text, 200, { 'content-type': part === undefined ? 'application/json' : 'text/plain; charset=utf-8', 'x-document-parts': String(parts) });
  });
  serve(ROUTES.listPublicTasks, async (c) => {
    const q = parseQuery(c, ROUTES.listPublicTasks.query);
    return c.json(await listTasks(ports, c.req.param('id') ?? '', q.cursor, q.limit));
  });
  serve(ROUTES.getCalendar, async (c) => c.json(await calendarView(ports)));

  const credit = options.credit ?? DEFAULT_CREDIT;
  const list = (c: Context) => parseList(c.req.param('list') ?? '');
  serve(ROUTES.getPublicList, (c) => snapshot(c, undefined));
  serve(ROUTES.getPublicListHistory, async (c) => c.json(await listHistory(ports, list(c), c.req.param('creditCode') ?? '')));
  serve(ROUTES.getPublicCommitment, async (c) => c.json(await readCommitment(ports, c.req.param('id') ?? '')));
  serve(ROUTES.getList, (c) => snapshot(c, c.get('client')));
  serve(ROUTES.getListChanges, async (c) => c.json(await readFeed(ports, c.get('client'), list(c), parseQuery(c, ROUTES.getListChanges.query))));
  serve(ROUTES.addListEntry, small, async (c) => {
    const { entry, replayed } = await addEntry(ports, c.get('client'), list(c), await jsonBody(c));
    if (replayed) c.header('idempotent-replayed', 'true');
    return c.json(entry, 201);
  });
  serve(ROUTES.removeListEntry, small, async (c) => c.json(await removeEntry(ports, c.get('client'), list(c), c.req.param('creditCode') ?? '', await jsonBody(c))));
  serve(ROUTES.creditCheck, async (c) =>
    c.json(await creditCheck(ports, c.get('client'), c.req.param('creditCode') ?? '', { item: parseQuery(c, ROUTES.creditCheck.query).item, purpose: c.req.header('access-purpose') }, credit)),
  );
  serve(ROUTES.getProposal, async (c) => c.json(await readProposal(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.rejectProposal, small, async (c) => c.json(await rejectProposal(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c))));
  serve(ROUTES.reportMeasure, small, async (c) => c.json(await reportMeasure(ports, c.get('client'), await jsonBody(c)), 201));
  serve(ROUTES.listReports, async (c) => c.json(await listReports(ports, c.get('client'), parseQuery(c, ROUTES.listReports.query))));
  serve(ROUTES.listRisk, async (c) => c.json(await listRisk(ports, c.get('client'), parseQuery(c, ROUTES.listRisk.query))));
  serve(ROUTES.getCommitment, async (c) => c.json(await readCommitment(ports, c.req.param('id') ?? '')));
  serve(ROUTES.answerRevocation, small, async (c) => c.json(await declineRevocation(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c), credit)));
  serve(ROUTES.addCatalogueVersion, small, async (c) => c.json(await addCatalogueVersion(ports, c.get('client'), c.req.param('code') ?? '', await jsonBody(c)), 201));
  serve(ROUTES.listUnmatchedPhrases, async (c) => {
    const q = parseQuery(c, ROUTES.listUnmatchedPhrases.query);
    return c.json(await listUnmatchedPhrases(ports, c.get('client'), q.cursor, q.limit));
  });
  serve(ROUTES.listClaimPool, async (c) => c.json(await listPool(ports, c.get('client'), parseQuery(c, ROUTES.listClaimPool.query))));
  serve(ROUTES.claimNotice, async (c) => c.json(await claimNotice(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.passNotice, async (c) => c.json(await passNotice(ports, c.get('client'), c.req.param('id') ?? '')));
  serve(ROUTES.listUncovered, async (c) => c.json(await listUncovered(ports, c.get('client'), parseQuery(c, ROUTES.listUncovered.query))));

  // The console's pages are a chunk of their own, loaded on the first /console request, so API
  // cold starts do not pay for them.
  let consoleApp: Promise<{ fetch: (req: Request, env: unknown) => Response | Promise<Response> }> | undefined;
  const consolePages = async (c: Context) => {
    consoleApp ??= import('../console/app').then(({ createConsole }) =>
      createConsole(ports, { lookup, keyEnvironment: options.keyEnvironment, secureCookies: options.secureCookies ?? false, webhooks, ingest: ingestRules, credit }),
    );
    return (await consoleApp).fetch(c.req.raw, c.env);
  };
  app.all('/console', consolePages);
  app.all('/console/*', consolePages);

  const unserved = Object.entries(ROUTES).filter(([, r]) => !served.has(r));
  if (unserved.length) throw new Error(`documented routes without a handler: ${unserved.map(([id]) => id).join(', ')}`);

  app.route('/v1', open);
  app.route('/v1', v1);
  return app;
}
