/**
 * The problem item (问题数据) as stored and its id, apart from the checks (problem-data.ts), so the
 * store and the api entry do not load the scope matching.
 */
import { PROBLEM_CHECKS, type ProblemCheck } from '../../schemas/problem-checks';
import type { RecordKind } from '../../schemas/records';

export type { ProblemCheck };
export const CHECK_NAMES = Object.keys(PROBLEM_CHECKS) as ProblemCheck[];

export type ProblemStatus = 'open' | 'closed';

/** How an item was closed: by a later version of the record, or by the department's explanation. */
export interface ProblemClosure {
  at: string;
  by: { department: string; clientId: string };
  /**
   * corrected: a later version passes the check; superseded: a later version fails it too and has
   * its own item; explained: the department explained; registered: the enterprise's registration
   * arrived (an unknown-enterprise item).
   */
  reason: 'corrected' | 'superseded' | 'explained' | 'registered';
  /** The version that closed it (corrected, superseded). */
  version?: number;
  /** The registration record whose arrival closed it (registered). */
  registrationRecordId?: string;
  explanation?: string;
}

/** One problem found in one version of a record (问题数据). */
export interface ProblemItem {
  /** `pd_<record hex>_<version>_<check>`: the same finding always has the same id. */
  id: string;
  /** The posting department, which is to correct or explain. */
  department: string;
  recordId: string;
  version: number;
  kind: RecordKind;
  creditCode: string;
  check: ProblemCheck;
  /** What was found, in words. */
  finding: string;
  /** The public facts the finding rests on (item codes, dates, licence numbers). */
  facts: Record<string, string>;
  status: ProblemStatus;
  raisedAt: string;
  closedAt?: string;
  closure?: ProblemClosure;
}

const ID = /^pd_([0-9a-f]{26})_([1-9][0-9]{0,5})_([a-z-]+)$/;
export const problemId = (recordId: string, version: number, check: ProblemCheck) => `pd_${recordId.replace(/^rec_/, '')}_${version}_${check}`;
/** The record, version and check an id names; undefined for anything that is not a problem id. */
export function parseProblemId(id: string): { recordId: string; version: number; check: ProblemCheck } | undefined {
  const m = ID.exec(id);
  if (!m || !(m[3] in PROBLEM_CHECKS)) return undefined;
  return { recordId: `rec_${m[1]}`, version: Number(m[2]), check: m[3] as ProblemCheck };
}
