import { describe, expect, it } from 'vitest';
import { conflict, ProblemError } from '../../functions/core/errors';

describe('problems', () => {
  it('keep their HTTP status and type whatever extension members they carry', () => {
    const p = new ProblemError(409, { type: 'plan-already-fixed', title: 'Conflict', detail: 'plan p1 is fixed already', extra: { status: 'fixed', type: 'other', recordId: 'r1' } }).toProblem();
    expect(p.status).toBe(409);
    expect(p.type).toMatch(/plan-already-fixed$/);
    expect(p).toMatchObject({ recordId: 'r1', detail: 'plan p1 is fixed already' });
  });

  it('from conflict() are 409 with the detail they were given', () => {
    expect(conflict('record-conflict', 'version 2 is current', { currentVersion: 2 }).toProblem()).toMatchObject({ status: 409, currentVersion: 2, detail: 'version 2 is current' });
  });
});
