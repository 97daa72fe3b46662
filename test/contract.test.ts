/**
 * The contract as an integrator meets it: operation ids and tags, examples that the real API
 * accepts, typed problems whose types lead to pages, 405 with Allow, the docs page, and webhooks
 * a CloudEvents SDK reads and the official Standard Webhooks library verifies.
 */
import { CloudEvent as SdkCloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '../schemas/api';
import { recordExamples } from '../schemas/examples';
import { PROBLEM_TYPES } from '../schemas/problems';
import { WebhookReceiver } from '../local/receiver';
import { makeCreditCode, registration } from '../local/samples';
import { startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON the tests read parts of
let doc: any;
const receiver = new WebhookReceiver();
beforeAll(async () => {
  ex = await startExchange({ push: {} });
  await receiver.start();
  doc = (await ex.call('GET', '/openapi.json', { as: null })).body;
});
afterAll(async () => {
  await ex.close();
  await receiver.stop();
});

const operations = () => Object.values(doc.paths as Record<string, Record<string, { operationId: string; tags: string[] }>>).flatMap((ops) => Object.values(ops));

describe('the OpenAPI document', () => {
  it('gives every operation a unique operationId (the route table key) and a declared tag', () => {
    const ids = operations().map((o) => o.operationId);
    expect(ids.sort()).toEqual(Object.keys(ROUTES).sort());
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const o of operations()) {
      expect(o.tags.length, o.operationId).toBeGreaterThan(0);
      for (const t of o.tags) expect(declared.has(t), `${o.operationId} tag ${t}`).toBe(true);
    }
  });

  it('types problems strictly, with the 409 extension members, and batch items as records', () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.additionalProperties).toBe(false);
    expect(problem.properties.status).toMatchObject({ type: 'integer', minimum: 100, maximum: 599 });
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['recordId', 'currentVersion']));
    expect(doc.components.schemas.BatchRequest.properties.records.items).toEqual({ $ref: '#/components/schemas/RecordInput' });
  });

  it('marks privacy as the x-privacy extension, secures the webhook and documents x-request-id and WWW-Authenticate', () => {
    const text = JSON.stringify(doc);
    expect(text).toContain('"x-privacy":"personal"');
    expect(text).not.toMatch(/"privacy":/);
    expect(doc.webhooks.event.post.security).toEqual([{ webhookSignature: [] }]);
    expect(doc.webhooks.event.post.requestBody.content['application/cloudevents+json']).toBeDefined();
    const post = doc.paths['/v1/records'].post;
    expect(post.responses['201'].headers['x-request-id']).toBeDefined();
    expect(post.responses['401'].headers['WWW-Authenticate']).toBeDefined();
    expect(post.description).toContain('`records:write:<kind>`');
  });

  it('has one example per record kind, and the real API accepts each (201)', async () => {
    const examples = doc.paths['/v1/records'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples).sort()).toEqual(['filing', 'inspection', 'licence', 'penalty', 'registration']);
    for (const [kind, { value }] of Object.entries(examples as Record<string, { value: unknown }>)) {
      const res = await ex.call('POST', '/v1/records', { as: 'market', body: value });
      expect(res.status, `${kind}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.warnings ?? []).toEqual([]);
    }
  });

  it('has examples for the bodies a department posts, and every documented example is valid', async () => {
    const departmentBodies = ['postRecord', 'postRecordBatch', 'createSubscription', 'updateSubscription', 'giveFeedback', 'findParty'];
    for (const id of departmentBodies) expect(Object.keys((ROUTES as Record<string, Route>)[id].examples?.() ?? {}).length, id).toBeGreaterThan(0);
    for (const [id, r] of Object.entries(ROUTES) as [string, Route][]) {
      if (!r.body) continue;
      const examples = r.examples?.() ?? {};
      for (const [name, value] of Object.entries(examples)) expect(r.body.safeParse(value).success, `${id} ${name}`).toBe(true);
    }
    const batch = doc.paths['/v1/records/batch'].post.requestBody.content['application/json'].examples;
    const res = await ex.call('POST', '/v1/records/batch', { as: 'market', body: Object.values(batch as Record<string, { value: unknown }>)[0].value });
    expect(res.status).toBe(200);
    expect(res.body.counts.rejected).toBe(0);
  });
});

describe('problems and methods', () => {
  it('every problem type resolves to a human-readable page, and so does a type the API answers with', async () => {
    for (const slug of Object.keys(PROBLEM_TYPES)) {
      const res = await fetch(`${ex.base}/problems/${slug}`);
      expect(res.status, slug).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain(PROBLEM_TYPES[slug as keyof typeof PROBLEM_TYPES].title);
    }
    const bad = await ex.call('POST', '/v1/records', { as: 'market', body: { kind: 'licence' } });
    expect(bad.status).toBe(422);
    expect((await fetch(new URL(bad.body.type, ex.base))).status).toBe(200);
    expect((await fetch(`${ex.base}/problems/no-such-problem`)).status).toBe(404);
  });

  it('answers a documented path with the wrong method 405 with Allow, for every route', async () => {
    const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];
    const routes = Object.values(ROUTES) as Route[];
    const template = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
    for (const path of new Set(routes.map((r) => r.path))) {
      const concrete = path.replace(/\{\w+\}/g, 'x1');
      // Every method any route takes at this concrete path (/v1/records/batch is also a record id).
      const allowed = new Set(routes.filter((r) => template(r.path).test(concrete)).map((r) => r.method.toUpperCase()));
      const wrong = methods.find((m) => !allowed.has(m)) ?? 'PUT';
      const res = await ex.call(wrong, concrete, { as: 'market', purpose: null });
      expect(res.status, `${wrong} ${path}`).toBe(405);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.type).toBe('/problems/method-not-allowed');
      for (const m of allowed) expect(res.headers.get('allow'), path).toContain(m);
    }
    expect((await ex.call('GET', '/v1/nothing-here', { as: 'market' })).status).toBe(404);
  });
});

describe('the docs page', () => {
  it('has navigation, per-kind request bodies with formats, examples with curl, and links errors to their format', async () => {
    const html = await (await fetch(`${ex.base}/docs`)).text();
    expect(html).toContain('<nav>');
    expect(html).toContain('<a href="#postRecord">');
    expect(html).toContain('id="LicenceData"');
    expect(html).toMatch(/validTo<\/code>[^]*?format date/);
    expect(html).toContain('curl -X POST &#34;$EXCHANGE/v1/records&#34;');
    expect(html).toContain(recordExamples().penalty.data.decisionNumber);
    expect(html).toContain('<a href="#Problem">error format</a>');
    expect(html).toContain('<code>records:write:&#60;kind&#62;</code>');
    expect(html).toMatch(/standardwebhooks[^]*svix/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!hooks\.example)/);
  });

  it('searches without scripts: a query shows only what mentions it', async () => {
    const html = await (await fetch(`${ex.base}/docs?q=rotate-secret`)).text();
    expect(html).toContain('id="rotateSecret"');
    expect(html).not.toContain('id="postRecord"');
  });
});

describe('webhooks', () => {
  it('are CloudEvents a CloudEvents SDK reads, signed so the standardwebhooks library verifies them', async () => {
    const code = makeCreditCode('91', '330402', 'MA2CE001');
    const sub = await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: 'ce', purpose: '信用监管', filters: { creditCodes: [code] }, webhook: { url: receiver.url('/hooks/ce') } } });
    expect(sub.status).toBe(201);
    receiver.expect('/hooks/ce', sub.body.webhookSecret);
    expect((await ex.call('POST', '/v1/records', { as: 'market', body: registration(code, 'DJ-CE-1') })).status).toBe(201);
    const got = await waitFor(() => receiver.received.find((r) => r.path === '/hooks/ce'));
    expect(got.raw.headers['content-type']).toBe('application/cloudevents+json');
    const event = HTTP.toEvent({ headers: got.raw.headers, body: got.raw.body }) as SdkCloudEvent<Record<string, unknown>>;
    expect(event.specversion).toBe('1.0');
    expect(event.subject).toBe(code);
    expect(event.type).toBe(got.event.type);
    const verified = new Webhook(sub.body.webhookSecret).verify(got.raw.body, got.raw.headers) as { subject: string };
    expect(verified.subject).toBe(code);
    expect(() => new Webhook(sub.body.webhookSecret).verify(got.raw.body.replace(code, makeCreditCode('91', '330402', 'MA2CE002')), got.raw.headers)).toThrow();
  });
});
