/**
 * Statistics per department and quarter (部门统计): counted as records, notifications,
 * acknowledgements, feedback and escalations happen (records and notifications as fan-out handles
 * them), each once however often it is retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../functions/core/overdue';
import { fanoutBatch } from '../functions/core/fanout';
import { quarterOf } from '../functions/core/counters';
import { inspection, makeCreditCode } from '../local/samples';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

// Real time plus an offset the test moves: the stream keeps working while "days pass".
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange({ clock, push: { fanout: { ackWithinHours: 72 } } });
});
afterAll(() => ex.close());

const code = makeCreditCode('91', '330402', 'MA2TJTJ1');
const quarter = quarterOf(new Date());
const stats = async (as: TestClient, q = `?quarter=${quarter}`) => (await ex.call('GET', `/v1/statistics${q}`, { as })).body;
const inbox = async () => ((await ex.call('GET', '/v1/inbox?limit=100', { as: 'credit' })).body.items as Notification[]).filter((n) => n.event.subject === code);

describe('statistics per department and quarter', () => {
  it('counts what a department provided and received, acknowledged in time or late, let go overdue and fed back, once each', async () => {
    await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: '统计', purpose: 'test: statistics', filters: { creditCodes: [code] } } });
    for (const id of ['TJ-1', 'TJ-2', 'TJ-3']) expect((await ex.call('POST', '/v1/records', { body: inspection(code, id) })).status).toBe(201);
    // Posting the same record again is a replay, not a second record provided.
    await ex.call('POST', '/v1/records', { body: inspection(code, 'TJ-1') });
    const corrected = await ex.call('POST', '/v1/records', { body: { ...inspection(code, 'TJ-3', { result: 'corrected-on-order' }), corrects: 1 } });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(201);

    const [n1, n2, n3, n4] = await waitFor(async () => {
      const mine = await inbox();
      return mine.length === 4 ? mine : undefined;
    });
    await ex.call('POST', `/v1/notifications/${n1.id}/ack`, { as: 'credit' });
    await ex.call('POST', `/v1/notifications/${n1.id}/ack`, { as: 'credit' });
    expect((await ex.call('POST', `/v1/notifications/${n2.id}/feedback`, { as: 'credit', body: { outcome: 'taken-into-supervision' } })).status).toBe(201);
    await ex.call('POST', `/v1/notifications/${n2.id}/feedback`, { as: 'credit', body: { outcome: 'taken-into-supervision' } });

    // The poster receives the feedback as a notification of its own.
    await waitFor(async () => (await stats('market')).received === 1, 15_000, 'the feedback to reach the poster');

    offset = 73 * 3600_000;
    // Two of credit's notifications, and market's feedback notification nobody acknowledged.
    expect(await escalateOverdue(ex.ports)).toEqual({ escalated: 3 });
    await waitFor(async () => (await stats('credit')).overdue === 2, 15_000, 'the escalations to be counted');
    await ex.call('POST', `/v1/notifications/${n3.id}/ack`, { as: 'credit' });
    expect(n4.event.data.version).toBe(2);

    expect(await stats('credit')).toEqual({
      department: 'credit',
      quarter,
      provided: 0,
      corrected: 0,
      received: 4,
      acknowledgedInTime: 2,
      acknowledgedLate: 1,
      overdue: 2,
      feedback: 1,
    });
    const market = await waitFor(async () => {
      const s = await stats('market');
      return s.overdue === 1 ? s : undefined;
    });
    expect(market).toEqual({ department: 'market', quarter, provided: 3, corrected: 1, received: 1, acknowledgedInTime: 0, acknowledgedLate: 0, overdue: 1, feedback: 0 });

    // A stream batch delivered again (the same inserts once more) counts nothing new.
    const versions = await ex.ports.records.versions(corrected.body.id);
    const again = await fanoutBatch(
      ex.ports,
      versions.map((v, i) => ({ eventName: 'INSERT', sequenceNumber: String(i + 1), after: { type: 'record-version', value: v } })),
      ex.push?.fanoutConfig ?? { ackWithinHours: 72, supervisingDepartment: 'supervision' },
    );
    expect(again).toEqual({ notifications: 0 });
    expect(await stats('market')).toEqual(market);
    expect((await stats('credit')).received).toBe(4);
  });

  it('shows every department to a supervisor and only its own to a department', async () => {
    await waitFor(async () => (await stats('supervision')).received === 3, 15_000, 'the escalations to reach the supervisor');
    const all = await ex.call('GET', `/v1/statistics/departments?quarter=${quarter}`, { as: 'supervision' });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const byDepartment = Object.fromEntries(all.body.items.map((s: { department: string }) => [s.department, s]));
    expect(Object.keys(byDepartment)).toEqual(expect.arrayContaining(['credit', 'health', 'market', 'supervision', 'transport']));
    expect(byDepartment.credit).toEqual(await stats('credit'));
    expect(byDepartment.market).toEqual(await stats('market'));
    expect(byDepartment.supervision).toEqual(await stats('supervision'));
    expect(byDepartment.transport).toMatchObject({ provided: 0, received: 0 });
    expect((await ex.call('GET', `/v1/statistics/departments?quarter=${quarter}`, { as: 'credit' })).status).toBe(403);
  });

  it('reads the current quarter by default and refuses a malformed one, naming it', async () => {
    expect((await stats('transport', '')).quarter).toBe(quarterOf(clock.now()));
    const bad = await ex.call('GET', '/v1/statistics?quarter=2026Q5', { as: 'credit' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'quarter' })]);
  });
});
