/**
 * What the api's route modules share: the request context's variables, the body and query
 * readers, and the settings a route may need. app.ts imports only its types, so none of this
 * (nor the validation it pulls in) loads before a route module does.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, unsupportedMediaType } from '../core/errors';
import { parseJsonBody } from '../core/json-body';
import type { ApiClient } from '../core/model';
import type { Ports } from '../core/ports';
import type { IngestRules } from '../core/ingest-rules';
import type { CreditConfig } from '../core/credit-rules';
import type { ClientCacheLimits, RateLimits, SubscriptionLimits } from '../core/limits';
import type { WebhookPolicy } from '../core/subscriptions';
import { parseOrThrow } from '../core/validation';
import type { Fields } from '../telemetry';
import type { RouteGroup, RoutesOf } from './route-table';

export type Env = { Variables: { client: ApiClient; requestId: string; logFields: Fields } };
export type Handler = (c: Context<Env>) => Response | Promise<Response>;

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

/**
 * What a route module is built with, once, when it is first loaded. The options as given: each
 * module fills in the defaults it needs, so the defaults' modules load with it, not at cold start.
 */
export interface RouteContext {
  ports: Ports;
  log: (line: Record<string, unknown>) => void;
  options: AppOptions;
}

/** A route module: one handler for each operation of its group, no more and no fewer. */
export interface RouteModule<G extends RouteGroup> {
  handlers: (ctx: RouteContext) => Record<RoutesOf<G>, Handler>;
}

/** The body as JSON; in a list body, elements of `listKey` that are nested too deeply parse as TooDeep. */
export async function jsonBody(c: Context, listKey?: string): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw unsupportedMediaType('send the body as application/json', [{ path: 'Content-Type', message: `must be application/json, got ${type || 'nothing'}`, code: 'content-type' }]);
  }
  return parseJsonBody(new Uint8Array(await c.req.arrayBuffer()), listKey);
}

export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseOrThrow(schema, c.req.query(), (errors) =>
    badRequest(
      'invalid query parameters',
      errors.map((e) => ({ ...e, path: e.path.replace(/^\//, '') })),
    ),
  );
}
