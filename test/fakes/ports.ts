/**
 * In-memory doubles of the core's ports for the unit tier: the same contracts as the DynamoDB
 * stores (put-if-absent, conditional updates, newest-first listings), with no I/O. Each store
 * keeps copies, so a test cannot change what is "stored" by mutating an object it holds.
 */
import type { RecordKind } from '../../schemas/records';
import { chain } from '../../functions/core/access-log';
import { hmacCursors, randomCursorKey } from '../../functions/core/cursor';
import type { CatalogueItem, CatalogueItemVersion } from '../../schemas/catalogue';
import { shippedCatalogue } from '../../schemas/catalogue-data';
import {
  CLAIM_POOL,
  MEASURES,
  type AccessLogEntry,
  type AccessRecord,
  type Counts,
  type Measure,
  type ApiClient,
  type CatalogueChange,
  type CreditCodeException,
  type DeliveryMessage,
  type DepartmentEntry,
  type DirectoryEntry,
  type Feedback,
  type HistoryPosition,
  type RatedClass,
  type RedriveClaim,
  type StoredCover,
  type StoredNotification,
  type StoredPlan,
  type StoredSubscription,
  type StoredTask,
  type StoredVersion,
  type UnmatchedPhrase,
} from '../../functions/core/model';
import type {
  ImportJobStore,
  AccessLogStore,
  CalendarStore,
  CatalogueStore,
  ClientStore,
  Clock,
  ConsoleSession,
  CoverStore,
  CreditCodeExceptionStore,
  DatedQuery,
  DeliveryQueue,
  DepartmentStore,
  DirectoryStore,
  Ids,
  NotificationPut,
  NotificationStore,
  OnceRecord,
  Page,
  PlanListing,
  PlanStore,
  Ports,
  RecordListingStore,
  RecordStore,
  ScopePhraseStore,
  SessionStore,
  StatisticsStore,
  NameIndexStore,
  RateWindowStore,
  SubscriptionStore,
  ProblemDataStore,
} from '../../functions/core/ports';
import { parseProblemId, type ProblemCheck, type ProblemClosure, type ProblemItem, type ProblemStatus } from '../../functions/core/problem-items';
import { industryKey } from '../../functions/store/directory';
import type { CalendarYear } from '../../functions/core/workdays';
import { AesGcmSecretBox } from '../../functions/adapters/secret-box';
import { SUMMARY_ATTRIBUTES, type RecordSummary } from '../../functions/store/table';
import { memoryCreditStores } from './credit';
import type { ImportJob, ImportRowResult } from '../../functions/core/imports';

const copy = <T>(v: T): T => structuredClone(v);
const summary = (v: StoredVersion) => Object.fromEntries(SUMMARY_ATTRIBUTES.map((a) => [a, v[a]])) as RecordSummary;
const historyKey = (v: { kind: string; date: string; id: string }) => `${v.kind}#${v.date}#${v.id}`;

/** Pages an in-memory listing with a numeric offset as the cursor. */
function page<T>(items: T[], cursor: string | undefined, limit: number): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, ...(start + limit < items.length ? { next: String(start + limit) } : {}) };
}

export class MemoryRecordStore implements RecordStore {
  /** Versions by record id, oldest first. */
  readonly versionsById = new Map<string, StoredVersion[]>();
  /** How many of the next putCorrection calls lose a race with another writer. */
  correctionsToLose = 0;

  async putFirstVersion(v: StoredVersion) {
    const existing = this.versionsById.get(v.id);
    if (existing) return { created: false as const, existing: copy(existing[0]) };
    this.versionsById.set(v.id, [copy(v)]);
    return { created: true as const };
  }

  async putCorrection(next: StoredVersion, previous: StoredVersion) {
    const list = this.versionsById.get(previous.id) ?? [];
    const current = list[list.length - 1];
    if (this.correctionsToLose > 0) {
      this.correctionsToLose--;
      return false;
    }
    if (!current || current.version !== previous.version || current.supersededBy !== undefined) return false;
    current.supersededBy = next.version;
    list.push(copy(next));
    return true;
  }

  async latestVersion(recordId: string) {
    const list = this.versionsById.get(recordId);
    return list ? copy(list[list.length - 1]) : undefined;
  }

  async versions(recordId: string) {
    return copy([...(this.versionsById.get(recordId) ?? [])].reverse());
  }

  private live(creditCode: string) {
    return [...this.versionsById.values()]
      .map((l) => l[l.length - 1])
      .filter((v) => v.creditCode === creditCode)
      .sort((a, b) => (historyKey(a) < historyKey(b) ? -1 : 1));
  }

