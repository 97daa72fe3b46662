/**
 * The pure credit rules: list terms, the measures that apply by membership and reform mode, the
 * risk class rule with its windows, and the stream reactions on in-memory ports (proposals from
 * heavy penalties, the commitment step machine, idempotence on replay).
 */
import { describe, expect, it } from 'vitest';
import { addYears, commitmentAllowed, DEFAULT_CREDIT, listingDue, measuresFor, riskClass, type RiskInputs } from '../../functions/core/credit-rules';
import { onRecord, runCreditDue } from '../../functions/core/credit-reactions';
import type { StoredVersion } from '../../functions/core/model';
import { memoryPorts } from '../fakes/ports';

const record = (kind: RiskInputs['records'][number]['kind'], date: string, summary: Record<string, unknown>) => ({ kind, date, summary });
const cls = (inputs: Partial<RiskInputs>) => riskClass({ today: '2026-11-27', records: [], lists: [], commitments: [], ...inputs }, DEFAULT_CREDIT);

describe('list terms', () => {
  it('keep a blacklist entry three years and raise the abnormal-list proposal at three years', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(listingDue({ list: 'blacklist', decisionDate: '2025-06-01', plannedEnd: '2028-06-01' })).toEqual({ actOn: '2028-06-01', what: 'expire' });
    expect(listingDue({ list: 'abnormal', decisionDate: '2025-06-01' })).toEqual({ actOn: '2028-06-01', what: 'propose-blacklist' });
    expect(listingDue({ list: 'redlist', decisionDate: '2025-06-01' })).toBeUndefined();
  });
});

describe('measures', () => {
  it.each([
    [['blacklist'], 'commitment', ['no-commitment', 'strict-review', 'no-fast-track', 'key-supervision', 'restriction']],
    [['blacklist'], 'cancelled', ['key-supervision', 'restriction']],
    [['abnormal'], 'filing', ['no-fast-track', 'key-supervision', 'restriction']],
    [['redlist'], 'optimised', ['fast-track']],
    [[], 'commitment', []],
  ] as const)('%j for an item in mode %s: %j', (lists, mode, ids) => {
    expect(measuresFor(lists, mode).map((m) => m.id)).toEqual(ids);
  });

  it('name a legal basis for every measure, and refuse commitments to the blacklisted only', () => {
    for (const m of measuresFor(['blacklist', 'abnormal', 'redlist'], undefined)) expect(m.legalBasis.length).toBeGreaterThan(0);
    expect(commitmentAllowed(['abnormal', 'redlist'])).toBe(true);
    expect(commitmentAllowed(['blacklist'])).toBe(false);
  });
});

describe('risk class', () => {
  it.each([
    ['nothing known', {}, 'B'],
    ['on the blacklist', { lists: ['blacklist'] }, 'D'],
    ['a licence revoked by penalty two years ago', { records: [record('penalty', '2024-12-01', { categories: ['licence-revocation'], fineFen: 0 })] }, 'D'],
    ['the same, four years ago', { records: [record('penalty', '2022-11-01', { categories: ['licence-revocation'], fineFen: 0 })] }, 'B'],
    ['on 经营异常名录', { lists: ['abnormal'] }, 'C'],
    [
      'two penalties in three years',
      { records: [record('penalty', '2025-01-01', { categories: ['warning'], fineFen: 0 }), record('penalty', '2026-01-01', { categories: ['warning'], fineFen: 0 })] },
      'C',
    ],
    ['a heavy fine', { records: [record('penalty', '2026-01-01', { categories: ['fine'], fineFen: 10_000_000 })] }, 'C'],
    ['a problem found this year', { records: [record('inspection', '2026-05-01', { result: 'false-publicity' })] }, 'C'],
    ['a clean inspection and no penalty', { records: [record('inspection', '2026-05-01', { result: 'no-problem' })] }, 'A'],
    ['a clean inspection but a penalty', { records: [record('inspection', '2026-05-01', { result: 'no-problem' }), record('penalty', '2026-01-01', { categories: ['warning'], fineFen: 0 })] }, 'B'],
    ['on the red list', { lists: ['redlist'] }, 'A'],
    ['on the red list and the abnormal list', { lists: ['redlist', 'abnormal'] }, 'C'],
    ['a commitment past due', { commitments: [{ step: 'verification-due', due: '2026-11-01', history: [] }] }, 'C'],
  ] as const)('%s: %s', (_what, inputs, expected) => {
    expect(cls(inputs as Partial<RiskInputs>).riskClass).toBe(expected);
  });

  it('names the day the first counted fact leaves its window', () => {
    expect(cls({ records: [record('inspection', '2026-05-01', { result: 'false-publicity' }), record('penalty', '2025-01-01', { categories: ['warning'], fineFen: 0 })] }).reviewOn).toBe('2027-05-01');
  });
});

describe('stream reactions', () => {
  const version = (kind: StoredVersion['kind'], id: string, data: Record<string, unknown>): StoredVersion => ({
    id,
    version: 1,
    kind,
    creditCode: '91330402MA2B4T1X8Q',
    sourceId: id,
    department: 'market',
    clientId: 'c1',
    receivedAt: '2026-11-27T02:00:00.000Z',
    contentHash: 'h',
    date: String(data.decisionDate ?? data.date),
    data,
    summary: data,
    warnings: [],
  });

  it('raise one proposal per heavy penalty however often the stream replays it', async () => {
    const ports = memoryPorts();
    const p = version('penalty', 'rec_1', { decisionNumber: 'N1', categories: ['suspension'], fineFen: 0, decisionDate: '2026-11-20' });
    await onRecord(ports, p, DEFAULT_CREDIT);
    await onRecord(ports, p, DEFAULT_CREDIT);
    expect([...ports.proposals.proposals.values()].map((x) => x.grounds)).toEqual(['penalty N1 in heavy categories suspension']);
    expect([...ports.directedEvents.events.values()].map((e) => e.departments)).toEqual([['credit']]);
  });

  it('move a commitment only along its steps, and escalate an overdue verification once', async () => {
    const ports = memoryPorts();
    const l = version('licence', 'rec_l', { catalogueItemCode: 'ZJ-WJ-PLACE-01', grantMode: 'commitment', status: 'valid', decisionDate: '2026-11-27' });
    await onRecord(ports, l, DEFAULT_CREDIT);
    const opened = await ports.commitments.get(l.creditCode, 'rec_l');
    expect(opened).toMatchObject({ step: 'verification-due', competentDepartment: 'health', approvingDepartment: 'market', due: '2027-01-26' });
    expect(opened?.promises.length).toBeGreaterThan(0);
    // A rectified outcome before any rectification was ordered does not move it.
    await onRecord(
      ports,
      version('inspection', 'rec_i', { type: 'commitment-verification', date: '2026-11-28', result: 'no-problem', commitment: { licenceRecordId: 'rec_l', outcome: 'rectified' } }),
      DEFAULT_CREDIT,
    );
    expect((await ports.commitments.get(l.creditCode, 'rec_l'))?.step).toBe('verification-due');
    ports.clock.advance(61 * 86_400_000);
    expect(await runCreditDue(ports, DEFAULT_CREDIT)).toMatchObject({ escalated: 1 });
    expect(await runCreditDue(ports, DEFAULT_CREDIT)).toMatchObject({ escalated: 0 });
    expect((await ports.commitments.get(l.creditCode, 'rec_l'))?.escalations).toEqual([{ step: 'verification-due', at: expect.any(String) }]);
  });
});
