/**
 * Property-based fuzzing of the whole API (fast-check): for every route of the route table, requests
 * made malformed in one of the ways a caller can get wrong (credentials, path parameters, query,
 * headers, body bytes, JSON shape and depth, media type) always get a 4xx problem+json, never a
 * 5xx, and leave the table exactly as it was. `npm test` runs a few thousand cases; `npm run fuzz`
 * runs FUZZ_RUNS (default 20,000) with progress.
 */
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES, type Route } from '../schemas/api';
import { documentClient } from '../functions/store/aws';
import { inspection, makeCreditCode } from '../local/samples';
import { startExchange, type TestClient, type TestExchange } from './helpers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const PROGRESS = !!process.env.FUZZ_PROGRESS;

let ex: TestExchange;
const code = makeCreditCode('91', '330402', 'MA2FUYY1');
let recordId = '';
let subscriptionId = '';

beforeAll(async () => {
  ex = await startExchange({ push: {} });
  recordId = (await ex.call('POST', '/v1/records', { body: inspection(code, 'FUZZ-1') })).body.id;
  subscriptionId = (await ex.call('POST', '/v1/subscriptions', { as: 'supervision', body: { name: 'fuzz', purpose: 'test: fuzz', filters: { kinds: ['filing'] } } })).body.id;
});
afterAll(() => ex.close());

/** Every item of the table, as one digest: any write anywhere changes it. */
async function tableDigest(): Promise<{ count: number; digest: string }> {
  const db = documentClient(inject('dynamodbEndpoint'));
  const hash = createHash('sha256');
  let count = 0;
  let start: Record<string, unknown> | undefined;
  const lines: string[] = [];
  do {
    const out = await db.send(new ScanCommand({ TableName: ex.table, ConsistentRead: true, ExclusiveStartKey: start }));
    // Counting a request against its client's rate limit is the one write every request makes.
    const items = (out.Items ?? []).filter((item) => item.type !== 'rate-window');
    for (const item of items) lines.push(JSON.stringify(item, Object.keys(item).sort()));
    count += items.length;
    start = out.LastEvaluatedKey;
  } while (start);
  db.destroy();
  for (const l of lines.sort()) hash.update(l);
  return { count, digest: hash.digest('hex') };
}

/** Who may call a route in the ordinary way, so only the malformation makes it fail. */
const CALLER: Record<string, TestClient> = { getAccessLog: 'supervision', getOverdue: 'supervision' };

interface Fuzzed {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  why: string;
}

const junk = fc.string({ unit: 'binary', maxLength: 60 });
const garbageJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  junk,
  fc.integer({ min: 21, max: 3000 }).map((n) => `{"kind":"filing","x":${'['.repeat(n)}${']'.repeat(n)}}`),
);
const badUtf8 = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => new Uint8Array([0x7b, 0x22, 0xc3, 0x28, ...b]));
const badSegment = fc.oneof(
  junk.filter((s) => s.length > 0),
  fc.constantFrom('..', '%00', 'rec_' + 'f'.repeat(300), 'sub_' + 'x'.repeat(16), 'ntf_x'),
);
const badQueryValue = fc.oneof(junk, fc.constantFrom('-1', '0', '101', '1e9', 'NaN', 'A'.repeat(1200)));

function pathOf(route: Route, segment?: string): string {
  const fill = (name: string) => {
    if (segment !== undefined) return encodeURIComponent(segment);
    if (name === 'creditCode') return code;
    if (route.path.startsWith('/v1/records')) return recordId;
    if (route.path.startsWith('/v1/subscriptions')) return subscriptionId;
    return 'ntf_' + 'A'.repeat(22);
  };
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => fill(name));
}

