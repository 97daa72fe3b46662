/**
 * A licence granted on a commitment (告知承诺), followed through: public without a key, a
 * verification task to the competent department, rectification ordered, not met in time →
 * revocation requested from the approving department, answered by revoking the licence or by a
 * reason; every overdue step escalated once to the supervising department.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, chinaToday, DEFAULT_CREDIT } from '../functions/core/credit-rules';
import { runCreditDue } from '../functions/core/credit-reactions';
import { inspection, licence, makeCreditCode } from '../local/samples';
import { inboxOf, shiftedClock, startExchange, waitFor, type TestExchange } from './helpers';

const clock = shiftedClock();
let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange({ clock, push: {} });
});
afterAll(() => ex.close());

const today = () => chinaToday(clock.now());
/** Moves the clock to the start of the China date `date`, plus an hour. */
const goTo = clock.goTo;
const inbox = (as: 'health' | 'market' | 'supervision') => inboxOf(ex, as);
const find = (as: 'health' | 'market' | 'supervision', type: string, code: string) =>
  waitFor(async () => (await inbox(as)).find((n) => n.event.type === type && n.event.subject === code), 15_000, type);
const chain = async (id: string) => (await ex.call('GET', `/v1/public/licences/${id}/commitment`, { as: null })).body;

// Public places' hygiene licence: health is the competent department, the market department approves here.
function commitmentLicence(code: string, sourceId: string, decisionDate: string) {
  return licence(code, sourceId, {
    documentName: '公共场所卫生许可决定书',
    documentNumber: `南卫公许〔2026〕${sourceId}号`,
    certificateName: '公共场所卫生许可证',
    certificateNumber: `浙卫公证字〔2026〕第${sourceId}号`,
    content: '住宿场所',
    decisionDate,
    validFrom: decisionDate,
    validTo: '2030-12-31',
    catalogueItemCode: 'ZJ-WJ-PLACE-01',
    grantMode: 'commitment',
    commitment: { promises: ['集中空调通风系统经卫生检测合格', '从业人员取得健康合格证明'], conditionsDue: addDays(decisionDate, 30) },
  });
}
const verification = (code: string, sourceId: string, licenceRecordId: string, date: string, outcome: string, rectifyBy?: string) =>
  inspection(code, sourceId, {
    type: 'commitment-verification',
    department: '嘉兴市南湖区卫生健康局',
    date,
    result: outcome === 'kept' ? 'no-problem' : 'corrected-on-order',
    commitment: { licenceRecordId, outcome: outcome as 'kept', ...(rectifyBy ? { rectifyBy } : {}) },
  });

