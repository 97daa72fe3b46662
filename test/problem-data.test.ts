/**
 * Problem data (问题数据处理) end to end, on the real local services: records posted through the API,
 * the stream fan-out running the checks, the problem items in the poster's inbox and list, closed by
 * a corrected version or by the department's explanation, and kept from every other department.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanoutBatch } from '../functions/core/fanout';
import { CHECK_NAMES } from '../functions/core/problem-data';
import { filing, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import type { Notification } from '../schemas/events';
import { ProblemDataItem } from '../schemas/problem-data';
import { startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange({ push: { fanout: { problemChecks: CHECK_NAMES } } });
});
afterAll(() => ex.close());

const code = (body: string) => makeCreditCode('91', '330402', body);
const unknownCo = code('MA2PDT01');
const deregisteredCo = code('MA2PDT02');
const restaurant = code('MA2PDT03');
const haulier = code('MA2PDT04');
const lateCo = code('MA2PDT06');

type Item = ReturnType<typeof ProblemDataItem.parse>;
const post = async (body: unknown, as: TestClient = 'market') => {
  const res = await ex.call('POST', '/v1/records', { as, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; version: number };
};
const list = async (as: TestClient, query = '') => {
  const res = await ex.call('GET', `/v1/problem-data${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Item[]; next?: string };
};
/** The item fan-out raised on a record, once it is there. */
const raisedOn = (as: TestClient, recordId: string, status = 'open') =>
  waitFor(async () => (await list(as, `?status=${status}&limit=100`)).items.find((p) => p.recordId === recordId), 15_000, `a problem item on ${recordId}`);
const problemNotices = async (as: TestClient) => ((await ex.call('GET', '/v1/inbox?limit=100', { as })).body.items as Notification[]).filter((n) => n.event.type === 'cn.edx.problem-data.raised');

const roadLicence = (creditCode: string, sourceId: string) =>
  licence(creditCode, sourceId, {
    documentName: '道路运输经营许可决定书',
    documentNumber: '南交运许〔2025〕41号',
    certificateName: '道路运输经营许可证',
    certificateNumber: '浙交运管许可嘉字330402300141号',
    content: '道路普通货物运输',
    catalogueItemCode: 'ZJ-JT-ROAD-02',
  });

