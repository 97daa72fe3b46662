/**
 * What credit does when something arrives on the table's stream, and what the scheduled job does
 * when a date passes. Kept free of request validation for the fan-out and overdue bundles. Every
 * reaction is safe to repeat: proposals, commitments and directed events are written only if
 * absent, a commitment moves only from the step it was read at, and the risk class is computed
 * from the enterprise's records as they stand (never incremented).
 *
 * - A penalty in a heavy category, or with a heavy fine, raises a blacklist proposal (列入建议)
 *   for the credit department; so do three years on 经营异常名录 (the due index).
 * - An ordinary licence for a blacklisted enterprise (accepted with a warning) tells the credit
 *   department.
 * - A licence granted on a commitment (告知承诺) opens its commitment: a verification task for
 *   the competent department, due `verifyWithinDays` after the grant. A commitment-verification
 *   inspection moves it (kept / rectification ordered / rectified / not rectified); a
 *   rectification not met raises a revocation request to the approving department, answered by a
 *   correction of the licence to `revoked` (or a reason, through the API). Overdue steps are
 *   escalated to the supervising department, once per step.
 * - Any record, list change or commitment step of an enterprise recomputes its risk class.
 */
import type { Commitment, CommitmentStep, CreditChange, CreditEntry, CreditProposal } from '../../schemas/credit';
import type { InspectionData, LicenceData, PenaltyData } from '../../schemas/records';
import {
  addDays,
  chinaToday,
  blacklistedLicenceEvent,
  commitmentOverdueEvent,
  competentDepartment,
  commitmentTemplate,
  proposalEvent,
  revocationEvent,
  riskClass,
  verificationEvent,
  type CreditConfig,
} from './credit-rules';
import { createHash } from 'node:crypto';
import type { DirectedEvent, Due, StoredRisk, StoredVersion } from './model';
import type { Ports } from './ports';
import { isDerivedPartyKey } from '../store/table';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
export const proposalId = (creditCode: string, about: string) => `prp_${creditCode}_${hash(about)}`;

async function raiseProposal(ports: Ports, config: CreditConfig, creditCode: string, about: string, grounds: string, source: string, at: string) {
  const p: CreditProposal = { id: proposalId(creditCode, about), creditCode, list: 'blacklist', grounds, source, raisedAt: at, status: 'open' };
  await ports.proposals.raise(p, [proposalEvent(p, config.creditDepartment)]);
}

/** Recomputes an enterprise's risk class from what is stored about it; writes only a change. */
export async function refreshRisk(ports: Ports, creditCode: string, config: CreditConfig): Promise<StoredRisk> {
  const now = ports.clock.now();
  const [records, file] = await Promise.all([ports.records.enterpriseRecords(creditCode), ports.creditFile.read(creditCode)]);
  const registrations = records.filter((r) => r.kind === 'registration').sort((a, b) => (a.date < b.date ? 1 : -1));
  const region = registrations[0]?.summary.regionCode;
  const lists = file.memberships.flatMap((m) => (m.current ? [m.current.list] : []));
  const computed = riskClass({ today: chinaToday(now), records, lists, commitments: file.commitments }, config);
  const risk: StoredRisk = { creditCode, regionCode: typeof region === 'string' ? region : creditCode.slice(2, 8), ...computed, computedAt: now.toISOString() };
  const before = file.risk;
  const same = before && before.riskClass === risk.riskClass && before.regionCode === risk.regionCode && before.reviewOn === risk.reviewOn && before.reasons.join('\n') === risk.reasons.join('\n');
  if (same) return before;
  await ports.risk.put(risk, risk.reviewOn ? { actOn: risk.reviewOn, what: 'risk-review' } : undefined);
  // The pool directory the random inspection plans draw from keeps the class for sampling.
  if (before?.riskClass !== risk.riskClass) await ports.directory.setRiskClass(creditCode, risk.riskClass);
  return risk;
}

// ---------------------------------------------------------------------------------------------
// Commitments

const stepDue = (c: Commitment): Due | undefined => {
  if (!c.due) return undefined;
  // A step is overdue the day after its due date.
  const what = c.step === 'verification-due' ? 'verify' : c.step === 'rectification-ordered' ? 'rectify' : c.step === 'revocation-requested' ? 'answer' : undefined;
  return what && c.escalations.every((e) => e.step !== c.step) ? { actOn: addDays(c.due, 1), what } : undefined;
};

