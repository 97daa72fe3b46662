/**
 * Records complete to the 双公示 standard (party of every category, 2021 penalty categories,
 * 数据来源单位 from the department directory), the keyless public lists (一公开), the export in the
 * standard's field codes, and a department's own records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORITIES, ENTERPRISES, inspection, licence, makeCreditCode, penalty } from '../local/samples';
import { setDepartmentEntry } from '../functions/core/departments';
import { LICENCE_COLUMNS, PENALTY_COLUMNS } from '../functions/core/disclosure';
import { manualClock, startExchange, type TestExchange } from './helpers';

const clock = manualClock('2026-11-27T02:00:00.000Z');
let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange({ clock });
  await setDepartmentEntry(ex.ports, { department: 'market', creditCode: AUTHORITIES.market.creditCode, updatedBy: 'test' });
});
afterAll(() => ex.close());

const company = ENTERPRISES.restaurant.creditCode;
const ID_NUMBER = '330402199203150018';
const personParty = { name: '李建国', category: 'natural-person', idDocument: { type: 'resident-id', number: ID_NUMBER } };
/** A licence about a party without a credit code: the sample with its creditCode taken out. */
function withoutCreditCode<T extends { creditCode?: string; data: object }>(record: T, party: object) {
  const { creditCode: _code, ...rest } = record;
  return { ...rest, data: { ...record.data, party } };
}