  async enterpriseRecords(creditCode: string) {
    return this.live(creditCode).map(summary);
  }

  async enterpriseHistory(creditCode: string, kind: RecordKind, before: HistoryPosition | undefined, limit: number) {
    const upper = before ? historyKey({ kind, ...before }) : undefined;
    return this.live(creditCode)
      .filter((v) => v.kind === kind && (!upper || historyKey(v) < upper))
      .reverse()
      .slice(0, limit)
      .map(summary);
  }

  async latestRegistration(creditCode: string) {
    return this.live(creditCode)
      .filter((v) => v.kind === 'registration')
      .map(summary)
      .pop();
  }

  async replaceData(recordId: string, version: number, data: Record<string, unknown>) {
    const v = this.versionsById.get(recordId)?.find((x) => x.version === version);
    if (v) v.data = copy(data);
    return !!v;
  }
}

/** Listings over the record store's live versions, as the DynamoDB indexes hold them. */
export class MemoryRecordListingStore implements RecordListingStore {
  constructor(private readonly records: MemoryRecordStore) {}

  private live() {
    return [...this.records.versionsById.values()].map((l) => l[l.length - 1]);
  }

  async posted(department: string, kind: RecordKind, q: DatedQuery) {
    const mine = this.live()
      .filter((v) => v.department === department && v.kind === kind && (!q.from || v.date >= q.from) && (!q.to || v.date <= q.to))
      .sort((a, b) => (`${a.date}#${a.id}` < `${b.date}#${b.id}` ? 1 : -1));
    return page(copy(mine.map(summary)), q.cursor, q.limit);
  }

  async published(kind: 'licence' | 'penalty' | 'inspection', date: string, q: { publicOn: string; cursor?: string; limit: number }) {
    const out = this.live()
      .filter((v) => v.kind === kind && v.date === date && (kind !== 'inspection' || v.data.public === true) && (kind !== 'penalty' || String(v.data.publicUntil) >= q.publicOn))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return page(copy(out), q.cursor, q.limit);
  }
}

export class MemoryDepartmentStore implements DepartmentStore {
  readonly entries = new Map<string, DepartmentEntry>();
  async get(department: string) {
    const e = this.entries.get(department);
    return e && copy(e);
  }
  async put(entry: DepartmentEntry) {
    this.entries.set(entry.department, copy(entry));
  }
  async list() {
    return copy([...this.entries.values()]);
  }
}

export class MemoryAccessLogStore implements AccessLogStore {
  readonly entries: AccessLogEntry[] = [];
  private readonly once = new Set<string>();
  async append(record: AccessRecord) {
    const previous = this.entries.filter((e) => e.creditCode === record.creditCode).at(-1);
    const entry = chain(record, previous);
    this.entries.push(copy(entry));
    return entry;
  }
  async appendWhenSettled(creditCode: string, record: Promise<AccessRecord>) {
    const settled = await record;
    if (settled.creditCode !== creditCode) throw new Error(`access log of ${creditCode}: an entry about ${settled.creditCode}`);
    return this.append(settled);
  }
  /** Where a push's delivered mark goes (the notification store of the same ports). */
  markDelivered?: (department: string, id: string, delivery: StoredNotification['delivery']) => Promise<void>;
  async appendOnce(records: OnceRecord[]) {
    for (const { record, key, delivered, keyMarker } of records) {
      const id = `${record.creditCode}#${key}`;
      const mark = delivered && `delivered#${delivered.department}#${delivered.id}`;
      if (mark ? this.once.has(mark) : this.once.has(id)) continue;
      // A push's mark and its entry are one write: the mark first, so a failing mark logs nothing.
      if (delivered) await this.markDelivered?.(delivered.department, delivered.id, delivered.delivery);
      if (mark) this.once.add(mark);
      if (mark && keyMarker && this.once.has(id)) continue;
      this.once.add(id);
      await this.append(record);
    }
  }
  async list(creditCode: string, cursor: string | undefined, limit: number) {
    const mine = this.entries.filter((e) => e.creditCode === creditCode).sort((a, b) => (a.at < b.at ? 1 : -1));
    return page(copy(mine), cursor, limit);
  }
}

