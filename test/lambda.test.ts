/**
 * The Lambda entry point as API Gateway (HTTP API, payload v2) calls it, against DynamoDB Local.
 */
import { randomBytes } from 'node:crypto';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../functions/core/clients';
import { runtimePorts } from '../functions/runtime';
import { inspection, makeCreditCode } from '../local/samples';
import { newTable } from './helpers';

let handler: (event: LambdaEvent, context: LambdaContext) => Promise<{ statusCode: number; headers?: Record<string, string>; body: string; isBase64Encoded: boolean }>;
let key: string;

const context = { functionName: 'api', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;

function v2Event(method: string, rawPath: string, opts: { body?: string; headers?: Record<string, string>; query?: string; base64?: boolean } = {}): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: opts.query ?? '',
    headers: { host: 'api.example.gov.cn', 'x-forwarded-proto': 'https', ...opts.headers },
    body: opts.body ?? null,
    isBase64Encoded: opts.base64 ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.gov.cn',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:02:00:00 +0000',
      timeEpoch: 1_795_744_800_000,
    },
  } as unknown as LambdaEvent;
}

beforeAll(async () => {
  const { table, dynamodbEndpoint } = await newTable();
  process.env.TABLE_NAME = table;
  process.env.DYNAMODB_ENDPOINT = dynamodbEndpoint;
  process.env.CURSOR_KEY = randomBytes(32).toString('base64url');
  process.env.CONTENT_HASH_KEY = randomBytes(32).toString('base64url');
  process.env.EXCHANGE_ENV = 'lambdatest';
  ({ key } = await createClient(
    runtimePorts({ table, dynamodbEndpoint }),
    {
      department: 'market',
      name: 'lambda test',
      scopes: ['records:write:inspection', 'profiles:read'],
    },
    'lambdatest',
  ).then((r) => ({ key: r.apiKey })));
  ({ handler } = (await import('../functions/api/handler')) as unknown as { handler: typeof handler });
});

describe('api Lambda behind API Gateway v2', () => {
  const code = makeCreditCode('91', '330402', 'MA2LMD01');

  it('accepts a record and serves the profile', async () => {
    const post = await handler(
      v2Event('POST', '/v1/records', { body: JSON.stringify(inspection(code, 'JC-lambda')), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }),
      context,
    );
    expect(post.statusCode).toBe(201);
    expect(JSON.parse(post.body)).toMatchObject({ kind: 'inspection', creditCode: code });

    const get = await handler(v2Event('GET', `/v1/enterprises/${code}`, { headers: { authorization: `Bearer ${key}`, 'access-purpose': 'test' } }), context);
    expect(get.statusCode).toBe(200);
    expect(JSON.parse(get.body).counts.inspection).toBe(1);
  });

  it('decodes a base64 body as API Gateway sends it', async () => {
    const body = Buffer.from(JSON.stringify(inspection(code, 'JC-b64'))).toString('base64');
    const res = await handler(v2Event('POST', '/v1/records', { body, base64: true, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }), context);
    expect(res.statusCode).toBe(201);
  });

  it('passes query strings through', async () => {
    const res = await handler(v2Event('GET', `/v1/enterprises/${code}/records`, { query: 'kind=inspection&limit=1', headers: { authorization: `Bearer ${key}`, 'access-purpose': 'test' } }), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).items).toHaveLength(1);
  });

  it("quotes API Gateway's request id, which a caller cannot choose, and keeps the caller's beside it in the log", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const res = await handler(v2Event('GET', '/v1/me', { headers: { authorization: `Bearer ${key}`, 'x-request-id': 'forged-id' } }), context);
      expect(res.statusCode).toBe(200);
      expect(res.headers?.['x-request-id']).toBe('r1');
    } finally {
      spy.mockRestore();
    }
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.path === '/v1/me');
    expect(entry).toMatchObject({ requestId: 'r1', callerRequestId: 'forged-id', status: 200 });
  });

  it('refuses a key made for another environment (here: a local one) with 401', async () => {
    const local = key.replace(/^edx_lambdatest\./, 'edx_local.');
    const res = await handler(v2Event('GET', '/v1/me', { headers: { authorization: `Bearer ${local}` } }), context);
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
  });

  it('returns problem+json for errors', async () => {
    const res = await handler(v2Event('GET', '/v1/me'), context);
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
  });
});
