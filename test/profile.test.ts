/**
 * Supervisors read profiles: the current picture in one call, history a page at a time, single
 * records with versions, personal data masked without the scope, and every read logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Profile, HistoryPage, AccessLogPage } from '../schemas/api';
import { RecordWithVersions } from '../schemas/records';
import { filing, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { verifyAccessLog } from '../functions/core/access-log';
import { manualClock, startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
const clock = manualClock('2026-11-27T02:00:00.000Z');
const code = makeCreditCode('91', '330402', 'MA2PRF01');

beforeAll(async () => {
  ex = await startExchange({ clock });
  const post = async (body: unknown, as: 'market' | 'transport' = 'market') => {
    const res = await ex.call('POST', '/v1/records', { body, as });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    clock.advance(1000);
  };
  await post(registration(code, 'DJ-1', { name: '嘉兴市南湖区画像测试有限公司' }));
  await post(registration(code, 'DJ-2', { action: 'change', date: '2025-05-06', name: '嘉兴市南湖区画像测试科技有限公司' }));
  await post(licence(code, 'XK-valid', { validTo: '2099-12-31' }));
  await post(licence(code, 'XK-expired', { decisionDate: '2019-03-01', validFrom: '2019-03-01', validTo: '2024-02-28' }));
  await post(licence(code, 'XK-revoked', { status: 'revoked' }));
  await post(licence(code, 'XK-future', { decisionDate: '2026-11-20', validFrom: '2026-12-01', validTo: '2031-11-30' }));
  await post(filing(code, 'BA-1'));
  for (let i = 0; i < 12; i++) await post(inspection(code, `JC-${i}`, { date: `2025-${String(i + 1).padStart(2, '0')}-15` }));
  await post(penalty(code, 'CF-1'));
});
afterAll(() => ex.close());

describe('profile', () => {
  it('gives the current picture in one call', async () => {
    const res = await ex.call('GET', `/v1/enterprises/${code}`, { as: 'credit' });
    expect(res.status).toBe(200);
    const p = Profile.parse(res.body);
    expect(p).toMatchObject({ creditCode: code, entityKind: 'enterprise', name: '嘉兴市南湖区画像测试科技有限公司', status: 'active', asOf: '2026-11-27' });
    expect(p.registration).toMatchObject({ action: 'change', date: '2025-05-06', postedBy: 'market' });
    expect(p.counts).toEqual({ registration: 2, licence: 4, validLicence: 1, filing: 1, inspection: 12, penalty: 1 });
    expect(p.licences.map((l) => l.certificateNumber ?? l.id)).toHaveLength(1);
    expect(p.inspections).toHaveLength(10);
    expect(p.inspections[0].date).toBe('2025-12-15');
    expect(p.penalties[0]).toMatchObject({ fineFen: 5_000_000, decisionNumber: '南市监处罚〔2025〕112号' });
  });

  it('never carries personal data, whatever the scope', async () => {
    const res = await ex.call('GET', `/v1/enterprises/${code}`, { as: 'supervision' });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('330402198805120027');
    expect(text).not.toContain('13857321046');
  });

  it('shows a deregistered enterprise as such', async () => {
    const c = makeCreditCode('92', '330402', 'MA2PRF02');
    await ex.call('POST', '/v1/records', { body: registration(c, 'DJ-a', { entityType: '个体工商户', date: '2022-01-05', establishedOn: '2022-01-05' }) });
    await ex.call('POST', '/v1/records', { body: registration(c, 'DJ-b', { action: 'deregister', date: '2026-06-30', establishedOn: '2022-01-05', deregistrationReason: '决议解散' }) });
    const p = (await ex.call('GET', `/v1/enterprises/${c}`)).body;
    expect(p).toMatchObject({ status: 'deregistered', entityKind: 'individual-business' });
  });

  it('answers 404 for an enterprise with no records and 400 for a malformed code', async () => {
    expect((await ex.call('GET', `/v1/enterprises/${makeCreditCode('91', '330402', 'MA2N0NE0')}`)).status).toBe(404);
    const bad = await ex.call('GET', `/v1/enterprises/${code.slice(0, 17)}0`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'creditCode', code: 'credit-code-check-char' });
  });

  it('needs the profiles:read scope', async () => {
    const res = await ex.call('GET', `/v1/enterprises/${code}`, { as: 'transport' });
    expect(res.status).toBe(403);
  });

  it('needs a stated purpose', async () => {
    const res = await ex.call('GET', `/v1/enterprises/${code}`, { purpose: null });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('Access-Purpose');
  });
});

describe('history', () => {
  it('pages through all kinds newest first without gaps or repeats', async () => {
    const seen: { id: string; date: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await ex.call('GET', `/v1/enterprises/${code}/records?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = HistoryPage.parse(res.body);
      seen.push(...page.items);
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(20);
    expect(new Set(seen.map((s) => s.id)).size).toBe(20);
    expect(pages).toBe(5);
    const dates = seen.map((s) => s.date);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('filters by kind', async () => {
    const res = await ex.call('GET', `/v1/enterprises/${code}/records?kind=licence`);
    expect(res.body.items.map((i: { kind: string }) => i.kind)).toEqual(['licence', 'licence', 'licence', 'licence']);
    expect(res.body.next).toBeUndefined();
  });

  it.each([
    ['a cursor it never issued', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['an unknown kind', '?kind=permit', 'kind'],
    ['a limit out of range', '?limit=1000', 'limit'],
    ['an unknown parameter', '?sort=asc', 'sort'],
  ])('rejects %s with 400', async (_n, query, path) => {
    const res = await ex.call('GET', `/v1/enterprises/${code}/records${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('single records and personal data', () => {
  it('masks personal fields without personal:read and shows them with it', async () => {
    const posted = await ex.call('POST', '/v1/records', { body: registration(code, 'DJ-privacy') });
    const masked = await ex.call('GET', `/v1/records/${posted.body.id}`, { as: 'credit' });
    expect(RecordWithVersions.safeParse(masked.body).success).toBe(true);
    expect(masked.body.data.legalRepresentative).toEqual({ name: '王丽华', idDocument: { type: 'resident-id', number: '33************0027' }, phone: '13*****1046' });
    expect(masked.body.versions[0].data.legalRepresentative.phone).toBe('13*****1046');
    const clear = await ex.call('GET', `/v1/records/${posted.body.id}`, { as: 'supervision' });
    expect(clear.body.data.legalRepresentative.idDocument.number).toBe('330402198805120027');
  });

  it('masks personal data in the response to the post itself when the poster lacks the scope', async () => {
    const res = await ex.call('POST', '/v1/records', { body: penalty(code, 'CF-privacy') });
    expect(res.body.data.legalRepresentative.idDocument.number).toBe('33************0027');
  });

  it('lets the posting department read its own record without profiles:read, and nobody else', async () => {
    const posted = await ex.call('POST', '/v1/records', { as: 'transport', body: inspection(code, 'JC-own') });
    expect((await ex.call('GET', `/v1/records/${posted.body.id}`, { as: 'transport' })).status).toBe(200);
    const other = await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-other') });
    expect((await ex.call('GET', `/v1/records/${other.body.id}`, { as: 'transport' })).status).toBe(404);
  });

  it('answers 404 for an unknown record id', async () => {
    expect((await ex.call('GET', '/v1/records/rec_00000000000000000000000000')).status).toBe(404);
    expect((await ex.call('GET', '/v1/records/../../etc')).status).toBe(404);
  });
});

describe('access log', () => {
  it('records who read what, when and why, for the auditor only', async () => {
    const c = makeCreditCode('91', '330402', 'MA2L0G01');
    const r = await ex.call('POST', '/v1/records', { body: inspection(c, 'JC-log') });
    clock.set('2026-11-27T03:00:00.000Z');
    await ex.call('GET', `/v1/enterprises/${c}`, { as: 'credit', purpose: encodeURIComponent('信用审查 2026-118') });
    clock.advance(1000);
    await ex.call('GET', `/v1/enterprises/${c}/records?kind=inspection`, { as: 'market', purpose: encodeURIComponent('双随机抽查准备') });
    clock.advance(1000);
    await ex.call('GET', `/v1/records/${r.body.id}`, { as: 'supervision', purpose: encodeURIComponent('复核') });

    expect((await ex.call('GET', `/v1/enterprises/${c}/access-log`, { as: 'credit' })).status).toBe(403);
    const log = await ex.call('GET', `/v1/enterprises/${c}/access-log`, { as: 'supervision' });
    expect(log.status).toBe(200);
    const page = AccessLogPage.parse(log.body);
    expect(page.items.map((i) => [i.clientId, i.purpose, i.resource])).toEqual([
      [ex.clientIds.supervision, '复核', `record:${r.body.id}`],
      [ex.clientIds.market, '双随机抽查准备', 'history:inspection'],
      [ex.clientIds.credit, '信用审查 2026-118', 'profile'],
    ]);
    expect(page.items[2].at).toBe('2026-11-27T03:00:00.000Z');

    // Reading the log was logged too: newest first, a page continues where the last one stopped.
    const first = await ex.call('GET', `/v1/enterprises/${c}/access-log?limit=2`, { as: 'supervision', purpose: encodeURIComponent('年度审计') });
    expect(first.body.items.map((i: { resource: string }) => i.resource)).toEqual(['access-log', `record:${r.body.id}`]);
    expect(first.body.items[0]).toMatchObject({ clientId: ex.clientIds.supervision, purpose: 'test: supervision' });
    const second = await ex.call('GET', `/v1/enterprises/${c}/access-log?limit=2&cursor=${first.body.next}`, { as: 'supervision' });
    expect(second.body.items.map((i: { resource: string }) => i.resource)).toEqual(['history:inspection', 'profile']);
  });

  it('needs a stated purpose to read the access log, and keeps it as a hash chain that shows any rewritten entry', async () => {
    const c = makeCreditCode('91', '330402', 'MA2L0G03');
    await ex.call('POST', '/v1/records', { body: inspection(c, 'JC-chain') });
    const noPurpose = await ex.call('GET', `/v1/enterprises/${c}/access-log`, { as: 'supervision', purpose: null });
    expect(noPurpose.status).toBe(400);
    expect(noPurpose.body.errors).toEqual([expect.objectContaining({ path: 'Access-Purpose', code: 'purpose-required' })]);
    // Reads of one enterprise at the same moment each get their own place in the chain.
    await Promise.all(Array.from({ length: 8 }, (_, i) => ex.call('GET', `/v1/enterprises/${c}`, { as: 'credit', purpose: encodeURIComponent(`并发 ${i}`) })));
    const log = AccessLogPage.parse((await ex.call('GET', `/v1/enterprises/${c}/access-log?limit=50`, { as: 'supervision' })).body);
    expect(log.items.map((e) => e.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(verifyAccessLog(log.items)).toEqual({ ok: true, entries: 8 });
    const rewritten = log.items.map((e) => (e.seq === 3 ? { ...e, purpose: '改写' } : e));
    expect(verifyAccessLog(rewritten)).toMatchObject({ ok: false, seq: 3, reason: 'hash-mismatch' });
    expect(verifyAccessLog(log.items.filter((e) => e.seq !== 5))).toMatchObject({ ok: false, seq: 5, reason: 'gap' });
  });

  it('logs a read that found nothing too, marked as a miss', async () => {
    const c = makeCreditCode('91', '330402', 'MA2L0G02');
    expect((await ex.call('GET', `/v1/enterprises/${c}`, { as: 'credit', purpose: 'probe' })).status).toBe(404);
    const log = await ex.call('GET', `/v1/enterprises/${c}/access-log`, { as: 'supervision' });
    expect(AccessLogPage.parse(log.body).items).toEqual([expect.objectContaining({ purpose: 'probe', resource: 'profile', found: false })]);

    await ex.call('POST', '/v1/records', { body: inspection(c, 'JC-miss') });
    expect((await ex.call('GET', `/v1/enterprises/${c}`, { as: 'credit', purpose: 'found' })).status).toBe(200);
    const after = AccessLogPage.parse((await ex.call('GET', `/v1/enterprises/${c}/access-log`, { as: 'supervision' })).body);
    const hit = after.items.find((i) => i.purpose === 'found');
    expect(hit).toBeDefined();
    expect(hit).not.toHaveProperty('found');
  });
});