export class MemoryClientStore implements ClientStore {
  readonly clients = new Map<string, ApiClient>();
  async get(clientId: string) {
    const c = this.clients.get(clientId);
    return c && copy(c);
  }
  async getMany(clientIds: string[]) {
    return (await Promise.all([...new Set(clientIds)].map((id) => this.get(id)))).filter((c) => c !== undefined);
  }
  async put(client: ApiClient) {
    this.clients.set(client.clientId, copy(client));
  }
  async list() {
    return copy([...this.clients.values()]);
  }
  async revoke(clientId: string, at: string) {
    const c = this.clients.get(clientId);
    if (!c || c.revokedAt) return false;
    c.revokedAt = at;
    return true;
  }
}

export class MemoryCreditCodeExceptionStore implements CreditCodeExceptionStore {
  readonly exceptions = new Map<string, CreditCodeException>();
  /** How often the list was read (the core caches it). */
  reads = 0;
  async list() {
    this.reads++;
    return copy([...this.exceptions.values()]);
  }
  async put(e: CreditCodeException) {
    this.exceptions.set(e.creditCode, copy(e));
  }
  async delete(creditCode: string) {
    return this.exceptions.delete(creditCode);
  }
}

/** Each client's second counted on its own, as the table's item per client and second is. */
export class MemoryRateWindowStore implements RateWindowStore {
  readonly counts = new Map<string, number>();
  async reserve(clientId: string, window: number, limit: number, want: number) {
    const key = `${clientId}#${window}`;
    const count = this.counts.get(key) ?? 0;
    const n = Math.max(0, Math.min(want, limit - count));
    this.counts.set(key, count + n);
    return n;
  }
}

export class MemorySubscriptionStore implements SubscriptionStore {
  readonly subscriptions = new Map<string, StoredSubscription>();
  private changes = 0;
  async put(s: StoredSubscription) {
    this.subscriptions.set(`${s.department}#${s.id}`, copy(s));
    this.changes++;
  }
  async revision() {
    return this.changes;
  }
  async getMany(keys: { department: string; id: string }[]) {
    const unique = [...new Map(keys.map((k) => [`${k.department}#${k.id}`, k])).values()];
    return (await Promise.all(unique.map((k) => this.get(k.department, k.id)))).filter((x) => x !== undefined);
  }
  async get(department: string, id: string) {
    const s = this.subscriptions.get(`${department}#${id}`);
    return s && copy(s);
  }
  async list(department?: string) {
    return copy([...this.subscriptions.values()].filter((s) => department === undefined || s.department === department)).map(({ webhook, ...s }) => ({
      ...s,
      ...(webhook ? { webhook: { url: webhook.url, secretHint: webhook.secretHint } } : {}),
    }));
  }
  async delete(department: string, id: string) {
    this.changes++;
    return this.subscriptions.delete(`${department}#${id}`);
  }
}

export class MemoryNotificationStore implements NotificationStore {
  readonly notifications = new Map<string, StoredNotification>();
  private key = (department: string, id: string) => `${department}#${id}`;
  private inbox(department: string) {
    return [...this.notifications.values()].filter((n) => n.department === department).sort((a, b) => (`${a.event.time}#${a.id}` < `${b.event.time}#${b.id}` ? -1 : 1));
  }

  async put(n: StoredNotification) {
    const existing = this.notifications.get(this.key(n.department, n.id));
    if (existing) return { created: false as const, existing: copy(existing) };
    this.notifications.set(this.key(n.department, n.id), copy(n));
    return { created: true as const };
  }
  async putMany(ns: StoredNotification[]) {
    const out: NotificationPut[] = [];
    for (const n of ns) out.push(await this.put(n).catch((failed: unknown) => ({ created: false as const, failed })));
    return out;
  }
  async getMany(keys: { department: string; id: string }[]) {
    const unique = [...new Map(keys.map((k) => [`${k.department}#${k.id}`, k])).values()];
    return (await Promise.all(unique.map((k) => this.get(k.department, k.id)))).filter((x) => x !== undefined);
  }
  async get(department: string, id: string) {
    const n = this.notifications.get(this.key(department, id));
    return n && copy(n);
  }
  /** The department's open index: soonest due first, each at its place. */
  private openIndex(department: string) {
    return this.inbox(department)
      .filter((n) => !n.acknowledgedAt)
      .map((n) => ({ notification: n, place: `${n.ackBy}#${n.id}` }))
      .sort((a, b) => (a.place < b.place ? -1 : 1));
  }
  readonly overdueJobPlaces = new Map<string, string>();