describe('a licence granted on a commitment', () => {
  it('goes from verification through rectification to revocation, with every overdue step escalated', { timeout: 60_000 }, async () => {
    const code = makeCreditCode('91', '330402', 'MA2K0001');
    const granted = today();
    const posted = await ex.call('POST', '/v1/records', { body: commitmentLicence(code, 'K-1', granted) });
    expect(posted.status).toBe(201);
    const id = posted.body.id as string;

    const task = await find('health', 'cn.edx.commitment.verification-requested', code);
    expect(task.reasons).toEqual(['commitment-verification']);
    const opened = await chain(id);
    expect(opened).toMatchObject({
      step: 'verification-due',
      due: addDays(granted, DEFAULT_CREDIT.verifyWithinDays),
      promises: ['集中空调通风系统经卫生检测合格', '从业人员取得健康合格证明'],
      approvingDepartment: 'market',
      competentDepartment: 'health',
    });
    expect(JSON.stringify(opened)).not.toMatch(/330402198805120027|13857321046|王丽华/);

    // Nobody verifies in time: escalated once.
    goTo(addDays(granted, DEFAULT_CREDIT.verifyWithinDays + 1));
    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ escalated: 1 });
    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ escalated: 0 });
    const late = await find('supervision', 'cn.edx.commitment.overdue', code);
    expect(late.event.data).toMatchObject({ licenceRecordId: id, step: 'verification-due', responsible: 'health' });

    // The verification finds conditions unmet: rectification by a deadline.
    const rectifyBy = addDays(today(), 15);
    const checked = await ex.call('POST', '/v1/records', { as: 'health', body: verification(code, 'JC-K-1', id, today(), 'rectification-ordered', rectifyBy) });
    expect(checked.status).toBe(201);
    await waitFor(async () => (await chain(id)).step === 'rectification-ordered');
    expect((await chain(id)).due).toBe(rectifyBy);
    expect((await ex.call('GET', `/v1/credit/check/${code}`, { as: 'market' })).body.overdueCommitments).toEqual([expect.objectContaining({ licenceRecordId: id })]);

    // Not rectified in time: escalated, and revocation requested from the approving department.
    goTo(addDays(rectifyBy, 1));
    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ revocationsRequested: 1 });
    const request = await find('market', 'cn.edx.commitment.revocation-requested', code);
    expect(request.reasons).toEqual(['commitment-revocation']);
    await waitFor(async () => (await inbox('supervision')).filter((n) => n.event.type === 'cn.edx.commitment.overdue' && n.event.subject === code).length === 2);
    const requested = await chain(id);
    expect(requested).toMatchObject({ step: 'revocation-requested', due: addDays(today(), DEFAULT_CREDIT.revocationAnswerWithinDays) });

    // The request goes unanswered past its due date: escalated once more.
    goTo(addDays(requested.due, 1));
    expect(await runCreditDue(ex.ports, DEFAULT_CREDIT)).toMatchObject({ escalated: 1 });
    await waitFor(async () => (await inbox('supervision')).filter((n) => n.event.type === 'cn.edx.commitment.overdue' && n.event.subject === code).length === 3);

    // The approving department answers with the revoked licence: a correction of the licence record.
    const revoked = await ex.call('POST', '/v1/records', {
      body: { ...commitmentLicence(code, 'K-1', granted), corrects: 1, data: { ...commitmentLicence(code, 'K-1', granted).data, status: 'revoked' } },
    });
    expect(revoked.status).toBe(201);
    const final = await waitFor(async () => {
      const c = await chain(id);
      return c.step === 'revoked' ? c : undefined;
    });
    expect(final.history.map((h: { step: string }) => h.step)).toEqual(['verification-due', 'rectification-ordered', 'revocation-requested', 'revoked']);
    expect(final.escalations.map((e: { step: string }) => e.step)).toEqual(['verification-due', 'rectification-ordered', 'revocation-requested']);
    await waitFor(async () => (await ex.call('GET', `/v1/credit/check/${code}`, { as: 'market' })).body.risk.riskClass === 'D', 15_000, 'class D after a revocation');
    clock.reset();
  });

  it('may end kept, or with the approving department declining to revoke, with its reason', async () => {
    const code = makeCreditCode('91', '330402', 'MA2K0002');
    const a = (await ex.call('POST', '/v1/records', { body: commitmentLicence(code, 'K-2', today()) })).body.id as string;
    const b = (await ex.call('POST', '/v1/records', { body: commitmentLicence(code, 'K-3', today()) })).body.id as string;
    await waitFor(async () => (await chain(a)).step && (await chain(b)).step);

    await ex.call('POST', '/v1/records', { as: 'health', body: verification(code, 'JC-K-2', a, today(), 'kept') });
    await waitFor(async () => (await chain(a)).step === 'kept');

    await ex.call('POST', '/v1/records', { as: 'health', body: verification(code, 'JC-K-3', b, today(), 'rectification-ordered', addDays(today(), 10)) });
    await waitFor(async () => (await chain(b)).step === 'rectification-ordered');
    await ex.call('POST', '/v1/records', { as: 'health', body: verification(code, 'JC-K-4', b, today(), 'not-rectified') });
    await find('market', 'cn.edx.commitment.revocation-requested', code);
    expect((await ex.call('POST', `/v1/licences/${b}/commitment/revocation-answer`, { as: 'health', body: { reason: '不撤销' } })).status).toBe(403);
    const declined = await ex.call('POST', `/v1/licences/${b}/commitment/revocation-answer`, { body: { reason: '经复查，当事人已于期限届满后三日内整改到位，不予撤销' } });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ step: 'revocation-declined' });
    expect(declined.body.history.at(-1)).toMatchObject({ by: 'market', note: '经复查，当事人已于期限届满后三日内整改到位，不予撤销' });
    expect((await ex.call('GET', `/v1/licences/${a}/commitment`, { as: 'credit' })).body.step).toBe('kept');
  });

  it('needs the commitment details a verification inspection carries', async () => {
    const code = makeCreditCode('91', '330402', 'MA2K0003');
    const bad = await ex.call('POST', '/v1/records', { as: 'health', body: { ...inspection(code, 'JC-bad'), data: { ...inspection(code, 'JC-bad').data, type: 'commitment-verification' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: '/data/commitment' })]);
    expect((await ex.call('GET', '/v1/public/licences/rec_00000000000000000000000000/commitment', { as: null })).status).toBe(404);
  });
});