describe('records complete to the standard', () => {
  it('stamps the 数据来源单位 from the directory entry of the posting department', async () => {
    const res = await ex.call('POST', '/v1/records', {
      body: licence(company, 'STD-1', { party: { name: ENTERPRISES.restaurant.name, category: 'legal-person', registrationNumber: '330402000123456' } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.creditCode).toBe(company);
    expect(res.body.sourceUnit).toEqual({ department: 'market', name: '嘉兴市南湖区市场监督管理局', creditCode: AUTHORITIES.market.creditCode, region: '330402', parent: 'jx-market' });
    expect(res.body.data.party).toMatchObject({ category: 'legal-person', name: ENTERPRISES.restaurant.name });
  });

  it('records a natural person without a credit code under a keyed hash, never the ID number, and finds it again', async () => {
    const res = await ex.call('POST', '/v1/records', { body: withoutCreditCode(licence(company, 'STD-NP'), personParty) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.creditCode).toMatch(/^NP:[0-9a-f]{32}$/);
    expect(JSON.stringify(res.body)).not.toContain(ID_NUMBER);
    // Without personal:read the person's name and document number are masked.
    expect(res.body.data.party.name).toBe('***');
    const found = await ex.call('POST', '/v1/parties/find', { body: { idDocument: { type: 'resident-id', number: ID_NUMBER } }, headers: { 'access-purpose': 'test' } });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.partyKey).toBe(res.body.creditCode);
    expect(found.body.records.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
    const history = await ex.call('GET', `/v1/enterprises/${res.body.creditCode}/records`);
    expect(history.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
  });

  it('records an individual business known only by its registration number under REG:<注册号>', async () => {
    const party = { name: '南湖区陈记小吃店', category: 'individual-business', registrationNumber: '330402600098765' };
    const res = await ex.call('POST', '/v1/records', { body: withoutCreditCode(penalty(company, 'STD-REG'), party) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.creditCode).toBe('REG:330402600098765');
    const found = await ex.call('POST', '/v1/parties/find', { body: { registrationNumber: '330402600098765' }, headers: { 'access-purpose': 'test' } });
    expect(found.body.records.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
  });

  it('records an individual business with a credit code on the credit code path', async () => {
    const grocer = ENTERPRISES.grocer.creditCode;
    const res = await ex.call('POST', '/v1/records', { body: licence(grocer, 'STD-92', { party: { name: ENTERPRISES.grocer.name, category: 'individual-business' } }) });
    expect(res.status).toBe(201);
    expect(res.body.creditCode).toBe(grocer);
    expect(res.body.data.party.name).not.toBe(ENTERPRISES.grocer.name);
  });

  it('refuses a party that cannot be keyed, naming the fields, and stores nothing', async () => {
    const legalWithout = withoutCreditCode(licence(company, 'STD-BAD-1'), { name: '某公司', category: 'legal-person' });
    const a = await ex.call('POST', '/v1/records', { body: legalWithout });
    expect(a.status).toBe(422);
    expect(a.body.errors).toEqual([expect.objectContaining({ path: '/creditCode', code: 'required' })]);
    const base = licence(company, 'STD-BAD-2');
    const personWithCode = { ...base, data: { ...base.data, party: { name: '李建国', category: 'natural-person' } } };
    const b = await ex.call('POST', '/v1/records', { body: personWithCode });
    expect(b.status).toBe(422);
    expect(b.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/creditCode', '/data/party/idDocument']);
    const mine = await ex.call('GET', '/v1/records?kind=licence');
    expect(mine.body.items.map((r: { id: string }) => r.id)).not.toContain(expect.stringMatching(/BAD/));
  });

  it('takes the 2021 penalty categories and 处罚有效期', async () => {
    const res = await ex.call('POST', '/v1/records', {
      body: penalty(company, 'STD-2021', {
        categories: ['public-criticism', 'business-restriction', 'employment-restriction'],
        fineFen: 0,
        confiscationFen: 0,
        validUntil: '2026-06-30',
        remarks: '依法从轻',
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ categories: ['public-criticism', 'business-restriction', 'employment-restriction'], validUntil: '2026-06-30', remarks: '依法从轻' });
  });
});

describe('public disclosure (一公开) and the export', () => {
  const day = '2026-10-12';
  beforeAll(async () => {
    for (const body of [
      licence(company, 'PUB-L1', { decisionDate: day, validFrom: day, party: { name: ENTERPRISES.restaurant.name, category: 'legal-person' }, remarks: '首次申请' }),
      withoutCreditCode(licence(company, 'PUB-L2', { decisionDate: day, validFrom: day }), personParty),
      penalty(company, 'PUB-P1', { decisionDate: day, publicUntil: '2026-11-30' }),
      inspection(company, 'PUB-I1', { date: day, public: true }),
      inspection(company, 'PUB-I2', { date: day, public: false }),
      licence(company, 'PUB-L3', { decisionDate: '2026-10-13', validFrom: '2026-10-13' }),
    ]) {
      const res = await ex.call('POST', '/v1/records', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });

  it('lists licences without a key in the field codes, without personal data', async () => {
    const res = await ex.call('GET', `/public/licences?from=${day}&to=${day}`, { as: null, purpose: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(2);
    const company_ = res.body.items.find((r: Record<string, string>) => r.XK_XDR_SHXYM === company);
    expect(company_).toMatchObject({
      XK_XDR_MC: ENTERPRISES.restaurant.name,
      XK_XDR_LB: '法人及非法人组织',
      XK_WSH: '南市监食许〔2024〕0318号',
      XK_ZT: '1',
      XK_LYDW: '嘉兴市南湖区市场监督管理局',
      XK_LYDWDM: AUTHORITIES.market.creditCode,
    });
    // Free text is not public: content and remarks stay out of the keyless list.
    expect(company_.XK_NR).toBe('');
    expect(company_.BZ).toBe('');
    const person = res.body.items.find((r: Record<string, string>) => r.XK_XDR_LB === '自然人');
    expect(person).toMatchObject({ XK_XDR_MC: '', XK_XDR_SHXYM: '', XK_XDR_ZJHM: '' });
    expect(JSON.stringify(res.body)).not.toContain(ID_NUMBER);
    expect(JSON.stringify(res.body)).not.toContain('李建国');
  });

  it('lists only inspections whose result is public', async () => {
    const res = await ex.call('GET', `/public/inspections?from=${day}&to=${day}`, { as: null, purpose: null });
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ creditCode: company, result: 'no-problem', resultName: '未发现问题' });
  });

  it('keeps a penalty on the public list until its publication end and drops it the day after', async () => {
    const list = () => ex.call('GET', `/public/penalties?from=${day}&to=${day}`, { as: null, purpose: null });
    clock.set('2026-11-30T15:59:00.000Z'); // 23:59 on 2026-11-30 in China
    expect((await list()).body.items.map((r: Record<string, string>) => r.CF_GSJZQ)).toEqual(['2026-11-30']);
    clock.set('2026-11-30T16:00:00.000Z'); // midnight: 2026-12-01 in China
    expect((await list()).body.items).toEqual([]);
    clock.set('2026-11-27T02:00:00.000Z');
  });

  it('exports licences in the standard field set as JSON and CSV, free text in, personal data out, a page at a time', async () => {
    const q = `from=${day}&to=2026-10-13&limit=2`;
    const first = await ex.call('GET', `/v1/disclosure/licence/export?${q}`, { headers: { 'access-purpose': 'credit forwarding' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.columns).toEqual(LICENCE_COLUMNS.map((c) => c.code));
    expect(first.body.columns).toEqual(
      expect.arrayContaining([
        'XK_XDR_MC',
        'XK_XDR_LB',
        'XK_XDR_SHXYM',
        'XK_XDR_GSZC',
        'XK_XDR_ZJHM',
        'XK_XKWS',
        'XK_WSH',
        'XK_XKLB',
        'XK_NR',
        'XK_JDRQ',
        'XK_YXQZ',
        'XK_YXQZI',
        'XK_XKJG',
        'XK_XKJGDM',
        'XK_ZT',
        'XK_LYDW',
        'XK_LYDWDM',
        'BZ',
      ]),
    );
    expect(first.body.rows).toHaveLength(2);
    const row = first.body.rows.find((r: Record<string, string>) => r.XK_XDR_SHXYM === company);
    expect(row).toMatchObject({ XK_NR: '热食类食品制售；冷食类食品制售', BZ: '首次申请', XK_XKLB: '普通' });
    expect(JSON.stringify(first.body)).not.toContain(ID_NUMBER);
    expect(first.body.next).toBeDefined();
    const second = await ex.call('GET', `/v1/disclosure/licence/export?${q}&cursor=${first.body.next}`, { headers: { 'access-purpose': 'credit forwarding' } });
    expect(second.body.rows.map((r: Record<string, string>) => r.XK_JDRQ)).toEqual(['2026-10-13']);
    expect(second.body.next).toBeUndefined();

    const csv = await ex.call('GET', `/v1/disclosure/penalty/export?from=${day}&to=${day}&format=csv`, { headers: { 'access-purpose': 'credit forwarding' } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = String(csv.body).trim().split('\r\n');
    expect(header).toBe(PENALTY_COLUMNS.map((c) => `"${c.code}"`).join(','));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"5","0.0386"'); // CF_NR_FK and CF_NR_WFFF: 5,000,000 fen is 5 万元, 38,600 fen 0.0386 万元
    expect(lines[0]).toContain('"警告;罚款;没收违法所得、没收非法财物"');
  });

  it('refuses an export without profiles:read, and a range longer than a month', async () => {
    expect((await ex.call('GET', `/v1/disclosure/licence/export?from=${day}&to=${day}`, { as: 'transport' })).status).toBe(403);
    const long = await ex.call('GET', `/public/licences?from=2026-01-01&to=2026-03-01`, { as: null, purpose: null });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
  });
});

describe("a department's own records", () => {
  it('lists what the calling department posted, by kind and date, a page at a time', async () => {
    const other = makeCreditCode('91', '330402', 'MA2H3K7L');
    for (const [i, d] of ['2026-09-01', '2026-09-02', '2026-09-03'].entries()) {
      expect((await ex.call('POST', '/v1/records', { as: 'transport', body: licence(other, `TR-${i}`, { decisionDate: d, validFrom: d }) })).status).toBe(201);
    }
    const page1 = await ex.call('GET', '/v1/records?kind=licence&from=2026-09-01&to=2026-09-30&limit=2', { as: 'transport' });
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    expect(page1.body.items.map((r: { date: string }) => r.date)).toEqual(['2026-09-03', '2026-09-02']);
    const page2 = await ex.call('GET', `/v1/records?kind=licence&from=2026-09-01&to=2026-09-30&limit=2&cursor=${page1.body.next}`, { as: 'transport' });
    expect(page2.body.items.map((r: { date: string }) => r.date)).toEqual(['2026-09-01']);
    expect(page2.body.next).toBeUndefined();
    // The market department's licences are not among transport's, and transport posts no penalties.
    const market = await ex.call('GET', '/v1/records?kind=licence&from=2026-09-01&to=2026-09-30');
    expect(market.body.items).toEqual([]);
    expect((await ex.call('GET', '/v1/records?kind=penalty', { as: 'transport' })).status).toBe(403);
  });
});