  async list(department: string, q: { open: boolean; cursor?: string; limit: number }) {
    return page(copy(q.open ? this.openIndex(department).map((e) => e.notification) : this.inbox(department)), q.cursor, q.limit);
  }
  async open(department: string) {
    return copy(this.openIndex(department).map((e) => e.notification));
  }
  async overdue(department: string, q: { before: string; cursor?: string; limit: number }) {
    return page(copy(this.openIndex(department).flatMap((e) => (e.place < q.before ? [e.notification] : []))), q.cursor, q.limit);
  }
  async unescalated(department: string, q: { from?: string; before: string; cursor?: string }) {
    const { from, before } = q;
    return page(copy(this.openIndex(department).filter((e) => !e.notification.escalatedAt && (from === undefined || e.place >= from) && e.place < before)), q.cursor, 100);
  }
  async overduePlaces() {
    return new Map(this.overdueJobPlaces);
  }
  async setOverduePlace(department: string, place: string) {
    if ((this.overdueJobPlaces.get(department) ?? '') < place) this.overdueJobPlaces.set(department, place);
  }
  async updateDelivery(department: string, id: string, delivery: StoredNotification['delivery']) {
    const n = this.notifications.get(this.key(department, id));
    if (!n || (n.delivery.status === 'delivered' && delivery.status !== 'delivered')) return;
    n.delivery = copy(delivery);
  }
  async acknowledge(department: string, id: string, at: string, clientId: string) {
    const n = this.notifications.get(this.key(department, id));
    if (!n) return undefined;
    n.acknowledgedAt ??= at;
    n.acknowledgedBy ??= clientId;
    return copy(n);
  }
  async addFeedback(department: string, id: string, feedback: Feedback, feedbackId: string) {
    const n = this.notifications.get(this.key(department, id));
    if (!n) return undefined;
    const ids = (n.feedbackIds ??= []);
    if (!ids.includes(feedbackId) && n.feedback.length < 20) {
      ids.push(feedbackId);
      n.feedback.push(copy(feedback));
      n.lastFeedbackAt = feedback.at;
      n.acknowledgedAt ??= feedback.at;
      n.acknowledgedBy ??= feedback.clientId;
    }
    return copy(n);
  }
  async claimRedrive(department: string, id: string, claim: RedriveClaim, staleBefore: string) {
    const n = this.notifications.get(this.key(department, id));
    if (!n || n.delivery.status !== 'failed' || n.acknowledgedAt || (n.redriveClaim && n.redriveClaim.at >= staleBefore)) return false;
    n.redriveClaim = copy(claim);
    return true;
  }
  async finishRedrive(department: string, id: string, claim: RedriveClaim) {
    const n = this.notifications.get(this.key(department, id));
    if (!n || n.redriveClaim?.token !== claim.token) return;
    if (n.delivery.status === 'failed') n.delivery = { ...n.delivery, status: 'queued', attempts: 0, requeuedAt: claim.at };
    delete n.redriveClaim;
  }
  async releaseRedrive(department: string, id: string, claim: RedriveClaim) {
    const n = this.notifications.get(this.key(department, id));
    if (n?.redriveClaim?.token === claim.token) delete n.redriveClaim;
  }
  async markEscalated(department: string, id: string, at: string) {
    const n = this.notifications.get(this.key(department, id));
    if (!n || n.acknowledgedAt || n.escalatedAt) return false;
    n.escalatedAt = at;
    return true;
  }
  async claim(id: string, claimant: { department: string; clientId: string }, at: string) {
    const n = this.notifications.get(this.key(CLAIM_POOL, id));
    if (!n || n.acknowledgedAt || n.claimedBy) return undefined;
    Object.assign(n, { claimedBy: claimant.department, claimedAt: at, acknowledgedAt: at, acknowledgedBy: claimant.clientId });
    return copy(n);
  }
  async pass(id: string, department: string) {
    const n = this.notifications.get(this.key(CLAIM_POOL, id));
    if (!n || n.acknowledgedAt) return false;
    n.passedBy = [...new Set([...(n.passedBy ?? []), department])].sort();
    return true;
  }
}

export class MemoryCatalogueStore implements CatalogueStore {
  readonly versions = new Map<string, CatalogueItemVersion[]>();
  readonly changeList: CatalogueChange[] = [];
  readonly stocks = new Map<string, number>();
  /** How many times the catalogue was read whole (the cache should keep this low). */
  loads = 0;
  stampValue = 0;
  stampReads = 0;

