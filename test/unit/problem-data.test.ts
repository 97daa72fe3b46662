/**
 * Problem data (问题数据处理) against in-memory ports: what each check finds as fan-out handles a
 * record, what it leaves alone, and how a later version closes what an earlier one raised.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../schemas/event-types';
import { fanoutBatch, type FanoutConfig } from '../../functions/core/fanout';
import { ingestRecord } from '../../functions/core/ingest';
import type { ApiClient } from '../../functions/core/model';
import { findProblems, parseProblemId, problemId } from '../../functions/core/problem-data';
import { ENTERPRISES, filing, inspection, licence, makeCreditCode, penalty, registration } from '../../local/samples';
import type { RecordInput } from '../../schemas/records';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';

const config: FanoutConfig = { ackWithinHours: 72, supervisingDepartment: 'supervision' };
const client = (department: string, kinds: string[]): ApiClient => ({
  clientId: `c${department.padEnd(12, '0').slice(0, 12)}`,
  department,
  name: department,
  scopes: kinds.map((k) => `records:write:${k}`) as ApiClient['scopes'],
  keyHash: '00',
  createdAt: '2026-11-01T00:00:00Z',
});
const registrar = client('market', ['registration', 'licence', 'filing', 'inspection', 'penalty']);
const transport = client('transport', ['licence', 'penalty']);
const { restaurant, haulier } = ENTERPRISES;

/** The road transport licence of the samples, as another enterprise's. */
const roadLicence = (code: string, sourceId: string) =>
  licence(code, sourceId, {
    documentName: '道路运输经营许可决定书',
    documentNumber: '南交运许〔2023〕97号',
    certificateName: '道路运输经营许可证',
    certificateNumber: '浙交运管许可嘉字330402300097号',
    content: '道路普通货物运输',
    catalogueItemCode: 'ZJ-JT-ROAD-02',
  });

let ports: MemoryPorts;
let seq = 0;
/** Posts a record and lets fan-out handle its version, as the stream would. */
async function post(by: ApiClient, input: RecordInput) {
  const { record } = await ingestRecord(ports, by, input);
  const out = await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: String(++seq), after: { type: 'record-version', value: record } }], config);
  expect(out.failed).toBeUndefined();
  return record;
}
const items = () => [...ports.problemData.items.values()];
const inbox = (department: string) => [...ports.notifications.notifications.values()].filter((n) => n.department === department && n.event.type === EVENT_TYPES.problemDataRaised);

beforeEach(() => {
  ports = memoryPorts();
});

describe('checks against the enterprise', () => {
  it('raises unknown-enterprise for a licence, filing and inspection of an enterprise without a registration, and tells the poster', async () => {
    const lic = await post(transport, roadLicence(haulier.creditCode, 'YS-1'));
    await post(registrar, filing(haulier.creditCode, 'BA-1'));
    await post(registrar, inspection(haulier.creditCode, 'JC-1'));
    expect(
      items()
        .map((p) => [p.kind, p.check, p.department, p.status])
        .sort(),
    ).toEqual([
      ['filing', 'unknown-enterprise', 'market', 'open'],
      ['inspection', 'unknown-enterprise', 'market', 'open'],
      ['licence', 'unknown-enterprise', 'transport', 'open'],
    ]);
    const [told] = inbox('transport');
    expect(told.event).toMatchObject({ subject: haulier.creditCode, source: `/v1/problem-data/${problemId(lic.id, 1, 'unknown-enterprise')}` });
    expect(told.event.data).toMatchObject({ recordId: lic.id, version: 1, kind: 'licence', check: 'unknown-enterprise' });
    expect(told.reasons).toEqual(['problem-data']);
  });

  it('raises deregistered-enterprise only for a record dated after the deregistration', async () => {
    await post(registrar, registration(restaurant.creditCode, 'DJ-1', { action: 'deregister', date: '2025-06-30', deregistrationReason: '决议解散' }));
    await post(registrar, inspection(restaurant.creditCode, 'JC-before', { date: '2025-06-18' }));
    await post(registrar, inspection(restaurant.creditCode, 'JC-after', { date: '2025-07-02' }));
    expect(items().map((p) => [p.check, p.facts])).toEqual([['deregistered-enterprise', { deregisteredOn: '2025-06-30', recordDate: '2025-07-02' }]]);
  });

  it('raises out-of-scope for a licence whose item the registered scope does not need', async () => {
    await post(registrar, registration(restaurant.creditCode, 'DJ-1'));
    await post(transport, roadLicence(restaurant.creditCode, 'YS-1'));
    await post(registrar, licence(restaurant.creditCode, 'XK-1'));
    expect(items().map((p) => [p.department, p.check, p.facts.catalogueItemCode])).toEqual([['transport', 'out-of-scope', 'ZJ-JT-ROAD-02']]);
  });

  it('does not judge a scope whose 许可项目 has a phrase no standard term matches', async () => {
    await post(registrar, registration(restaurant.creditCode, 'DJ-1', { businessScope: { licensed: ['食品经营', '某种未收录的许可经营活动'], general: [] } }));
    await post(transport, roadLicence(restaurant.creditCode, 'YS-1'));
    expect(items()).toEqual([]);
  });

  it('checks no registration for parties whose code market regulation does not issue', async () => {
    const hospital = makeCreditCode('12', '330402', '47000123');
    await post(registrar, licence(hospital, 'XK-H'));
    expect(items()).toEqual([]);
  });
});

