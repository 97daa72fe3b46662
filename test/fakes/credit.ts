/**
 * In-memory doubles of the credit ports for the unit tier, with the DynamoDB stores' contracts:
 * numbered list changes without gaps, put-if-absent proposals and commitments, conditional steps,
 * and the due index as "everything due up to today".
 */
import type { Commitment, CommitmentStep, CreditChange, CreditEntry, CreditList, CreditProposal, MeasureReport } from '../../schemas/credit';
import type { DirectedEvent, Due, Membership, StoredRisk } from '../../functions/core/model';
import type { CommitmentStore, CreditFileStore, CreditListStore, DirectedEventStore, DueItem, ListChange, MeasureReportStore, Page, ProposalStore, RiskStore } from '../../functions/core/ports';

const copy = <T>(v: T): T => structuredClone(v);

function page<T>(items: T[], cursor: string | undefined, limit: number): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  return { items: items.slice(start, start + limit), ...(start + limit < items.length ? { next: String(start + limit) } : {}) };
}

export class MemoryDirectedEventStore implements DirectedEventStore {
  readonly events = new Map<string, DirectedEvent>();
  async put(e: DirectedEvent) {
    if (!this.events.has(e.event.id)) this.events.set(e.event.id, copy(e));
  }
  /** Put-if-absent of several events; false (and nothing written) if one exists. */
  putAll(events: DirectedEvent[]) {
    if (events.some((e) => this.events.has(e.event.id))) return false;
    for (const e of events) this.events.set(e.event.id, copy(e));
    return true;
  }
}

export class MemoryCreditListStore implements CreditListStore {
  readonly feeds = new Map<CreditList, CreditChange[]>();
  readonly memberships = new Map<string, Membership>();
  constructor(private readonly events: MemoryDirectedEventStore) {}

  async apply(c: ListChange) {
    const key = `${c.entry.creditCode}#${c.list}`;
    const m = this.memberships.get(key) ?? { creditCode: c.entry.creditCode, list: c.list, past: [] };
    if (c.kind === 'added' ? m.current : m.current?.id !== c.entry.id) return { applied: false as const, ...(m.current ? { current: copy(m.current) } : {}) };
    const feed = this.feeds.get(c.list) ?? [];
    const seq = feed.length + 1;
    feed.push(copy({ seq, list: c.list, change: c.kind, entry: c.entry, at: c.at }));
    this.feeds.set(c.list, feed);
    if (c.kind === 'added') {
      m.current = copy(c.entry);
      if (c.due) m.due = copy(c.due);
      else delete m.due;
    } else {
      m.past.push(copy(c.entry));
      delete m.current;
      delete m.due;
    }
    this.memberships.set(key, m);
    this.events.putAll(c.events ?? []);
    return { applied: true as const, seq };
  }
  async membershipsOf(creditCodes: string[], list: CreditList) {
    const found = await Promise.all(creditCodes.map((code) => this.membership(code, list)));
    return new Map(found.flatMap((m) => (m ? [[m.creditCode, m] as const] : [])));
  }
  async membership(creditCode: string, list: CreditList) {
    const m = this.memberships.get(`${creditCode}#${list}`);
    return m && copy(m);
  }
  async clearDue(creditCode: string, list: CreditList, what: string) {
    const m = this.memberships.get(`${creditCode}#${list}`);
    if (m?.due?.what !== what) return false;
    delete m.due;
    return true;
  }
  async head(list: CreditList) {
    return this.feeds.get(list)?.length ?? 0;
  }
  async changes(list: CreditList, after: number, limit: number) {
    const items = (this.feeds.get(list) ?? []).slice(after, after + limit);
    return { items: copy(items), full: items.length === limit };
  }
  async members(list: CreditList, cursor: string | undefined, limit: number) {
    const current = [...this.memberships.values()]
      .filter((m) => m.list === list && m.current)
      .map((m) => m.current as CreditEntry)
      .sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1));
    return page(copy(current), cursor, limit);
  }
}

export class MemoryProposalStore implements ProposalStore {
  readonly proposals = new Map<string, CreditProposal>();
  constructor(private readonly events: MemoryDirectedEventStore) {}
  async raise(p: CreditProposal, events: DirectedEvent[]) {
    if (this.proposals.has(p.id)) return false;
    this.proposals.set(p.id, copy(p));
    this.events.putAll(events);
    return true;
  }
  async get(_creditCode: string, id: string) {
    const p = this.proposals.get(id);
    return p && copy(p);
  }
  async decide(p: CreditProposal) {
    if (this.proposals.get(p.id)?.status !== 'open') return false;
    this.proposals.set(p.id, copy(p));
    return true;
  }
}