  async stamp() {
    this.stampReads++;
    return this.stampValue;
  }
  async items(): Promise<CatalogueItem[]> {
    this.loads++;
    return copy([...this.versions.entries()].map(([code, versions]) => ({ code, versions })));
  }
  async item(code: string) {
    const versions = this.versions.get(code);
    return versions ? copy({ code, versions }) : undefined;
  }
  async addVersions(entries: { code: string; version: CatalogueItemVersion; change: CatalogueChange }[]) {
    let added = 0;
    for (const { code, version, change } of entries) {
      const list = this.versions.get(code) ?? [];
      if (list.some((v) => v.effectiveFrom === version.effectiveFrom)) continue;
      this.versions.set(
        code,
        [...list, copy(version)].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)),
      );
      this.changeList.push(copy(change));
      added++;
    }
    if (added) this.stampValue++;
    return added;
  }
  async changes(cursor: string | undefined, limit: number) {
    return page(copy([...this.changeList].reverse()), cursor, limit);
  }
  async stock(code: string) {
    return this.stocks.get(code) ?? 0;
  }
}

export class MemoryScopePhraseStore implements ScopePhraseStore {
  readonly phrases = new Map<string, UnmatchedPhrase & { lastRecord: string }>();
  async count(phrase: string, seenOn: string, recordId: string) {
    const p = this.phrases.get(phrase);
    if (p?.lastRecord === recordId) return;
    this.phrases.set(phrase, { phrase, count: (p?.count ?? 0) + 1, firstSeen: p?.firstSeen ?? seenOn, lastSeen: seenOn, lastRecord: recordId });
  }
  async list(cursor: string | undefined, limit: number) {
    return page(
      [...this.phrases.values()].sort((a, b) => (a.phrase < b.phrase ? -1 : 1)).map(({ lastRecord: _r, ...p }) => p),
      cursor,
      limit,
    );
  }
}

export class MemoryCoverStore implements CoverStore {
  readonly covers = new Map<string, StoredCover>();
  constructor(private readonly catalogue: MemoryCatalogueStore) {}
  async get(creditCode: string) {
    const c = this.covers.get(creditCode);
    return c && copy(c);
  }
  async save(cover: StoredCover, stock: Record<string, number>) {
    if ((this.covers.get(cover.creditCode)?.rev ?? 0) !== cover.rev - 1) return false;
    this.covers.set(cover.creditCode, copy(cover));
    for (const [code, n] of Object.entries(stock)) this.catalogue.stocks.set(code, (this.catalogue.stocks.get(code) ?? 0) + n);
    return true;
  }
  async uncovered(region: string, onOrBefore: string, cursor: string | undefined, limit: number) {
    const rows = [...this.covers.values()]
      .filter((c) => c.region === region && c.uncoveredSince !== undefined && c.uncoveredSince <= onOrBefore)
      .sort((a, b) => (`${a.uncoveredSince}#${a.creditCode}` < `${b.uncoveredSince}#${b.creditCode}` ? -1 : 1))
      .map((c) => ({ creditCode: c.creditCode, region, uncoveredSince: c.uncoveredSince as string, uncovered: c.uncovered }));
    return page(copy(rows), cursor, limit);
  }
  async due(date: string) {
    return [...this.covers.values()].filter((c) => c.recheckOn === date).map((c) => c.creditCode);
  }
}

export class MemoryDirectoryStore implements DirectoryStore {
  readonly entries = new Map<string, DirectoryEntry>();
  async apply(entry: Omit<DirectoryEntry, 'riskClass'>) {
    const old = this.entries.get(entry.creditCode);
    if (old?.asOf && old.asOf >= entry.asOf) return;
    this.entries.set(entry.creditCode, { ...old, ...copy(entry) });
  }
  async setRiskClass(creditCode: string, riskClass: RatedClass | undefined) {
    const old = this.entries.get(creditCode) ?? ({ creditCode, regionCode: '', industryCode: '', registered: false, asOf: '' } as DirectoryEntry);
    const next = { ...old };
    if (riskClass) next.riskClass = riskClass;
    else delete next.riskClass;
    this.entries.set(creditCode, next);
  }
  async get(creditCode: string) {
    const e = this.entries.get(creditCode);
    return e && copy(e);
  }
  async getMany(creditCodes: string[]) {
    return new Map(creditCodes.flatMap((c) => (this.entries.has(c) ? [[c, copy(this.entries.get(c) as DirectoryEntry)] as const] : [])));
  }
  async countRecord(creditCode: string, kind: RecordKind, by = 1) {
    const old = this.entries.get(creditCode) ?? ({ creditCode } as DirectoryEntry);
    this.entries.set(creditCode, { ...old, counts: { ...old.counts, [kind]: (old.counts?.[kind] ?? 0) + by } });
  }
  async inDivision(regionCode: string, industryKeyPrefix: string) {
    return [...this.entries.values()]
      .filter((e) => e.registered && e.regionCode === regionCode && industryKey(e.industryCode).startsWith(industryKeyPrefix))
      .sort((a, b) => (`${industryKey(a.industryCode)}#${a.creditCode}` < `${industryKey(b.industryCode)}#${b.creditCode}` ? -1 : 1))
      .map((e) => ({ creditCode: e.creditCode, ...(e.riskClass ? { riskClass: e.riskClass } : {}) }));
  }
}