describe('a penalty revoking a licence', () => {
  const revoking = (sourceId: string, number: string, name = '道路运输经营许可证') =>
    penalty(haulier.creditCode, sourceId, { categories: ['licence-revocation'], fineFen: 0, confiscationFen: 0, revokedLicence: { name, number } });

  it('raises revoked-licence-missing when the party holds no licence of that number', async () => {
    await post(registrar, registration(haulier.creditCode, 'DJ-1'));
    await post(transport, revoking('CF-1', '浙交运管许可嘉字330402399999号'));
    expect(items().map((p) => [p.department, p.check, p.facts.revokedLicenceNumber])).toEqual([['transport', 'revoked-licence-missing', '浙交运管许可嘉字330402399999号']]);
  });

  it('raises nothing when the licence is on record, by certificate number written in full-width or by decision number, or for a revoked 营业执照 of a registered enterprise', async () => {
    await post(registrar, registration(haulier.creditCode, 'DJ-1', { businessScope: { licensed: ['道路货物运输（不含危险货物）'], general: [] } }));
    await post(transport, roadLicence(haulier.creditCode, 'YS-1'));
    await post(transport, revoking('CF-1', '浙交运管许可嘉字３３０４０２３０００９７号'));
    await post(transport, revoking('CF-2', '南交运许〔2023〕97号'));
    await post(registrar, revoking('CF-3', haulier.creditCode, '营业执照'));
    expect(items()).toEqual([]);
  });
});

