/**
 * Finding an enterprise by name (名称查询): a prefix of the registered name or a former name, from
 * the name index fan-out keeps, paged with sealed cursors; every enterprise shown is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISES, makeCreditCode, registration } from '../local/samples';
import { startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

let ex: TestExchange;
const restaurant = ENTERPRISES.restaurant.creditCode;
const farm = makeCreditCode('91', '330402', 'MA2MC001');
const elsewhere = makeCreditCode('91', '330411', 'MA2MC002');
const wide = makeCreditCode('91', '330402', 'MA2MC003');
const renamed = makeCreditCode('91', '330402', 'MA2MC004');
const grocer = ENTERPRISES.grocer.creditCode;
const paged = Array.from({ length: 25 }, (_, i) => makeCreditCode('91', '330402', `MA2P${String(i).padStart(4, '0')}`));

beforeAll(async () => {
  ex = await startExchange({ push: {} });
  const records = [
    registration(restaurant, 'MC-1', { name: ENTERPRISES.restaurant.name }),
    registration(farm, 'MC-2', { name: '嘉兴市南湖区禾丰农业发展有限公司' }),
    registration(elsewhere, 'MC-3', { name: '嘉兴市秀洲区禾味食品有限公司', regionCode: '330411' }),
    // Full-width letters and a space, as some systems send them.
    registration(wide, 'MC-4', { name: 'ＡＢＣ 嘉兴信息科技有限公司' }),
    registration(renamed, 'MC-5', { name: '嘉兴市南湖区旧名商贸有限公司', date: '2024-03-12' }),
    registration(renamed, 'MC-6', { action: 'change', name: '嘉兴市南湖区新名商贸有限公司', date: '2025-05-06' }),
    registration(grocer, 'MC-7', { name: ENTERPRISES.grocer.name }),
    ...paged.map((code, i) => registration(code, `MC-P${i}`, { name: `嘉兴市南湖区分页测试${String(i).padStart(2, '0')}有限公司` })),
  ];
  const posted = await ex.call('POST', '/v1/records/batch', { body: { records } });
  expect(posted.body.counts, JSON.stringify(posted.body)).toMatchObject({ created: records.length });
  await waitFor(
    async () => {
      // The entry, its name and its counts come with fan-out.
      const entries = await ex.ports.directory.getMany([...paged, restaurant, farm, elsewhere, wide, renamed, grocer]);
      return [...entries.values()].filter((e) => e.name).length === paged.length + 6 && entries.get(renamed)?.name === '嘉兴市南湖区新名商贸有限公司';
    },
    30_000,
    'the name index',
  );
});
afterAll(() => ex.close());

const search = (name: string, as: TestClient = 'market', more = '') => ex.call('GET', `/v1/enterprises?name=${encodeURIComponent(name)}${more}`, { as });
const codes = (body: { items: { creditCode: string }[] }) => body.items.map((i) => i.creditCode);

describe('name search', () => {
  it('finds enterprises by the beginning of their registered name, in name order', async () => {
    const res = await search('嘉兴市南湖区禾');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toEqual([
      { creditCode: farm, name: '嘉兴市南湖区禾丰农业发展有限公司', matchedName: '嘉兴市南湖区禾丰农业发展有限公司', former: false, status: 'active', regionCode: '330402' },
      expect.objectContaining({ creditCode: restaurant, name: ENTERPRISES.restaurant.name, former: false }),
    ]);
    expect(codes((await search('嘉兴市秀洲')).body)).toEqual([elsewhere]);
    expect((await search('嘉兴市南湖区无此名')).body.items).toEqual([]);
  });

  it('folds full-width characters, whitespace and case', async () => {
    expect(codes((await search('abc嘉兴')).body)).toEqual([wide]);
    expect(codes((await search('ＡＢＣ 嘉')).body)).toEqual([wide]);
  });

  it('finds an enterprise by its former name after a change of name, showing the current one', async () => {
    const res = await search('嘉兴市南湖区旧名');
    expect(res.body.items).toEqual([expect.objectContaining({ creditCode: renamed, name: '嘉兴市南湖区新名商贸有限公司', matchedName: '嘉兴市南湖区旧名商贸有限公司', former: true })]);
    expect((await search('嘉兴市南湖区新名')).body.items).toEqual([expect.objectContaining({ creditCode: renamed, former: false })]);
  });

  it('pages with sealed cursors, each enterprise once', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await search('嘉兴市南湖区分页', 'market', `&limit=10${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...codes(res.body));
      next = res.body.next;
      pages++;
      if (next && pages === 1) expect((await search('嘉兴市南湖区分页', 'supervision', `&limit=10&cursor=${encodeURIComponent(next)}`)).status).toBe(400);
    } while (next && pages < 5);
    expect(pages).toBe(3);
    expect(seen).toEqual(paged);
  });

  it('shows an individual business found by name only to a client that may read personal data', async () => {
    expect((await search('南湖区张记')).body.items).toEqual([]);
    expect(codes((await search('南湖区张记', 'supervision')).body)).toEqual([grocer]);
  });

  it('logs each enterprise shown, and refuses a query too short, without a purpose or without the scope', async () => {
    await search('嘉兴市南湖区禾丰');
    const log = await ex.call('GET', `/v1/enterprises/${farm}/access-log`, { as: 'supervision' });
    expect(log.body.items).toContainEqual(expect.objectContaining({ resource: 'name-search', department: 'market' }));
    const short = await search(' 嘉 ');
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);
    expect((await ex.call('GET', `/v1/enterprises?name=${encodeURIComponent('嘉兴')}`, { purpose: null })).status).toBe(400);
    expect((await search('嘉兴', 'transport')).status).toBe(403);
  });
});
