/** The access log's hash chain: what an auditor's check finds in an export of one enterprise's log. */
import { describe, expect, it } from 'vitest';
import { chain, GENESIS, verifyAccessLog } from '../../functions/core/access-log';
import type { AccessLogEntry } from '../../functions/core/model';

const code = '91350200MA2XYZ1234';
function log(n: number): AccessLogEntry[] {
  const out: AccessLogEntry[] = [];
  for (let i = 0; i < n; i++)
    out.push(chain({ creditCode: code, at: `2026-11-27T0${i}:00:00.000Z`, clientId: 'cAbCdEfGhIjKl', department: 'market', purpose: `审查 ${i}`, resource: 'profile' }, out.at(-1)));
  return out;
}

describe('access log chain', () => {
  it('links each entry to the one before, from the genesis hash', () => {
    const entries = log(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0].prev).toBe(GENESIS);
    expect(entries[2].prev).toBe(entries[1].hash);
    expect(verifyAccessLog([...entries].reverse())).toEqual({ ok: true, entries: 3 });
  });

  it('finds a rewritten entry, a removed one, one re-chained after it, and a cut-off tail against the anchors', () => {
    const entries = log(5);
    const anchors = entries.map((e) => ({ seq: e.seq ?? 0, hash: e.hash ?? '' }));
    expect(verifyAccessLog(entries.map((e) => (e.seq === 2 ? { ...e, department: 'health' } : e)))).toMatchObject({ ok: false, seq: 2, reason: 'hash-mismatch' });
    expect(verifyAccessLog(entries.filter((e) => e.seq !== 3))).toMatchObject({ ok: false, seq: 3, reason: 'gap' });
    // Rewriting entry 4 and re-chaining what follows keeps the chain whole; the anchors kept outside the table do not match.
    const forged = log(3).concat([]);
    let previous = forged.at(-1);
    for (const e of entries.slice(3)) {
      const next = chain({ creditCode: e.creditCode, at: e.at, clientId: e.clientId, department: e.department, purpose: '伪造', resource: e.resource }, previous);
      forged.push(next);
      previous = next;
    }
    expect(verifyAccessLog(forged)).toEqual({ ok: true, entries: 5 });
    expect(verifyAccessLog(forged, anchors)).toMatchObject({ ok: false, seq: 4, reason: 'anchor-mismatch' });
    expect(verifyAccessLog(entries.slice(0, 4), anchors)).toMatchObject({ ok: false, seq: 5, reason: 'truncated' });
  });

  it('accepts a run whose oldest entries retention removed, and leaves entries from before the chain out', () => {
    const entries = log(6).slice(2);
    const legacy: AccessLogEntry = { creditCode: code, at: '2026-01-01T00:00:00.000Z', clientId: 'cAbCdEfGhIjKl', department: 'market', purpose: 'old', resource: 'profile' };
    expect(verifyAccessLog([...entries, legacy])).toEqual({ ok: true, entries: 4 });
    expect(verifyAccessLog([{ ...entries[0], seq: 1 }, ...entries.slice(1)])).toMatchObject({ ok: false });
  });
});