/** One malformed request of `name`; every arbitrary makes the request wrong in one named way. */
function malformed(name: string, route: Route): fc.Arbitrary<Fuzzed> | undefined {
  const as = CALLER[name] ?? 'supervision';
  const ok = { authorization: `Bearer ${ex.keys[as]}`, 'access-purpose': 'fuzz', 'content-type': 'application/json' };
  const base = (why: string, extra: Partial<Fuzzed> = {}): Fuzzed => ({ route: name, method: route.method.toUpperCase(), path: pathOf(route), headers: { ...ok }, why, ...extra });
  const options: fc.Arbitrary<Fuzzed>[] = [];
  // A keyless public route has no credentials to get wrong.
  if (!route.public)
    options.push(
      fc
        .oneof(junk, fc.constantFrom('Bearer ', 'Basic abc', `Bearer ${ex.keys[as]}x`, 'Bearer edx_' + 'A'.repeat(43)))
        .map((auth) => ({ ...base('credentials'), headers: { ...ok, authorization: auth.replace(/[^\t\x20-\x7e]/g, '') } })),
    );
  if (route.path.includes('{')) {
    options.push(badSegment.map((s) => base('path parameter', { path: pathOf(route, s), body: route.body ? '{}' : undefined })));
  }
  if (route.query) {
    const keys = Object.keys(route.query.shape);
    options.push(
      fc
        .record({ key: fc.oneof(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 8 })), value: badQueryValue })
        .map(({ key, value }) => ({ key: keys.includes(key) ? key : `x${key}`, value: value === '' ? '-1' : value }))
        // Malformed by the contract: a free-text filter given some other text is a valid query.
        .filter(({ key, value }) => !route.query?.safeParse({ [key]: value }).success)
        .map(({ key, value }) => base('query', { path: `${pathOf(route)}?${encodeURIComponent(key)}=${encodeURIComponent(value)}`, body: route.body ? '{}' : undefined })),
    );
  }
  if (route.params?.some((p) => p.name === 'Access-Purpose')) {
    options.push(fc.constantFrom('', ' ', '%00', '%E2%80%AE', 'a%07b', 'x'.repeat(300)).map((p) => ({ ...base('purpose'), headers: { ...ok, 'access-purpose': p } })));
  }
  if (route.body) {
    options.push(garbageJson.map((b) => base('body', { body: b })));
    options.push(badUtf8.map((b) => base('body bytes', { body: b })));
    options.push(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data').map((t) => ({ ...base('media type', { body: '{}' }), headers: { ...ok, 'content-type': t } })));
  }
  if (name === 'redrive') {
    // Without a cursor a redrive is a valid call; its malformation is the cursor.
    options.push(badQueryValue.map((v) => base('cursor', { path: `/v1/deliveries/redrive?cursor=${encodeURIComponent(v || '.')}` })));
  }
  return options.length ? fc.oneof(...options) : undefined;
}

/** Routes a request can be malformed for (a keyless route without parameters, query or body has none). */
const fuzzable = () => Object.entries(ROUTES).flatMap(([name, route]) => (malformed(name, route) ? [name] : []));
const everyRoute = () => fc.oneof(...Object.entries(ROUTES).flatMap(([name, route]) => malformed(name, route) ?? []));

describe('fuzzing every route', () => {
  it(`${RUNS} malformed requests: each a 4xx problem+json, none a 5xx, the table unchanged`, async () => {
    // Fan-out of the setup's records (directory, risk class, cover) writes asynchronously: start from a settled table.
    let before = await tableDigest();
    for (let settled = 0; settled < 3;) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await tableDigest();
      settled = now.digest === before.digest ? settled + 1 : 0;
      before = now;
    }
    const statuses = new Map<number, number>();
    const routes = new Set<string>();
    let n = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(everyRoute(), async (req) => {
        const res = await fetch(ex.base + req.path, { method: req.method, headers: req.headers, body: req.body });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        routes.add(req.route);
        if (PROGRESS && ++n % 1000 === 0) console.log(`fuzz: ${n} of ${RUNS} cases, ${Math.round((performance.now() - started) / 1000)} s`);
        expect(res.status, `${req.why}: ${req.method} ${req.path.slice(0, 120)} -> ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${req.why}: ${req.method} ${req.path.slice(0, 120)} -> ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(res.headers.get('content-type'), `${req.method} ${req.path}`).toContain('application/problem+json');
      }),
      { numRuns: RUNS },
    );
    expect(await tableDigest()).toEqual(before);
    expect([...routes].sort()).toEqual(fuzzable().sort());
    if (PROGRESS) console.log(`fuzz: ${RUNS} cases in ${Math.round((performance.now() - started) / 100) / 10} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  }, 600_000);
});
