/**
 * What the hostile test of the running exchange sent, through the real HTTP API: bodies nested
 * thousands of levels deep, bytes that are not UTF-8, text made of control characters, lone
 * surrogates and bidirectional overrides, future dates, full-width source ids. Each gets a clear
 * 4xx problem naming what is wrong (or, for a full-width id, is the same record), and nothing bad
 * is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../functions/core/json-body';
import { chinaDate } from '../functions/core/china-time';
import { inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

const code = makeCreditCode('91', '330402', 'MA2HXTY1');
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const raw = (path: string, body: string | Uint8Array) => fetch(ex.base + path, { method: 'POST', headers: { authorization: `Bearer ${ex.keys.market}`, 'content-type': 'application/json' }, body });

async function stored(sourceId: string) {
  const page = await ex.call('GET', `/v1/enterprises/${code}/records?limit=100`);
  return (page.body.items ?? []).filter((i: { id: string }) => i.id && JSON.stringify(i).includes(sourceId)).length;
}

describe('nesting', () => {
  it(`a body nested 5,000 levels deep is a 400 naming the limit of ${MAX_JSON_DEPTH}`, async () => {
    const res = await raw('/v1/records', `{"kind":"filing","x":${nested(5000)}}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: unknown[] };
    expect(problem.errors).toEqual([expect.objectContaining({ code: 'max-depth', message: expect.stringContaining(String(MAX_JSON_DEPTH)) })]);
  });

  it('one deeply nested batch item is refused alone; the others are stored', async () => {
    const good = [inspection(code, 'DEEP-1'), inspection(code, 'DEEP-2')];
    const body = `{"records":[${JSON.stringify(good[0])},{"kind":"filing","x":${nested(5000)}},${JSON.stringify(good[1])},${nested(30)}]}`;
    const res = await raw('/v1/records/batch', body);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { results: { status: number; problem: { errors: { code: string }[] } }[]; counts: unknown };
    expect(out.results.map((r) => r.status)).toEqual([201, 400, 201, 400]);
    expect(out.results[1].problem.errors[0].code).toBe('max-depth');
    expect(out.counts).toEqual({ created: 2, replayed: 0, rejected: 2 });
  });

  it('nesting deep anywhere else in a batch refuses the whole body', async () => {
    const res = await raw('/v1/records/batch', `{"records":[],"x":${nested(5000)}}`);
    expect(res.status).toBe(400);
  });
});

describe('text', () => {
  it('a body that is not UTF-8 is a 400 and stores nothing', async () => {
    const json = Buffer.from(JSON.stringify(inspection(code, 'UTF-BAD', { department: 'XX' })));
    const at = json.indexOf('XX');
    json[at] = 0xc3; // a lead byte followed by an ASCII byte: invalid
    json[at + 1] = 0x28;
    const res = await raw('/v1/records', json);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('invalid-utf8');
    expect(await stored('UTF-BAD')).toBe(0);
  });

  it('control characters, lone surrogates and bidirectional overrides are a 422 naming every field', async () => {
    const sample = penalty(code, 'CTRL-1');
    const body = {
      ...sample,
      data: { ...sample.data, decisionNumber: '\u0000\u0000', violationType: 'abc\ud800', facts: '事实\u202e反转', authority: 'tab\there', content: '第一行\n第二行\t缩进' },
    };
    const res = await ex.call('POST', '/v1/records', { body });
    expect(res.status).toBe(422);
    const byPath = Object.fromEntries(res.body.errors.map((e: { path: string; code: string; message: string }) => [e.path, e]));
    expect(Object.keys(byPath).sort()).toEqual(['/data/authority', '/data/decisionNumber', '/data/facts', '/data/violationType']);
    expect(byPath['/data/decisionNumber']).toMatchObject({ code: 'invalid-character', message: expect.stringContaining('U+0000') });
    expect(byPath['/data/violationType'].message).toContain('lone surrogate');
    expect(byPath['/data/facts'].message).toContain('U+202E');
    expect(await stored('CTRL-1')).toBe(0);
  });

  it('the same rule holds for subscription names and feedback comments', async () => {
    const res = await ex.call('POST', '/v1/subscriptions', { body: { name: 'x\u2066y', purpose: 'test', filters: { kinds: ['filing'] } } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/name', code: 'invalid-character' })]);
  });

  it('an Access-Purpose with a control or bidirectional character is a 400', async () => {
    await ex.call('POST', '/v1/records', { body: registration(code, 'REG-PURPOSE') });
    for (const purpose of ['audit%00', 'audit%E2%80%AE', 'ok%07bell']) {
      const res = await ex.call('GET', `/v1/enterprises/${code}`, { purpose });
      expect(res.status, purpose).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'Access-Purpose', code: 'invalid-character' })]);
    }
    expect((await ex.call('GET', `/v1/enterprises/${code}`, { purpose: encodeURIComponent('日常监管') })).status).toBe(200);
  });
});

describe('identity and dates', () => {
  it('a full-width sourceId is the same record as its NFKC form', async () => {
    const first = await ex.call('POST', '/v1/records', { body: inspection(code, 'ＪＣ－２０２６－０１') });
    expect(first.status).toBe(201);
    expect(first.body.sourceId).toBe('JC-2026-01');
    const again = await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-2026-01') });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('an event date more than 7 days ahead is a 422; one within 7 days is accepted', async () => {
    const day = (d: number) => chinaDate(new Date(Date.now() + d * 86_400_000));
    const withData = <T extends { data: object }>(r: T, data: object) => ({ ...r, data: { ...r.data, ...data } });
    const far = await ex.call('POST', '/v1/records', { body: withData(licence(code, 'XK-FUTURE'), { decisionDate: '2206-03-20', validFrom: '2206-03-20', validTo: '2209-03-19' }) });
    expect(far.status).toBe(422);
    expect(far.body.errors).toEqual([expect.objectContaining({ path: '/data/decisionDate', code: 'future-date' })]);
    const regFar = await ex.call('POST', '/v1/records', { body: withData(registration(code, 'REG-FUTURE'), { date: day(9), establishedOn: day(8) }) });
    expect(regFar.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/data/date', '/data/establishedOn']);
    // Validity may run into the future; only when something happened may not.
    expect((await ex.call('POST', '/v1/records', { body: licence(code, 'XK-SOON', { decisionDate: day(6), validFrom: day(6), validTo: '2099-12-31' }) })).status).toBe(201);
  });
});
