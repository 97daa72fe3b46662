/**
 * Public disclosure (一公开) and the 双公示 export: licences, penalties until their publication
 * end date and public inspection results, read from the public list index day by day, and each
 * record written in the standard's own field codes (XK_* for licences, CF_* for penalties).
 *
 * What leaves is decided by the privacy class of the field each code is taken from: personal data
 * never (the identity document columns stay empty, a natural person's or individual business's
 * name too), free text (`restricted`) only in the export, which needs a key; the keyless public
 * list carries public fields only.
 *
 * Records stored before the standard fields existed read with defaults: the party's category from
 * the credit code (92… an individual business, otherwise 法人及非法人组织), its name empty,
 * 处罚有效期 as the publication end, and the 数据来源单位 from the directory as it is now.
 */
import { z } from 'zod';
import type { DisclosureQuery } from '../../schemas/api';
import { entityKind } from '../../schemas/credit-code';
import { IsoDate } from '../../schemas/common';
import { PARTY_CATEGORIES, PENALTY_CATEGORIES, INSPECTION_RESULTS, type PartyCategory, type RecordKind } from '../../schemas/records';
import { isDerivedPartyKey, PERSON_PARTY_PREFIX, type PublishedKind } from '../store/table';
import { requireScope } from './clients';
import { badRequest } from './errors';
import { cursorBinding, decodeCursor, encodeCursor } from './cursor';
import { sourceUnit } from './departments';
import { effectivePrivacy, fieldClasses } from './privacy';
import { isTombstone } from './summary';
import type { ApiClient, SourceUnit, StoredVersion } from './model';
import type { Ports } from './ports';
import { chinaDate } from './china-time';

/** What a party looks like when the record names none (records stored before the field existed). */
export function partyCategoryOf(v: Pick<StoredVersion, 'creditCode' | 'data'>): PartyCategory {
  const party = v.data.party as { category?: PartyCategory } | undefined;
  if (party?.category) return party.category;
  if (v.creditCode.startsWith(PERSON_PARTY_PREFIX)) return 'natural-person';
  if (isDerivedPartyKey(v.creditCode) || entityKind(v.creditCode) === 'individual-business') return 'individual-business';
  return 'legal-person';
}

/** Where a column's value comes from: a dotted path into the record body, or a function of the record. */
type Source = string | ((v: StoredVersion, unit: SourceUnit) => string | undefined);
/**
 * A column of the standard: its code, where an export takes its value from, and for a computed
 * column an import can read back (`into`), the record body field it fills (a JSON pointer) and
 * how its text becomes that field's. A dotted `from` path is its own way back.
 */
export type Column = { code: string; from: Source; into?: { path: string; parse?: (text: string) => string } };

/** The key whose Chinese name a text is (as the standard writes coded values), else the text as it is. */
const keyNamed =
  (names: Record<string, string>) =>
  (text: string): string =>
    Object.entries(names).find(([, name]) => name === text)?.[0] ?? text;
/** 万元 back to integer fen; text that is not an amount is kept, so the schema names the error. */
const wanYuanToFen = (text: string) => (/^\d+(\.\d{1,6})?$/.test(text) ? String(Math.round(Number(text) * 1_000_000)) : text);

const party = (field: string) => `party.${field}`;
const creditCodeColumn = (v: StoredVersion) => (isDerivedPartyKey(v.creditCode) ? undefined : v.creditCode);
const categoryColumn = (v: StoredVersion) => PARTY_CATEGORIES[partyCategoryOf(v)];
/** The standard's amounts are in 万元 (10,000 yuan = 1,000,000 fen). */
export const fenToWanYuan = (fen: unknown) => (typeof fen === 'number' ? String(fen / 1_000_000) : undefined);

const PARTY_COLUMNS = (p: 'XK' | 'CF'): Column[] => [
  { code: `${p}_XDR_MC`, from: party('name') },
  { code: `${p}_XDR_LB`, from: categoryColumn, into: { path: '/data/party/category', parse: keyNamed(PARTY_CATEGORIES) } },
  { code: `${p}_XDR_SHXYM`, from: creditCodeColumn, into: { path: '/creditCode' } },
  { code: `${p}_XDR_GSZC`, from: party('registrationNumber') },
  { code: `${p}_XDR_ZZJG`, from: party('organisationCode') },
  { code: `${p}_XDR_SWDJ`, from: party('taxNumber') },
  { code: `${p}_XDR_SYDW`, from: party('institutionCertificateNumber') },
  { code: `${p}_XDR_SHZZ`, from: party('socialOrganisationCertificateNumber') },
  { code: `${p}_FRDB`, from: 'legalRepresentative.name' },
  { code: `${p}_FR_ZJLX`, from: 'legalRepresentative.idDocument.type' },
  { code: `${p}_FR_ZJHM`, from: 'legalRepresentative.idDocument.number' },
  { code: `${p}_XDR_ZJLX`, from: party('idDocument.type') },
  { code: `${p}_XDR_ZJHM`, from: party('idDocument.number') },
];

