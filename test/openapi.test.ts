/**
 * The OpenAPI document is generated from the zod schemas and describes the API that runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../schemas/api';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with every route, and every $ref resolves', async () => {
    const res = await ex.call('GET', '/openapi.json', { as: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of Object.values(ROUTES)) expect(doc.paths[r.path]?.[r.method], `${r.method} ${r.path}`).toBeDefined();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  it('documents every route the app serves', async () => {
    const { createApp } = await import('../functions/api/app');
    const app = createApp(ex.ports, { log: () => {} });
    const doc = (await ex.call('GET', '/openapi.json', { as: null })).body;
    const served = app.routes
      .filter((r) => (r.path.startsWith('/v1/') || r.path.startsWith('/public/')) && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(new Set(served)).toEqual(new Set(documented));
  });

  it('documents query parameters from the schemas the app parses them with', async () => {
    const doc = (await ex.call('GET', '/openapi.json', { as: null })).body;
    const params = doc.paths['/v1/enterprises/{creditCode}/records'].get.parameters;
    expect(params.find((p: { name: string }) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { default: 20, maximum: 100 } });
    expect(params.find((p: { name: string }) => p.name === 'kind').schema.enum).toEqual(['registration', 'licence', 'filing', 'inspection', 'penalty']);
    expect(doc.paths['/v1/inbox'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['open', 'cursor', 'limit']);
  });

  it('describes the signed webhook payload', async () => {
    const doc = (await ex.call('GET', '/openapi.json', { as: null })).body;
    const hook = doc.webhooks.event.post;
    expect(hook.requestBody.content['application/cloudevents+json'].schema).toEqual({ $ref: '#/components/schemas/CloudEvent' });
    expect(hook.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(doc.components.schemas.CloudEvent.properties.specversion.const).toBe('1.0');
  });

  it('carries the standards in field descriptions and marks personal fields', async () => {
    const doc = (await ex.call('GET', '/openapi.json', { as: null })).body;
    const licence = doc.components.schemas.LicenceData;
    expect(licence.properties.documentNumber.description).toContain('行政许可决定文书号');
    expect(licence.additionalProperties).toBe(false);
    const registration = JSON.stringify(doc.components.schemas.RegistrationData);
    expect(registration).toContain('"x-privacy":"personal"');
    // Money is integer fen and may exceed 32 bits: generated clients must use a 64-bit integer.
    expect(doc.components.schemas.PenaltyData.properties.fineFen).toMatchObject({ type: 'integer', format: 'int64' });
    expect(doc.components.schemas.RegistrationData.properties.registeredCapitalFen).toMatchObject({ type: 'integer', format: 'int64' });
    expect(doc.paths['/v1/records'].post.responses['422'].content['application/problem+json']).toBeDefined();
  });

  it('has a readable docs page', async () => {
    const res = await fetch(`${ex.base}/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<code>/v1/enterprises/{creditCode}</code>');
    expect(html).toContain('行政许可决定文书号');
    expect(html).toContain('<code>webhook-signature</code>');
  });
});
