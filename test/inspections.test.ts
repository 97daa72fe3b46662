/**
 * 双随机、一公开 through the HTTP API on the real local services: a plan's commitment is public
 * before its pool is fixed, the published draw document re-draws with scripts/redraw.mjs (and a
 * tampered pool, roster or secret does not), tasks reach the inspectors' departments, a result
 * closes its task, a late result escalates once, and public reads carry no personal data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../functions/core/clients';
import { overdueJob } from '../functions/core/overdue';
import OFFICIAL from '../schemas/refdata/holidays.json' with { type: 'json' };
import { inspection, makeCreditCode, registration } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestExchange } from './helpers';

// Real time plus an offset the test moves: the stream and queue keep working while weeks pass.
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
let ex: TestExchange;
let planner: string;
let admin: string;
const PHONE = '13912345678';
/** A date in China Standard Time, `days` from the test's now. */
const cstDate = (days = 0) => new Date(clock.now().getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

const restaurants = Array.from({ length: 40 }, (_, i) => makeCreditCode('91', '330402', `MA2R${String(i).padStart(4, '0')}`));
const elsewhere = makeCreditCode('91', '330411', 'MA2T0001');
const shop = makeCreditCode('91', '330402', 'MA2T0002');

beforeAll(async () => {
  ex = await startExchange({ clock, push: {} });
  planner = (await createClient(ex.ports, { department: 'market', name: '区市场监管局抽查系统', scopes: ['inspections:plan', 'records:write:inspection', 'inbox:read'] })).apiKey;
  admin = (await createClient(ex.ports, { department: 'admin', name: '平台管理', scopes: ['calendar:manage'] })).apiKey;
  const records = [
    ...restaurants.map((code, i) => registration(code, `DJ-R-${i}`)),
    registration(elsewhere, 'DJ-S-1', { regionCode: '330411' }),
    registration(shop, 'DJ-S-2', { industryCode: '5211' }),
  ];
  expect((await ex.call('POST', '/v1/records/batch', { body: { records } })).body.counts).toMatchObject({ created: records.length });
  // Fan-out keeps the pool directory from the registrations.
  await waitFor(async () => (await Promise.all([...restaurants, elsewhere, shop].map((c) => ex.ports.directory.get(c)))).every(Boolean), 20_000, 'the pool directory');
  // The credit rule rates every registered enterprise (B with nothing else on file) as its registration arrives;
  // once it has, three quarters are given other classes, as later records would.
  await waitFor(async () => (await Promise.all(restaurants.map((c) => ex.ports.directory.get(c)))).every((e) => e?.riskClass === 'B'), 20_000, 'the credit rule');
  for (const [i, code] of restaurants.entries()) if (i % 4) await ex.ports.directory.setRiskClass(code, (['A', 'B', 'C', 'D'] as const)[i % 4]);
});
afterAll(() => ex.close());

const as = (key: string) => ({ as: null, headers: { authorization: `Bearer ${key}` } });
const publicRead = async (path: string) => {
  const res = await ex.call('GET', path, { as: null, purpose: null });
  expect(JSON.stringify(res.body)).not.toContain(PHONE);
  return res;
};

function planBody() {
  return {
    title: '2026年第四季度餐饮服务食品安全双随机抽查',
    catalogueItemCodes: ['ZJ-SC-FOOD-01'],
    regionPrefixes: ['330402'],
    industryPrefixes: ['H'],
    inspectBy: cstDate(21),
    ratios: { A: 1000, B: 2000, C: 5000, D: 10000, unrated: 5000 },
    inspectorsPerTask: 2,
    requiredFields: ['食品安全'],
    departments: ['health', 'market'],
    roster: [
      { id: 'm1', name: '王建国', certificate: '33040220001', department: 'market', fields: ['食品安全'], conflicts: [restaurants[3]], phone: PHONE },
      { id: 'm2', name: '李晓梅', certificate: '33040220002', department: 'market', fields: ['食品安全', '广告'] },
      { id: 'h1', name: '张卫东', certificate: '33040230001', department: 'health', fields: ['公共卫生'] },
      { id: 'h2', name: '刘芳', certificate: '33040230002', department: 'health', fields: ['公共卫生', '食品安全'] },
    ],
  };
}

function redrawScript(doc: string, args: string[] = []): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'draw-'));
  const file = join(dir, 'draw.json');
  writeFileSync(file, doc);
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/redraw.mjs', ...args, file], (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }));
  });
}

