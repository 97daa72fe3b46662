/**
 * Generates the OpenAPI 3.1 document from the zod schemas and the route table. Nothing in it is
 * written by hand.
 */
import { z } from 'zod';
import { RATE_LIMITED, ROUTES, type Route, type RouteId } from './api';
import { CloudEvent } from './events';
import { RecordInput } from './records';
import { refdataEditions } from './refdata/index';
import { recordedExamples } from './recorded-examples';

export function openApiDocument(version: string) {
  const components: Record<string, unknown> = {};
  const json = (schema: z.ZodType) => {
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
    // Named schemas (meta id) land in $defs; in OpenAPI they live under components.schemas.
    const out = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown> & {
      $defs?: Record<string, unknown>;
    };
    const { $defs, $schema: _s, ...root } = out;
    Object.assign(components, $defs ?? {});
    const id = schema.meta()?.id;
    if (typeof id === 'string' && !('$ref' in root)) {
      components[id] = root;
      return { $ref: `#/components/schemas/${id}` };
    }
    return root;
  };

  // Batch items refer to it, whichever operation comes first.
  json(RecordInput);
  // Recorded answers by operation; an operation answered with the same schema as a recorded one shares its example.
  const { requests, responses: recorded } = recordedExamples();
  const bySchema = new Map<z.ZodType, unknown>();
  for (const [operationId, r] of Object.entries(ROUTES) as [RouteId, Route][]) {
    const schema = successSchema(r);
    if (schema && operationId in recorded && !bySchema.has(schema)) bySchema.set(schema, recorded[operationId]);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  const requestId = { description: 'the id of this request, to quote to the operators', schema: { type: 'string' } };
  for (const [operationId, r] of Object.entries(ROUTES) as [RouteId, Route][]) {
    paths[r.path] ??= {};
    const examples = r.examples?.() ?? (operationId in requests ? { recorded: requests[operationId] } : undefined);
    paths[r.path][r.method] = {
      operationId,
      tags: [routeTag(r)],
      summary: r.summary,
      // Scopes in backticks: `records:write:<kind>` must not be read as an HTML tag by viewers.
      ...(r.scopes.length ? { description: `Scopes: ${r.scopes.map((s) => `\`${s}\``).join('; ')}.` } : {}),
      security: r.public || r.path.startsWith('/public/') ? [] : [{ apiKey: [] }],
      parameters: [
        ...(r.params ?? []).map((p) => ({ name: p.name, in: p.in, required: true, description: p.description, schema: p.schema ? json(p.schema) : { type: 'string' } })),
        ...Object.entries((r.query?.shape ?? {}) as Record<string, z.ZodType>).map(([name, field]) => ({
          name,
          in: 'query',
          required: !field.safeParse(undefined).success,
          description: field.meta()?.description ?? '',
          schema: json(field),
        })),
      ],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: json(r.body),
                  ...(examples ? { examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { summary: name, value }])) } : {}),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries(
        // Every call with a key counts against its client's rate limit.
        Object.entries(r.public || r.path.startsWith('/public/') ? r.responses : { ...r.responses, ...RATE_LIMITED }).map(([status, res]) => [
          status,
          {
            description: Number(status) >= 400 ? `${res.description} (see [the problem types](/problems))` : res.description,
            headers: {
              'x-request-id': requestId,
              ...(status === '401' ? { 'WWW-Authenticate': { description: 'Bearer realm="exchange"', schema: { type: 'string' } } } : {}),
              ...Object.fromEntries(Object.entries(res.headers ?? {}).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])),
            },
            ...(res.schema
              ? {
                  content: {
                    [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                      schema: json(res.schema),
                      ...(Number(status) < 300 ? exampleOf(recorded[operationId] ?? bySchema.get(res.schema)) : {}),
                    },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
  }

  const header = (name: string, description: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } });
  const webhooks = {
    event: {
      post: {
        summary: 'What the exchange POSTs to a subscription’s webhook: one CloudEvent per notification',
        description:
          'Signed the Standard Webhooks way. Verify webhook-signature, reject timestamps more than 5 minutes off, and dedupe on webhook-id: a retry carries the same id. Answer 2xx within 5 s; anything else is retried after 10 s, 1, 5 and 30 min.',
        parameters: [
          header('webhook-id', 'the notification id (ntf_...), the same on every retry'),
          header('webhook-timestamp', 'unix seconds when this attempt was signed'),
          header('webhook-signature', 'space-separated v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed with the base64 part of the whsec_ secret; two during a secret rotation'),
        ],
        operationId: 'receiveEvent',
        tags: ['webhooks'],
        security: [{ webhookSignature: [] }],
        requestBody: { required: true, content: { 'application/cloudevents+json': { schema: json(CloudEvent) } } },
        responses: { '2XX': { description: 'received' } },
      },
    },
  };

  const editions = refdataEditions();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Enterprise Data Exchange (涉企信息共享平台)',
      version,
      description: `Department systems post records about enterprises; supervisors read profiles. Code lists: ${editions.gbt2260}; ${editions.gbt4754}.`,
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer edx.<clientId>.<secret>`' },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description: 'Standard Webhooks signature with the subscription’s `whsec_` secret; verify it with the official `standardwebhooks` or `svix` library',
        },
      },
      schemas: privacyAsExtension(components) as Record<string, unknown>,
    },
    tags: [...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((o) => (o as { tags: string[] }).tags))), 'webhooks'].map((name) => ({
      name,
      description: name === 'webhooks' ? 'What the exchange sends to department systems' : `Operations on ${name}`,
    })),
    // Query parameters carry field schemas inline (a credit check's catalogue item), so their privacy class is converted too.
    paths: privacyAsExtension(paths) as typeof paths,
    webhooks,
  };
}

/** The schema of an operation's successful answer, if it has a body. */
export const successSchema = (r: Route) => Object.entries(r.responses).find(([status, res]) => Number(status) < 300 && res.schema)?.[1].schema;

const exampleOf = (value: unknown) => (value === undefined ? {} : { examples: { recorded: { summary: 'recorded from the running API (npm run examples)', value } } });

/** The tag an operation is listed under: its own, or the first path segment after /v1. */
export const routeTag = (r: Route) => r.tag ?? r.path.split('/')[2] ?? 'other';

/**
 * The privacy class is kept in the schema metadata as `privacy`; in the document it is the
 * extension `x-privacy` (OpenAPI tools reject unknown keywords). Property names are left alone.
 */
function privacyAsExtension(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => privacyAsExtension(n));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [!inProperties && k === 'privacy' && typeof v === 'string' ? 'x-privacy' : k, privacyAsExtension(v, !inProperties && (k === 'properties' || k === '$defs'))]),
  );
}
