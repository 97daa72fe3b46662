/**
 * Problem data (问题数据处理): checks of an arriving record that need other records, run by fan-out
 * as each version arrives. A finding becomes a problem item for the posting department, which
 * receives it in its inbox (cn.edx.problem-data.raised) and lists it; a later version of the record
 * that passes the check closes it, as does the department's explanation (problem-data-api.ts); an
 * unknown-enterprise item also closes when the enterprise's registration arrives.
 *
 * The checks
 * - a licence, filing or inspection about a market entity the exchange holds no registration of
 *   (unknown-enterprise), or dated after its deregistration (deregistered-enterprise);
 * - a licence whose catalogue item the scope terms link to some 许可项目, but to none of the
 *   enterprise's registered scope (out-of-scope), judged with the same scope matching as the
 *   licence cover;
 * - a penalty that revokes or suspends a licence the enterprise holds no licence record of
 *   (revoked-licence-missing); a revoked 营业执照 is the registration itself.
 * Only codes a market regulation authority issues (first character 9) have their registration on
 * the exchange; other parties (government bodies, institutions, natural persons) are not checked
 * against registrations.
 *
 * Kept free of zod: fan-out imports it.
 */
import { EVENT_TYPES } from '../../schemas/event-types';
import { PROBLEM_CHECKS, type ProblemCheck } from '../../schemas/problem-checks';
import type { CloudEvent } from '../../schemas/events';
import type { RecordKind } from '../../schemas/records';
import { matchScope } from './catalogue';
import { scopeTable } from './catalogue-cache';
import { cloudEvent } from './events';
import type { RecordSummary, StoredVersion } from './model';
import type { Ports } from './ports';
import { CHECK_NAMES, problemId, type ProblemItem } from './problem-items';

export { PROBLEM_CHECKS, type ProblemCheck };
export { CHECK_NAMES, parseProblemId, problemId, type ProblemClosure, type ProblemItem, type ProblemStatus } from './problem-items';

/** The checks run on each kind; a later version closes an earlier one's items of these checks when it passes. */
const CHECKS_OF: Partial<Record<RecordKind, readonly ProblemCheck[]>> = {
  licence: ['unknown-enterprise', 'deregistered-enterprise', 'out-of-scope'],
  filing: ['unknown-enterprise', 'deregistered-enterprise'],
  inspection: ['unknown-enterprise', 'deregistered-enterprise'],
  penalty: ['revoked-licence-missing'],
};

/** A finding before it is an item. */
export interface Finding {
  check: ProblemCheck;
  finding: string;
  facts: Record<string, string>;
}

/** Whether the party's registration is kept on the exchange: codes a market regulation authority issued (登记管理部门代码 9). */
export const isMarketEntity = (creditCode: string) => /^9[0-9A-HJ-NPQRTUWXY]{17}$/.test(creditCode);

let linked: Set<string> | undefined;
/** Catalogue items some standard scope term needs: only those can be judged against a scope. */
function itemsLinkedToScope(): Set<string> {
  if (!linked) {
    linked = new Set();
    for (const term of scopeTable().terms.values()) for (const r of term.permits ?? []) for (const code of typeof r === 'string' ? [r] : r) linked.add(code);
  }
  return linked;
}

/** Licence and certificate numbers compared without width, case or whitespace differences. */
const sameNumber = (a: unknown, b: string) => typeof a === 'string' && a.normalize('NFKC').replace(/\s+/g, '').toUpperCase() === b.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/**
 * The findings of one version, from the enterprise's latest registration and, for a penalty that
 * revokes a licence, its live licences. Pure: fan-out reads what it needs first.
 */
export function findProblems(v: Pick<StoredVersion, 'kind' | 'creditCode' | 'date' | 'data' | 'summary'>, known: { registration?: RecordSummary; licences?: RecordSummary[] }): Finding[] {
  const reg = known.registration;
  if (v.kind === 'penalty') {
    const revoked = (v.data as { revokedLicence?: { name: string; number: string } }).revokedLicence;
    if (!revoked) return [];
    const facts = { revokedLicenceName: revoked.name, revokedLicenceNumber: revoked.number };
    if (/营业执照/.test(revoked.name)) {
      return isMarketEntity(v.creditCode) && !reg
        ? [{ check: 'revoked-licence-missing', finding: `the revoked business licence ${revoked.number} belongs to no registration on the exchange`, facts }]
        : [];
    }
    const held = (known.licences ?? []).some((l) => sameNumber(l.summary.certificateNumber, revoked.number) || sameNumber(l.summary.documentNumber, revoked.number));
    return held ? [] : [{ check: 'revoked-licence-missing', finding: `no licence numbered ${revoked.number} (${revoked.name}) is recorded for this party`, facts }];
  }
  if (!CHECKS_OF[v.kind] || !isMarketEntity(v.creditCode)) return [];
  if (!reg) return [{ check: 'unknown-enterprise', finding: `the exchange holds no registration of ${v.creditCode}`, facts: {} }];
  const s = reg.summary;
  if (s.action === 'deregister' && v.date > reg.date) {
    return [
      { check: 'deregistered-enterprise', finding: `the ${v.kind} is dated ${v.date}, after the enterprise was deregistered on ${reg.date}`, facts: { deregisteredOn: reg.date, recordDate: v.date } },
    ];
  }
  if (v.kind !== 'licence') return [];
  const item = String(v.summary.catalogueItemCode);
  const scope = s.businessScope as { licensed: string[]; general: string[] } | undefined;
  if (!scope || !itemsLinkedToScope().has(item)) return [];
  // A 许可项目 phrase no standard term matched may be the very activity: then the scope cannot be judged.
  if (matchScope({ licensed: scope.licensed, general: [] }, scopeTable()).unmatched.length) return [];
  const needs = matchScope(scope, scopeTable()).requirements;
  if (needs.some((r) => r.items.includes(item))) return [];
  return [{ check: 'out-of-scope', finding: `catalogue item ${item} is not among the permits the registered business scope needs`, facts: { catalogueItemCode: item, registrationRecordId: reg.id } }];
}

