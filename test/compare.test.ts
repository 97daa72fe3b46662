/**
 * Batch comparison (批量比对): up to 1,000 credit codes answered in one call from each enterprise's
 * directory item, every enterprise read logged, bad codes named by their index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISES, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
const active = makeCreditCode('91', '330402', 'MA2BJ001');
const closed = makeCreditCode('91', '330411', 'MA2BJ002');
const unknown = makeCreditCode('91', '330402', 'MA2BJ003');
const grocer = ENTERPRISES.grocer.creditCode;

beforeAll(async () => {
  ex = await startExchange({ push: {} });
  const records = [
    registration(active, 'BJ-R1', { name: '嘉兴市南湖区比对餐饮有限公司' }),
    licence(active, 'BJ-L1'),
    licence(active, 'BJ-L2', { certificateNumber: 'JY13304020099999' }),
    inspection(active, 'BJ-I1'),
    penalty(active, 'BJ-P1'),
    registration(closed, 'BJ-R2', { name: '嘉兴市秀洲区旧址贸易有限公司', regionCode: '330411' }),
    registration(closed, 'BJ-R3', { action: 'deregister', date: '2025-06-30', name: '嘉兴市秀洲区旧址贸易有限公司', regionCode: '330411' }),
    registration(grocer, 'BJ-R4', { name: ENTERPRISES.grocer.name }),
  ];
  const posted = await ex.call('POST', '/v1/records/batch', { body: { records } });
  expect(posted.body.counts, JSON.stringify(posted.body)).toMatchObject({ created: records.length });
  // Fan-out keeps each directory entry from the registrations, and counts the records on it.
  await waitFor(
    async () => {
      const entries = await ex.ports.directory.getMany([active, closed, grocer]);
      const counted =
        Object.values(entries.get(active)?.counts ?? {}).reduce((a, b) => a + b, 0) === 5 && entries.get(closed)?.counts?.registration === 2 && entries.get(grocer)?.counts?.registration === 1;
      return [...entries.values()].filter((e) => e.asOf && e.name).length === 3 && entries.get(closed)?.registered === false && counted;
    },
    30_000,
    'the directory',
  );
});
afterAll(() => ex.close());

const compare = (creditCodes: unknown, as: 'market' | 'supervision' | 'transport' = 'market', headers: Record<string, string> = { 'access-purpose': 'test: comparison' }) =>
  ex.call('POST', '/v1/enterprises/compare', { as, body: { creditCodes }, headers });

describe('batch comparison', () => {
  it('answers each code in request order: exists, status, name, region and live records per kind', async () => {
    const res = await compare([active, closed, unknown, grocer, active]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const none = { registration: 0, licence: 0, filing: 0, inspection: 0, penalty: 0 };
    expect(res.body.items).toEqual([
      { creditCode: active, exists: true, status: 'active', name: '嘉兴市南湖区比对餐饮有限公司', regionCode: '330402', counts: { registration: 1, licence: 2, filing: 0, inspection: 1, penalty: 1 } },
      { creditCode: closed, exists: true, status: 'deregistered', name: '嘉兴市秀洲区旧址贸易有限公司', regionCode: '330411', counts: { ...none, registration: 2 } },
      { creditCode: unknown, exists: false, status: 'unregistered', name: null, regionCode: null, counts: none },
      // An individual business's name is personal data: masked without personal:read.
      { creditCode: grocer, exists: true, status: 'active', name: expect.not.stringMatching(ENTERPRISES.grocer.name), regionCode: '330402', counts: { ...none, registration: 1 } },
      expect.objectContaining({ creditCode: active, exists: true }),
    ]);
    expect(res.body.items[3].name).toContain('*');
    const supervisor = await compare([grocer], 'supervision');
    expect(supervisor.body.items[0].name).toBe(ENTERPRISES.grocer.name);
  });

  it('logs every enterprise read with the stated purpose, like a profile read', async () => {
    await compare([active, unknown]);
    const log = await ex.call('GET', `/v1/enterprises/${active}/access-log`, { as: 'supervision' });
    expect(log.body.items).toContainEqual(expect.objectContaining({ resource: 'compare', purpose: 'test: comparison', department: 'market' }));
    const miss = await ex.call('GET', `/v1/enterprises/${unknown}/access-log`, { as: 'supervision' });
    expect(miss.body.items).toContainEqual(expect.objectContaining({ resource: 'compare', found: false }));
  });

  it('takes 1,000 codes in one call', async () => {
    const codes = Array.from({ length: 1000 }, (_, i) => makeCreditCode('91', '330402', `MA2K${String(i).padStart(4, '0')}`));
    codes[500] = active;
    const res = await compare(codes);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1000);
    expect(res.body.items.filter((r: { exists: boolean }) => r.exists).map((r: { creditCode: string }) => r.creditCode)).toEqual([active]);
  });

  it('refuses more than 1,000 codes, or bad ones named by index, and logs nothing', async () => {
    // Reading the log is logged too: only comparison reads are counted.
    const compareReads = async () =>
      (await ex.call('GET', `/v1/enterprises/${active}/access-log?limit=100`, { as: 'supervision' })).body.items.filter((e: { resource: string }) => e.resource === 'compare').length;
    const before = await compareReads();
    const many = await compare(Array.from({ length: 1001 }, () => active));
    expect(many.status).toBe(422);
    expect(many.body.errors).toEqual([expect.objectContaining({ path: '/creditCodes', code: 'too-many' })]);
    const wrongCheck = active.slice(0, 17) + (active[17] === '0' ? '1' : '0');
    const bad = await compare([active, wrongCheck, closed, 'NOT-A-CODE', 42]);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['/creditCodes/1', '/creditCodes/3', '/creditCodes/4']);
    expect((await ex.call('POST', '/v1/enterprises/compare', { body: { codes: [active] }, headers: { 'access-purpose': 'x' } })).body.errors.map((e: { path: string }) => e.path)).toEqual([
      '/creditCodes',
      '/codes',
    ]);
    expect((await compare([active], 'market', {})).status).toBe(400);
    expect((await compare([active], 'transport')).status).toBe(403);
    expect(await compareReads()).toBe(before);
  });
});
