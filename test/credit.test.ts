/**
 * Credit as departments use it: proposals from heavy penalties reach the credit department's
 * inbox and people decide; the credit check in approval; the gate on commitment licences for a
 * blacklisted enterprise; reports of applied measures; expiries and the three-year proposal by
 * the scheduled job; and the risk class kept current and listed per region and class.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, chinaToday, DEFAULT_CREDIT } from '../functions/core/credit-rules';
import { runCreditDue } from '../functions/core/credit-reactions';
import { inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { inboxOf, shiftedClock, startExchange, waitFor, type TestExchange } from './helpers';

const clock = shiftedClock();
let ex: TestExchange;

beforeAll(async () => {
  ex = await startExchange({ clock, push: {} });
});
afterAll(() => ex.close());

const today = () => chinaToday(clock.now());
const inbox = (as: 'credit' | 'supervision') => inboxOf(ex, as);
const listing = (code: string, sourceId: string, extra: Record<string, unknown> = {}) => ({
  sourceId,
  creditCode: code,
  enterpriseName: '嘉兴市南湖区禾味餐饮管理有限公司',
  reason: '因提供虚假材料被吊销营业执照',
  legalBasis: '《市场监督管理严重违法失信名单管理办法》第九条',
  authority: '嘉兴市南湖区市场监督管理局',
  decisionNumber: `南市监列严〔2025〕${sourceId}号`,
  decisionDate: '2025-09-10',
  ...extra,
});
const risk = async (code: string) => (await ex.call('GET', `/v1/credit/check/${code}`, { as: 'market' })).body.risk;

describe('listing proposals', () => {
  it('a licence revocation raises a proposal in the credit department’s inbox; listing it answers the proposal', async () => {
    const code = makeCreditCode('91', '330402', 'MA2J0001');
    const posted = await ex.call('POST', '/v1/records', {
      body: penalty(code, 'CF-heavy-1', { categories: ['licence-revocation'], fineFen: 0, confiscationFen: 0, revokedLicence: { name: '食品经营许可证', number: 'JY13304020012345' } }),
    });
    expect(posted.status).toBe(201);
    const notice = await waitFor(async () => (await inbox('credit')).find((n) => n.event.type === 'cn.edx.credit.proposal' && n.event.subject === code));
    expect(notice.reasons).toEqual(['credit-proposal']);
    const id = notice.event.data.proposalId as string;
    // Nothing is listed by the proposal itself.
    expect((await ex.call('GET', `/v1/credit/check/${code}`, { as: 'credit' })).body.memberships).toEqual([]);

    const proposal = await ex.call('GET', `/v1/credit/proposals/${id}`, { as: 'credit' });
    expect(proposal.body).toMatchObject({ status: 'open', list: 'blacklist', source: `/v1/records/${posted.body.id}` });
    const listed = await ex.call('POST', '/v1/credit/lists/blacklist/entries', { as: 'credit', body: listing(code, 'P-1', { proposalId: id }) });
    expect(listed.status).toBe(201);
    expect((await ex.call('GET', `/v1/credit/proposals/${id}`, { as: 'credit' })).body).toMatchObject({ status: 'listed', decision: { entryId: listed.body.id, department: 'credit' } });
  });

  it('a fine under the threshold raises nothing; one above it does, and the department may decline', async () => {
    const code = makeCreditCode('91', '330402', 'MA2J0002');
    await ex.call('POST', '/v1/records', { body: penalty(code, 'CF-small', { fineFen: 500_000 }) });
    await ex.call('POST', '/v1/records', { body: penalty(code, 'CF-big', { fineFen: 20_000_000, content: '罚款人民币贰拾万元' }) });
    const notices = await waitFor(async () => {
      const mine = (await inbox('credit')).filter((n) => n.event.type === 'cn.edx.credit.proposal' && n.event.subject === code);
      return mine.length ? mine : undefined;
    });
    expect(notices).toHaveLength(1);
    expect(notices[0].event.data.grounds).toContain('fine of 20000000 fen');
    const id = notices[0].event.data.proposalId as string;
    const rejected = await ex.call('POST', `/v1/credit/proposals/${id}/rejection`, { as: 'credit', body: { reason: '当事人已主动消除危害后果，不予列入' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', decision: { reason: '当事人已主动消除危害后果，不予列入' } });
    expect((await ex.call('POST', `/v1/credit/proposals/${id}/rejection`, { as: 'market', body: { reason: 'x' } })).status).toBe(403);
  });
});

describe('the credit check in approval', () => {
  const code = makeCreditCode('91', '330402', 'MA2J0003');

  it('answers memberships, the measures for the item with their legal basis, and the risk class; and is logged', async () => {
    await ex.call('POST', '/v1/records', { body: registration(code, 'DJ-check-1') });
    await ex.call('POST', '/v1/credit/lists/blacklist/entries', { as: 'credit', body: listing(code, 'C-1') });
    await waitFor(async () => (await risk(code)).riskClass === 'D', 15_000, 'the listing reaches the risk class');
    const check = await ex.call('GET', `/v1/credit/check/${code}?item=ZJ-WJ-PLACE-01`, { as: 'market', purpose: encodeURIComponent('行政许可审批 信用核查') });
    expect(check.status).toBe(200);
    expect(check.body.item).toMatchObject({ code: 'ZJ-WJ-PLACE-01', reformMode: 'commitment' });
    expect(check.body.memberships.map((m: { list: string }) => m.list)).toEqual(['blacklist']);
    expect(check.body.commitmentAllowed).toBe(false);
    const measures = Object.fromEntries(check.body.measures.map((m: { id: string; legalBasis: string[] }) => [m.id, m.legalBasis]));
    expect(Object.keys(measures)).toEqual(expect.arrayContaining(['no-commitment', 'strict-review', 'no-fast-track', 'key-supervision']));
    expect(measures['no-commitment'].join()).toContain('国办发〔2020〕42号');
    expect(check.body.risk).toMatchObject({ riskClass: 'D', regionCode: '330402' });

    const log = await ex.call('GET', `/v1/enterprises/${code}/access-log`, { as: 'supervision' });
    expect(log.body.items[0]).toMatchObject({ department: 'market', resource: 'credit-check:ZJ-WJ-PLACE-01', purpose: '行政许可审批 信用核查' });
    expect((await ex.call('GET', `/v1/credit/check/${code}`, { as: 'market', purpose: null })).status).toBe(400);
    expect((await ex.call('GET', `/v1/credit/check/${code}?item=NO-SUCH`, { as: 'market' })).status).toBe(422);
  });

  it('rejects a licence on a commitment for a blacklisted enterprise with the reason, and accepts an ordinary one with a warning the credit department hears of', async () => {
    const refused = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-commit-1', { catalogueItemCode: 'ZJ-WJ-PLACE-01', grantMode: 'commitment' }) });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ type: '/problems/credit-blacklisted', measure: 'no-commitment', errors: [{ path: '/data/grantMode', code: 'credit-blacklisted' }] });
    expect(refused.body.detail).toContain('南市监列严〔2025〕C-1号');

    const ordinary = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-ordinary-1', { grantMode: 'ordinary' }) });
    expect(ordinary.status).toBe(201);
    expect(ordinary.body.warnings).toEqual([expect.objectContaining({ path: '/creditCode', code: 'credit-blacklisted' })]);
    const told = await waitFor(async () => (await inbox('credit')).find((n) => n.event.type === 'cn.edx.credit.blacklisted-licence' && n.event.subject === code));
    expect(told.event.data).toMatchObject({ recordId: ordinary.body.id, postedBy: 'market' });
  });

  it('takes reports of applied measures and lists them for the credit department', async () => {
    const report = { creditCode: code, item: 'ZJ-WJ-PLACE-01', measure: 'no-commitment', action: '不予适用告知承诺，按一般程序审批', caseNumber: '南卫许〔2026〕18号' };
    const posted = await ex.call('POST', '/v1/credit/reports', { as: 'market', body: report });
    expect(posted.status).toBe(201);
    expect((await ex.call('POST', '/v1/credit/reports', { as: 'market', body: { creditCode: code } })).body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/action', '/measure']);
    const listed = await ex.call('GET', '/v1/credit/reports', { as: 'credit' });
    expect(listed.body.items).toEqual([expect.objectContaining({ ...report, department: 'market' })]);
    expect((await ex.call('GET', '/v1/credit/reports', { as: 'market' })).status).toBe(403);
  });
});

describe('risk class', () => {
  it('moves as records and listings arrive, and is listed per region and class', async () => {
    const code = makeCreditCode('91', '330402', 'MA2J0004');
    await ex.call('POST', '/v1/records', { body: registration(code, 'DJ-risk-1') });
    await waitFor(
      async () =>
        (await risk(code)).computedAt &&
        (await ex.call('GET', '/v1/credit/risk?region=330402&class=B&limit=100', { as: 'credit' })).body.items.some((r: { creditCode: string }) => r.creditCode === code),
    );

    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-risk-1', { date: today() }) });
    await waitFor(async () => (await risk(code)).riskClass === 'A', 15_000, 'class A after a clean inspection');

    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-risk-2', { date: today(), result: 'false-publicity' }) });
    await waitFor(async () => (await risk(code)).riskClass === 'C', 15_000, 'class C after a problem');

    await ex.call('POST', '/v1/credit/lists/abnormal/entries', { as: 'credit', body: listing(code, 'A-risk-1', { reason: '未按规定期限公示年度报告', decisionDate: today() }) });
    await ex.call('POST', '/v1/credit/lists/blacklist/entries', { as: 'credit', body: listing(code, 'B-risk-1') });
    await waitFor(async () => (await risk(code)).riskClass === 'D', 15_000, 'class D on the blacklist');
    const listed = await waitFor(async () => {
      const page = await ex.call('GET', '/v1/credit/risk?region=330402&class=D&limit=100', { as: 'credit' });
      return page.body.items.find((r: { creditCode: string }) => r.creditCode === code);
    });
    expect(listed).toMatchObject({ regionCode: '330402', riskClass: 'D' });
    expect((await ex.call('GET', '/v1/credit/risk?region=3304&class=E', { as: 'credit' })).body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['class', 'region']);
  });
});

describe('time-based transitions', () => {
  it('expire a blacklist entry on its planned end and raise a blacklist proposal after three years on 经营异常名录', async () => {
    const code = makeCreditCode('91', '330402', 'MA2J0005');
    const other = makeCreditCode('91', '330402', 'MA2J0006');
    const entry = (await ex.call('POST', '/v1/credit/lists/blacklist/entries', { as: 'credit', body: listing(code, 'E-1', { decisionDate: '2025-10-01' }) })).body;
    expect(entry.plannedEnd).toBe('2028-10-01');
    const abnormal = (await ex.call('POST', '/v1/credit/lists/abnormal/entries', { as: 'credit', body: listing(other, 'E-2', { decisionDate: '2025-10-01', reason: '通过登记的住所无法联系' }) })).body;
    const head = async () => (await ex.call('GET', '/v1/credit/lists/blacklist', { as: 'credit' })).body.followFrom as string;
    const before = await head();

    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ expired: 0, proposed: 0 });
    clock.goTo(addYears('2025-10-01', 3));
    const done = await runCreditDue(ex.ports, DEFAULT_CREDIT);
    expect(done.expired).toBeGreaterThanOrEqual(1);
    expect(done.proposed).toBeGreaterThanOrEqual(1);

    const history = (await ex.call('GET', `/v1/public/credit/lists/blacklist/enterprises/${code}`, { as: null })).body;
    expect(history.current).toBeNull();
    expect(history.past[0]).toMatchObject({ id: entry.id, removal: { reason: 'expiry', date: '2028-10-01', department: 'system' } });
    const changes = (await ex.call('GET', `/v1/credit/lists/blacklist/changes?cursor=${before}&limit=100`, { as: 'credit' })).body.items;
    expect(changes.filter((c: { entry: { creditCode: string } }) => c.entry.creditCode === code).map((c: { change: string }) => c.change)).toEqual(['expired']);

    const proposal = await waitFor(async () => (await inbox('credit')).find((n) => n.event.type === 'cn.edx.credit.proposal' && n.event.subject === other));
    expect(proposal.event.data.grounds).toContain(abnormal.decisionNumber);
    // The same day again does nothing twice.
    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ expired: 0, proposed: 0 });
    clock.reset();
  });
});