/** The event that tells the posting department of a problem item; public facts only. */
export function problemRaisedEvent(p: ProblemItem): CloudEvent {
  return cloudEvent({
    about: `problem-data:${p.id}`,
    source: `/v1/problem-data/${p.id}`,
    type: EVENT_TYPES.problemDataRaised,
    subject: p.creditCode,
    time: p.raisedAt,
    data: { problemId: p.id, recordId: p.recordId, version: p.version, kind: p.kind, check: p.check, finding: p.finding, facts: p.facts },
  });
}

/** How many live licences a revocation is looked up among, a page at a time. */
const LICENCE_PAGE = 100;

async function liveLicences(ports: Pick<Ports, 'records'>, creditCode: string): Promise<RecordSummary[]> {
  const all: RecordSummary[] = [];
  for (let before: { date: string; id: string } | undefined; ;) {
    const page = await ports.records.enterpriseHistory(creditCode, 'licence', before, LICENCE_PAGE);
    all.push(...page);
    if (page.length < LICENCE_PAGE) return all;
    const last = page[page.length - 1];
    before = { date: last.date, id: last.id };
  }
}

/**
 * Runs the checks on a version as fan-out handles it: raises an item per finding (once, however
 * often the change is replayed) and closes the open items of earlier versions, as corrected when
 * this version passes their check, as superseded when it fails it again. Returns the events for
 * the posting department, rebuilt from the stored items so a replay makes the same notifications.
 * `registration` is the enterprise's latest registration as fan-out read it; only `enabled` checks
 * run (a deployment whose registrations are not on the exchange leaves unknown-enterprise out).
 */
export async function checkRecord(
  ports: Pick<Ports, 'records' | 'problemData' | 'clock'>,
  v: StoredVersion,
  registration: RecordSummary | undefined,
  enabled: readonly ProblemCheck[] = CHECK_NAMES,
): Promise<{ event: CloudEvent; department: string }[]> {
  if (v.kind === 'registration') {
    if (enabled.includes('unknown-enterprise')) await closeWaiting(ports, v);
    return [];
  }
  // A superseded version (a parked change read back from the table) is judged by the one after it.
  if (!CHECKS_OF[v.kind]?.some((c) => enabled.includes(c)) || v.supersededBy !== undefined) return [];
  const revokes = v.kind === 'penalty' && (v.data as { revokedLicence?: unknown }).revokedLicence !== undefined;
  const findings = findProblems(v, { registration, licences: revokes ? await liveLicences(ports, v.creditCode) : [] }).filter((f) => enabled.includes(f.check));
  // A first version without findings has nothing to close and nothing to raise: no read.
  const earlier = v.version > 1 || findings.length ? await ports.problemData.ofRecord(v.id) : [];
  // A later version was judged already (a replay out of order): its findings stand.
  if (earlier.some((p) => p.version > v.version)) return [];
  const now = ports.clock.now().toISOString();
  const out: { event: CloudEvent; department: string }[] = [];
  for (const f of findings) {
    const { item } = await ports.problemData.raise({
      id: problemId(v.id, v.version, f.check),
      department: v.department,
      recordId: v.id,
      version: v.version,
      kind: v.kind,
      creditCode: v.creditCode,
      ...f,
      status: 'open',
      raisedAt: now,
    });
    // Marked again on a replay: a crash between the item and its mark leaves no item unmarked.
    if (item.check === 'unknown-enterprise' && item.status === 'open') await ports.problemData.awaitRegistration(item);
    out.push({ event: problemRaisedEvent(item), department: item.department });
  }
  for (const p of earlier.filter((e) => e.status === 'open' && e.version < v.version && enabled.includes(e.check))) {
    const again = findings.some((f) => f.check === p.check);
    await ports.problemData.close(p.id, { at: now, by: { department: v.department, clientId: v.clientId }, reason: again ? 'superseded' : 'corrected', version: v.version });
  }
  return out;
}

/**
 * A registration arrived: the unknown-enterprise items waiting for it close as registered. The
 * bound: a record checked at the same moment as its registration arrives (in another stream batch)
 * may read the registration index before the registration is in it; its item is raised after this
 * ran and stays open for the department to explain.
 */
async function closeWaiting(ports: Pick<Ports, 'problemData' | 'clock'>, registration: StoredVersion) {
  const at = ports.clock.now().toISOString();
  for (const id of await ports.problemData.waitingForRegistration(registration.creditCode)) {
    await ports.problemData.close(id, {
      at,
      by: { department: registration.department, clientId: registration.clientId },
      reason: 'registered',
      registrationRecordId: registration.id,
    });
    await ports.problemData.doneWaiting(registration.creditCode, id, at);
  }
}