export class MemoryCommitmentStore implements CommitmentStore {
  readonly commitments = new Map<string, { value: Commitment; due?: Due }>();
  constructor(private readonly events: MemoryDirectedEventStore) {}
  async create(c: Commitment, due: Due | undefined, events: DirectedEvent[]) {
    if (this.commitments.has(c.licenceRecordId)) return false;
    this.commitments.set(c.licenceRecordId, copy({ value: c, ...(due ? { due } : {}) }));
    this.events.putAll(events);
    return true;
  }
  async get(_creditCode: string, id: string) {
    const c = this.commitments.get(id);
    return c && copy(c.value);
  }
  async published(month: string, cursor: string | undefined, limit: number) {
    const all = [...this.commitments.values()]
      .map((c) => c.value)
      .filter((c) => c.grantedOn.startsWith(month))
      .sort((a, b) => `${b.grantedOn}#${b.licenceRecordId}`.localeCompare(`${a.grantedOn}#${a.licenceRecordId}`));
    const start = cursor ? Number(cursor) : 0;
    return { items: copy(all.slice(start, start + limit)), ...(start + limit < all.length ? { next: String(start + limit) } : {}) };
  }
  async advance(c: Commitment, expected: { step: CommitmentStep; escalations: number }, due: Due | undefined, events: DirectedEvent[]) {
    const stored = this.commitments.get(c.licenceRecordId)?.value;
    if (!stored || stored.step !== expected.step || stored.escalations.length !== expected.escalations) return false;
    this.commitments.set(c.licenceRecordId, copy({ value: c, ...(due ? { due } : {}) }));
    this.events.putAll(events);
    return true;
  }
}

export class MemoryRiskStore implements RiskStore {
  readonly risks = new Map<string, { value: StoredRisk; due?: Due }>();
  async put(r: StoredRisk, due: Due | undefined) {
    this.risks.set(r.creditCode, copy({ value: r, ...(due ? { due } : {}) }));
  }
  async get(creditCode: string) {
    const r = this.risks.get(creditCode);
    return r && copy(r.value);
  }
  async list(regionCode: string, riskClass: string, cursor: string | undefined, limit: number) {
    const all = [...this.risks.values()]
      .map((r) => r.value)
      .filter((r) => r.regionCode === regionCode && r.riskClass === riskClass)
      .sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1))
      .map(({ creditCode, regionCode: region, riskClass: cls, computedAt }) => ({ creditCode, regionCode: region, riskClass: cls, computedAt }));
    return page(all, cursor, limit);
  }
}

export class MemoryMeasureReportStore implements MeasureReportStore {
  readonly reports: MeasureReport[] = [];
  async put(r: MeasureReport) {
    if (!this.reports.some((x) => x.id === r.id)) this.reports.push(copy(r));
  }
  async list(month: string, cursor: string | undefined, limit: number) {
    return page(copy(this.reports.filter((r) => r.at.startsWith(month)).sort((a, b) => (a.at < b.at ? 1 : -1))), cursor, limit);
  }
}

export class MemoryCreditFileStore implements CreditFileStore {
  constructor(
    private readonly lists: MemoryCreditListStore,
    private readonly proposals: MemoryProposalStore,
    private readonly commitments: MemoryCommitmentStore,
    private readonly risk: MemoryRiskStore,
  ) {}
  async read(creditCode: string) {
    return copy({
      memberships: [...this.lists.memberships.values()].filter((m) => m.creditCode === creditCode),
      commitments: [...this.commitments.commitments.values()].map((c) => c.value).filter((c) => c.creditCode === creditCode),
      proposals: [...this.proposals.proposals.values()].filter((p) => p.creditCode === creditCode),
      ...(this.risk.risks.get(creditCode) ? { risk: this.risk.risks.get(creditCode)?.value } : {}),
    });
  }
  async due(today: string) {
    const out: DueItem[] = [];
    for (const m of this.lists.memberships.values()) if (m.due && m.due.actOn <= today) out.push({ type: 'membership', value: copy(m) });
    for (const c of this.commitments.commitments.values()) if (c.due && c.due.actOn <= today) out.push({ type: 'commitment', value: copy(c.value) });
    for (const r of this.risk.risks.values()) if (r.due && r.due.actOn <= today) out.push({ type: 'risk', value: copy(r.value) });
    return out;
  }
}

export function memoryCreditStores() {
  const directedEvents = new MemoryDirectedEventStore();
  const creditLists = new MemoryCreditListStore(directedEvents);
  const proposals = new MemoryProposalStore(directedEvents);
  const commitments = new MemoryCommitmentStore(directedEvents);
  const risk = new MemoryRiskStore();
  const measureReports = new MemoryMeasureReportStore();
  return { directedEvents, creditLists, proposals, commitments, risk, measureReports, creditFile: new MemoryCreditFileStore(creditLists, proposals, commitments, risk) };
}