describe('closing and replays', () => {
  it('closes the item as corrected when a later version passes, and keeps who and when', async () => {
    await post(registrar, registration(restaurant.creditCode, 'DJ-1'));
    const first = await post(transport, roadLicence(restaurant.creditCode, 'YS-1'));
    ports.clock.advance(60_000);
    await post(transport, { ...licence(restaurant.creditCode, 'YS-1'), corrects: 1 });
    const [item] = items();
    expect(item).toMatchObject({ id: problemId(first.id, 1, 'out-of-scope'), status: 'closed', closedAt: '2026-11-27T02:01:00.000Z' });
    expect(item.closure).toEqual({ at: '2026-11-27T02:01:00.000Z', by: { department: 'transport', clientId: transport.clientId }, reason: 'corrected', version: 2 });
  });

  it('supersedes the item with one of its own when the correction fails the same check', async () => {
    const first = await post(transport, roadLicence(haulier.creditCode, 'YS-1'));
    await post(transport, { ...roadLicence(haulier.creditCode, 'YS-1'), data: { ...roadLicence(haulier.creditCode, 'YS-1').data, content: '道路普通货物运输（更正）' }, corrects: 1 });
    expect(
      items()
        .map((p) => [p.version, p.status, p.closure?.reason])
        .sort(),
    ).toEqual([
      [1, 'closed', 'superseded'],
      [2, 'open', undefined],
    ]);
    expect(inbox('transport').map((n) => n.event.data.problemId)).toEqual(expect.arrayContaining([problemId(first.id, 1, 'unknown-enterprise'), problemId(first.id, 2, 'unknown-enterprise')]));
  });

  it('raises nothing twice when the change is replayed', async () => {
    const { record } = await ingestRecord(ports, transport, roadLicence(haulier.creditCode, 'YS-1'));
    const change = { eventName: 'INSERT' as const, sequenceNumber: '1', after: { type: 'record-version' as const, value: record } };
    expect(await fanoutBatch(ports, [change], config)).toEqual({ notifications: 1 });
    ports.clock.advance(3_600_000);
    expect(await fanoutBatch(ports, [change], config)).toEqual({ notifications: 0 });
    expect(items()).toHaveLength(1);
    expect(inbox('transport')).toHaveLength(1);
  });

  it('closes the unknown-enterprise items as registered when the registration arrives, once, and only those', async () => {
    const licensed = await post(transport, roadLicence(haulier.creditCode, 'YS-1'));
    const other = await post(transport, roadLicence(restaurant.creditCode, 'YS-2'));
    ports.clock.advance(60_000);
    const reg = await post(registrar, registration(haulier.creditCode, 'DJ-9'));
    const byId = new Map(items().map((p) => [p.id, p]));
    expect(byId.get(problemId(licensed.id, 1, 'unknown-enterprise'))).toMatchObject({
      status: 'closed',
      closure: { at: '2026-11-27T02:01:00.000Z', by: { department: registrar.department, clientId: registrar.clientId }, reason: 'registered', registrationRecordId: reg.id },
    });
    expect(byId.get(problemId(other.id, 1, 'unknown-enterprise'))).toMatchObject({ status: 'open' });
    expect(await ports.problemData.waitingForRegistration(haulier.creditCode)).toEqual([]);
    // The licence's change replayed after the registration opens nothing and marks nothing.
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '7', after: { type: 'record-version', value: (await ports.records.versions(licensed.id))[0] } }], config);
    expect(await ports.problemData.waitingForRegistration(haulier.creditCode)).toEqual([]);
    expect(items().find((p) => p.id === problemId(licensed.id, 1, 'unknown-enterprise'))?.status).toBe('closed');
  });

  it('leaves the findings of a later version standing when an earlier one is replayed after it', async () => {
    const { record: v1 } = await ingestRecord(ports, transport, roadLicence(haulier.creditCode, 'YS-1'));
    const v2 = await post(transport, { ...roadLicence(haulier.creditCode, 'YS-1'), data: { ...roadLicence(haulier.creditCode, 'YS-1').data, content: '道路普通货物运输（更正）' }, corrects: 1 });
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '99', after: { type: 'record-version', value: v1 } }], config);
    expect(items().map((p) => [p.version, p.status])).toEqual([[v2.version, 'open']]);
    // A superseded version read back from the table (a parked change replayed) is not judged either.
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '100', after: { type: 'record-version', value: { ...v1, supersededBy: 2 } } }], config);
    expect(items()).toHaveLength(1);
  });
});

describe('problem ids', () => {
  it('name the record, version and check, and nothing else parses as one', () => {
    const id = problemId('rec_0123456789abcdef0123456789', 12, 'out-of-scope');
    expect(id).toBe('pd_0123456789abcdef0123456789_12_out-of-scope');
    expect(parseProblemId(id)).toEqual({ recordId: 'rec_0123456789abcdef0123456789', version: 12, check: 'out-of-scope' });
    for (const bad of ['pd_0123456789abcdef0123456789_0_out-of-scope', 'pd_0123456789abcdef0123456789_1_other', 'ntf_1', 'pd_0123_1_out-of-scope']) expect(parseProblemId(bad)).toBeUndefined();
  });

  it('a registration is never checked', () => {
    expect(findProblems({ kind: 'registration', creditCode: restaurant.creditCode, date: '2026-01-01', data: {}, summary: {} }, {})).toEqual([]);
  });
});
