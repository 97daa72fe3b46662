/**
 * Every successful answer with a body, and every request body, has a realistic example in the
 * OpenAPI document: from the route table (built from the sample data) or recorded from the real
 * API by `npm run examples`, and each is still an instance of its route's schema, so the examples
 * cannot drift from the contract without this failing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app';
import { ROUTES, type Route } from '../../schemas/api';
import { successSchema } from '../../schemas/openapi';
import { recordedExamples } from '../../schemas/recorded-examples';
import { memoryPorts } from '../fakes/ports';

const routes = Object.entries(ROUTES) as [string, Route][];
const route = (id: string) => (ROUTES as Record<string, Route>)[id];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON the test reads parts of
let doc: any;
beforeAll(async () => {
  doc = await (await createApp(memoryPorts(), { log: () => {} }).request('/openapi.json')).json();
});
const issues = (r: { success: boolean; error?: { issues: unknown[] } } | undefined) => JSON.stringify(r?.error?.issues.slice(0, 3));

describe('recorded examples', () => {
  it('are answers of real operations, each an instance of its route’s response schema', () => {
    const { responses } = recordedExamples();
    expect(Object.keys(responses).length).toBeGreaterThan(50);
    for (const [id, value] of Object.entries(responses)) {
      const schema = route(id) && successSchema(route(id));
      expect(schema, id).toBeDefined();
      const parsed = schema?.safeParse(value);
      expect(parsed?.success, `${id}: ${issues(parsed)}`).toBe(true);
    }
  });

  it('are bodies the API accepted, each still valid for its route', () => {
    const { requests } = recordedExamples();
    for (const [id, value] of Object.entries(requests)) {
      const parsed = route(id)?.body?.safeParse(value);
      expect(parsed?.success, `${id}: ${issues(parsed)}`).toBe(true);
    }
  });
});

describe('the served document', () => {
  it('has an example on every successful answer that has a body', () => {
    for (const [id, r] of routes) {
      const [status, res] = Object.entries(r.responses).find(([s]) => Number(s) < 300) ?? [];
      if (!status || !res?.schema) continue;
      const media = doc.paths[r.path][r.method].responses[status].content['application/json'];
      const example = Object.values(media.examples ?? {})[0] as { value: unknown } | undefined;
      expect(example?.value, id).toBeDefined();
      expect(res.schema.safeParse(example?.value).success, id).toBe(true);
    }
  });

  it('has a valid example for every request body, the plan and the calendar among them', () => {
    for (const [id, r] of routes) {
      if (!r.body) continue;
      const examples = Object.values(doc.paths[r.path][r.method].requestBody.content['application/json'].examples ?? {}) as { value: unknown }[];
      expect(examples.length, id).toBeGreaterThan(0);
      for (const e of examples) expect(r.body.safeParse(e.value).success, id).toBe(true);
    }
    const plan = doc.paths['/v1/inspection-plans'].post.requestBody.content['application/json'].examples.recorded.value;
    expect(plan.roster.length).toBeGreaterThan(0);
    const calendar = doc.paths['/v1/calendar/{year}'].put.requestBody.content['application/json'].examples.recorded.value;
    expect(calendar.number).toBe('国办发明电〔2025〕7号');
  });
});

describe('the docs page', () => {
  it('shows the recorded answer under an operation’s responses', async () => {
    const html = await (await createApp(memoryPorts(), { log: () => {} }).request('/docs')).text();
    const profile = html.slice(html.indexOf('<section id="getProfile">'), html.indexOf('</section>', html.indexOf('<section id="getProfile">')));
    const recorded = recordedExamples().responses.getProfile as { name: string; creditCode: string };
    expect(profile).toContain('<summary>Example</summary>');
    expect(profile).toContain(recorded.creditCode);
  });
});
