/**
 * 证照分离 end to end on the real local services: the public, versioned permit catalogue and its
 * administration; every licence and filing checked against the catalogue of its date; 双告知
 * notices sent without subscriptions and answered with feedback; the claim pool; licence cover and
 * the uncovered list; quota stock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../schemas/events';
import { shippedCatalogue } from '../schemas/catalogue-data';
import { filing, licence, makeCreditCode, registration } from '../local/samples';
import { createClient } from '../functions/core/clients';
import { recheckCovers } from '../functions/core/cover';
import { escalateOverdue } from '../functions/core/overdue';
import type { Scope } from '../functions/core/model';
import { manualClock, startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

let ex: TestExchange;
const clock = manualClock('2026-11-27T02:00:00.000Z'); // 10:00 in China
/** Extra clients of departments the shared test clients do not play. */
const keys: Record<string, string> = {};

beforeAll(async () => {
  ex = await startExchange({ clock, push: {} });
  const extra: [string, string, Scope[]][] = [
    ['catalogue-admin', 'market', ['catalogue:admin']],
    ['hrss', 'hrss', ['notices:claim', 'inbox:read', 'inbox:act']],
    ['publicity', 'publicity', ['notices:claim', 'inbox:read', 'inbox:act']],
    ['culture', 'culture', ['notices:claim', 'inbox:read', 'inbox:act']],
    ['cover-reader', 'supervision', ['cover:read']],
  ];
  for (const [name, department, scopes] of extra) keys[name] = (await createClient(ex.ports, { department, name, scopes })).apiKey;
});
afterAll(() => ex.close());

