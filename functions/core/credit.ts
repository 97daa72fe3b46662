/**
 * Credit (信用) as the API serves it: listing and removal decisions, the change feed and the
 * snapshot of each list, listing proposals, the credit check in approval (信用核查), reports of
 * applied measures (数据应用反馈), risk class listings, and the gate that keeps a blacklisted
 * enterprise from being granted on a commitment.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CatalogueFile } from '../../schemas/catalogue';
import { shippedData } from '../../schemas/data-files';
import { CREDIT_LISTS, ListingInput, ProposalRejection, RemovalInput, ReportInput, type CreditEntry, type CreditList, type CreditProposal, type MeasureReport } from '../../schemas/credit';
import { indexCatalogue, itemAsOf, type CatalogueIndex } from './catalogue';
import { requireScope } from './clients';
import { exceptionCodes } from './credit-code-exceptions';
import { addYears, BLACKLIST_EARLIEST_REMOVAL_YEARS, BLACKLIST_YEARS, chinaToday, commitmentAllowed, listingDue, measuresFor, riskClass, type CreditConfig, type ReformMode } from './credit-rules';
import { cursorBinding, decodeCursor, encodeCursor, sealPage } from './cursor';
import { conflict, invalidCursor, invalidInput, notFound, type FieldError } from './errors';
import type { ApiClient, Membership } from './model';
import type { Ports } from './ports';
import { requireCreditCode, requirePurpose } from './profile';
import { parseOrThrow } from './validation';

const hash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

export function parseList(list: string): CreditList {
  if (!(CREDIT_LISTS as readonly string[]).includes(list)) throw notFound(`no credit list ${list}; the lists are ${CREDIT_LISTS.join(', ')}`);
  return list as CreditList;
}

const parse = <T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> =>
  parseOrThrow(schema, body, (errors) => invalidInput(`invalid ${what}: ${errors.length} field${errors.length === 1 ? '' : 's'}`, errors));

const current = (m: Membership | undefined) => m?.current;

// ---------------------------------------------------------------------------------------------
// Listing and removal (列入、移出)

/** A department's decision to list an enterprise; posting the same decision again returns the same entry. */
export async function addEntry(ports: Ports, client: ApiClient, list: CreditList, body: unknown): Promise<{ entry: CreditEntry; replayed: boolean }> {
  requireScope(client, 'credit:write');
  const input = parse(ListingInput, body, 'listing');
  requireCreditCode(input.creditCode, await exceptionCodes(ports));
  const today = chinaToday(ports.clock.now());
  const errors: FieldError[] = [];
  if (input.decisionDate > today) errors.push({ path: '/decisionDate', message: 'cannot be in the future', code: 'future-date' });
  if (list === 'blacklist' && input.plannedEnd !== undefined && input.plannedEnd !== addYears(input.decisionDate, BLACKLIST_YEARS)) {
    errors.push({ path: '/plannedEnd', message: `the blacklist term is ${BLACKLIST_YEARS} years: leave it out or give ${addYears(input.decisionDate, BLACKLIST_YEARS)}`, code: 'blacklist-term' });
  }
  if (input.plannedEnd !== undefined && input.plannedEnd <= input.decisionDate) errors.push({ path: '/plannedEnd', message: 'must be after decisionDate', code: 'date-order' });
  if (errors.length) throw invalidInput('invalid listing', errors);

  let proposal: CreditProposal | undefined;
  if (input.proposalId) {
    proposal = await ports.proposals.get(input.creditCode, input.proposalId);
    if (!proposal || proposal.creditCode !== input.creditCode || proposal.list !== list) {
      throw invalidInput('invalid listing', [{ path: '/proposalId', message: `no ${list} proposal ${input.proposalId} about ${input.creditCode}`, code: 'unknown-proposal' }]);
    }
  }

  const entry: CreditEntry = {
    id: `cle_${hash(`${client.department}\n${input.sourceId}`, 24)}`,
    list,
    creditCode: input.creditCode,
    enterpriseName: input.enterpriseName,
    reason: input.reason,
    legalBasis: input.legalBasis,
    authority: input.authority,
    decisionNumber: input.decisionNumber,
    decisionDate: input.decisionDate,
    ...(list === 'blacklist'
      ? { plannedEnd: addYears(input.decisionDate, BLACKLIST_YEARS), earliestRemoval: addYears(input.decisionDate, BLACKLIST_EARLIEST_REMOVAL_YEARS) }
      : input.plannedEnd
        ? { plannedEnd: input.plannedEnd }
        : {}),
    department: client.department,
    addedAt: ports.clock.now().toISOString(),
  };
  const result = await ports.creditLists.apply({ list, kind: 'added', entry, at: entry.addedAt, due: listingDue(entry) });
  if (!result.applied) {
    if (result.current?.id === entry.id) return { entry: result.current, replayed: true };
    throw conflict('already-listed', `${input.creditCode} is already on the ${list} list (entry ${result.current?.id ?? 'unknown'})`, { entryId: result.current?.id });
  }
  if (proposal?.status === 'open') {
    await ports.proposals.decide({ ...proposal, status: 'listed', decision: { at: entry.addedAt, department: client.department, clientId: client.clientId, entryId: entry.id } });
  }
  return { entry, replayed: false };
}