describe('checks as records arrive', () => {
  it('a licence for an enterprise the exchange holds no registration of becomes an item in the poster’s list and inbox', async () => {
    const rec = await post(licence(unknownCo, 'PD-XK-1'));
    const item = await raisedOn('market', rec.id);
    expect(ProblemDataItem.safeParse(item).success).toBe(true);
    expect(item).toMatchObject({ department: 'market', recordId: rec.id, version: 1, kind: 'licence', creditCode: unknownCo, check: 'unknown-enterprise', status: 'open' });
    const notice = await waitFor(async () => (await problemNotices('market')).find((n) => n.event.data.problemId === item.id), 15_000, 'the notification');
    expect(notice.event).toMatchObject({ subject: unknownCo, source: `/v1/problem-data/${item.id}`, data: { recordId: rec.id, check: 'unknown-enterprise' } });
    expect((await ex.call('GET', `/v1/problem-data/${item.id}`, { as: 'market' })).body).toEqual(item);
  });

  it('a filing and an inspection for an unknown enterprise are items of their posters', async () => {
    const filed = await post(filing(unknownCo, 'PD-BA-1'));
    const inspected = await post(inspection(unknownCo, 'PD-JC-1'), 'health');
    expect(await raisedOn('market', filed.id)).toMatchObject({ kind: 'filing', check: 'unknown-enterprise' });
    expect(await raisedOn('health', inspected.id)).toMatchObject({ kind: 'inspection', check: 'unknown-enterprise', department: 'health' });
    await waitFor(async () => (await problemNotices('health')).length === 1, 15_000, 'health’s notification');
  });

  it('the registration arriving later closes the unknown-enterprise items waiting for it, and a replay opens none again', async () => {
    const licensed = await post(roadLicence(lateCo, 'PD-YS-6'), 'transport');
    const filed = await post(filing(lateCo, 'PD-BA-6'));
    const items = [await raisedOn('transport', licensed.id), await raisedOn('market', filed.id)];
    expect(items.map((p) => p.check)).toEqual(['unknown-enterprise', 'unknown-enterprise']);

    const reg = await post(registration(lateCo, 'PD-DJ-6', { businessScope: { licensed: ['道路货物运输（不含危险货物）'], general: [] } }));
    const closed = [await raisedOn('transport', licensed.id, 'closed'), await raisedOn('market', filed.id, 'closed')];
    for (const [i, c] of closed.entries()) {
      expect(c).toMatchObject({ id: items[i].id, status: 'closed', closure: { reason: 'registered', registrationRecordId: reg.id, by: { department: 'market', clientId: ex.clientIds.market } } });
      expect(ProblemDataItem.safeParse(c).success).toBe(true);
    }
    expect((await list('transport', '?limit=100')).items.map((p) => p.id)).not.toContain(items[0].id);

    // The licence's change handled again (a stream replay) finds its item closed and raises nothing.
    const config = ex.push?.fanoutConfig ?? { ackWithinHours: 72, supervisingDepartment: 'supervision' };
    const [version] = await ex.ports.records.versions(licensed.id);
    expect(await fanoutBatch(ex.ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'record-version', value: version } }], config)).toEqual({ notifications: 0 });
    expect((await ex.call('GET', `/v1/problem-data/${items[0].id}`, { as: 'transport' })).body).toMatchObject({ status: 'closed', closure: { reason: 'registered' } });
    expect(await ex.ports.problemData.waitingForRegistration(lateCo)).toEqual([]);
  });

  it('a licence decided after the enterprise was deregistered is an item', async () => {
    await post(registration(deregisteredCo, 'PD-DJ-2', { action: 'deregister', date: '2025-06-30', deregistrationReason: '决议解散' }));
    const rec = await post(licence(deregisteredCo, 'PD-XK-2', { decisionDate: '2025-07-10', validFrom: '2025-07-10' }));
    expect(await raisedOn('market', rec.id)).toMatchObject({ check: 'deregistered-enterprise', facts: { deregisteredOn: '2025-06-30', recordDate: '2025-07-10' } });
  });

  it('a licence whose item the registered scope does not need is an item, and the corrected version closes it', async () => {
    await post(registration(restaurant, 'PD-DJ-3'));
    const rec = await post(roadLicence(restaurant, 'PD-YS-3'), 'transport');
    const item = await raisedOn('transport', rec.id);
    expect(item).toMatchObject({ check: 'out-of-scope', facts: { catalogueItemCode: 'ZJ-JT-ROAD-02' } });

    const corrected = await post({ ...licence(restaurant, 'PD-YS-3'), corrects: 1 }, 'transport');
    const closed = await raisedOn('transport', rec.id, 'closed');
    expect(closed).toMatchObject({ id: item.id, status: 'closed', closure: { reason: 'corrected', version: corrected.version, by: { department: 'transport', clientId: ex.clientIds.transport } } });
    expect(closed.closedAt).toBe(closed.closure?.at);
    expect((await list('transport')).items.map((p) => p.id)).not.toContain(item.id);
  });

  it('a penalty revoking a licence that is not on record is an item', async () => {
    await post(registration(haulier, 'PD-DJ-4', { businessScope: { licensed: ['道路货物运输（不含危险货物）'], general: [] } }));
    const rec = await post(
      penalty(haulier, 'PD-CF-4', { categories: ['licence-revocation'], fineFen: 0, confiscationFen: 0, revokedLicence: { name: '道路运输经营许可证', number: '浙交运管许可嘉字330402399999号' } }),
    );
    expect(await raisedOn('market', rec.id)).toMatchObject({ kind: 'penalty', check: 'revoked-licence-missing', facts: { revokedLicenceNumber: '浙交运管许可嘉字330402399999号' } });
  });

  it('a clean record raises nothing, and a replayed change raises nothing twice', async () => {
    await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: '问题数据', purpose: 'test: problem data', filters: { creditCodes: [haulier] } } });
    const clean = await post(roadLicence(haulier, 'PD-YS-5'), 'transport');
    // Fan-out runs the checks before it writes a change's notifications: once credit has the record, they ran.
    await waitFor(
      async () => ((await ex.call('GET', '/v1/inbox?limit=100', { as: 'credit' })).body.items as Notification[]).some((n) => n.event.data.recordId === clean.id),
      15_000,
      'credit’s notification',
    );
    expect((await list('transport', '?limit=100')).items.filter((p) => p.recordId === clean.id)).toEqual([]);

    const before = { market: await problemNotices('market'), items: (await list('market', '?limit=100')).items };
    const config = ex.push?.fanoutConfig ?? { ackWithinHours: 72, supervisingDepartment: 'supervision' };
    const replayed = before.items.find((p) => p.creditCode === unknownCo);
    const [version] = await ex.ports.records.versions(replayed?.recordId ?? '');
    expect(await fanoutBatch(ex.ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'record-version', value: version } }], config)).toEqual({ notifications: 0 });
    expect(await problemNotices('market')).toEqual(before.market);
    expect((await list('market', '?limit=100')).items).toEqual(before.items);
  });
});