describe('a random inspection plan through the API', () => {
  let planId: string;
  let commitment: string;
  let fixedPool: { hash: string; rosterHash: string };
  let tasks: { id: string; creditCode: string; status: string; departments: string[]; inspectors: { id: string }[] }[];

  it('refuses bad plans with problem+json naming every bad field, and callers without the scope', async () => {
    const bad = await ex.call('POST', '/v1/inspection-plans', { ...as(planner), body: { ...planBody(), catalogueItemCodes: ['ZJ-NOPE-01'], inspectBy: '2026-13-01', roster: [{ id: 'x' }] } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/inspectBy', '/roster/0/name', '/roster/0/certificate', '/roster/0/department', '/roster/0/fields']));
    expect((await ex.call('POST', '/v1/inspection-plans', { as: 'health', body: planBody() })).status).toBe(403);
    expect((await ex.call('POST', '/v1/inspection-plans', { as: null, body: planBody() })).status).toBe(401);
    expect((await publicRead('/v1/public/plans?department=market')).body.items).toEqual([]);
  });

  it('publishes the commitment, timestamped, before the pool is fixed', async () => {
    const created = await ex.call('POST', '/v1/inspection-plans', { ...as(planner), body: planBody() });
    expect(created.status).toBe(201);
    ({ id: planId, commitment } = created.body);
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(created.body).not.toHaveProperty('secret');
    // The organiser sees its own inspector's phone masked (no personal:read).
    expect(created.body.roster[0]).toMatchObject({ conflicts: [restaurants[3]], phone: '*******5678' });

    const before = await publicRead(`/v1/public/plans/${planId}`);
    expect(before.body).toMatchObject({ id: planId, status: 'created', commitment });
    expect(before.body).not.toHaveProperty('pool');
    expect(before.body).not.toHaveProperty('draw');
    expect(before.body.roster[0]).toEqual({ id: 'm1', name: '王建国', certificate: '33040220001', department: 'market', fields: ['食品安全'] });
    expect((await publicRead('/v1/public/plans?department=market')).body.items).toEqual([expect.objectContaining({ id: planId, commitment })]);
    expect((await ex.call('POST', `/v1/inspection-plans/${planId}/draw`, as(planner))).status).toBe(409);

    offset += 60_000;
    const fixed = await ex.call('POST', `/v1/inspection-plans/${planId}/fix`, as(planner));
    expect(fixed.status).toBe(200);
    // Section H in 330402 only: the restaurants, not the shop nor the enterprise in another district.
    expect(fixed.body.pool).toMatchObject({ size: restaurants.length, counts: { B: 20, C: 10, D: 10 } });
    fixedPool = fixed.body.pool;
    const after = await publicRead(`/v1/public/plans/${planId}`);
    expect(Date.parse(after.body.pool.fixedAt)).toBeGreaterThan(Date.parse(after.body.committedAt));
    expect(after.body).not.toHaveProperty('draw');
  });

  it('draws and publishes a document that re-draws with the script, and finds a tampered pool, roster or secret', async () => {
    offset += 60_000;
    const drawn = await ex.call('POST', `/v1/inspection-plans/${planId}/draw`, as(planner));
    expect(drawn.status).toBe(200);
    const plan = (await publicRead(`/v1/public/plans/${planId}`)).body;
    expect(plan.draw).toMatchObject({ tasks: expect.any(Number), secret: expect.stringMatching(/^[0-9a-f]{64}$/), document: `/v1/public/plans/${planId}/draw` });

    const res = await publicRead(`/v1/public/plans/${planId}/draw`);
    expect(res.headers.get('x-document-parts')).toBe('1');
    const text = JSON.stringify(res.body);
    const checked = ['--commitment', commitment, '--pool-hash', fixedPool.hash, '--roster-hash', fixedPool.rosterHash];
    const same = await redrawScript(text, checked);
    expect(same.out).toContain('reproduced');
    expect(same.code).toBe(0);

    const doc = res.body;
    const pool = structuredClone(doc);
    pool.pool.classes.B = [...pool.pool.classes.B.slice(1), shop].sort();
    const roster = structuredClone(doc);
    roster.roster.inspectors[0].name = '王建民';
    const secret = structuredClone(doc);
    secret.secret = secret.secret.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    for (const tampered of [pool, roster, secret]) {
      const run = await redrawScript(JSON.stringify(tampered), checked);
      expect(run.code, run.out).toBe(1);
      expect(run.out).toContain('differs');
    }
    tasks = (await publicRead(`/v1/public/plans/${planId}/tasks?limit=100`)).body.items;
    expect(tasks.map((t) => t.creditCode)).toEqual(doc.tasks.map((t: { creditCode: string }) => t.creditCode).sort());
    for (const t of tasks) if (t.creditCode === restaurants[3]) expect(t.inspectors.map((i) => i.id)).not.toContain('m1');
  });

  it('pushes every task to its inspectors’ departments, and a posted result closes it', async () => {
    const open = tasks.filter((t) => t.status === 'open');
    expect(open.length).toBeGreaterThan(1);
    const notices = await waitFor(async () => {
      const items = ((await ex.call('GET', '/v1/inbox?open=true&limit=100', { as: 'health' })).body.items as Notification[]).filter((n) => n.event.type === 'cn.edx.inspection.task.assigned');
      return items.length === open.filter((t) => t.departments.includes('health')).length ? items : undefined;
    });
    expect(notices[0].event.data).toMatchObject({ planId, organiser: 'market' });
    expect(JSON.stringify(notices)).not.toContain(PHONE);

    const [done, ...late] = open;
    const posted = await ex.call('POST', '/v1/records', {
      as: 'health',
      body: inspection(done.creditCode, 'JC-2026-R-1', { department: '嘉兴市南湖区卫生健康局', date: cstDate(), taskId: done.id }),
    });
    expect(posted.status).toBe(201);
    const closed = (await publicRead(`/v1/public/plans/${planId}/tasks?limit=100`)).body.items.find((t: { id: string }) => t.id === done.id);
    expect(closed).toMatchObject({ status: 'closed', result: { recordId: posted.body.id, result: 'no-problem', date: cstDate(), late: false } });

    const wrong = await ex.call('POST', '/v1/records', { as: 'health', body: inspection(shop, 'JC-2026-R-2', { date: cstDate(), taskId: late[0].id }) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ path: '/creditCode' })]);

    // The 20th working day after inspectBy ends (China time): the job escalates each late task once.
    const due = (await publicRead(`/v1/public/plans/${planId}`)).body.draw.resultDue;
    expect(due.overdueAfter).toBe(`${due.dueDate}T16:00:00.000Z`);
    offset = Date.parse(due.overdueAfter) - 60_000 - Date.now();
    expect((await overdueJob(ex.ports)).tasksEscalated).toBe(0);
    offset += 2 * 60_000;
    const run = await overdueJob(ex.ports);
    expect(run.tasksEscalated).toBe(late.length);
    expect((await overdueJob(ex.ports)).tasksEscalated).toBe(0);
    const escalations = await waitFor(async () => {
      const items = ((await ex.call('GET', '/v1/inbox?open=true&limit=100', as(planner))).body.items as Notification[]).filter((n) => n.event.type === 'cn.edx.inspection.task.overdue');
      return items.length === late.length ? items : undefined;
    });
    expect(escalations.map((n) => n.event.data.taskId).sort()).toEqual(late.map((t) => t.id).sort());
  });
});

describe('the holiday calendar', () => {
  it('is public, and administrators keep it; a calendar that contradicts itself is refused naming the fields', async () => {
    const shipped = (await publicRead('/v1/public/calendar')).body.years['2026'];
    expect(shipped).toMatchObject({ number: '国办发明电〔2025〕7号', source: 'shipped' });
    const year = OFFICIAL.years['2026'];
    const bad = await ex.call('PUT', '/v1/calendar/2026', { ...as(admin), body: { ...year, workingWeekends: ['2026-01-06', '2026-10-03'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['/workingWeekends/0', '/workingWeekends/1']);
    expect((await ex.call('PUT', '/v1/calendar/2026', { as: 'market', body: year })).status).toBe(403);
    const kept = await ex.call('PUT', '/v1/calendar/2026', { ...as(admin), body: year });
    expect(kept.status).toBe(200);
    expect((await publicRead('/v1/public/calendar')).body.years['2026']).toMatchObject({ source: 'administrator', updatedBy: 'admin', holidays: year.holidays });
  });
});