/** Removes an entry: credit repair (the blacklist only from a year after listing), a court decision, an error. */
export async function removeEntry(ports: Ports, client: ApiClient, list: CreditList, creditCode: string, body: unknown): Promise<CreditEntry> {
  requireScope(client, 'credit:write');
  const input = parse(RemovalInput, body, 'removal');
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const membership = await ports.creditLists.membership(creditCode, list);
  const entry = current(membership);
  if (!entry) {
    const last = membership?.past[membership.past.length - 1];
    if (last?.removal && last.removal.reason === input.reason && last.removal.date === input.date && last.removal.department === client.department) return last;
    throw notFound(`${creditCode} is not on the ${list} list`);
  }
  const errors: FieldError[] = [];
  if (input.reason === 'expiry') errors.push({ path: '/reason', message: 'expiries happen by themselves on the planned end', code: 'expiry-automatic' });
  if (input.date < entry.decisionDate) errors.push({ path: '/date', message: `cannot be before the listing (${entry.decisionDate})`, code: 'date-order' });
  if (input.date > chinaToday(ports.clock.now())) errors.push({ path: '/date', message: 'cannot be in the future', code: 'future-date' });
  if (input.reason === 'credit-repair' && entry.earliestRemoval && input.date < entry.earliestRemoval) {
    errors.push({ path: '/date', message: `credit repair removes a blacklist entry from ${entry.earliestRemoval} (one year after listing)`, code: 'too-early' });
  }
  if (errors.length) throw invalidInput('invalid removal', errors);
  const at = ports.clock.now().toISOString();
  const removed: CreditEntry = { ...entry, removal: { ...input, department: client.department, at } };
  const result = await ports.creditLists.apply({ list, kind: 'removed', entry: removed, at });
  if (!result.applied) throw conflict('entry-changed', `the ${list} entry of ${creditCode} changed meanwhile; read it and try again`);
  return removed;
}

/** An enterprise's entries on a list, current and past: public. */
export async function listHistory(ports: Ports, list: CreditList, creditCode: string) {
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const m = await ports.creditLists.membership(creditCode, list);
  return { creditCode, list, current: m?.current ?? null, past: m?.past ?? [] };
}

// ---------------------------------------------------------------------------------------------
// The change feed and the snapshot

const FeedPosition = z.strictObject({ l: z.enum(CREDIT_LISTS), s: z.int().min(0) });
const feedCursor = (list: CreditList, seq: number) => encodeCursor({ l: list, s: seq });
function feedPosition(list: CreditList, cursor: string | undefined): number {
  if (!cursor) return 0;
  return decodeCursor(cursor, (p) => {
    const parsed = FeedPosition.safeParse(p);
    return parsed.success && parsed.data.l === list ? parsed.data.s : undefined;
  });
}

export async function readFeed(ports: Ports, client: ApiClient, list: CreditList, q: { cursor?: string; limit: number }) {
  requireScope(client, 'credit:read');
  const after = feedPosition(list, q.cursor);
  const { items, full } = await ports.creditLists.changes(list, after, q.limit);
  const last = items.length ? items[items.length - 1].seq : after;
  return { items, cursor: feedCursor(list, last), caughtUp: !full };
}

const SnapshotPosition = z.strictObject({ l: z.enum(CREDIT_LISTS), f: z.int().min(0), k: z.string().optional() });
// A feed cursor is a position in a public sequence, not bound to a caller: a public snapshot hands
// it to whichever client follows the list. Page cursors of the snapshot carry a table key and are sealed.

/**
 * One page of the list's current entries and the feed cursor to follow from once every page is
 * read (fixed on the first page and carried in the page cursor; see table.ts for why it holds).
 */
export async function readSnapshot(ports: Ports, client: ApiClient | undefined, list: CreditList, q: { cursor?: string; limit: number }) {
  if (client) requireScope(client, 'credit:read');
  const binding = cursorBinding('credit-snapshot', 'any', list);
  const position = q.cursor ? decodeCursor(ports.cursors.open(q.cursor, binding), (p) => SnapshotPosition.safeParse(p).data) : undefined;
  if (position && position.l !== list) throw invalidCursor();
  const followFrom = position ? position.f : await ports.creditLists.head(list);
  const page = await ports.creditLists.members(list, position?.k, q.limit);
  return {
    items: page.items,
    ...(page.next ? { next: ports.cursors.seal(encodeCursor({ l: list, f: followFrom, k: page.next }), binding) } : {}),
    followFrom: feedCursor(list, followFrom),
  };
}

// ---------------------------------------------------------------------------------------------
// Proposals

export function parseProposalId(id: string): string {
  const m = /^prp_([0-9A-HJ-NPQRTUWXY]{18})_[0-9a-f]{16}$/.exec(id);
  if (!m) throw notFound(`no proposal ${id}`);
  return m[1];
}

export async function readProposal(ports: Ports, client: ApiClient, id: string) {
  requireScope(client, 'credit:read');
  const p = await ports.proposals.get(parseProposalId(id), id);
  if (!p) throw notFound(`no proposal ${id}`);
  return p;
}