const LICENCE_CATEGORY_NAMES: Record<string, string> = { ordinary: '普通', franchise: '特许', recognition: '认可', verification: '核准', registration: '登记', other: '其他' };

/** 行政许可 in the standard's field codes, in the standard's order. */
export const LICENCE_COLUMNS: Column[] = [
  ...PARTY_COLUMNS('XK'),
  { code: 'XK_XKWS', from: 'documentName' },
  { code: 'XK_WSH', from: 'documentNumber' },
  { code: 'XK_XKLB', from: (v) => LICENCE_CATEGORY_NAMES[String(v.data.category)], into: { path: '/data/category', parse: keyNamed(LICENCE_CATEGORY_NAMES) } },
  { code: 'XK_XKZS', from: 'certificateName' },
  { code: 'XK_XKBH', from: 'certificateNumber' },
  { code: 'XK_NR', from: 'content' },
  { code: 'XK_JDRQ', from: 'decisionDate' },
  { code: 'XK_YXQZ', from: 'validFrom' },
  { code: 'XK_YXQZI', from: 'validTo' },
  { code: 'XK_XKJG', from: 'authority' },
  { code: 'XK_XKJGDM', from: 'authorityCreditCode' },
  // Coded as the provincial loaders do: 1 valid, 2 no longer valid.
  { code: 'XK_ZT', from: (v) => (v.data.status === 'valid' ? '1' : '2'), into: { path: '/data/status', parse: (text) => (text === '1' ? 'valid' : text) } },
  { code: 'XK_LYDW', from: (_, unit) => unit.name },
  { code: 'XK_LYDWDM', from: (_, unit) => unit.creditCode },
  { code: 'BZ', from: 'remarks' },
];

/** 行政处罚 in the standard's field codes, in the standard's order. */
export const PENALTY_COLUMNS: Column[] = [
  ...PARTY_COLUMNS('CF'),
  { code: 'CF_WSH', from: 'decisionNumber' },
  { code: 'CF_WFXW', from: 'violationType' },
  { code: 'CF_SY', from: 'facts' },
  { code: 'CF_YJ', from: 'legalBasis' },
  {
    code: 'CF_CFLB',
    from: (v) => (v.data.categories as (keyof typeof PENALTY_CATEGORIES)[]).map((c) => PENALTY_CATEGORIES[c]).join(';'),
    into: {
      path: '/data/categories',
      parse: (text) =>
        text
          .split(/[;；|]/)
          .map((t) => keyNamed(PENALTY_CATEGORIES)(t.trim()))
          .join('|'),
    },
  },
  { code: 'CF_NR', from: 'content' },
  { code: 'CF_NR_FK', from: (v) => fenToWanYuan(v.data.fineFen), into: { path: '/data/fineFen', parse: wanYuanToFen } },
  { code: 'CF_NR_WFFF', from: (v) => fenToWanYuan(v.data.confiscationFen), into: { path: '/data/confiscationFen', parse: wanYuanToFen } },
  { code: 'CF_NR_ZKDX', from: (v) => ((r) => (r ? `${r.name} ${r.number}` : undefined))(v.data.revokedLicence as { name: string; number: string } | undefined) },
  { code: 'CF_JDRQ', from: 'decisionDate' },
  // Records from before 处罚有效期 existed read it as the publication end.
  { code: 'CF_YXQ', from: (v) => String(v.data.validUntil ?? v.data.publicUntil), into: { path: '/data/validUntil' } },
  { code: 'CF_GSJZQ', from: 'publicUntil' },
  { code: 'CF_CFJG', from: 'authority' },
  { code: 'CF_CFJGDM', from: 'authorityCreditCode' },
  { code: 'CF_SJLY', from: (_, unit) => unit.name },
  { code: 'CF_SJLYDM', from: (_, unit) => unit.creditCode },
  { code: 'BZ', from: 'remarks' },
];

/** Field codes of public inspection results; the standard has none, so these are the exchange's own names. */
export const INSPECTION_COLUMNS: Column[] = [
  { code: 'creditCode', from: creditCodeColumn },
  { code: 'type', from: 'type' },
  { code: 'department', from: 'department' },
  { code: 'date', from: 'date' },
  { code: 'result', from: 'result' },
  { code: 'resultName', from: (v) => INSPECTION_RESULTS[v.data.result as keyof typeof INSPECTION_RESULTS] },
  { code: 'resultDetail', from: 'resultDetail' },
];