const as = (name: string) => ({ as: null, headers: { authorization: `Bearer ${keys[name]}` } });
const some = <T>(xs: T[]) => (xs.length ? xs : undefined);
const inbox = async (who: TestClient) => (await ex.call('GET', '/v1/inbox', { as: who })).body.items as Notification[];
const inboxOf = async (name: string) => (await ex.call('GET', '/v1/inbox', as(name))).body.items as Notification[];
const pool = async (name: string) => (await ex.call('GET', '/v1/claims', as(name))).body.items as Notification[];
async function post(body: unknown, who: TestClient = 'market') {
  const res = await ex.call('POST', '/v1/records', { as: who, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}
let serial = 0;
/** A fresh enterprise of 南湖区 for each test. */
const enterprise = () => makeCreditCode('91', '330402', `MA2K${String(++serial).padStart(3, '0')}Q`);
const establish = (code: string, licensed: string[], general: string[] = [], date = '2026-11-27') =>
  registration(code, `DJ-${code}`, { date, establishedOn: date, businessScope: { licensed, general } });

describe('the catalogue, public and versioned', () => {
  it('is read without a key: the items in force, one item with its versions, the change list, CSV', async () => {
    const list = await ex.call('GET', '/v1/catalogue', { as: null });
    expect(list.status).toBe(200);
    expect(list.body.asOf).toBe('2026-11-27');
    expect(list.body.items.length).toBeGreaterThanOrEqual(40);
    expect(list.body.items.find((i: { code: string }) => i.code === 'ZJ-SC-FOOD-01')).toMatchObject({ name: '食品经营许可', reformMode: 'optimised', approvingDepartment: 'market' });

    // The clinic permit became a filing on 2022-05-01: the catalogue of an earlier day says otherwise.
    const before = await ex.call('GET', '/v1/catalogue?asOf=2022-04-30', { as: null });
    expect(before.body.items.find((i: { code: string }) => i.code === 'ZJ-WJ-MEDICAL-02').reformMode).not.toBe('filing');
    const item = await ex.call('GET', '/v1/catalogue/ZJ-WJ-MEDICAL-02', { as: null });
    expect(item.body.versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual(['2021-07-01', '2022-05-01']);
    expect(item.body.standing).toBe('in-force');
    expect((await ex.call('GET', '/v1/catalogue/ZJ-XX-NONE-01', { as: null })).status).toBe(404);

    const csv = await fetch(`${ex.base}/v1/catalogue?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('序号,事项编码,事项名称,设定依据,设定层级,主管部门,审批部门,改革方式,具体改革举措,加强事中事后监管措施,检查频次,生效日期');
    expect(lines.length).toBe(list.body.items.length + 1);

    const changes = await ex.call('GET', '/v1/catalogue/changes?limit=100', { as: null });
    const versions = shippedCatalogue().catalogue.items.reduce((n, i) => n + i.versions.length, 0);
    expect(changes.body.items.length).toBe(Math.min(100, versions));
    expect(changes.body.items[0].by).toHaveProperty('seed');
  });

  it('rejects bad query parameters naming them', async () => {
    const res = await ex.call('GET', '/v1/catalogue?asOf=2026-13-01&format=xml', { as: null });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['asOf', 'format']);
  });
});

describe('every licence and filing is checked against the catalogue of its decision date', () => {
  const code = makeCreditCode('91', '330402', 'MA2H0001');
  const reject = async (body: unknown, who: TestClient = 'market') => {
    const res = await ex.call('POST', '/v1/records', { as: who, body });
    expect(res.status).toBe(422);
    return res.body.errors as { path: string; code: string; message: string }[];
  };

  it('a licence names an item that needs a licence: not a filing item, not a cancelled one', async () => {
    const [asFiling] = await reject(licence(code, 'XK-r1', { catalogueItemCode: 'ZJ-SC-FOOD-07' }));
    expect(asFiling).toMatchObject({ path: '/data/catalogueItemCode', code: 'catalogue-item-is-filing' });
    expect(asFiling.message).toContain('ZJ-SC-FOOD-07 仅销售预包装食品备案 is in mode filing (审批改为备案)');
    const [cancelled] = await reject(licence(code, 'XK-r2', { catalogueItemCode: 'ZJ-JT-ROAD-03' }), 'transport');
    expect(cancelled).toMatchObject({ path: '/data/catalogueItemCode', code: 'catalogue-item-cancelled' });
    expect(cancelled.message).toContain('cancelled (直接取消审批)');
  });

  it('a licence granted on a commitment names a commitment item', async () => {
    const [error] = await reject(licence(code, 'XK-r3', { grantMode: 'commitment' }));
    expect(error).toMatchObject({ path: '/data/grantMode', code: 'catalogue-item-not-commitment' });
    expect(error.message).toContain('ZJ-SC-FOOD-01 食品经营许可 is in mode optimised (优化审批服务) on 2024-03-20');
    expect((await ex.call('POST', '/v1/records', { as: 'transport', body: licence(code, 'XK-r4', { catalogueItemCode: 'ZJ-JT-ROAD-02', grantMode: 'commitment' }) })).status).toBe(201);
  });

  it('a filing names a filing item; an unknown item is refused', async () => {
    const [notFiling] = await reject(filing(code, 'BA-r1', { catalogueItemCode: 'ZJ-SC-FOOD-01' }));
    expect(notFiling).toMatchObject({ code: 'catalogue-item-not-filing' });
    expect(notFiling.message).toContain('ZJ-SC-FOOD-01');
    expect((await reject(licence(code, 'XK-r5', { catalogueItemCode: 'ZJ-XX-NONE-01' })))[0].code).toBe('unknown-catalogue-item');
    expect((await ex.call('POST', '/v1/records', { body: filing(code, 'BA-r3') })).status).toBe(201);
  });

  it('a record decided before its item entered the list is accepted with a warning, unchecked for mode', async () => {
    const old = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-2019', { decisionDate: '2019-03-01', validFrom: '2019-03-01', validTo: '2024-02-28', grantMode: 'commitment' }) });
    expect(old.status).toBe(201);
    expect(old.body.warnings).toEqual([expect.objectContaining({ path: '/data/catalogueItemCode', code: 'catalogue-item-before-list' })]);
  });

  it('nothing refused was stored', async () => {
    const history = await ex.call('GET', `/v1/enterprises/${code}/records`);
    expect(history.body.items.map((r: { kind: string; catalogueItemCode: string }) => `${r.kind} ${r.catalogueItemCode}`).sort()).toEqual([
      'filing ZJ-SC-FOOD-07',
      'licence ZJ-JT-ROAD-02',
      'licence ZJ-SC-FOOD-01',
    ]);
  });
});

describe('catalogue changes', () => {
  const version = (over: Record<string, unknown> = {}) => ({ ...shippedCatalogue().catalogue.items.find((i) => i.code === 'ZJ-SC-FOOD-01')?.versions[0], ...over });
  const commitment = {
    conditions: [{ condition: '具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所' }],
    deadlineDays: 30,
    consequences: ['作出不实承诺的，依法撤销许可'],
  };

  it('need the catalogue:admin scope, a date from today on, and keep history', async () => {
    const body = { version: version({ effectiveFrom: '2026-12-01', reformMode: 'commitment', commitment }) };
    expect((await ex.call('POST', '/v1/catalogue/ZJ-SC-FOOD-01/versions', { body })).status).toBe(403);
    const past = await ex.call('POST', '/v1/catalogue/ZJ-SC-FOOD-01/versions', { ...as('catalogue-admin'), body: { version: version({ effectiveFrom: '2026-11-01' }) } });
    expect(past.status).toBe(422);
    expect(past.body.errors[0]).toMatchObject({ path: '/version/effectiveFrom', code: 'effective-in-past' });
    const bad = await ex.call('POST', '/v1/catalogue/ZJ-SC-FOOD-01/versions', { ...as('catalogue-admin'), body: { version: version({ effectiveFrom: '2026-12-01', reformMode: 'commitment' }) } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('/version/commitment');
  });

  it('take effect on their date: records before it are judged by the old version, records after by the new', async () => {
    const sub = await ex.call('POST', '/v1/subscriptions', {
      as: 'health',
      body: { name: '食品许可清单变化', purpose: '跟踪食品经营许可事项变化', filters: { kinds: ['catalogue'], catalogueItemCodes: ['ZJ-SC-FOOD-01'] } },
    });
    expect(sub.status).toBe(201);
    const body = { version: version({ effectiveFrom: '2026-12-01', reformMode: 'commitment', commitment }), note: '食品经营许可实行告知承诺' };
    clock.advance(60_000); // recorded after the seed
    const added = await ex.call('POST', '/v1/catalogue/ZJ-SC-FOOD-01/versions', { ...as('catalogue-admin'), body });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ code: 'ZJ-SC-FOOD-01', effectiveFrom: '2026-12-01', change: 'amended', by: { department: 'market' } });
    expect((await ex.call('POST', '/v1/catalogue/ZJ-SC-FOOD-01/versions', { ...as('catalogue-admin'), body })).status).toBe(409);

    const code = makeCreditCode('91', '330402', 'MA2H0002');
    const onCommitment = (sourceId: string, date: string) => licence(code, sourceId, { grantMode: 'commitment', decisionDate: date, validFrom: date });
    const before = await ex.call('POST', '/v1/records', { body: onCommitment('XK-c1', '2026-11-30') });
    expect(before.status).toBe(422);
    expect(before.body.errors[0].code).toBe('catalogue-item-not-commitment');
    expect((await ex.call('POST', '/v1/records', { body: onCommitment('XK-c2', '2026-12-01') })).status).toBe(201);
    expect((await ex.call('POST', '/v1/records', { body: licence(code, 'XK-c3', { decisionDate: '2026-11-30', validFrom: '2026-11-30' }) })).status).toBe(201);

    const item = await ex.call('GET', '/v1/catalogue/ZJ-SC-FOOD-01', { as: null });
    expect(item.body.versions.map((v: { reformMode: string }) => v.reformMode)).toEqual(['optimised', 'commitment']);
    const december = await ex.call('GET', '/v1/catalogue?asOf=2026-12-01', { as: null });
    expect(december.body.items.find((i: { code: string }) => i.code === 'ZJ-SC-FOOD-01').reformMode).toBe('commitment');
    expect((await ex.call('GET', '/v1/catalogue/changes', { as: null })).body.items[0]).toMatchObject({ code: 'ZJ-SC-FOOD-01', note: '食品经营许可实行告知承诺' });

    const [event] = await waitFor(async () => some((await inbox('health')).filter((n) => n.event.type === 'cn.edx.catalogue.changed')), 15_000, 'the catalogue change event');
    expect(event.event).toMatchObject({ subject: 'ZJ-SC-FOOD-01', data: { effectiveFrom: '2026-12-01', reformMode: 'commitment' } });
  });
});

describe('双告知: a registration notifies the departments its scope needs, without subscriptions', () => {
  const notices = (items: Notification[], code: string) => items.filter((n) => n.event.type.startsWith('cn.edx.notice.') && n.event.subject === code);

  it('a scope needing three items notifies exactly their departments, and the pool for one without a place on the exchange', async () => {
    const code = enterprise();
    // 餐饮服务 → 食品经营许可 (market approves); 理发服务 → 公共场所卫生许可 (health approves);
    // 养老服务 → 养老机构备案 (a filing: civil-affairs takes it and supervises; it has no client).
    await post(establish(code, ['餐饮服务', '理发服务'], ['养老服务']));
    const market = await waitFor(async () => some(notices(await inbox('market'), code)), 15_000, 'market notice');
    const health = await waitFor(async () => some(notices(await inbox('health'), code)), 15_000, 'health notice');
    const pooled = await waitFor(async () => some(notices(await pool('hrss'), code)), 15_000, 'pool notice');
    expect(market.map((n) => [n.event.type, n.event.data.item])).toEqual([['cn.edx.notice.permit-needed', { code: 'ZJ-SC-FOOD-01', name: '食品经营许可', reformMode: 'optimised' }]]);
    expect(health.map((n) => (n.event.data.item as { code: string }).code)).toEqual(['ZJ-WJ-PLACE-01']);
    expect(pooled).toHaveLength(1);
    expect(pooled[0].event.data).toMatchObject({
      item: { code: 'ZJ-MZ-ELDERLY-01', reformMode: 'filing' },
      department: 'civil-affairs',
      purposes: ['approve', 'supervise'],
      pool: 'unmapped-department',
    });
    for (const other of ['supervision', 'credit'] as const) expect(notices(await inbox(other), code)).toEqual([]);
    expect(market[0]).toMatchObject({ reasons: ['notice:approve'], delivery: { mode: 'pull' } });
  });

  it('a change notifies only for the 许可项目 it adds', async () => {
    const code = enterprise();
    await post(establish(code, ['餐饮服务'], [], '2026-11-20'));
    await waitFor(async () => some(notices(await inbox('market'), code)), 15_000, 'the establishment notice');
    await post(registration(code, `BG-${code}`, { action: 'change', date: '2026-11-27', establishedOn: '2026-11-20', businessScope: { licensed: ['餐饮服务', '药品零售'], general: [] } }));
    const after = await waitFor(async () => (notices(await inbox('market'), code).length === 2 ? notices(await inbox('market'), code) : undefined), 15_000, 'the change notice');
    expect(after.map((n) => (n.event.data.item as { code: string }).code).sort()).toEqual(['ZJ-SC-DRUG-01', 'ZJ-SC-FOOD-01']);
  });

  it('is answered with feedback: licence granted reaches the registering department; not ours sends it to the pool', async () => {
    const code = enterprise();
    await post(establish(code, ['理发服务', '餐饮服务']));
    const [toHealth] = await waitFor(async () => some(notices(await inbox('health'), code)), 15_000, 'health notice');
    const granted = await ex.call('POST', `/v1/notifications/${toHealth.id}/feedback`, { as: 'health', body: { outcome: 'licence-granted', comment: '已核发公共场所卫生许可证' } });
    expect(granted.status).toBe(201);
    const feedback = await waitFor(async () => some((await inbox('market')).filter((n) => n.event.type === 'cn.edx.notification.feedback' && n.event.subject === code)), 15_000, 'feedback');
    expect(feedback[0].event.data).toMatchObject({ from: 'health', feedback: { outcome: 'licence-granted' } });

    const [toMarket] = notices(await inbox('market'), code);
    expect((await ex.call('POST', `/v1/notifications/${toMarket.id}/feedback`, { as: 'market', body: { outcome: 'taken-into-supervision' } })).status).toBe(201);
    expect((await ex.call('POST', `/v1/notifications/${toMarket.id}/feedback`, { as: 'market', body: { outcome: 'not-our-competence', comment: '非本部门审批' } })).status).toBe(201);
    const pooled = await waitFor(async () => some(notices(await pool('hrss'), code)), 15_000, 'the notice in the pool');
    expect(pooled[0]).toMatchObject({ reasons: ['not-ours:market'], event: { id: toMarket.event.id } });
  });
});

describe('the claim pool', () => {
  it('lets exactly one of two racing departments claim a notice; the winner gets it in its inbox', async () => {
    const code = enterprise();
    await post(establish(code, [], ['养老服务']));
    const [notice] = await waitFor(async () => some((await pool('hrss')).filter((n) => n.event.subject === code)), 15_000, 'pool notice');
    expect((await ex.call('GET', '/v1/claims', { as: 'market' })).status).toBe(403);

    const [a, b] = await Promise.all([ex.call('POST', `/v1/claims/${notice.id}/claim`, as('hrss')), ex.call('POST', `/v1/claims/${notice.id}/claim`, as('publicity'))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? ['hrss', 'publicity'] : ['publicity', 'hrss'];
    expect((a.status === 409 ? a : b).body.detail).toContain(`claimed by ${winner}`);
    const claimed = await waitFor(async () => some((await inboxOf(winner)).filter((n) => n.event.id === notice.event.id)), 15_000, 'the claimed notice in the inbox');
    expect(claimed[0].reasons).toEqual([`claimed:${notice.id}`]);
    expect((await inboxOf(loser)).filter((n) => n.event.id === notice.event.id)).toEqual([]);
    expect((await pool('culture')).map((n) => n.id)).not.toContain(notice.id);
  });

  it('a pass leaves the notice to the others; unclaimed past its time it is escalated to the supervisor', async () => {
    const code = enterprise();
    await post(establish(code, [], ['养老服务']));
    const [notice] = await waitFor(async () => some((await pool('culture')).filter((n) => n.event.subject === code)), 15_000, 'pool notice');
    expect((await ex.call('POST', `/v1/claims/${notice.id}/pass`, as('culture'))).status).toBe(200);
    expect((await pool('culture')).map((n) => n.id)).not.toContain(notice.id);
    expect((await pool('hrss')).map((n) => n.id)).toContain(notice.id);

    clock.advance(73 * 3600_000);
    try {
      expect((await escalateOverdue(ex.ports)).escalated).toBeGreaterThanOrEqual(1);
      const overdue = await waitFor(
        async () => some((await inbox('supervision')).filter((n) => n.event.type === 'cn.edx.notification.overdue' && n.event.data.notificationId === notice.id)),
        15_000,
        'the escalation',
      );
      expect(overdue[0].event.data).toMatchObject({ department: '~pool' });
    } finally {
      clock.set('2026-11-27T02:00:00.000Z');
    }
  });
});

describe('licence cover (证照匹配) and quotas', () => {
  const uncovered = async (days = 0) =>
    (await ex.call('GET', `/v1/cover/uncovered?region=330402&days=${days}&limit=100`, as('cover-reader'))).body.items as { creditCode: string; uncovered: string[] }[];
  const listed = async (code: string, days = 0) => (await uncovered(days)).find((e) => e.creditCode === code);
  const profile = async (code: string) => (await ex.call('GET', `/v1/enterprises/${code}`)).body;
  const stock = async () => (await ex.call('GET', '/v1/catalogue/ZJ-JT-TAXI-01/quota', { as: null })).body.stock as number;
  const taxi = (code: string, sourceId: string, data: Record<string, unknown> = {}) =>
    licence(code, sourceId, {
      documentName: '巡游出租汽车经营许可决定书',
      certificateName: '道路运输经营许可证',
      content: '巡游出租汽车客运',
      authority: '嘉兴市南湖区交通运输局',
      catalogueItemCode: 'ZJ-JT-TAXI-01',
      decisionDate: '2026-11-27',
      validFrom: '2026-11-27',
      validTo: '2026-11-30',
      ...data,
    });

  it('follows licences as they are granted, revoked and expire, and the quota stock follows them', async () => {
    const code = enterprise();
    const base = await stock();
    await post(establish(code, ['巡游出租汽车经营服务']));
    await waitFor(() => listed(code), 15_000, 'the enterprise in the uncovered list');
    expect((await profile(code)).permitCover.uncovered[0].items[0].code).toBe('ZJ-JT-TAXI-01');
    expect(await listed(code, 3)).toBeUndefined(); // uncovered today, not yet for three days

    const granted = await post(taxi(code, 'YS-taxi-1'), 'transport');
    await waitFor(async () => !(await listed(code)), 15_000, 'the enterprise covered');
    expect((await profile(code)).permitCover.covered[0]).toMatchObject({ coveredBy: { kind: 'licence', itemCode: 'ZJ-JT-TAXI-01' } });
    expect(await stock()).toBe(base + 1);

    await post({ ...taxi(code, 'YS-taxi-1', { status: 'revoked' }), corrects: granted.version }, 'transport');
    await waitFor(() => listed(code), 15_000, 'uncovered after the revocation');
    expect(await stock()).toBe(base);

    await post(taxi(code, 'YS-taxi-2'), 'transport');
    await waitFor(async () => !(await listed(code)), 15_000, 'covered by the second licence');
    expect(await stock()).toBe(base + 1);

    // The licence runs to 2026-11-30; on 12-01 the daily recheck finds it through the recheck index.
    clock.set('2026-12-01T02:00:00.000Z');
    try {
      expect((await profile(code)).permitCover.uncovered).toHaveLength(1);
      expect((await recheckCovers(ex.ports)).rechecked).toBeGreaterThanOrEqual(1);
      expect(await listed(code)).toMatchObject({ uncovered: ['ZJ-JT-TAXI-01'] });
      expect(await stock()).toBe(base);
    } finally {
      clock.set('2026-11-27T02:00:00.000Z');
    }
  });

  it('the uncovered list needs its scope, pages, and lists a city prefix district by district', async () => {
    expect((await ex.call('GET', '/v1/cover/uncovered?region=330402', { as: 'supervision' })).status).toBe(403);
    expect((await ex.call('GET', '/v1/cover/uncovered?region=3', as('cover-reader'))).status).toBe(400);
    const codes = [enterprise(), enterprise(), enterprise()];
    for (const c of codes) await post(establish(c, ['出版物零售']));
    await waitFor(() => allUncovered(codes), 15_000, 'three uncovered');
    const all: string[] = [];
    let next: string | undefined;
    do {
      const page = await ex.call('GET', `/v1/cover/uncovered?region=3304&days=0&limit=2${next ? `&cursor=${next}` : ''}`, as('cover-reader'));
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      all.push(...page.body.items.map((e: { creditCode: string }) => e.creditCode));
      next = page.body.next;
    } while (next);
    for (const c of codes) expect(all).toContain(c);
    expect(new Set(all).size).toBe(all.length);
    // Cursors are sealed for the caller and the listing: a crafted position, or a cursor handed out for other days, is refused.
    const first = (await ex.call('GET', '/v1/cover/uncovered?region=3304&days=0&limit=1', as('cover-reader'))).body.next as string;
    const crafted = Buffer.from(JSON.stringify({ r: '330402' })).toString('base64url');
    for (const cursor of [crafted, first]) {
      const res = await ex.call('GET', `/v1/cover/uncovered?region=3304&days=1&limit=1&cursor=${encodeURIComponent(cursor)}`, as('cover-reader'));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'cursor', code: 'invalid-cursor' })]);
    }
  });

  it('shows a quota item’s total, stock, places left and layout plan once the administrator sets a total', async () => {
    const current = shippedCatalogue().catalogue.items.find((i) => i.code === 'ZJ-JT-TAXI-01')?.versions[0];
    const quota = { ...current?.quota, total: 120 };
    const res = await ex.call('POST', '/v1/catalogue/ZJ-JT-TAXI-01/versions', { ...as('catalogue-admin'), body: { version: { ...current, effectiveFrom: '2026-11-27', quota } } });
    expect(res.status).toBe(201);
    const q = (await ex.call('GET', '/v1/catalogue/ZJ-JT-TAXI-01/quota', { as: null })).body;
    expect(q).toMatchObject({ code: 'ZJ-JT-TAXI-01', total: 120, placesLeft: 120 - q.stock, layoutPlan: current?.quota?.layoutPlan });
    expect((await ex.call('GET', '/v1/catalogue/ZJ-SC-FOOD-01/quota', { as: null })).status).toBe(404);
  });
});

async function allUncovered(codes: string[]) {
  const items = (await ex.call('GET', '/v1/cover/uncovered?region=330402&days=0&limit=100', as('cover-reader'))).body.items as { creditCode: string }[];
  return codes.every((c) => items.some((e) => e.creditCode === c));
}

describe('unmatched scope phrases', () => {
  it('are counted with first and last seen, listed for catalogue administrators only', async () => {
    await post(establish(enterprise(), [], ['宠物美容服务', '餐饮管理']));
    await post(establish(enterprise(), [], ['宠物美容服务']));
    const phrase = await waitFor(
      async () =>
        ((await ex.call('GET', '/v1/scope-phrases/unmatched', as('catalogue-admin'))).body.items as { phrase: string; count: number }[]).find((p) => p.phrase === '宠物美容服务' && p.count === 2),
      15_000,
      'the phrase counted twice',
    );
    expect(phrase).toMatchObject({ firstSeen: '2026-11-27', lastSeen: '2026-11-27' });
    expect((await ex.call('GET', '/v1/scope-phrases/unmatched', { as: 'market' })).status).toBe(403);
    const reg = await ex.call('GET', `/v1/enterprises/${makeCreditCode('91', '330402', `MA2K${String(serial).padStart(3, '0')}Q`)}`);
    expect(reg.body.registration.scope.unmatched).toEqual(['宠物美容服务']);
  });
});
