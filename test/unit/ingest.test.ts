/**
 * Ingest's idempotency, conflict and correction branches against in-memory stores: what a posting
 * department sees when it retries, repeats an id with other content, or corrects a record.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ProblemError } from '../../functions/core/errors';
import { ingestRecord } from '../../functions/core/ingest';
import type { ApiClient } from '../../functions/core/model';
import { ENTERPRISES, inspection, licence } from '../../local/samples';
import { memoryPorts, type MemoryPorts } from '../fakes/ports';

const market: ApiClient = {
  clientId: 'cmarket000001',
  department: 'market',
  name: 'market regulation',
  scopes: ['records:write:licence', 'records:write:inspection'],
  keyHash: '00',
  createdAt: '2026-11-01T00:00:00.000Z',
};
const code = ENTERPRISES.restaurant.creditCode;

/** The problem an ingest raised, or a failure when it succeeded. */
async function problemOf(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProblemError);
  return (e as ProblemError).toProblem();
}

let ports: MemoryPorts;
beforeEach(() => {
  ports = memoryPorts();
});

describe('posting a record', () => {
  it('creates version 1, and the same post again replays it without a second write', async () => {
    const first = await ingestRecord(ports, market, licence(code, 'XK-1'));
    expect(first).toMatchObject({ outcome: 'created', record: { version: 1, creditCode: code, department: 'market' } });
    ports.clock.advance(60_000);
    const again = await ingestRecord(ports, market, licence(code, 'XK-1'));
    expect(again.outcome).toBe('replayed');
    expect(again.record).toEqual(first.record);
    expect(await ports.records.versions(first.record.id)).toHaveLength(1);
  });

  it('refuses other content under an existing id, naming the current version', async () => {
    const { record } = await ingestRecord(ports, market, licence(code, 'XK-1'));
    const problem = await problemOf(ingestRecord(ports, market, licence(code, 'XK-1', { content: '预包装食品销售' })));
    expect(problem).toMatchObject({ status: 409, type: '/problems/record-exists', recordId: record.id, currentVersion: 1 });
    expect(await ports.records.versions(record.id)).toHaveLength(1);
  });

  it('compares a repeated post with the current version once the record was corrected', async () => {
    const { record } = await ingestRecord(ports, market, licence(code, 'XK-1'));
    await ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: '预包装食品销售' }), corrects: 1 });
    const problem = await problemOf(ingestRecord(ports, market, licence(code, 'XK-1')));
    expect(problem).toMatchObject({ status: 409, type: '/problems/record-exists', recordId: record.id, currentVersion: 2 });
  });

  it('keeps records of different departments with the same source id apart', async () => {
    const health: ApiClient = { ...market, clientId: 'chealth00001', department: 'health' };
    const a = await ingestRecord(ports, market, licence(code, 'XK-1'));
    const b = await ingestRecord(ports, health, licence(code, 'XK-1', { content: '预包装食品销售' }));
    expect(b.outcome).toBe('created');
    expect(b.record.id).not.toBe(a.record.id);
  });
});

describe('correcting a record', () => {
  it('writes the next version and marks the previous one superseded', async () => {
    const { record } = await ingestRecord(ports, market, licence(code, 'XK-1'));
    const fixed = await ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: '预包装食品销售' }), corrects: 1 });
    expect(fixed).toMatchObject({ outcome: 'created', record: { id: record.id, version: 2, corrects: 1 } });
    const [v2, v1] = await ports.records.versions(record.id);
    expect(v2.version).toBe(2);
    expect(v1.supersededBy).toBe(2);
    expect((await ports.records.enterpriseRecords(code)).map((s) => s.version)).toEqual([2]);
  });

  it('replays a correction posted twice', async () => {
    await ingestRecord(ports, market, licence(code, 'XK-1'));
    const body = { ...licence(code, 'XK-1', { content: '预包装食品销售' }), corrects: 1 };
    const first = await ingestRecord(ports, market, body);
    const again = await ingestRecord(ports, market, body);
    expect(again).toEqual({ outcome: 'replayed', record: first.record });
  });

  it.each([
    ['a version that is no longer current', 'stale-version', { corrects: 1 }, 2],
    ['a record that does not exist', 'correction-target-missing', { sourceId: 'XK-none', corrects: 1 }, 1],
  ])('refuses to correct %s', async (_, type, change, corrections) => {
    await ingestRecord(ports, market, licence(code, 'XK-1'));
    for (let v = 1; v < corrections; v++) await ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: `第${v}次更正` }), corrects: v });
    const problem = await problemOf(ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: '再次更正' }), ...change }));
    expect(problem).toMatchObject({ status: 409, type: `/problems/${type}` });
  });

  it('refuses a correction that changes the kind', async () => {
    await ingestRecord(ports, market, licence(code, 'XK-1'));
    const problem = await problemOf(ingestRecord(ports, market, { ...inspection(code, 'XK-1'), corrects: 1 }));
    expect(problem).toMatchObject({ status: 409, type: '/problems/kind-mismatch' });
  });

  it('retries once when another correction wins the race, and then gives up with a conflict', async () => {
    const { record } = await ingestRecord(ports, market, licence(code, 'XK-1'));
    ports.records.correctionsToLose = 1;
    const won = await ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: '预包装食品销售' }), corrects: 1 });
    expect(won.record.version).toBe(2);

    ports.records.correctionsToLose = 2;
    const problem = await problemOf(ingestRecord(ports, market, { ...licence(code, 'XK-1', { content: '散装食品销售' }), corrects: 2 }));
    expect(problem).toMatchObject({ status: 409, type: '/problems/concurrent-correction', recordId: record.id });
    expect(await ports.records.versions(record.id)).toHaveLength(2);
  });
});