export class MemoryPlanStore implements PlanStore {
  readonly plans = new Map<string, StoredPlan>();
  readonly chunks = new Map<string, string[]>();
  readonly taskItems = new Map<string, StoredTask>();
  readonly itemPlans: { itemCode: string; drawnAt: string; planId: string }[] = [];
  cursor?: string;
  async create(plan: StoredPlan) {
    if (this.plans.has(plan.id)) throw new Error(`plan ${plan.id} exists`);
    this.plans.set(plan.id, copy(plan));
  }
  async get(planId: string) {
    const p = this.plans.get(planId);
    return p && copy(p);
  }
  async list(department: string, cursor: string | undefined, limit: number): Promise<Page<PlanListing>> {
    const mine = [...this.plans.values()]
      .filter((p) => p.department === department)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .map(({ id, title, commitment, createdAt }) => ({ id, department, title, commitment, createdAt }));
    return page(mine, cursor, limit);
  }
  async advance(plan: StoredPlan, from: StoredPlan['status']) {
    if (this.plans.get(plan.id)?.status !== from) return false;
    this.plans.set(plan.id, copy(plan));
    return true;
  }
  async putParts(planId: string, part: 'POOL' | 'ROSTER' | 'DRAW', texts: string[]) {
    this.chunks.set(`${planId}#${part}`, [...texts]);
  }
  async parts(planId: string, part: 'POOL' | 'ROSTER' | 'DRAW', only?: number) {
    const all = this.chunks.get(`${planId}#${part}`) ?? [];
    return only === undefined ? [...all] : all.slice(only, only + 1);
  }
  async putTasks(tasks: StoredTask[]) {
    for (const t of tasks) if (!this.taskItems.has(t.id)) this.taskItems.set(t.id, copy(t));
  }
  async getTask(planId: string, creditCode: string) {
    const t = this.taskItems.get(`${planId}.${creditCode}`);
    return t && copy(t);
  }
  async tasks(planId: string, cursor: string | undefined, limit: number) {
    const mine = [...this.taskItems.values()].filter((t) => t.planId === planId).sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1));
    return page(copy(mine), cursor, limit);
  }
  async closeTask(planId: string, creditCode: string, result: NonNullable<StoredTask['result']>, at: string) {
    const t = this.taskItems.get(`${planId}.${creditCode}`);
    if (!t || (t.status !== 'open' && t.result?.recordId !== result.recordId)) return false;
    t.status = 'closed';
    t.result = copy(result);
    t.closedAt ??= at;
    return true;
  }
  async recordItemPlans(itemCodes: string[], drawnAt: string, planId: string) {
    for (const itemCode of itemCodes) this.itemPlans.push({ itemCode, drawnAt, planId });
  }
  async previousPlan(itemCode: string, before: string) {
    return this.itemPlans.filter((p) => p.itemCode === itemCode && `${p.drawnAt}#${p.planId}` < before).sort((a, b) => (a.drawnAt < b.drawnAt ? 1 : -1))[0]?.planId;
  }
  async openTasksDue(dueDate: string) {
    return copy([...this.taskItems.values()].filter((t) => t.status === 'open' && t.resultDue.dueDate === dueDate));
  }
  async markTaskEscalated(planId: string, creditCode: string, at: string) {
    const t = this.taskItems.get(`${planId}.${creditCode}`);
    if (!t || t.status !== 'open' || t.escalatedAt) return false;
    t.escalatedAt = at;
    return true;
  }
  async dueCursor() {
    return this.cursor;
  }
  async setDueCursor(through: string, back = false) {
    if (this.cursor === undefined || (back ? this.cursor > through : this.cursor < through)) this.cursor = through;
  }
}

