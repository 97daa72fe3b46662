/**
 * 双随机、一公开 plans against in-memory ports: the commitment comes before the pool, the published
 * document re-draws, exclusions from the previous plan of the same item hold, results close tasks,
 * late results escalate once, and tasks reach the inspectors' departments.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fanoutBatch } from '../../functions/core/fanout';
import { ingestRecord } from '../../functions/core/ingest';
import { createPlan, drawDocument, drawPlan, fixPlan, listTasks, readPlan } from '../../functions/core/inspections';
import { redraw } from '../../functions/core/draw';
import { ProblemError } from '../../functions/core/errors';
import type { ApiClient, StoredTask } from '../../functions/core/model';
import { escalateOverdueTasks } from '../../functions/core/overdue';
import { inspection, makeCreditCode } from '../../local/samples';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';

const client = (department: string, scopes: ApiClient['scopes']): ApiClient => ({ clientId: `c${department}`, department, name: department, scopes, keyHash: '00', createdAt: '2026-11-01T00:00:00Z' });
const market = client('market', ['inspections:plan', 'records:write:inspection']);
const health = client('health', ['records:write:inspection']);
const codes = Array.from({ length: 120 }, (_, i) => makeCreditCode('91', '330402', `MA2P${String(i).padStart(4, '0')}`));

function planBody(over: Record<string, unknown> = {}) {
  return {
    title: '2026年第四季度餐饮服务食品安全双随机抽查',
    catalogueItemCodes: ['ZJ-SC-FOOD-01'],
    regionPrefixes: ['330402'],
    industryPrefixes: ['H'],
    inspectBy: '2026-12-18',
    ratios: { A: 500, B: 1000, C: 2000, D: 5000, unrated: 1000 },
    inspectorsPerTask: 2,
    requiredFields: ['食品安全'],
    departments: ['health', 'market'],
    roster: [
      { id: 'm1', name: '王建国', certificate: '33040220001', department: 'market', fields: ['食品安全'], conflicts: [codes[0]], phone: '13800000001' },
      { id: 'm2', name: '李晓梅', certificate: '33040220002', department: 'market', fields: ['食品安全', '广告'] },
      { id: 'm3', name: '陈志强', certificate: '33040220003', department: 'market', fields: ['计量'] },
      { id: 'h1', name: '张卫东', certificate: '33040230001', department: 'health', fields: ['公共卫生'] },
      { id: 'h2', name: '刘芳', certificate: '33040230002', department: 'health', fields: ['公共卫生', '食品安全'] },
    ],
    ...over,
  };
}

let ports: MemoryPorts;
beforeEach(async () => {
  ports = memoryPorts();
  for (const [i, code] of codes.entries()) {
    await ports.directory.apply({ creditCode: code, regionCode: '330402', industryCode: i % 6 === 5 ? '5211' : '6210', registered: true, asOf: '2026-01-01#x' });
    if (i % 4) await ports.directory.setRiskClass(code, (['A', 'B', 'C', 'D'] as const)[i % 4]);
  }
});

const problem = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProblemError);
  return (e as ProblemError).toProblem();
};

describe('a random inspection plan', () => {
  it('publishes its commitment before the pool exists, and the published draw re-draws', async () => {
    const plan = await createPlan(ports, market, planBody());
    const before = await readPlan(ports, plan.id);
    expect(before).toMatchObject({ status: 'created', commitment: plan.commitment, committedAt: '2026-11-27T02:00:00.000Z' });
    expect(before).not.toHaveProperty('pool');
    expect(JSON.stringify(before)).not.toContain(plan.secret);
    expect(createHash('sha256').update(Buffer.from(plan.secret, 'hex')).digest('hex')).toBe(plan.commitment);

    ports.clock.advance(3600_000);
    const fixed = await fixPlan(ports, market, plan.id);
    expect(String(fixed.fixed?.at) > plan.createdAt).toBe(true);
    // Section H only: every sixth sample enterprise is a retailer (5211) and stays out.
    expect(fixed.fixed?.poolSize).toBe(100);
    expect(JSON.stringify(await readPlan(ports, plan.id))).not.toContain(plan.secret);

    ports.clock.advance(3600_000);
    const drawn = await drawPlan(ports, market, plan.id);
    const published = await readPlan(ports, plan.id);
    expect(published.draw).toMatchObject({ secret: plan.secret, tasks: drawn.drawn?.tasks });
    const { text } = await drawDocument(ports, plan.id);
    const doc = JSON.parse(text);
    expect(redraw(doc, { commitment: plan.commitment, poolHash: fixed.fixed?.poolHash, rosterHash: fixed.fixed?.rosterHash })).toMatchObject({ reproduced: true });
    expect(doc.pool.hash).toBe(fixed.fixed?.poolHash);

    const tasks = (await listTasks(ports, plan.id, undefined, 100)).items;
    expect(tasks.length).toBe(drawn.drawn?.tasks);
    for (const t of tasks) {
      const team = t.inspectors.map((i) => i.id);
      if (t.creditCode === codes[0]) expect(team).not.toContain('m1');
      // A joint plan mixes its departments, and the team covers the required field.
      if (t.status === 'open') expect(t.departments).toEqual(['health', 'market']);
    }
  });

  it('keeps an inspector away from the enterprises they inspected in the previous plan of the same item', async () => {
    const first = await createPlan(ports, market, planBody({ ratios: { A: 10000, B: 10000, C: 10000, D: 10000, unrated: 10000 } }));
    await fixPlan(ports, market, first.id);
    ports.clock.advance(60_000);
    await drawPlan(ports, market, first.id);
    const earlier = new Map([...ports.plans.taskItems.values()].map((t) => [t.creditCode, t.inspectors.map((i) => i.id)]));

    ports.clock.advance(60_000);
    const second = await createPlan(ports, market, planBody({ title: '2027年第一季度', ratios: { A: 10000, B: 10000, C: 10000, D: 10000, unrated: 10000 } }));
    const fixed = await fixPlan(ports, market, second.id);
    expect(fixed.fixed?.previousPlans).toEqual([first.id]);
    ports.clock.advance(60_000);
    await drawPlan(ports, market, second.id);
    const again = [...ports.plans.taskItems.values()].filter((t) => t.planId === second.id);
    expect(again).toHaveLength(100);
    for (const t of again) for (const i of t.inspectors) expect(earlier.get(t.creditCode), `${t.creditCode} ${i.id}`).not.toContain(i.id);
  });

  it('refuses bad plans naming every bad field, and writes nothing', async () => {
    const p = await problem(createPlan(ports, market, planBody({ catalogueItemCodes: ['ZJ-NOPE-01'], regionPrefixes: ['999999'], inspectBy: '2026-01-01', ratios: { A: 20000 } })));
    expect(p.status).toBe(422);
    expect(p.errors?.map((e) => e.path).sort()).toEqual(['/ratios/A', '/ratios/B', '/ratios/C', '/ratios/D', '/ratios/unrated'].sort());
    const q = await problem(createPlan(ports, market, planBody({ catalogueItemCodes: ['ZJ-NOPE-01'], regionPrefixes: ['999999'], inspectBy: '2026-01-01' })));
    expect(q.errors?.map((e) => e.path).sort()).toEqual(['/catalogueItemCodes/0', '/inspectBy', '/regionPrefixes/0']);
    expect((await problem(createPlan(ports, health, planBody()))).status).toBe(403);
    expect(ports.plans.plans.size).toBe(0);
  });
});

describe('tasks', () => {
  async function drawnPlan() {
    const plan = await createPlan(ports, market, planBody());
    await fixPlan(ports, market, plan.id);
    await drawPlan(ports, market, plan.id);
    return structuredClone([...ports.plans.taskItems.values()].filter((t) => t.status === 'open'));
  }

  it('go to the inspectors’ departments as notices, and a late one escalates once to the organiser', async () => {
    const [task, other] = await drawnPlan();
    const config = { ackWithinHours: 72, supervisingDepartment: 'supervision' };
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'inspection-task', value: task } }], config);
    await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'inspection-task', value: task } }], config);
    const notices = [...ports.notifications.notifications.values()].filter((n) => n.event.type === 'cn.edx.inspection.task.assigned');
    expect(notices.map((n) => n.department).sort()).toEqual(['health', 'market']);
    expect(notices[0].event.data).toMatchObject({ taskId: task.id, creditCode: task.creditCode });
    expect(JSON.stringify(notices[0].event)).not.toContain('1380000');

    // The result of one task arrives in time; the other never does.
    const { record } = await ingestRecord(ports, health, inspection(other.creditCode, 'JC-R-1', { type: 'random', department: '嘉兴市南湖区卫生健康局', date: '2026-12-01', taskId: other.id }));
    expect((await ports.plans.getTask(other.planId, other.creditCode))?.result).toMatchObject({ recordId: record.id, result: 'no-problem', late: false });
    expect(await escalateOverdueTasks(ports)).toEqual({ escalated: 0 });

    // 2026-12-18 plus 20 working days is 2027-01-15 (a provisional year: no 2027 notice shipped).
    expect(task.resultDue).toEqual({ dueDate: '2027-01-15', overdueAfter: '2027-01-15T16:00:00.000Z', provisional: true });
    ports.clock.advance(Date.parse('2027-01-15T15:59:00Z') - ports.clock.now().getTime());
    expect(await escalateOverdueTasks(ports)).toEqual({ escalated: 0 });
    ports.clock.advance(2 * 60_000);
    const open = [...ports.plans.taskItems.values()].filter((t) => t.status === 'open').length;
    expect(await escalateOverdueTasks(ports)).toEqual({ escalated: open });
    expect(await escalateOverdueTasks(ports)).toEqual({ escalated: 0 });
    expect((await ports.plans.getTask(other.planId, other.creditCode))?.escalatedAt).toBeUndefined();

    const escalated = (await ports.plans.getTask(task.planId, task.creditCode)) as StoredTask;
    await fanoutBatch(ports, [{ eventName: 'MODIFY', sequenceNumber: '2', before: { type: 'inspection-task', value: task }, after: { type: 'inspection-task', value: escalated } }], config);
    const escalations = [...ports.notifications.notifications.values()].filter((n) => n.event.type === 'cn.edx.inspection.task.overdue');
    expect(escalations.map((n) => [n.department, n.event.data.taskId])).toEqual([['market', task.id]]);
  });

  it('close only from a random inspection of the task’s enterprise by one of its departments', async () => {
    const [task, other] = await drawnPlan();
    const transport = client('transport', ['records:write:inspection']);
    const wrongDept = await problem(ingestRecord(ports, transport, inspection(task.creditCode, 'JC-X-1', { type: 'random', date: '2026-12-01', taskId: task.id })));
    expect(wrongDept.errors).toEqual([expect.objectContaining({ path: '/data/taskId' })]);
    const wrongCode = await problem(ingestRecord(ports, health, inspection(other.creditCode, 'JC-X-2', { type: 'random', date: '2026-12-01', taskId: task.id })));
    expect(wrongCode.errors).toEqual([expect.objectContaining({ path: '/creditCode' })]);
    const keyInspection = inspection(task.creditCode, 'JC-X-3', { type: 'random', date: '2026-12-01', taskId: task.id });
    const notRandom = await problem(ingestRecord(ports, health, { ...keyInspection, data: { ...keyInspection.data, type: 'key' } }));
    expect(notRandom.errors).toEqual([expect.objectContaining({ path: '/data/type' })]);
    expect(ports.records.versionsById.size).toBe(0);
    expect((await ports.plans.getTask(task.planId, task.creditCode))?.status).toBe('open');
  });
});
