/**
 * The rules of the permit catalogue (涉企经营许可事项清单), pure and without I/O: which version of
 * each item holds on a date, how registration scope text maps to standard scope terms and the
 * permits they need, whether a licence or filing fits the catalogue on its decision date, who is
 * told about a new business ("双告知"), and which needed permits an enterprise holds (证照匹配).
 * The catalogue, the scope table and the department directory are passed in, already indexed.
 */
import type { CatalogueItem, CatalogueItemVersion, Department, PermitRequirement, ScopeTerm } from '../../schemas/catalogue';
import { REFORM_MODE_NAMES, type ReformMode } from '../../schemas/reform-modes';
import type { FilingData, LicenceData, RecordKind, RegistrationData, Warning } from '../../schemas/records';
import type { FieldError } from './errors';

// ---------------------------------------------------------------------------------------------
// The catalogue as of a date

/** One item as it stands on a date: its code with the version in force. */
export type ResolvedItem = CatalogueItemVersion & { code: string };

export interface CatalogueIndex {
  readonly items: ReadonlyMap<string, CatalogueItem>;
}

export function indexCatalogue(items: readonly CatalogueItem[]): CatalogueIndex {
  const map = new Map<string, CatalogueItem>();
  for (const item of items) {
    map.set(item.code, { ...item, versions: [...item.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)) });
  }
  return { items: map };
}

/** Where an item stands on a date. */
export type ItemStanding = { status: 'in-force'; item: ResolvedItem } | { status: 'unknown' } | { status: 'not-yet-in-force'; firstEffective: string } | { status: 'withdrawn'; since: string };

/** The version of an item in force on `date` (YYYY-MM-DD): the latest one effective on or before it. */
export function itemAsOf(index: CatalogueIndex, code: string, date: string): ItemStanding {
  const item = index.items.get(code);
  if (!item) return { status: 'unknown' };
  let current: CatalogueItemVersion | undefined;
  for (const v of item.versions) {
    if (v.effectiveFrom > date) break;
    current = v;
  }
  if (!current) return { status: 'not-yet-in-force', firstEffective: item.versions[0].effectiveFrom };
  if (current.withdrawn) return { status: 'withdrawn', since: current.effectiveFrom };
  return { status: 'in-force', item: { ...current, code } };
}

/** Every item in force on `date`, in code order. */
export function catalogueAsOf(index: CatalogueIndex, date: string): ResolvedItem[] {
  const out: ResolvedItem[] = [];
  for (const code of [...index.items.keys()].sort()) {
    const standing = itemAsOf(index, code, date);
    if (standing.status === 'in-force') out.push(standing.item);
  }
  return out;
}

const describe = (item: ResolvedItem) => `${item.code} ${item.name} is in mode ${item.reformMode} (${REFORM_MODE_NAMES[item.reformMode]})`;

// ---------------------------------------------------------------------------------------------
// Business scope text → standard terms

export interface ScopeTable {
  readonly terms: ReadonlyMap<string, ScopeTerm>;
}

const BRACKETS: Record<string, string> = { '(': '（', ')': '）', '【': '（', '】': '）', '〔': '（', '〕': '）', '[': '（', ']': '）' };

/**
 * The canonical spelling of scope text: compatibility forms folded (NFKC turns full-width
 * punctuation and letters half-width), every bracket written as the catalogue writes it (（）),
 * no whitespace. Two spellings of a term compare equal exactly when their canonical forms do.
 */
export function canonicalScope(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/gu, '')
    .replace(/[()【】〔〕[\]]/gu, (c) => BRACKETS[c]);
}

export function indexScopeTerms(terms: readonly ScopeTerm[]): ScopeTable {
  return { terms: new Map(terms.map((t) => [canonicalScope(t.term), t])) };
}

/** The standard tails a registration scope carries, which name no trade. */
const TAILS = [/（?除?依法须经批准的项目[^（）]*?经营活动(?:,具体经营项目以[^（）;]*?为准)?）?/gu, /（?具体经营项目以[^;,。（）]*?为准）?/gu];
const HEADING = /(许可项目|一般项目|经营范围)[:：]/gu;

/** One phrase of a registration's scope, as written after canonicalisation. */
export interface ScopePhrase {
  text: string;
  /** The section the registration put it under, where it said. */
  declared?: 'licensed' | 'general';
}