export const COLUMNS: Record<PublishedKind, Column[]> = { licence: LICENCE_COLUMNS, penalty: PENALTY_COLUMNS, inspection: INSPECTION_COLUMNS };

/** The privacy class of a dotted path, or undefined if the path is not a field of the kind. */
function classOf(kind: RecordKind, path: string) {
  return fieldClasses(kind).get(path);
}

function at(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);
}

/**
 * One record as a row of field codes. A value taken from the body leaves only if its field's
 * class allows it here: never personal, free text only when `restricted` is allowed.
 */
export function standardRow(v: StoredVersion, unit: SourceUnit, kind: PublishedKind, allowRestricted: boolean): Record<string, string> {
  const row: Record<string, string> = {};
  for (const { code, from } of COLUMNS[kind]) {
    let value: unknown;
    if (typeof from === 'function') value = from(v, unit);
    else {
      const privacy = classOf(kind, from);
      const effective = privacy && effectivePrivacy(privacy, v.creditCode);
      const shown = effective === 'public' || (effective === 'restricted' && allowRestricted);
      value = shown ? at(v.data, from) : undefined;
    }
    row[code] = value === undefined || value === null || isTombstone(value) ? '' : String(value);
  }
  return row;
}

/** RFC 4180 CSV: every field quoted, so commas, quotes and line breaks in text survive. */
export function toCsv(columns: string[], rows: Record<string, string>[]): string {
  const line = (cells: string[]) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',');
  return [line(columns), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\r\n') + '\r\n';
}

const nextDay = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
const RangeCursor = z.strictObject({ d: IsoDate, k: z.string().max(800).optional() });

/**
 * Publishable records of one kind in a date range, day by day, at most `limit` per call. The
 * cursor says which day to go on with and where in it, so a page costs the queries of the days it
 * covers and no more.
 */
export async function publishedRange(ports: Ports, kind: PublishedKind, q: DisclosureQuery, caller: string): Promise<{ items: StoredVersion[]; next?: string }> {
  const publicOn = chinaDate(ports.clock.now());
  const binding = cursorBinding('published', caller, kind, q.from, q.to);
  let position = q.cursor ? decodeCursor(ports.cursors.open(q.cursor, binding), (p) => RangeCursor.safeParse(p).data) : { d: q.from };
  if (position.d < q.from || position.d > q.to) throw badRequest('the cursor belongs to another date range', [{ path: 'cursor', message: 'outside from-to', code: 'invalid-cursor' }]);
  const items: StoredVersion[] = [];
  for (;;) {
    const page = await ports.listings.published(kind, position.d, { publicOn, cursor: position.k, limit: q.limit - items.length });
    items.push(...page.items);
    if (page.next) position = { d: position.d, k: page.next };
    else if (position.d < q.to) position = { d: nextDay(position.d) };
    else return { items };
    if (items.length >= q.limit) return { items, next: ports.cursors.seal(encodeCursor(position), binding) };
  }
}

/** The keyless public list: public fields only, in the standard's codes. */
export async function publicList(ports: Ports, kind: PublishedKind, q: DisclosureQuery) {
  const { items, next } = await publishedRange(ports, kind, q, 'public');
  const units = await unitsOf(ports, items);
  return {
    kind,
    asOf: chinaDate(ports.clock.now()),
    items: items.map((v) => ({ recordId: v.id, ...standardRow(v, units.get(v.id) as SourceUnit, kind, false) })),
    ...(next ? { next } : {}),
  };
}

/** The source unit of each record: stamped at ingest, or the directory's for records stored before. */
async function unitsOf(ports: Ports, items: StoredVersion[]) {
  const out = new Map<string, SourceUnit>();
  for (const v of items) out.set(v.id, v.source ?? (await sourceUnit(ports, v.department)));
  return out;
}

/**
 * The 双公示 export for the credit system: every field code of the standard, free text included,
 * personal data never. Reading it is reading enterprise data, so each party in a page is logged.
 */
export async function exportStandard(ports: Ports, client: ApiClient, kind: 'licence' | 'penalty', q: DisclosureQuery, purpose: string) {
  requireScope(client, 'profiles:read');
  const { items, next } = await publishedRange(ports, kind, q, client.clientId);
  const units = await unitsOf(ports, items);
  const at = ports.clock.now().toISOString();
  const parties = [...new Set(items.map((v) => v.creditCode))];
  await Promise.all(parties.map((creditCode) => ports.accessLog.append({ creditCode, at, clientId: client.clientId, department: client.department, purpose, resource: `export:${kind}` })));
  return {
    columns: COLUMNS[kind].map((c) => c.code),
    rows: items.map((v) => standardRow(v, units.get(v.id) as SourceUnit, kind, true)),
    ...(next ? { next } : {}),
  };
}
