/**
 * The pure rules of credit (信用), without I/O and without request validation (the fan-out and
 * scheduled functions carry it): settings, list terms, the joint-punishment measures table
 * (联合惩戒措施) with its legal bases, the risk class rule (信用风险分类) and the events credit
 * raises.
 */
import type { CatalogueFile } from '../../schemas/catalogue';
import { shippedData } from '../../schemas/data-files';
import type { Commitment, CreditEntry, CreditList, CreditProposal, RiskClass } from '../../schemas/credit';
import { EVENT_TYPES } from '../../schemas/event-types';
import type { CreditConfig, PenaltyCategory } from './credit-config';
import { cloudEvent } from './events';
import type { DirectedEvent, RecordSummary, StoredVersion } from './model';
import { chinaDate } from './china-time';

export { DEFAULT_CREDIT, type CreditConfig, type PenaltyCategory } from './credit-config';

// ---------------------------------------------------------------------------------------------
// Dates (calendar dates in China time, YYYY-MM-DD)

export const chinaToday = chinaDate;
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// List terms

/**
 * 严重违法失信名单: listed for three years; removal for credit repair (信用修复) may be applied
 * for after one year (《市场监督管理严重违法失信名单管理办法》, 国家市场监督管理总局令第44号, 2021).
 */
export const BLACKLIST_YEARS = 3;
export const BLACKLIST_EARLIEST_REMOVAL_YEARS = 1;
/**
 * Three years on 经营异常名录 without correcting raise a blacklist proposal
 * (《企业信息公示暂行条例》, 国务院令第654号, 2014: listed for three years → 严重违法企业名单).
 */
export const ABNORMAL_TO_BLACKLIST_YEARS = 3;