/** Splits `text` on any of `separators` that stands outside brackets. */
function splitOutsideBrackets(text: string, separators: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '（') depth++;
    else if (c === '）') depth = Math.max(0, depth - 1);
    else if (depth === 0 && separators.includes(c)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.replace(/^[、:：。.]+|[、:：。.]+$/gu, '')).filter((p) => p.length > 0);
}

/**
 * Breaks free scope text into phrases: drops the standard tails, notes the 许可项目 / 一般项目
 * headings, and splits on ; , 。 and line breaks outside brackets (full-width forms included). Phrases joined by 、 stay
 * together here, because several standard terms contain 、 themselves.
 */
export function splitScope(text: string, declared?: 'licensed' | 'general'): ScopePhrase[] {
  let canonical = canonicalScope(text.replace(/[\r\n]+/gu, ';'));
  for (const tail of TAILS) canonical = canonical.replace(tail, ';');
  const phrases: ScopePhrase[] = [];
  let section = declared;
  let last = 0;
  const emit = (chunk: string) => {
    for (const p of splitOutsideBrackets(chunk, ';,。')) phrases.push(section ? { text: p, declared: section } : { text: p });
  };
  for (const m of canonical.matchAll(HEADING)) {
    emit(canonical.slice(last, m.index));
    section = m[1] === '许可项目' ? 'licensed' : m[1] === '一般项目' ? 'general' : section;
    last = m.index + m[0].length;
  }
  emit(canonical.slice(last));
  return phrases;
}

/** What a registration's scope needs: each entry met by any one of `items`, with the terms that asked for it. */
export interface ScopeRequirement {
  items: string[];
  terms: string[];
}

export interface ScopeMatch {
  matched: { phrase: string; term: ScopeTerm; declared?: 'licensed' | 'general' }[];
  unmatched: string[];
  requirements: ScopeRequirement[];
}

/**
 * Splits a phrase joined by 、 into standard terms: of all ways to cut it at its 、, the one that
 * covers the most pieces with known terms (and, among those, uses the fewest terms, so that
 * "广告设计、代理" stays one term). Pieces no term covers come back one by one.
 */
function segment(phrase: string, table: ScopeTable): { text: string; term?: ScopeTerm }[] {
  const pieces = splitOutsideBrackets(phrase, '、');
  const n = pieces.length;
  type Best = { covered: number; segments: number; parts: { text: string; term?: ScopeTerm }[] };
  const best: Best[] = [{ covered: 0, segments: 0, parts: [] }];
  for (let i = 1; i <= n; i++) {
    let choice: Best | undefined;
    for (let j = 0; j < i; j++) {
      const text = pieces.slice(j, i).join('、');
      const term = table.terms.get(text);
      if (!term && i - j > 1) continue;
      const before = best[j];
      const candidate: Best = {
        covered: before.covered + (term ? i - j : 0),
        segments: before.segments + 1,
        parts: [...before.parts, term ? { text, term } : { text }],
      };
      if (!choice || candidate.covered > choice.covered || (candidate.covered === choice.covered && candidate.segments < choice.segments)) choice = candidate;
    }
    best.push(choice as Best);
  }
  return best[n].parts;
}

/** Registration scope as posted: free text, a list of phrases, or the 许可项目 / 一般项目 split. */
export type ScopeInput = string | readonly string[] | { licensed: readonly string[]; general: readonly string[] };

function phrasesOf(input: ScopeInput): ScopePhrase[] {
  if (typeof input === 'string') return splitScope(input);
  if (Array.isArray(input)) return (input as readonly string[]).flatMap((s) => splitScope(s));
  const split = input as { licensed: readonly string[]; general: readonly string[] };
  return [...split.licensed.flatMap((s) => splitScope(s, 'licensed')), ...split.general.flatMap((s) => splitScope(s, 'general'))];
}

const requirementItems = (r: PermitRequirement) => (typeof r === 'string' ? [r] : [...r].sort());