export class MemoryCalendarStore implements CalendarStore {
  readonly years = new Map<string, { year: string; calendar: CalendarYear; updatedAt: string; updatedBy: string }>();
  async list() {
    return copy([...this.years.values()]);
  }
  async put(year: string, calendar: CalendarYear, at: string, by: string) {
    this.years.set(year, copy({ year, calendar, updatedAt: at, updatedBy: by }));
  }
}

/** A delivery queue that keeps what was sent; `failNext` makes the next send throw. */
export class MemoryQueue implements DeliveryQueue {
  readonly sent: DeliveryMessage[] = [];
  readonly retries: { receiptHandle: string; seconds: number }[] = [];
  failNext = false;
  async send(messages: DeliveryMessage[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('queue unavailable');
    }
    this.sent.push(...copy(messages));
  }
  async retryLater(receiptHandle: string, seconds: number) {
    this.retries.push({ receiptHandle, seconds });
  }
}

export class MemoryNameIndexStore implements NameIndexStore {
  readonly names = new Map<string, { creditCode: string; name: string }>();
  async put(creditCode: string, name: string, normalised: string) {
    this.names.set(`${normalised}#${creditCode}`, { creditCode, name });
  }
  async search(prefix: string, cursor: string | undefined, limit: number) {
    const hits = [...this.names.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
    return page(
      hits.map(([, v]) => copy(v)),
      cursor,
      limit,
    );
  }
}

export class MemoryStatisticsStore implements StatisticsStore {
  readonly counters = new Map<string, Counts>();
  readonly counted = new Set<string>();
  /** Every call to add, in order: what the unit tests count requests by. */
  readonly adds: { department: string; quarter: string; measure: Measure; by: number }[] = [];
  async markCounted(versions: { id: string; version: number }[]) {
    return versions.map((v) => !this.counted.has(`${v.id}#${v.version}`) && !!this.counted.add(`${v.id}#${v.version}`));
  }
  async add(department: string, quarter: string, measure: Measure, _what: string, by = 1) {
    this.adds.push({ department, quarter, measure, by });
    const key = `${department}#${quarter}`;
    const c = this.counters.get(key) ?? (Object.fromEntries(MEASURES.map((m) => [m, 0])) as Counts);
    c[measure] += by;
    this.counters.set(key, c);
  }
  async read(departments: string[], quarter: string) {
    return new Map(departments.map((d) => [d, { ...(this.counters.get(`${d}#${quarter}`) ?? (Object.fromEntries(MEASURES.map((m) => [m, 0])) as Counts)) }]));
  }
}

export class MemoryProblemDataStore implements ProblemDataStore {
  readonly items = new Map<string, ProblemItem>();
  async raise(p: ProblemItem) {
    const existing = this.items.get(p.id);
    if (existing) return { created: false, item: copy(existing) };
    this.items.set(p.id, copy(p));
    return { created: true, item: copy(p) };
  }
  async get(id: string) {
    const p = parseProblemId(id) && this.items.get(id);
    return p ? copy(p) : undefined;
  }
  async ofRecord(recordId: string) {
    return [...this.items.values()].filter((p) => p.recordId === recordId).map(copy);
  }
  async close(id: string, closure: ProblemClosure) {
    const p = this.items.get(id);
    if (!p) return undefined;
    if (p.status === 'open') this.items.set(id, { ...p, status: 'closed', closedAt: closure.at, closure: copy(closure) });
    return copy(this.items.get(id));
  }
  /** Enterprise → ids of the items waiting for its registration. */
  readonly waiting = new Map<string, Set<string>>();
  private readonly ended = new Set<string>();
  async awaitRegistration(p: ProblemItem) {
    if (this.ended.has(p.id)) return;
    this.waiting.set(p.creditCode, new Set([...(this.waiting.get(p.creditCode) ?? []), p.id]));
  }
  async waitingForRegistration(creditCode: string) {
    return [...(this.waiting.get(creditCode) ?? [])];
  }
  async doneWaiting(creditCode: string, id: string) {
    this.waiting.get(creditCode)?.delete(id);
    this.ended.add(id);
  }
  async list(department: string, status: ProblemStatus, checks: readonly ProblemCheck[], cursor: string | undefined, limit: number) {
    const at = (p: ProblemItem) => `${p.status === 'open' ? p.raisedAt : p.closedAt}#${p.id}`;
    const hits = [...this.items.values()].filter((p) => p.department === department && p.status === status && checks.includes(p.check)).sort((a, b) => (at(a) < at(b) ? 1 : -1));
    return page(hits.map(copy), cursor, limit);
  }
}

/** A clock that stands still until told to move. */
export function fixedClock(iso = '2026-11-27T02:00:00.000Z'): Clock & { advance(ms: number): void } {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

/** Ids that count up, so tests can predict them. */
export function countingIds(): Ids {
  let n = 0;
  return {
    random: (bytes) =>
      Buffer.from(String(++n).padStart(bytes, '0'))
        .toString('base64url')
        .slice(0, Math.ceil((bytes * 4) / 3)),
  };
}

export type MemoryPorts = Ports & {
  records: MemoryRecordStore;
  listings: MemoryRecordListingStore;
  departments: MemoryDepartmentStore;
  accessLog: MemoryAccessLogStore;
  clients: MemoryClientStore;
  creditCodeExceptions: MemoryCreditCodeExceptionStore;
  subscriptions: MemorySubscriptionStore;
  notifications: MemoryNotificationStore;
  directory: MemoryDirectoryStore;
  plans: MemoryPlanStore;
  calendar: MemoryCalendarStore;
  catalogue: MemoryCatalogueStore;
  scopePhrases: MemoryScopePhraseStore;
  cover: MemoryCoverStore;
  sessions: MemorySessionStore;
  statistics: MemoryStatisticsStore;
  names: MemoryNameIndexStore;
  problemData: MemoryProblemDataStore;
  queue: MemoryQueue;
  clock: ReturnType<typeof fixedClock>;
} & ReturnType<typeof memoryCreditStores>;

export class MemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, ConsoleSession>();
  async put(s: ConsoleSession) {
    this.sessions.set(s.tokenHash, copy(s));
  }
  async get(tokenHash: string) {
    const s = this.sessions.get(tokenHash);
    return s && copy(s);
  }
  async delete(tokenHash: string) {
    this.sessions.delete(tokenHash);
  }
}

export class MemoryImportJobStore implements ImportJobStore {
  readonly jobs = new Map<string, ImportJob>();
  readonly chunks = new Map<string, string[]>();
  readonly reports = new Map<string, ImportRowResult[][]>();
  async create(job: ImportJob, chunks: string[]) {
    this.chunks.set(job.id, [...chunks]);
    this.jobs.set(job.id, copy(job));
  }
  async get(id: string) {
    const job = this.jobs.get(id);
    return job && copy(job);
  }
  async chunk(id: string, n: number) {
    return this.chunks.get(id)?.[n];
  }
  async advance(job: ImportJob, done: number, report: ImportRowResult[]) {
    if (this.jobs.get(job.id)?.nextChunk !== done) return false;
    this.jobs.set(job.id, copy(job));
    const reports = this.reports.get(job.id) ?? [];
    reports[done] = copy(report);
    this.reports.set(job.id, reports);
    return true;
  }
  async report(id: string) {
    return (this.reports.get(id) ?? []).flat();
  }
}

export function memoryPorts(): MemoryPorts {
  const records = new MemoryRecordStore();
  const catalogue = new MemoryCatalogueStore();
  // Loaded with the shipped list, as `npm start` and the integration tests load the table.
  for (const item of shippedCatalogue().catalogue.items) catalogue.versions.set(item.code, copy(item.versions));
  catalogue.stampValue = 1;
  const notifications = new MemoryNotificationStore();
  const accessLog = new MemoryAccessLogStore();
  accessLog.markDelivered = (department, id, delivery) => notifications.updateDelivery(department, id, delivery);
  return {
    records,
    listings: new MemoryRecordListingStore(records),
    departments: new MemoryDepartmentStore(),
    accessLog,
    clients: new MemoryClientStore(),
    rateWindows: new MemoryRateWindowStore(),
    creditCodeExceptions: new MemoryCreditCodeExceptionStore(),
    subscriptions: new MemorySubscriptionStore(),
    notifications,
    directory: new MemoryDirectoryStore(),
    plans: new MemoryPlanStore(),
    calendar: new MemoryCalendarStore(),
    ...memoryCreditStores(),
    catalogue,
    scopePhrases: new MemoryScopePhraseStore(),
    cover: new MemoryCoverStore(catalogue),
    sessions: new MemorySessionStore(),
    statistics: new MemoryStatisticsStore(),
    names: new MemoryNameIndexStore(),
    importJobs: new MemoryImportJobStore(),
    problemData: new MemoryProblemDataStore(),
    queue: new MemoryQueue(),
    clock: fixedClock(),
    ids: countingIds(),
    cursors: hmacCursors(randomCursorKey()),
    secrets: new AesGcmSecretBox(),
  };
}