describe('listing', () => {
  it('pages with sealed cursors, filters by check, and names each bad parameter', async () => {
    const first = await list('market', '?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.next).toBeDefined();
    const second = await list('market', `?limit=1&cursor=${encodeURIComponent(first.next ?? '')}`);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect(second.items[0].raisedAt <= first.items[0].raisedAt).toBe(true);
    // A cursor is bound to its listing: another filter does not take it.
    expect((await ex.call('GET', `/v1/problem-data?kind=out-of-scope&cursor=${encodeURIComponent(first.next ?? '')}`, { as: 'market' })).status).toBe(400);

    const deregistered = await list('market', '?kind=deregistered-enterprise');
    expect(deregistered.items.map((p) => p.check)).toEqual(['deregistered-enterprise']);

    const bad = await ex.call('GET', '/v1/problem-data?status=pending&kind=typo&limit=0', { as: 'market' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['kind', 'limit', 'status']);
  });
});

describe('explanations and least privilege', () => {
  it('the posting department explains an item, which closes it once; bad input changes nothing', async () => {
    const item = (await list('market', '?kind=unknown-enterprise&limit=100')).items.find((p) => p.kind === 'licence');
    if (!item) throw new Error('no unknown-enterprise licence item');
    const url = `/v1/problem-data/${item.id}/explanation`;

    const bad = await ex.call('POST', url, { as: 'market', body: { reason: '   ', note: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/note', '/reason']);
    expect((await ex.call('GET', `/v1/problem-data/${item.id}`, { as: 'market' })).body.status).toBe('open');

    const explained = await ex.call('POST', url, { as: 'market', body: { reason: '该企业由外省迁入，登记信息尚未推送至本平台' } });
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({
      status: 'closed',
      closure: { reason: 'explained', explanation: '该企业由外省迁入，登记信息尚未推送至本平台', by: { department: 'market', clientId: ex.clientIds.market } },
    });
    const again = await ex.call('POST', url, { as: 'market', body: { reason: '再次说明' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(explained.body);
    expect((await list('market', '?status=closed&limit=100')).items.map((p) => p.id)).toContain(item.id);
  });

  it('another department can neither see nor explain an item; a supervisor lists any department’s', async () => {
    const [item] = (await list('market', '?limit=1')).items;
    expect((await ex.call('GET', `/v1/problem-data/${item.id}`, { as: 'transport' })).status).toBe(404);
    expect((await ex.call('POST', `/v1/problem-data/${item.id}/explanation`, { as: 'transport', body: { reason: '不是我们的' } })).status).toBe(404);
    expect((await ex.call('POST', `/v1/problem-data/${item.id}/explanation`, { as: 'supervision', body: { reason: '督办' } })).status).toBe(404);
    expect((await list('transport', '?limit=100')).items.some((p) => p.department !== 'transport')).toBe(false);
    expect((await ex.call('GET', '/v1/problem-data?department=market', { as: 'transport' })).status).toBe(403);
    // Credit posts no records but reads its inbox, so it may list its own items: it has none.
    expect((await list('credit')).items).toEqual([]);

    const overseen = await list('supervision', '?department=market&limit=100');
    expect(overseen.items.map((p) => p.id)).toContain(item.id);
    expect((await ex.call('GET', `/v1/problem-data/${item.id}`, { as: 'market' })).body.status).toBe('open');
  });
});
