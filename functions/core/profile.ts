/**
 * Reads of enterprise data: the profile (企业画像), its history, single records and the access log.
 * Every read of an enterprise's data is logged before the data is returned.
 */
import { z } from 'zod';
import { checkCreditCode, entityKind } from '../../schemas/credit-code';
import { textProblem } from '../../schemas/common';
import { RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { requireScope } from './clients';
import { badRequest, invalidInput, notFound } from './errors';
import type { AccessLogEntry, ApiClient, HistoryPosition, RecordSummary, StoredVersion } from './model';
import { exceptionCodes } from './credit-code-exceptions';
import { cursorBinding, decodeCursor, encodeCursor, sealPage } from './cursor';
import { profileCover } from './cover';
import { presentVersion } from './privacy';
import { sourceUnit } from './departments';
import { PARTY_KEY_PATTERN, personPartyKey, registrationPartyKey } from '../store/table';
import { PartyLookup } from '../../schemas/records';
import { fieldErrors, PARSE_OPTIONS } from './validation';
import type { Page, Ports } from './ports';
import { chinaDate } from './china-time';

export const RECENT_LIMIT = 10;

export function requireCreditCode(code: string, exceptions: ReadonlySet<string>) {
  // A party without a credit code is read under its party key (see "Party keys" in functions/store/table.ts).
  if (PARTY_KEY_PATTERN.test(code)) return;
  const check = checkCreditCode(code);
  if (!check.valid && !exceptions.has(code)) {
    throw badRequest('not a valid unified social credit code', [
      { path: 'creditCode', message: check.reason === 'format' ? 'must be 18 characters from 0-9 A-H J-N P Q R T U W X Y' : 'wrong check character (18th)', code: `credit-code-${check.reason}` },
    ]);
  }
}

/** The purpose header; HTTP headers are Latin-1, so Chinese text arrives percent-encoded (UTF-8). */
export function requirePurpose(purpose: string | undefined): string {
  let p = purpose?.trim();
  if (p?.includes('%')) {
    try {
      p = decodeURIComponent(p).trim();
    } catch {
      // not percent-encoding after all: keep it as sent
    }
  }
  if (!p || p.length > 200) {
    throw badRequest('state why you read this enterprise’s data', [
      { path: 'Access-Purpose', message: 'header required: the purpose of the read (1-200 characters), kept in the access log', code: 'purpose-required' },
    ]);
  }
  const problem = textProblem(p);
  if (problem) throw badRequest('the stated purpose is not plain text', [{ path: 'Access-Purpose', message: problem, code: 'invalid-character' }]);
  return p;
}

function accessOf(ports: Ports, client: ApiClient, creditCode: string, purpose: string, resource: string, found = true): AccessLogEntry {
  return {
    creditCode,
    at: ports.clock.now().toISOString(),
    clientId: client.clientId,
    department: client.department,
    purpose,
    resource,
    ...(found ? {} : { found: false as const }),
  };
}

async function logAccess(ports: Ports, client: ApiClient, creditCode: string, purpose: string, resource: string) {
  await ports.accessLog.append(accessOf(ports, client, creditCode, purpose, resource));
}

/** A summary field that the schema guarantees is a string (status, dates, action). */
const text = (r: RecordSummary, field: string) => String(r.summary[field] ?? '');
// Record metadata goes under names no summary field uses (filings and inspections have their own `department`).
const view = (r: RecordSummary) => ({ id: r.id, version: r.version, kind: r.kind, date: r.date, postedBy: r.department, receivedAt: r.receivedAt, ...r.summary });
const newestFirst = (a: RecordSummary, b: RecordSummary) => (a.date === b.date ? (a.id < b.id ? 1 : -1) : a.date < b.date ? 1 : -1);

export function buildProfile(creditCode: string, records: RecordSummary[], today: string) {
  const byKind = Object.fromEntries(RECORD_KINDS.map((k) => [k, [] as RecordSummary[]])) as Record<RecordKind, RecordSummary[]>;
  for (const r of records) byKind[r.kind].push(r);
  for (const k of RECORD_KINDS) byKind[k].sort(newestFirst);

  const registration = byKind.registration[0];
  const validLicences = byKind.licence.filter((l) => text(l, 'status') === 'valid' && text(l, 'validTo') >= today && text(l, 'validFrom') <= today);
  return {
    creditCode,
    entityKind: entityKind(creditCode),
    // An individual business's name is personal (it is often the operator's), so its summary has none.
    name: typeof registration?.summary.name === 'string' ? registration.summary.name : null,
    status: !registration ? 'unregistered' : text(registration, 'action') === 'deregister' ? 'deregistered' : 'active',
    registration: registration ? view(registration) : null,
    licences: validLicences.map(view),
    filings: byKind.filing.map(view),
    inspections: byKind.inspection.slice(0, RECENT_LIMIT).map(view),
    penalties: byKind.penalty.slice(0, RECENT_LIMIT).map(view),
    counts: {
      registration: byKind.registration.length,
      licence: byKind.licence.length,
      validLicence: validLicences.length,
      filing: byKind.filing.length,
      inspection: byKind.inspection.length,
      penalty: byKind.penalty.length,
    },
    lastChangedAt: records.reduce((m, r) => (r.receivedAt > m ? r.receivedAt : m), ''),
    asOf: today,
  };
}
export type Profile = ReturnType<typeof buildProfile>;

export async function readProfile(ports: Ports, client: ApiClient, creditCode: string, purpose: string | undefined): Promise<Profile & { permitCover: Awaited<ReturnType<typeof profileCover>> }> {
  requireScope(client, 'profiles:read');
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const why = requirePurpose(purpose);
  // An attempted read is logged too (it tells the caller the enterprise is unknown here), marked as a
  // miss. The log's chain head is read alongside the records; the entry is written before they are shown.
  const reading = ports.records.enterpriseRecords(creditCode);
  const [records] = await Promise.all([
    reading,
    ports.accessLog.appendWhenSettled(
      creditCode,
      reading.then((r) => accessOf(ports, client, creditCode, why, 'profile', r.length > 0)),
    ),
  ]);
  if (records.length === 0) throw notFound(`the exchange holds no records about ${creditCode}`);
  return { ...buildProfile(creditCode, records, chinaDate(ports.clock.now())), permitCover: await profileCover(ports, records) };
}

const HistoryCursor = z.strictObject({ d: z.iso.date(), i: z.string().regex(/^rec_[0-9a-f]{26}$/) });
export async function readHistory(
  ports: Ports,
  client: ApiClient,
  creditCode: string,
  q: { kind?: RecordKind; cursor?: string; limit: number; purpose?: string },
): Promise<Page<ReturnType<typeof view>>> {
  requireScope(client, 'profiles:read');
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const why = requirePurpose(q.purpose);
  const binding = cursorBinding('history', client.clientId, creditCode, q.kind);
  const before: HistoryPosition | undefined = q.cursor ? (({ d, i }) => ({ date: d, id: i }))(decodeCursor(ports.cursors.open(q.cursor, binding), (p) => HistoryCursor.safeParse(p).data)) : undefined;
  const kinds = q.kind ? [q.kind] : RECORD_KINDS;
  // One query per kind, each already newest first; merging them keeps "newest first" across kinds.
  const [pages] = await Promise.all([
    Promise.all(kinds.map((k) => ports.records.enterpriseHistory(creditCode, k, before, q.limit + 1))),
    logAccess(ports, client, creditCode, why, q.kind ? `history:${q.kind}` : 'history'),
  ]);
  const merged = pages.flat().sort(newestFirst);
  const items = merged.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map(view), ...(merged.length > q.limit && last ? { next: ports.cursors.seal(encodeCursor({ d: last.date, i: last.id }), binding) } : {}) };
}