/** What a listing's membership waits for next: its expiry on the planned end, or the three-year mark of 经营异常名录. */
export function listingDue(entry: Pick<CreditEntry, 'list' | 'decisionDate' | 'plannedEnd'>): { actOn: string; what: 'expire' | 'propose-blacklist' } | undefined {
  if (entry.plannedEnd) return { actOn: entry.plannedEnd, what: 'expire' };
  if (entry.list === 'abnormal') return { actOn: addYears(entry.decisionDate, ABNORMAL_TO_BLACKLIST_YEARS), what: 'propose-blacklist' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Joint punishment and incentive measures (联合惩戒和守信激励措施)

export type ReformMode = 'cancelled' | 'filing' | 'commitment' | 'optimised';

export interface MeasureDefinition {
  id: string;
  name: string;
  kind: 'punishment' | 'incentive';
  lists: CreditList[];
  /** Reform modes of the catalogue item it applies to; every item (and a check without one) when absent. */
  modes?: ReformMode[];
  legalBasis: string[];
}

const SOURCES = {
  blacklistRules: '《市场监督管理严重违法失信名单管理办法》(国家市场监督管理总局令第44号, 2021)',
  jointPunishment: '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》(国发〔2016〕33号)',
  commitmentSystem: '《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》(国办发〔2020〕42号)',
  abnormalRules: '《企业经营异常名录管理暂行办法》(国家工商行政管理总局令第68号, 2014)',
  disclosure: '《企业信息公示暂行条例》(国务院令第654号, 2014)',
} as const;

/** The measures table: which membership triggers what, for which kind of item, on which basis. */
export const MEASURES: readonly MeasureDefinition[] = [
  {
    id: 'no-commitment',
    name: '不适用告知承诺制，按一般程序审批',
    kind: 'punishment',
    lists: ['blacklist'],
    modes: ['commitment'],
    legalBasis: [SOURCES.commitmentSystem, SOURCES.blacklistRules],
  },
  {
    id: 'strict-review',
    name: '从严审核行政许可，作为审批的重要考量因素',
    kind: 'punishment',
    lists: ['blacklist'],
    modes: ['commitment', 'optimised'],
    legalBasis: [SOURCES.jointPunishment, SOURCES.blacklistRules],
  },
  {
    id: 'no-fast-track',
    name: '不适用绿色通道、容缺受理等便利措施',
    kind: 'punishment',
    lists: ['blacklist', 'abnormal'],
    modes: ['commitment', 'optimised', 'filing'],
    legalBasis: [SOURCES.jointPunishment],
  },
  {
    id: 'key-supervision',
    name: '列为重点监管对象，提高检查比例和频次',
    kind: 'punishment',
    lists: ['blacklist', 'abnormal'],
    legalBasis: [SOURCES.jointPunishment, SOURCES.blacklistRules, SOURCES.abnormalRules],
  },
  {
    id: 'restriction',
    name: '在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中依法予以限制或者禁入',
    kind: 'punishment',
    lists: ['blacklist', 'abnormal'],
    legalBasis: [SOURCES.disclosure],
  },
  {
    id: 'fast-track',
    name: '可实施绿色通道、容缺受理等便利服务措施',
    kind: 'incentive',
    lists: ['redlist'],
    modes: ['commitment', 'optimised', 'filing'],
    legalBasis: [SOURCES.jointPunishment],
  },
];

/** The measures that apply to an enterprise on `lists` for an item in `mode` (any item when absent). */
export function measuresFor(lists: readonly CreditList[], mode: ReformMode | undefined): MeasureDefinition[] {
  return MEASURES.filter((m) => m.lists.some((l) => lists.includes(l)) && (!m.modes || !mode || m.modes.includes(mode)));
}

/** An enterprise on the blacklist may not be granted on a commitment (国办发〔2020〕42号). */
export const commitmentAllowed = (lists: readonly CreditList[]) => !lists.includes('blacklist');

// ---------------------------------------------------------------------------------------------
// The permit catalogue, as much as the stream side needs (who verifies a commitment)

// Built on first use, so a bundle that never asks (the scheduled job) drops the catalogue.
let items: Map<string, CatalogueFile['items'][number]['versions']> | undefined;
const itemVersions = (code: string) => (items ??= new Map(shippedData<CatalogueFile>('catalogue/items.json').items.map((i) => [i.code, i.versions]))).get(code) ?? [];

/** The competent department (主管部门) of a catalogue item on a date, if the item is known. */
export function competentDepartment(itemCode: string, date: string): string | undefined {
  let found: string | undefined;
  for (const v of itemVersions(itemCode)) if (v.effectiveFrom <= date) found = v.withdrawn ? undefined : v.competentDepartment;
  return found;
}

/** The commitment template (告知承诺书范本) of a catalogue item on a date, if it has one. */
export function commitmentTemplate(itemCode: string, date: string): { conditions: string[]; deadlineDays?: number } | undefined {
  let found: { conditions: string[]; deadlineDays?: number } | undefined;
  for (const v of itemVersions(itemCode)) {
    if (v.effectiveFrom > date) break;
    found = v.commitment ? { conditions: v.commitment.conditions.map((c) => c.condition), ...(v.commitment.deadlineDays ? { deadlineDays: v.commitment.deadlineDays } : {}) } : undefined;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Risk class (信用风险分类)

/** Inspection results that found nothing wrong. */
const CLEAN_RESULTS = new Set(['no-problem', 'no-relevant-activity']);
const PENALTY_WINDOW_YEARS = 3;
const PROBLEM_INSPECTION_WINDOW_YEARS = 1;
const CLEAN_INSPECTION_WINDOW_YEARS = 2;

export interface RiskInputs {
  today: string;
  records: readonly Pick<RecordSummary, 'kind' | 'date' | 'summary'>[];
  lists: readonly CreditList[];
  commitments: readonly Pick<Commitment, 'step' | 'due' | 'history'>[];
}

/**
 * The risk class, first rule that holds:
 * - D (high): on the blacklist; or a penalty in a heavy category (licence revoked, suspension or
 *   closure) in the last 3 years; or a licence revoked for a broken commitment in the last 3 years.
 * - C (elevated): on 经营异常名录; or a fine at or above the heavy-fine threshold, or two or more
 *   penalties, in the last 3 years; or an inspection that found a problem in the last year; or a
 *   commitment in rectification or past its due date.
 * - A (low): on the red list; or no penalty in the last 3 years and an inspection that found
 *   nothing in the last 2 years.
 * - B (ordinary): everything else, including an enterprise the exchange knows nothing bad or good of.
 * `reviewOn` is the first day a fact that counted leaves its window: the class is computed again then.
 */
export function riskClass(inputs: RiskInputs, config: Pick<CreditConfig, 'heavyPenaltyCategories' | 'heavyFineFen'>): { riskClass: RiskClass; reasons: string[]; reviewOn?: string } {
  const { today } = inputs;
  const ends: string[] = [];
  const within = (date: string, years: number) => {
    const end = addYears(date, years);
    if (end <= today) return false;
    ends.push(end);
    return true;
  };
  const penalties = inputs.records.filter((r) => r.kind === 'penalty' && within(r.date, PENALTY_WINDOW_YEARS));
  const inspections = inputs.records.filter((r) => r.kind === 'inspection');
  const problems = inspections.filter((r) => !CLEAN_RESULTS.has(String(r.summary.result)) && within(r.date, PROBLEM_INSPECTION_WINDOW_YEARS));
  const clean = inspections.filter((r) => CLEAN_RESULTS.has(String(r.summary.result)) && within(r.date, CLEAN_INSPECTION_WINDOW_YEARS));
  const categories = (r: Pick<RecordSummary, 'summary'>) => (Array.isArray(r.summary.categories) ? (r.summary.categories as string[]) : []);
  const revoked = inputs.commitments.filter((c) => c.step === 'revoked' && within(c.history[c.history.length - 1]?.at.slice(0, 10) ?? today, PENALTY_WINDOW_YEARS));
  const lagging = inputs.commitments.filter(
    (c) => c.step === 'rectification-ordered' || ((c.step === 'verification-due' || c.step === 'revocation-requested') && c.due !== undefined && c.due < today),
  );
  const reviewOn = ends.length ? ends.sort()[0] : undefined;
  const result = (riskClass: RiskClass, reasons: string[]) => ({ riskClass, reasons, ...(reviewOn ? { reviewOn } : {}) });

  const d: string[] = [];
  if (inputs.lists.includes('blacklist')) d.push('on the blacklist (严重违法失信名单)');
  if (penalties.some((p) => categories(p).some((c) => config.heavyPenaltyCategories.includes(c as PenaltyCategory)))) d.push('a penalty in a heavy category in the last 3 years');
  if (revoked.length) d.push('a licence revoked for a broken commitment in the last 3 years');
  if (d.length) return result('D', d);

  const c: string[] = [];
  if (inputs.lists.includes('abnormal')) c.push('on 经营异常名录');
  if (penalties.some((p) => Number(p.summary.fineFen ?? 0) >= config.heavyFineFen)) c.push('a heavy fine in the last 3 years');
  if (penalties.length >= 2) c.push(`${penalties.length} penalties in the last 3 years`);
  if (problems.length) c.push('an inspection found a problem in the last year');
  if (lagging.length) c.push('a commitment in rectification or past due');
  if (c.length) return result('C', c);

  if (inputs.lists.includes('redlist')) return result('A', ['on the red list']);
  if (penalties.length === 0 && clean.length) return result('A', ['no penalty in 3 years and a clean inspection in the last 2 years']);
  return result('B', ['no rule for another class holds']);
}

// ---------------------------------------------------------------------------------------------
// Events credit raises, each for named departments

function directed(type: string, about: string, subject: string, source: string, time: string, data: Record<string, unknown>, departments: string[], reason: string): DirectedEvent {
  return { event: cloudEvent({ about, source, type, subject, time, data }), departments: [...new Set(departments)], reason };
}

export const proposalEvent = (p: CreditProposal, creditDepartment: string) =>
  directed(
    EVENT_TYPES.creditProposal,
    `proposal:${p.id}`,
    p.creditCode,
    `/v1/credit/proposals/${p.id}`,
    p.raisedAt,
    { proposalId: p.id, list: p.list, grounds: p.grounds, source: p.source },
    [creditDepartment],
    'credit-proposal',
  );

export const blacklistedLicenceEvent = (v: StoredVersion, creditDepartment: string) =>
  directed(
    EVENT_TYPES.creditBlacklistedLicence,
    `blacklisted-licence:${v.id}:${v.version}`,
    v.creditCode,
    `/v1/records/${v.id}`,
    v.receivedAt,
    { recordId: v.id, version: v.version, postedBy: v.department, summary: v.summary },
    [creditDepartment],
    'credit-warning',
  );

const commitmentData = (c: Commitment) => ({ licenceRecordId: c.licenceRecordId, catalogueItemCode: c.catalogueItemCode, step: c.step, due: c.due });

export const verificationEvent = (c: Commitment, at: string) =>
  directed(
    EVENT_TYPES.commitmentVerification,
    `commitment:${c.licenceRecordId}:verify`,
    c.creditCode,
    `/v1/licences/${c.licenceRecordId}/commitment`,
    at,
    commitmentData(c),
    [c.competentDepartment],
    'commitment-verification',
  );

export const revocationEvent = (c: Commitment, at: string) =>
  directed(
    EVENT_TYPES.commitmentRevocation,
    `commitment:${c.licenceRecordId}:revoke`,
    c.creditCode,
    `/v1/licences/${c.licenceRecordId}/commitment`,
    at,
    commitmentData(c),
    [c.approvingDepartment],
    'commitment-revocation',
  );

export const commitmentOverdueEvent = (c: Commitment, at: string, supervisingDepartment: string) =>
  directed(
    EVENT_TYPES.commitmentOverdue,
    `commitment:${c.licenceRecordId}:overdue:${c.escalations.length}`,
    c.creditCode,
    `/v1/licences/${c.licenceRecordId}/commitment`,
    at,
    { ...commitmentData(c), responsible: c.step === 'verification-due' ? c.competentDepartment : c.step === 'revocation-requested' ? c.approvingDepartment : c.creditCode },
    [supervisingDepartment],
    'escalation',
  );