/** Moves a commitment to `step`; false when someone moved it first. */
async function moveCommitment(
  ports: Ports,
  before: Commitment,
  change: { step: CommitmentStep; by: string; due?: string; source?: string; note?: string; escalate?: boolean },
  events: (c: Commitment) => DirectedEvent[],
): Promise<Commitment | undefined> {
  const at = ports.clock.now().toISOString();
  const { due: _old, ...rest } = before;
  const after: Commitment = {
    ...rest,
    step: change.step,
    escalations: change.escalate ? [...before.escalations, { step: before.step, at }] : before.escalations,
    ...(change.due ? { due: change.due } : {}),
    history: [
      ...before.history,
      { step: change.step, at, by: change.by, ...(change.due ? { due: change.due } : {}), ...(change.source ? { source: change.source } : {}), ...(change.note ? { note: change.note } : {}) },
    ],
  };
  const ok = await ports.commitments.advance(after, { step: before.step, escalations: before.escalations.length }, stepDue(after), events(after));
  return ok ? after : undefined;
}

async function openCommitment(ports: Ports, v: StoredVersion, config: CreditConfig) {
  const data = v.data as LicenceData & { commitment?: { promises: string[]; conditionsDue?: string } };
  const template = commitmentTemplate(data.catalogueItemCode, data.decisionDate);
  const conditionsDue = data.commitment?.conditionsDue ?? (template?.deadlineDays ? addDays(data.decisionDate, template.deadlineDays) : undefined);
  const due = addDays(data.decisionDate, config.verifyWithinDays);
  const at = ports.clock.now().toISOString();
  const c: Commitment = {
    licenceRecordId: v.id,
    creditCode: v.creditCode,
    catalogueItemCode: data.catalogueItemCode,
    ...(data.certificateNumber ? { licenceNumber: data.certificateNumber } : {}),
    grantedOn: data.decisionDate,
    promises: data.commitment?.promises ?? template?.conditions ?? [],
    ...(conditionsDue ? { conditionsDue } : {}),
    approvingDepartment: v.department,
    competentDepartment: competentDepartment(data.catalogueItemCode, data.decisionDate) ?? v.department,
    step: 'verification-due',
    due,
    history: [{ step: 'verification-due', at, by: v.department, due, source: `/v1/records/${v.id}` }],
    escalations: [],
  };
  await ports.commitments.create(c, stepDue(c), [verificationEvent(c, at)]);
}

type VerificationOutcome = NonNullable<InspectionData['commitment']>['outcome'];
const NEXT: Record<VerificationOutcome, { from: CommitmentStep[]; to: CommitmentStep }> = {
  kept: { from: ['verification-due'], to: 'kept' },
  'rectification-ordered': { from: ['verification-due'], to: 'rectification-ordered' },
  rectified: { from: ['rectification-ordered'], to: 'kept' },
  'not-rectified': { from: ['rectification-ordered'], to: 'revocation-requested' },
};

async function verification(ports: Ports, v: StoredVersion, config: CreditConfig) {
  const data = v.data as InspectionData;
  const link = data.commitment;
  if (!link) return;
  const c = await ports.commitments.get(v.creditCode, link.licenceRecordId);
  const next = NEXT[link.outcome];
  if (!c || !next.from.includes(c.step)) return;
  const source = `/v1/records/${v.id}`;
  if (next.to === 'revocation-requested') {
    await moveCommitment(ports, c, { step: next.to, by: v.department, due: addDays(chinaToday(ports.clock.now()), config.revocationAnswerWithinDays), source }, (after) => [
      revocationEvent(after, ports.clock.now().toISOString()),
    ]);
  } else {
    await moveCommitment(ports, c, { step: next.to, by: v.department, ...(next.to === 'rectification-ordered' && link.rectifyBy ? { due: link.rectifyBy } : {}), source }, () => []);
  }
}

async function licenceRevoked(ports: Ports, v: StoredVersion) {
  const c = await ports.commitments.get(v.creditCode, v.id);
  if (!c || c.step === 'revoked') return;
  await moveCommitment(ports, c, { step: 'revoked', by: v.department, source: `/v1/records/${v.id}` }, () => []);
}

// ---------------------------------------------------------------------------------------------
// Reactions to the stream