/** One record with every version. Readers need profiles:read, except the department that posted it. */
export async function readRecord(ports: Ports, client: ApiClient, id: string, purpose: string | undefined) {
  const why = requirePurpose(purpose);
  if (!/^rec_[0-9a-f]{26}$/.test(id)) throw notFound(`no record ${id}`);
  const versions = await ports.records.versions(id);
  const current = versions[0];
  if (!current || (current.department !== client.department && !client.scopes.includes('profiles:read'))) throw notFound(`no record ${id}`);
  await logAccess(ports, client, current.creditCode, why, `record:${id}`);
  // Versions stored before the source unit was stamped read it from the directory as it is now.
  const source = await sourceUnit(ports, current.department);
  const shown = (v: StoredVersion) => presentVersion(v.source ? v : { ...v, source }, client);
  return { ...shown(current), versions: versions.map(shown) };
}

/** The party key of a party without a credit code, and its live records (the read is logged). */
export async function findParty(ports: Ports, client: ApiClient, body: unknown, secret: string, purpose: string | undefined) {
  requireScope(client, 'profiles:read');
  const why = requirePurpose(purpose);
  const parsed = PartyLookup.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) throw invalidInput('invalid party lookup', fieldErrors(parsed.error));
  const { registrationNumber, idDocument } = parsed.data;
  const partyKey = idDocument ? personPartyKey(idDocument, secret) : registrationPartyKey(registrationNumber ?? '');
  const [records] = await Promise.all([ports.records.enterpriseRecords(partyKey), logAccess(ports, client, partyKey, why, 'party')]);
  return { partyKey, records: records.sort(newestFirst).map(view) };
}

/**
 * Reading the access log is itself a read of the enterprise's data: it needs a purpose and is
 * logged before the page is returned. The page is read first, so it shows the log as it stood
 * when asked; the next read shows this one.
 */
export async function readAccessLog(ports: Ports, client: ApiClient, creditCode: string, q: { cursor?: string; limit: number; purpose?: string }) {
  requireScope(client, 'audit:read');
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const why = requirePurpose(q.purpose);
  const binding = cursorBinding('access-log', client.clientId, creditCode);
  const page = await ports.accessLog.list(creditCode, q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding), q.limit);
  await logAccess(ports, client, creditCode, why, 'access-log');
  return sealPage(ports.cursors, page, binding);
}