/** The department declines to list: the proposal is answered with the reason. */
export async function rejectProposal(ports: Ports, client: ApiClient, id: string, body: unknown) {
  requireScope(client, 'credit:write');
  const { reason } = parse(ProposalRejection, body, 'rejection');
  const p = await ports.proposals.get(parseProposalId(id), id);
  if (!p) throw notFound(`no proposal ${id}`);
  if (p.status !== 'open') {
    if (p.status === 'rejected' && p.decision?.reason === reason) return p;
    throw conflict('proposal-decided', `proposal ${id} was already decided (${p.status})`);
  }
  const decided: CreditProposal = { ...p, status: 'rejected', decision: { at: ports.clock.now().toISOString(), department: client.department, clientId: client.clientId, reason } };
  if (!(await ports.proposals.decide(decided))) throw conflict('proposal-decided', `proposal ${id} was decided meanwhile`);
  return decided;
}

// ---------------------------------------------------------------------------------------------
// The credit check in approval (信用核查)

let catalogue: CatalogueIndex | undefined;
// The shipped items as they are (the catalogue's unit tests validate them): the check needs no scope terms or directory.
const catalogueIndex = () => (catalogue ??= indexCatalogue(shippedData<CatalogueFile>('catalogue/items.json').items));

/** Everything an approval needs in one call: one query of the credit file, the catalogue in memory, the access log written alongside. */
export async function creditCheck(ports: Ports, client: ApiClient, creditCode: string, q: { item?: string; purpose?: string }, config: CreditConfig) {
  requireScope(client, 'credit:read');
  requireCreditCode(creditCode, await exceptionCodes(ports));
  const why = requirePurpose(q.purpose);
  const now = ports.clock.now();
  const today = chinaToday(now);
  let item: { code: string; name: string; reformMode: ReformMode } | null = null;
  if (q.item) {
    const standing = itemAsOf(catalogueIndex(), q.item, today);
    if (standing.status !== 'in-force') {
      throw invalidInput('unknown catalogue item', [{ path: 'item', message: `${q.item} is not in the permit catalogue today (${standing.status})`, code: 'catalogue-item' }]);
    }
    item = { code: standing.item.code, name: standing.item.name, reformMode: standing.item.reformMode };
  }
  const logEntry = { creditCode, at: now.toISOString(), clientId: client.clientId, department: client.department, purpose: why, resource: q.item ? `credit-check:${q.item}` : 'credit-check' };
  const [file] = await Promise.all([ports.creditFile.read(creditCode), ports.accessLog.append(logEntry)]);
  const memberships = file.memberships.flatMap((m) => (m.current ? [m.current] : []));
  const lists = memberships.map((m) => m.list);
  const overdue = file.commitments.filter((c) => c.step === 'rectification-ordered' || ((c.step === 'verification-due' || c.step === 'revocation-requested') && c.due !== undefined && c.due < today));
  const risk = file.risk ?? { creditCode, regionCode: creditCode.slice(2, 8), ...riskClass({ today, records: [], lists, commitments: file.commitments }, config), computedAt: now.toISOString() };
  const { reviewOn: _review, ...riskView } = risk;
  return {
    creditCode,
    item,
    memberships,
    measures: measuresFor(lists, item?.reformMode),
    commitmentAllowed: commitmentAllowed(lists),
    overdueCommitments: overdue,
    risk: riskView,
    checkedAt: now.toISOString(),
  };
}

/**
 * The gate at ingest: a licence granted on a commitment to a blacklisted enterprise is refused;
 * an ordinary licence is accepted with a warning (the stream then tells the credit department).
 */
// ---------------------------------------------------------------------------------------------
// Reports of applied measures (数据应用反馈) and risk listings

export async function reportMeasure(ports: Ports, client: ApiClient, body: unknown): Promise<MeasureReport> {
  requireScope(client, 'credit:read');
  const input = parse(ReportInput, body, 'report');
  requireCreditCode(input.creditCode, await exceptionCodes(ports));
  const at = ports.clock.now().toISOString();
  const report: MeasureReport = { ...input, id: `rpt_${hash(`${client.department}\n${at}\n${JSON.stringify(input)}`, 20)}`, department: client.department, clientId: client.clientId, at };
  await ports.measureReports.put(report);
  return report;
}

export async function listReports(ports: Ports, client: ApiClient, q: { month?: string; cursor?: string; limit: number }) {
  requireScope(client, 'credit:write');
  const month = q.month ?? chinaToday(ports.clock.now()).slice(0, 7);
  const binding = cursorBinding('credit-reports', client.clientId, month);
  return sealPage(ports.cursors, await ports.measureReports.list(month, q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding), q.limit), binding);
}

export async function listRisk(ports: Ports, client: ApiClient, q: { region: string; class: string; cursor?: string; limit: number }) {
  requireScope(client, 'credit:read');
  const binding = cursorBinding('risk', client.clientId, q.region, q.class);
  return sealPage(ports.cursors, await ports.risk.list(q.region, q.class, q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding), q.limit), binding);
}
