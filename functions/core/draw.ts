/**
 * 双随机、一公开 draws for the exchange: freezing a plan's pool (对象库) and roster (执法人员名录)
 * into the published canonical form, the plan's commitment, and the draw itself. The algorithm
 * lives in scripts/redraw.mjs, the dependency-free script anyone can run to re-draw a published
 * draw; this module imports it instead of having its own, so the two cannot drift.
 */
import { RISK_CLASSES, inMoreThanOneClass, newCommitment, poolHas, type Inspector, type PoolClasses, type Problem, type RiskClass, type RosterContent } from '../../scripts/redraw.mjs';
import type { Ids } from './ports';

export { ALGORITHM, DrawInputError, RISK_CLASSES, checkDrawInput, commitmentOf, draw, poolHash, redraw, rosterHash, sampleSize } from '../../scripts/redraw.mjs';
export type { DrawDocument, DrawInput, Inspector, Pool, PoolClasses, Problem, RiskClass, Roster, RosterContent, Rules, Task } from '../../scripts/redraw.mjs';

/** An enterprise the plan's filters matched, with its credit risk class. */
export interface PoolEntry {
  creditCode: string;
  riskClass: RiskClass;
}

/** An inspector as the supervising department keeps them: the public part plus the declared conflicts (回避). */
export interface RosterMember extends Inspector {
  /** Credit codes of enterprises the inspector declared a conflict of interest with. */
  conflicts: readonly string[];
}

/** A task of the previous plan of the same item: its inspectors may not draw that enterprise again. */
export interface PreviousTask {
  creditCode: string;
  inspectors: readonly string[];
}

export class PoolError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

/**
 * The plan's secret and the commitment published when the plan is created. It takes no pool or
 * roster, so the commitment cannot depend on them.
 */
export function planCommitment(ids: Ids): { secret: string; commitment: string } {
  return newCommitment((n) => Buffer.from(ids.random(n), 'base64url'));
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The frozen pool: each risk class's codes ascending, as the draw hashes them. An enterprise
 * listed twice with one class counts once; listed with two classes it is refused, since the
 * draw would not know which stratum it belongs to.
 */
export function freezePool(entries: Iterable<PoolEntry>): PoolClasses {
  const lists = new Map<RiskClass, string[]>();
  for (const e of entries) {
    const list = lists.get(e.riskClass) ?? [];
    if (!lists.has(e.riskClass)) lists.set(e.riskClass, list);
    list.push(e.creditCode);
  }
  const out: PoolClasses = {};
  for (const c of RISK_CLASSES) {
    const list = lists.get(c);
    if (!list) continue;
    list.sort(byCodeUnits);
    out[c] = list.filter((code, i) => i === 0 || code !== list[i - 1]);
  }
  const unknown = [...lists.keys()].filter((c) => !RISK_CLASSES.includes(c));
  if (unknown.length) throw new PoolError(unknown.map((c) => ({ path: `/pool/${c}`, message: `is not a risk class (${RISK_CLASSES.join(', ')})` })));
  const twice = inMoreThanOneClass(out);
  if (twice.length) throw new PoolError(twice.map((code) => ({ path: '/pool', message: `${code} is listed with more than one risk class` })));
  return out;
}

/**
 * The published roster: public inspector data only, ascending by id, and each inspector's
 * exclusions (declared conflicts and the enterprises they inspected in the previous plan of the
 * same item) merged into one list and kept only for enterprises in the pool, which is all the
 * draw needs and all that may be published.
 */
export function buildRoster(members: readonly RosterMember[], previous: readonly PreviousTask[], pool: PoolClasses): RosterContent {
  const inPool = (code: string) => poolHas(pool, code);
  const excluded = new Map<string, Set<string>>(members.map((m) => [m.id, new Set(m.conflicts.filter(inPool))]));
  for (const t of previous) {
    if (!inPool(t.creditCode)) continue;
    for (const id of t.inspectors) excluded.get(id)?.add(t.creditCode);
  }
  const inspectors = [...members]
    .sort((a, b) => byCodeUnits(a.id, b.id))
    .map(({ id, name, certificate, department, fields }) => ({ id, name, certificate, department, fields: [...new Set(fields)].sort(byCodeUnits) }));
  const exclusions: Record<string, string[]> = {};
  for (const { id } of inspectors) {
    const codes = excluded.get(id);
    if (codes?.size) exclusions[id] = [...codes].sort(byCodeUnits);
  }
  return { inspectors, exclusions };
}