/** Matches registration scope against the standard terms: the terms found, what they need, and the phrases nothing matched. */
export function matchScope(input: ScopeInput, table: ScopeTable): ScopeMatch {
  const matched: ScopeMatch['matched'] = [];
  const unmatched: string[] = [];
  const requirements = new Map<string, ScopeRequirement>();
  for (const phrase of phrasesOf(input)) {
    for (const part of segment(phrase.text, table)) {
      if (!part.term) {
        if (!unmatched.includes(part.text)) unmatched.push(part.text);
        continue;
      }
      matched.push(phrase.declared ? { phrase: part.text, term: part.term, declared: phrase.declared } : { phrase: part.text, term: part.term });
      for (const r of part.term.permits ?? []) {
        const items = requirementItems(r);
        const key = items.join('|');
        const entry = requirements.get(key) ?? { items, terms: [] };
        if (!entry.terms.includes(part.term.term)) entry.terms.push(part.term.term);
        requirements.set(key, entry);
      }
    }
  }
  return { matched, unmatched, requirements: [...requirements.values()] };
}

// ---------------------------------------------------------------------------------------------
// Records against the catalogue

/** The records the catalogue checks, and any other record (which it lets through). */
export type CheckedRecord =
  | { kind: 'licence'; data: Pick<LicenceData, 'catalogueItemCode' | 'decisionDate' | 'grantMode'> }
  | { kind: 'filing'; data: Pick<FilingData, 'catalogueItemCode' | 'date'> }
  | { kind: Exclude<RecordKind, 'licence' | 'filing'>; data: unknown };

const CODE_PATH = '/data/catalogueItemCode';

/**
 * Checks a licence or filing against the catalogue as of its decision (filing) date: the item
 * exists and has not left the list; a licence names an item that still needs one (not `filing`, not
 * `cancelled`), and one granted on a commitment names a `commitment` item; a filing names a
 * `filing` item. Each failure names the item and its mode.
 */
export function checkAgainstCatalogue(record: CheckedRecord, index: CatalogueIndex): FieldError[] {
  if (record.kind !== 'licence' && record.kind !== 'filing') return [];
  const code = record.data.catalogueItemCode;
  const date = record.kind === 'licence' ? record.data.decisionDate : record.data.date;
  const standing = itemAsOf(index, code, date);
  if (standing.status === 'unknown') return [{ path: CODE_PATH, code: 'unknown-catalogue-item', message: `${code} is not an item of the permit catalogue` }];
  // Decided before the item entered the list: the list did not govern it (see catalogueWarnings).
  if (standing.status === 'not-yet-in-force') return [];
  if (standing.status === 'withdrawn') {
    return [{ path: CODE_PATH, code: 'catalogue-item-not-in-force', message: `${code} left the permit catalogue on ${standing.since}, before ${date}` }];
  }
  const item = standing.item;
  const on = ` on ${date}`;
  if (record.kind === 'filing') {
    return item.reformMode === 'filing' ? [] : [{ path: CODE_PATH, code: 'catalogue-item-not-filing', message: `${describe(item)}${on}: only a filing item takes filings` }];
  }
  if (item.reformMode === 'cancelled') {
    return [{ path: CODE_PATH, code: 'catalogue-item-cancelled', message: `${describe(item)}${on}: nothing is licensed under it` }];
  }
  if (item.reformMode === 'filing') {
    return [{ path: CODE_PATH, code: 'catalogue-item-is-filing', message: `${describe(item)}${on}: post a filing, not a licence` }];
  }
  if (record.data.grantMode === 'commitment' && item.reformMode !== 'commitment') {
    return [{ path: '/data/grantMode', code: 'catalogue-item-not-commitment', message: `${describe(item)}${on}: a licence on a commitment needs a commitment item` }];
  }
  return [];
}

/**
 * What is accepted but worth a look: a record decided before its item's first version took effect
 * (a licence older than the list) is let in, since no version of the list governed it, and says so.
 */
