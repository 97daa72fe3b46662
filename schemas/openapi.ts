/**
 * Generates the OpenAPI 3.1 document from the zod schemas and the route table. Nothing in it is
 * written by hand.
 */
import { z } from 'zod';
import { ROUTES, type Route } from './api';
import { CloudEvent } from './events';
import { REFDATA_EDITIONS } from './refdata/index';

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

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of Object.values(ROUTES) as Route[]) {
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      summary: r.summary,
      ...(r.scopes.length ? { description: `Scopes: ${r.scopes.join('; ')}.` } : {}),
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
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, res]) => [
          status,
          {
            description: res.description,
            ...(res.headers ? { headers: Object.fromEntries(Object.entries(res.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
            ...(res.schema ? { content: { [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: { schema: json(res.schema) } } } : {}),
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
        requestBody: { required: true, content: { 'application/json': { schema: json(CloudEvent) } } },
        responses: { '2XX': { description: 'received' } },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Enterprise Data Exchange (涉企信息共享平台)',
      version,
      description: `Department systems post records about enterprises; supervisors read profiles. Code lists: ${REFDATA_EDITIONS.gbt2260}; ${REFDATA_EDITIONS.gbt4754}.`,
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer edx.<clientId>.<secret>' } },
      schemas: components,
    },
    paths,
    webhooks,
  };
}