/** Reacts to a new record version; the record's own events are fanned out by the caller. */
export async function onRecord(ports: Ports, v: StoredVersion, config: CreditConfig): Promise<void> {
  // Credit lists, commitments and the risk class are kept per credit code; a party known only by a
  // derived key (a registration number or a natural person) has no credit file.
  if (isDerivedPartyKey(v.creditCode)) return;
  if (v.kind === 'penalty' && v.version === 1) {
    const data = v.data as PenaltyData;
    const heavy = data.categories.filter((c) => config.heavyPenaltyCategories.includes(c));
    const fine = data.fineFen >= config.heavyFineFen;
    if (heavy.length || fine) {
      const grounds = [heavy.length ? `penalty ${data.decisionNumber} in heavy categories ${heavy.join(', ')}` : '', fine ? `fine of ${data.fineFen} fen (threshold ${config.heavyFineFen})` : '']
        .filter(Boolean)
        .join('; ');
      await raiseProposal(ports, config, v.creditCode, `record:${v.id}`, grounds, `/v1/records/${v.id}`, v.receivedAt);
    }
  }
  if (v.kind === 'licence') {
    const data = v.data as LicenceData;
    if (v.version === 1 && v.warnings.some((w) => w.code === 'credit-blacklisted')) await ports.directedEvents.put(blacklistedLicenceEvent(v, config.creditDepartment));
    if (v.version === 1 && data.grantMode === 'commitment' && data.status === 'valid') await openCommitment(ports, v, config);
    if (data.status === 'revoked' && data.grantMode === 'commitment') await licenceRevoked(ports, v);
  }
  if (v.kind === 'inspection' && (v.data as InspectionData).type === 'commitment-verification') await verification(ports, v, config);
  await refreshRisk(ports, v.creditCode, config);
}

/** A list change recomputes the enterprise's risk class; the feed's push event is built by the caller. */
export async function onListChange(ports: Ports, change: CreditChange, config: CreditConfig): Promise<void> {
  await refreshRisk(ports, change.entry.creditCode, config);
}

// ---------------------------------------------------------------------------------------------
// The scheduled job

/** Handles everything the due index holds up to today: expiries, three-year proposals, overdue commitment steps, risk reviews. */
export async function runCreditDue(ports: Ports, config: CreditConfig): Promise<{ expired: number; proposed: number; escalated: number; revocationsRequested: number; reviewed: number }> {
  const counts = { expired: 0, proposed: 0, escalated: 0, revocationsRequested: 0, reviewed: 0 };
  const now = ports.clock.now();
  const today = chinaToday(now);
  const at = now.toISOString();
  for (const due of await ports.creditFile.due(today)) {
    if (due.type === 'membership') {
      const m = due.value;
      const entry = m.current;
      if (!entry || !m.due) continue;
      if (m.due.what === 'expire') {
        const expired: CreditEntry = { ...entry, removal: { reason: 'expiry', date: m.due.actOn, authority: entry.authority, department: 'system', at } };
        const r = await ports.creditLists.apply({ list: m.list, kind: 'expired', entry: expired, at });
        if (r.applied) counts.expired++;
      } else if (m.due.what === 'propose-blacklist') {
        await raiseProposal(
          ports,
          config,
          m.creditCode,
          `abnormal-3y:${entry.id}`,
          `on 经营异常名录 since ${entry.decisionDate} (${entry.decisionNumber}) for three years`,
          `/v1/credit/lists/abnormal/entries/${m.creditCode}`,
          at,
        );
        if (await ports.creditLists.clearDue(m.creditCode, m.list, m.due.what)) counts.proposed++;
      }
    } else if (due.type === 'commitment') {
      const c = due.value;
      if (c.step === 'rectification-ordered') {
        // Not rectified in time: escalated, and revocation is requested from the approving department.
        const moved = await moveCommitment(
          ports,
          c,
          { step: 'revocation-requested', by: 'system', due: addDays(today, config.revocationAnswerWithinDays), note: `rectification due ${c.due} not met`, escalate: true },
          (after) => [commitmentOverdueEvent({ ...after, step: c.step }, at, config.supervisingDepartment), revocationEvent(after, at)],
        );
        if (moved) counts.revocationsRequested++;
      } else if (c.step === 'verification-due' || c.step === 'revocation-requested') {
        const after: Commitment = { ...c, escalations: [...c.escalations, { step: c.step, at }] };
        if (await ports.commitments.advance(after, { step: c.step, escalations: c.escalations.length }, undefined, [commitmentOverdueEvent(after, at, config.supervisingDepartment)]))
          counts.escalated++;
      }
      await refreshRisk(ports, c.creditCode, config);
    } else {
      await refreshRisk(ports, due.value.creditCode, config);
      counts.reviewed++;
    }
  }
  return counts;
}