export function catalogueWarnings(record: CheckedRecord, index: CatalogueIndex): Warning[] {
  if (record.kind !== 'licence' && record.kind !== 'filing') return [];
  const date = record.kind === 'licence' ? record.data.decisionDate : record.data.date;
  const standing = itemAsOf(index, record.data.catalogueItemCode, date);
  if (standing.status !== 'not-yet-in-force') return [];
  return [
    {
      path: CODE_PATH,
      code: 'catalogue-item-before-list',
      message: `${record.data.catalogueItemCode} entered the permit catalogue on ${standing.firstEffective}, after ${date}: the ${record.kind} was not checked against its mode`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 双告知: who is told about a new business

/** `approve`: this enterprise needs your permit (or filing); `supervise`: take it into supervision. */
export type NoticePurpose = 'approve' | 'supervise';

export type NoticeRecipient =
  | { kind: 'department'; department: string }
  /** 认领: no department is known to take it; any department with the scope may claim it. */
  | { kind: 'claim-pool'; reason: 'unknown-department' | 'unmapped-department'; intendedDepartment: string };

/** One 双告知 notice: an item the enterprise's scope needs, and the department (or pool) told about it. */
export interface DoubleNotice {
  itemCode: string;
  itemName: string;
  reformMode: ReformMode;
  purposes: NoticePurpose[];
  recipient: NoticeRecipient;
  /** The alternatives this item belongs to (just itself unless the scope term accepts any one of several permits). */
  requirement: string[];
  terms: string[];
}

export interface RoutingContext {
  catalogue: CatalogueIndex;
  terms: ScopeTable;
  departments: ReadonlyMap<string, Department>;
  /** Whether the department has a place on the exchange to receive notices (an API client). */
  isMapped: (departmentId: string) => boolean;
}

export interface Routing {
  notices: DoubleNotice[];
  scope: ScopeMatch;
  /** Item codes the scope terms name that are not in force on the registration date. */
  itemsNotInForce: string[];
}

type RoutedRegistration = Pick<RegistrationData, 'action' | 'date' | 'businessScope'>;

function recipientFor(departmentId: string, ctx: RoutingContext): NoticeRecipient {
  if (!ctx.departments.has(departmentId)) return { kind: 'claim-pool', reason: 'unknown-department', intendedDepartment: departmentId };
  if (!ctx.isMapped(departmentId)) return { kind: 'claim-pool', reason: 'unmapped-department', intendedDepartment: departmentId };
  return { kind: 'department', department: departmentId };
}

const recipientKey = (r: NoticeRecipient) => (r.kind === 'department' ? `d:${r.department}` : `p:${r.intendedDepartment}`);

/**
 * The 双告知 notices a registration causes: for an establishment, every item its scope needs; for
 * a change, the items needed now that the previous registration's scope did not need; none for a
 * deregistration. Each item tells its approving department (`approve`), and a `cancelled` or
 * `filing` item also its competent department (`supervise`), so that what is no longer approved is
 * still supervised. One notice per recipient and item; a department unknown to the directory or
 * without a place on the exchange turns the notice into a claim-pool notice.
 */
export function routeRegistration(current: RoutedRegistration, previous: Pick<RegistrationData, 'businessScope'> | undefined, ctx: RoutingContext): Routing {
  const scope = matchScope(current.businessScope, ctx.terms);
  if (current.action === 'deregister') return { notices: [], scope, itemsNotInForce: [] };
  const before = new Set(current.action === 'change' && previous ? matchScope(previous.businessScope, ctx.terms).requirements.flatMap((r) => r.items) : []);
  const notices = new Map<string, DoubleNotice>();
  const itemsNotInForce: string[] = [];
  for (const requirement of scope.requirements) {
    for (const code of requirement.items) {
      if (before.has(code)) continue;
      const standing = itemAsOf(ctx.catalogue, code, current.date);
      if (standing.status !== 'in-force') {
        if (!itemsNotInForce.includes(code)) itemsNotInForce.push(code);
        continue;
      }
      const item = standing.item;
      const told: [string, NoticePurpose][] = [];
      if (item.approvingDepartment !== undefined) told.push([item.approvingDepartment, 'approve']);
      if (item.reformMode === 'cancelled' || item.reformMode === 'filing') told.push([item.competentDepartment, 'supervise']);
      for (const [department, purpose] of told) {
        const recipient = recipientFor(department, ctx);
        const key = `${recipientKey(recipient)}|${code}`;
        const notice = notices.get(key) ?? {
          itemCode: code,
          itemName: item.name,
          reformMode: item.reformMode,
          purposes: [],
          recipient,
          requirement: requirement.items,
          terms: [],
        };
        if (!notice.purposes.includes(purpose)) notice.purposes.push(purpose);
        for (const t of requirement.terms) if (!notice.terms.includes(t)) notice.terms.push(t);
        notices.set(key, notice);
      }
    }
  }
  return { notices: [...notices.values()], scope, itemsNotInForce };
}

// ---------------------------------------------------------------------------------------------
// 证照匹配: which needed permits an enterprise holds

export type CoverLicence = Pick<LicenceData, 'catalogueItemCode' | 'status' | 'validFrom' | 'validTo'>;
export type CoverFiling = Pick<FilingData, 'catalogueItemCode' | 'date'>;

export interface CoverEntry {
  /** The alternatives, any one of which meets the need. */
  items: { code: string; name: string; reformMode: ReformMode }[];
  terms: string[];
  /** The licence or filing that covers it, when one does. */
  coveredBy?: { kind: 'licence' | 'filing'; itemCode: string };
}

export interface Cover {
  covered: CoverEntry[];
  uncovered: CoverEntry[];
  /** Needs whose every item is cancelled on the date: nothing to hold. */
  notRequired: CoverEntry[];
}

/**
 * Licence cover on `asOf`: for each need of the enterprise's scope, whether a licence valid that
 * day (status valid, within its validity) or a filing made by then names one of its items. A need
 * whose items are all cancelled is not required; items not in force that day are left out.
 */
export function licenceCover(requirements: readonly ScopeRequirement[], holdings: { licences: readonly CoverLicence[]; filings: readonly CoverFiling[] }, asOf: string, index: CatalogueIndex): Cover {
  const licensed = new Set(holdings.licences.filter((l) => l.status === 'valid' && l.validFrom <= asOf && asOf <= l.validTo).map((l) => l.catalogueItemCode));
  const filed = new Set(holdings.filings.filter((f) => f.date <= asOf).map((f) => f.catalogueItemCode));
  const cover: Cover = { covered: [], uncovered: [], notRequired: [] };
  for (const requirement of requirements) {
    const items = requirement.items.flatMap((code) => {
      const standing = itemAsOf(index, code, asOf);
      return standing.status === 'in-force' ? [{ code, name: standing.item.name, reformMode: standing.item.reformMode }] : [];
    });
    if (items.length === 0) continue;
    const entry: CoverEntry = { items, terms: requirement.terms };
    if (items.every((i) => i.reformMode === 'cancelled')) {
      cover.notRequired.push(entry);
      continue;
    }
    const byLicence = items.find((i) => licensed.has(i.code));
    const byFiling = items.find((i) => filed.has(i.code));
    if (byLicence) cover.covered.push({ ...entry, coveredBy: { kind: 'licence', itemCode: byLicence.code } });
    else if (byFiling) cover.covered.push({ ...entry, coveredBy: { kind: 'filing', itemCode: byFiling.code } });
    else cover.uncovered.push(entry);
  }
  return cover;
}

// ---------------------------------------------------------------------------------------------
// Publication

/** The columns of the published list (清单), in its order. */
export const CATALOGUE_CSV_COLUMNS = [
  '序号',
  '事项编码',
  '事项名称',
  '设定依据',
  '设定层级',
  '主管部门',
  '审批部门',
  '改革方式',
  '具体改革举措',
  '加强事中事后监管措施',
  '检查频次',
  '生效日期',
] as const;

const csvCell = (value: string) => (/[",\r\n]/u.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The catalogue as of a date in the published list's layout, as CSV (RFC 4180, CRLF line ends):
 * one row per item, departments by their full names, several values in a cell joined by "；".
 */
export function catalogueCsv(items: readonly ResolvedItem[], departments: ReadonlyMap<string, Department>): string {
  const name = (id: string | undefined) => (id === undefined ? '' : (departments.get(id)?.name ?? id));
  const rows = items.map((item, i) => {
    const measures = [...(item.measures?.changes ?? []), ...(item.measures?.validity ? [`有效期${item.measures.validity}`] : [])];
    return [
      String(i + 1),
      item.code,
      item.name,
      item.legalBasis.join('；'),
      item.setBy === 'central' ? '中央层面设定' : '地方设定',
      name(item.competentDepartment),
      name(item.approvingDepartment),
      REFORM_MODE_NAMES[item.reformMode],
      measures.join('；'),
      item.supervision.measures.join('；'),
      item.supervision.inspectionFrequency ?? '',
      item.effectiveFrom,
    ];
  });
  return [CATALOGUE_CSV_COLUMNS, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
