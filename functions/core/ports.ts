/**
 * What the core needs from the outside world: one small store per entity, the delivery queue,
 * the webhook poster, the clock and the id source. Adapters: functions/store/ (DynamoDB, SQS),
 * functions/adapters/ (network), functions/runtime.ts wires them; test/fakes/ holds in-memory
 * stores for the unit tier.
 */
import type { ImportJob, ImportRowResult } from './imports';
import type { ChangeKind, Commitment, CommitmentStep, CreditChange, CreditEntry, CreditList, CreditProposal, MeasureReport } from '../../schemas/credit';
import type { RecordKind } from '../../schemas/records';
import type { Cursors } from './cursor';
import type { ProblemCheck, ProblemClosure, ProblemItem, ProblemStatus } from './problem-items';
import type { CalendarYear } from './workdays';
import type { CatalogueItem, CatalogueItemVersion } from '../../schemas/catalogue';
import type {
  AccessLogEntry,
  AccessRecord,
  ApiClient,
  CatalogueChange,
  Counts,
  ChangedEntity,
  CreditCodeException,
  DeliveryMessage,
  DirectedEvent,
  DirectoryEntry,
  DepartmentEntry,
  Due,
  Feedback,
  HistoryPosition,
  Measure,
  Membership,
  RatedClass,
  RecordSummary,
  RedriveClaim,
  StoredCover,
  StoredNotification,
  StoredPlan,
  StoredRisk,
  StoredSubscription,
  StoredTask,
  StoredVersion,
  SubscriptionView,
  UnmatchedPhrase,
} from './model';

export interface Page<T> {
  items: T[];
  /** Opaque position for the next page; absent on the last page. */
  next?: string;
}

/** Record versions (记录) and the enterprise index. */
export interface RecordStore {
  /** Writes version 1 unless the record exists; then returns what is stored as version 1. */
  putFirstVersion(v: StoredVersion): Promise<{ created: true } | { created: false; existing: StoredVersion }>;
  /** Writes `next` and marks `previous` superseded in one transaction; false if `previous` is no longer current. */
  putCorrection(next: StoredVersion, previous: StoredVersion): Promise<boolean>;
  latestVersion(recordId: string): Promise<StoredVersion | undefined>;
  /** Every version, newest first. */
  versions(recordId: string): Promise<StoredVersion[]>;
  /** Every live record of an enterprise, ordered by kind, then date, then id. */
  enterpriseRecords(creditCode: string): Promise<RecordSummary[]>;
  /** Live records of one kind older than `before`, newest first. */
  enterpriseHistory(creditCode: string, kind: RecordKind, before: HistoryPosition | undefined, limit: number): Promise<RecordSummary[]>;
  /** The latest live registration record of an enterprise, if any. */
  latestRegistration(creditCode: string): Promise<RecordSummary | undefined>;
  /** Replaces the body of one stored version (an administrator's erasure); false if there is no such version. */
  replaceData(recordId: string, version: number, data: Record<string, unknown>): Promise<boolean>;
}

/** Where a listing by date stopped. */
export interface DatedQuery {
  /** Inclusive date bounds, YYYY-MM-DD. */
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** Listings of live records across enterprises: by posting department, and the public list (一公开). */
export interface RecordListingStore {
  /** A department's live records of one kind, newest date first. */
  posted(department: string, kind: RecordKind, q: DatedQuery): Promise<Page<RecordSummary>>;
  /**
   * Publishable live records of one kind decided (or, for inspections, done) on `date`; penalties
   * only while `publicUntil` is on or after `publicOn`.
   */
  published(kind: 'licence' | 'penalty' | 'inspection', date: string, q: { publicOn: string; cursor?: string; limit: number }): Promise<Page<StoredVersion>>;
}

/** The department directory (部门目录) as administrators keep it. */
export interface DepartmentStore {
  get(department: string): Promise<DepartmentEntry | undefined>;
  put(entry: DepartmentEntry): Promise<void>;
  list(): Promise<DepartmentEntry[]>;
}

/** Who read which enterprise's data, when and why: append-only, one hash chain per enterprise (core/access-log.ts). */
export interface AccessLogStore {
  /** Appends the record as the next link of its enterprise's chain; returns the entry written. */
  append(record: AccessRecord): Promise<AccessLogEntry>;
  /**
   * The same, for a record still being worked out (a miss is logged as one): the chain's head is
   * read while the record settles, so logging costs one round trip after the read it logs.
   */
  appendWhenSettled(creditCode: string, record: Promise<AccessRecord>): Promise<AccessLogEntry>;
  /**
   * Appends each record once per its `key`: a notification pushed again or pulled again by the
   * same client is logged once, however often it is retried. Records of one enterprise are
   * chained together, in the order given. A push's record names its notification's delivered
   * mark instead: written with the entry, it is the push's once-marker, so a delivery is marked
   * delivered exactly when its push is logged (see OnceRecord).
   */
  appendOnce(records: OnceRecord[]): Promise<void>;
  /** Newest first. */
  list(creditCode: string, cursor: string | undefined, limit: number): Promise<Page<AccessLogEntry>>;
}

export interface ClientStore {
  get(clientId: string): Promise<ApiClient | undefined>;
  /** Those of the clients that exist, in one read (a batch's subscribing clients). */
  getMany(clientIds: string[]): Promise<ApiClient[]>;
  put(client: ApiClient): Promise<void>;
  list(): Promise<ApiClient[]>;
  /** False if the client does not exist or was already revoked. */
  revoke(clientId: string, at: string): Promise<boolean>;
}

export interface CreditCodeExceptionStore {
  list(): Promise<CreditCodeException[]>;
  put(e: CreditCodeException): Promise<void>;
  delete(creditCode: string): Promise<boolean>;
}

/** A console session (控制台会话): who signed in and until when; the token itself is never stored, only its hash. */
export interface ConsoleSession {
  tokenHash: string;
  clientId: string;
  createdAt: string;
  expiresAt: string;
}

export interface SessionStore {
  put(session: ConsoleSession): Promise<void>;
  get(tokenHash: string): Promise<ConsoleSession | undefined>;
  delete(tokenHash: string): Promise<void>;
}

export interface SubscriptionStore {
  put(s: StoredSubscription): Promise<void>;
  get(department: string, id: string): Promise<StoredSubscription | undefined>;
  /** Those of the subscriptions that exist, strongly consistent, in one read (a delivery batch's). */
  getMany(keys: { department: string; id: string }[]): Promise<StoredSubscription[]>;
  /** A department's subscriptions, or every subscription when no department is given; never the sealed secrets. */
  list(department?: string): Promise<SubscriptionView[]>;
  delete(department: string, id: string): Promise<boolean>;
  /** The revision of the whole set, moved by every put and delete: a cheap "has anything changed?". */
  revision(): Promise<number>;
}

/** A record to log once (AccessLogStore.appendOnce). */
export interface OnceRecord {
  record: AccessRecord;
  key: string;
  /** A push: the delivered mark written with the entry (and none if the mark exists: pushed and logged before). */
  delivered?: { department: string; id: string; delivery: StoredNotification['delivery'] };
  /**
   * Also a marker under `key` as logged-once pushes had before their delivered marks: set on a
   * retried delivery, so that a push logged that way but not yet marked is not logged twice.
   */
  keyMarker?: boolean;
}

/** What became of a notification given to `NotificationStore.putMany`. */
export type NotificationPut = { created: true } | { created: false; existing: StoredNotification } | { created: false; failed: unknown };

export interface NotificationStore {
  /** Writes a notification unless it exists; then returns the stored one. */
  put(n: StoredNotification): Promise<{ created: true } | { created: false; existing: StoredNotification }>;
  /**
   * Writes each notification unless it exists, in batches, and answers for each in the order given:
   * written, found stored, or the error that kept it from being written (throws only when it wrote
   * nothing). Not atomic per notification as `put` is: only for a notification that nobody else
   * writes at the same time. One given twice is written once.
   */
  putMany(ns: StoredNotification[]): Promise<NotificationPut[]>;
  get(department: string, id: string): Promise<StoredNotification | undefined>;
  /** Those of the notifications that exist, strongly consistent, in one read (a delivery batch's). */
  getMany(keys: { department: string; id: string }[]): Promise<StoredNotification[]>;
  /** Oldest first; `open` lists only notifications not yet acknowledged, soonest due first. */
  list(department: string, q: { open: boolean; cursor?: string; limit: number }): Promise<Page<StoredNotification>>;
  /** Every notification of a department not yet acknowledged, soonest due first. */
  open(department: string): Promise<StoredNotification[]>;
  /** A page of the department's open notifications due before `before` (ISO time), soonest due first. */
  overdue(department: string, q: { before: string; cursor?: string; limit: number }): Promise<Page<StoredNotification>>;
  /**
   * The overdue job's read: a page of the department's open notifications not yet escalated whose
   * place in the open index lies from `from` (from the start when absent) up to `before`, in index
   * order, each with its place (`from` must not be after `before`).
   */
  unescalated(department: string, q: { from?: string; before: string; cursor?: string }): Promise<Page<{ notification: StoredNotification; place: string }>>;
  /** Where the overdue job stands in each department's open index. */
  overduePlaces(): Promise<Map<string, string>>;
  /** Moves the overdue job's place in a department's open index forward (never back). */
  setOverduePlace(department: string, place: string): Promise<void>;
  /** Records a delivery outcome; never overwrites a delivered status with a failure. */
  updateDelivery(department: string, id: string, delivery: StoredNotification['delivery']): Promise<void>;
  acknowledge(department: string, id: string, at: string, clientId: string): Promise<StoredNotification | undefined>;
  /** Appends feedback once per feedback id (and acknowledges); returns the notification after the change. */
  addFeedback(department: string, id: string, feedback: Feedback, feedbackId: string): Promise<StoredNotification | undefined>;
  /**
   * Claims a failed webhook delivery for a redrive: true if it still says failed and nobody holds
   * a claim younger than `staleBefore`.
   */
  claimRedrive(department: string, id: string, claim: RedriveClaim, staleBefore: string): Promise<boolean>;
  /** After the message is sent: queued again with a fresh count of attempts, if the claim is still this one. */
  finishRedrive(department: string, id: string, claim: RedriveClaim): Promise<void>;
  /** Gives the claim up (the send failed), so the next redrive takes the notification at once. */
  releaseRedrive(department: string, id: string, claim: RedriveClaim): Promise<void>;
  /** Marks an open notification escalated; false if it was acknowledged or escalated meanwhile. */
  markEscalated(department: string, id: string, at: string): Promise<boolean>;
  /** Claims an open claim-pool notice for `claimant`; undefined unless this call was the one that claimed it. */
  claim(id: string, claimant: { department: string; clientId: string }, at: string): Promise<StoredNotification | undefined>;
  /** Notes that a department passed on an open claim-pool notice; false if it is not open. */
  pass(id: string, department: string): Promise<boolean>;
}

/** The permit catalogue (涉企经营许可事项清单) as stored: item versions, the change list, quota stock. */
export interface CatalogueStore {
  /** A number that changes with every catalogue write: one cheap read tells a cache whether to reload. */
  stamp(): Promise<number>;
  /** Every item with every version. */
  items(): Promise<CatalogueItem[]>;
  item(code: string): Promise<CatalogueItem | undefined>;
  /** Adds versions with their change entries and bumps the stamp; a version whose item already has one on that date is skipped. Returns how many were added. */
  addVersions(entries: { code: string; version: CatalogueItemVersion; change: CatalogueChange }[]): Promise<number>;
  /** The change list, most recently recorded first. */
  changes(cursor: string | undefined, limit: number): Promise<Page<CatalogueChange>>;
  /** Valid licences under an item now (kept by the licence cover as licences change). */
  stock(code: string): Promise<number>;
}

/** Scope phrases no standard term matched. */
export interface ScopePhraseStore {
  /** Counts one registration's use of a phrase; `recordId` keeps a retried count from counting twice in a row. */
  count(phrase: string, seenOn: string, recordId: string): Promise<void>;
  list(cursor: string | undefined, limit: number): Promise<Page<UnmatchedPhrase>>;
}

/** 证照匹配: each enterprise's licence cover, the uncovered index and the recheck index. */
export interface CoverStore {
  get(creditCode: string): Promise<StoredCover | undefined>;
  /** Saves `cover` if it is still at revision `cover.rev - 1`, and moves quota stock by `stock` (item → ±n) in the same write; false if another writer came first. */
  save(cover: StoredCover, stock: Record<string, number>): Promise<boolean>;
  /** Enterprises of a district uncovered since `onOrBefore` or earlier, longest first. */
  uncovered(region: string, onOrBefore: string, cursor: string | undefined, limit: number): Promise<Page<{ creditCode: string; region: string; uncoveredSince: string; uncovered: string[] }>>;
  /** Credit codes whose cover is to be looked at again on `date`. */
  due(date: string): Promise<string[]>;
}

/** The pool directory (对象库目录): registered enterprises by division and industry, with their risk class. */
export interface DirectoryStore {
  /** Writes the entry unless the stored one comes from a later registration; keeps the risk class. */
  apply(entry: Omit<DirectoryEntry, 'riskClass'>): Promise<void>;
  setRiskClass(creditCode: string, riskClass: RatedClass | undefined): Promise<void>;
  get(creditCode: string): Promise<DirectoryEntry | undefined>;
  /** Entries by credit code, read in batches; codes without an entry are absent from the map. */
  getMany(creditCodes: string[]): Promise<Map<string, DirectoryEntry>>;
  /** Counts `by` (one unless given) new records of `kind` about the enterprise. */
  countRecord(creditCode: string, kind: RecordKind, by?: number): Promise<void>;
  /** Registered enterprises of one division whose industry key starts with `industryKeyPrefix` ('' for all). */
  inDivision(regionCode: string, industryKeyPrefix: string): Promise<{ creditCode: string; riskClass?: RatedClass }[]>;
}

/** A plan as its department's listing holds it; the plan itself has the rest. */
export interface PlanListing {
  id: string;
  department: string;
  title: string;
  commitment: string;
  createdAt: string;
}

/** Random inspection plans, their stored parts and tasks. */
export interface PlanStore {
  /** Writes a new plan and its listing entry. */
  create(plan: StoredPlan): Promise<void>;
  get(planId: string): Promise<StoredPlan | undefined>;
  /** A department's plans, newest first. */
  list(department: string, cursor: string | undefined, limit: number): Promise<Page<PlanListing>>;
  /** Moves the plan from `from` to its new status with the given fields; false if it was not in `from`. */
  advance(plan: StoredPlan, from: StoredPlan['status']): Promise<boolean>;
  putParts(planId: string, part: 'POOL' | 'ROSTER' | 'DRAW', texts: string[]): Promise<void>;
  /** The stored texts of a part in order (`only`: just that one). */
  parts(planId: string, part: 'POOL' | 'ROSTER' | 'DRAW', only?: number): Promise<string[]>;
  /** Writes each task unless it exists. */
  putTasks(tasks: StoredTask[]): Promise<void>;
  getTask(planId: string, creditCode: string): Promise<StoredTask | undefined>;
  tasks(planId: string, cursor: string | undefined, limit: number): Promise<Page<StoredTask>>;
  /** Closes an open task with its result; false if it was closed by another result. */
  closeTask(planId: string, creditCode: string, result: NonNullable<StoredTask['result']>, at: string): Promise<boolean>;
  /** Records that a drawn plan covered these catalogue items. */
  recordItemPlans(itemCodes: string[], drawnAt: string, planId: string): Promise<void>;
  /** The latest plan of an item drawn before `before`. */
  previousPlan(itemCode: string, before: string): Promise<string | undefined>;
  /** Open tasks whose result is due on `dueDate`. */
  openTasksDue(dueDate: string): Promise<StoredTask[]>;
  /** Marks an open task escalated; false if it was closed or escalated meanwhile. */
  markTaskEscalated(planId: string, creditCode: string, at: string): Promise<boolean>;
  /** The overdue job's place: the last due date fully escalated. */
  dueCursor(): Promise<string | undefined>;
  /** Moves the place forward to `through`, or back to `through` with `back` (new tasks due earlier). */
  setDueCursor(through: string, back?: boolean): Promise<void>;
}

/** The holiday calendar administrators keep, one year per entry. */
export interface CalendarStore {
  list(): Promise<{ year: string; calendar: CalendarYear; updatedAt: string; updatedBy: string }[]>;
  put(year: string, calendar: CalendarYear, at: string, by: string): Promise<void>;
}

/** One change of a credit list, with what it raises in the same transaction. */
export interface ListChange {
  list: CreditList;
  kind: ChangeKind;
  /** The entry after the change (with its removal when removed). */
  entry: CreditEntry;
  at: string;
  /** The membership's next deadline (planned end, or the three-year mark of 经营异常名录); none after a removal. */
  due?: Due;
  events?: DirectedEvent[];
}

/** Credit lists (信用名单): memberships, the members of each list and the change feed (see functions/store/table.ts). */
export interface CreditListStore {
  /**
   * Numbers the change and writes it with the membership and the list's members in one
   * transaction. Not applied when the enterprise is already listed (an addition) or the entry is
   * no longer current (a removal); `current` is the entry that is.
   */
  apply(change: ListChange): Promise<{ applied: true; seq: number } | { applied: false; current?: CreditEntry }>;
  membership(creditCode: string, list: CreditList): Promise<Membership | undefined>;
  /** The memberships of several enterprises in one list, read as `membership` reads one; absent ones are not in the map. */
  membershipsOf(creditCodes: string[], list: CreditList): Promise<Map<string, Membership>>;
  /** Takes the membership out of the due index if `what` is still what it waits for. */
  clearDue(creditCode: string, list: CreditList, what: string): Promise<boolean>;
  /** The number of the list's last change (0 before the first). */
  head(list: CreditList): Promise<number>;
  /** The unbroken run of changes after `after`, at most `limit`; `full` when the limit was reached or a page filled. */
  changes(list: CreditList, after: number, limit: number): Promise<{ items: CreditChange[]; full: boolean }>;
  /** Current entries of a list, by credit code. */
  members(list: CreditList, cursor: string | undefined, limit: number): Promise<Page<CreditEntry>>;
}

/** Listing proposals (列入建议). */
export interface ProposalStore {
  /** Writes the proposal and its events unless it exists; false if it did. */
  raise(p: CreditProposal, events: DirectedEvent[]): Promise<boolean>;
  get(creditCode: string, id: string): Promise<CreditProposal | undefined>;
  /** Stores the decision; false if the proposal was decided meanwhile. */
  decide(p: CreditProposal): Promise<boolean>;
}

/** Commitments (告知承诺), one per licence granted on a commitment. */
export interface CommitmentStore {
  /** Writes the commitment and its events unless it exists; false if it did. */
  create(c: Commitment, due: Due | undefined, events: DirectedEvent[]): Promise<boolean>;
  get(creditCode: string, licenceRecordId: string): Promise<Commitment | undefined>;
  /** Commitments whose licence was granted in `month` (YYYY-MM), newest first. */
  published(month: string, cursor: string | undefined, limit: number): Promise<Page<Commitment>>;
  /** Replaces the commitment if it is still at step `expected`; false otherwise. */
  advance(c: Commitment, expected: { step: CommitmentStep; escalations: number }, due: Due | undefined, events: DirectedEvent[]): Promise<boolean>;
}

/** The risk class of each enterprise (信用风险分类). */
export interface RiskStore {
  put(r: StoredRisk, due: Due | undefined): Promise<void>;
  get(creditCode: string): Promise<StoredRisk | undefined>;
  /** Enterprises of a region (GB/T 2260 code) in one class, by credit code. */
  list(regionCode: string, riskClass: string, cursor: string | undefined, limit: number): Promise<Page<Pick<StoredRisk, 'creditCode' | 'regionCode' | 'riskClass' | 'computedAt'>>>;
}

/** Reports of applied measures (数据应用反馈). */
export interface MeasureReportStore {
  put(r: MeasureReport): Promise<void>;
  /** Newest first. */
  list(month: string, cursor: string | undefined, limit: number): Promise<Page<MeasureReport>>;
}

/** Events addressed to named departments; the stream turns each into notifications. */
export interface DirectedEventStore {
  /** Idempotent on the event id. */
  put(e: DirectedEvent): Promise<void>;
}

export type DueItem = { type: 'membership'; value: Membership } | { type: 'commitment'; value: Commitment } | { type: 'risk'; value: StoredRisk };

/** The credit items of an enterprise read together, and what falls due. */
export interface CreditFileStore {
  read(creditCode: string): Promise<{ memberships: Membership[]; commitments: Commitment[]; proposals: CreditProposal[]; risk?: StoredRisk }>;
  /** Everything waiting in the due index whose date is `today` or earlier (up to 13 months back). */
  due(today: string): Promise<DueItem[]>;
}

/** The name index (名称查询): every name an enterprise has had, by normalised name. */
export interface NameIndexStore {
  /** Indexes one name of an enterprise (idempotent). */
  put(creditCode: string, name: string, normalised: string): Promise<void>;
  /** Names starting with the normalised prefix (at least two characters), in name order. */
  search(normalisedPrefix: string, cursor: string | undefined, limit: number): Promise<Page<{ creditCode: string; name: string }>>;
}

/** Counters per department and quarter (部门统计). */
export interface StatisticsStore {
  /** Adds `by` (one unless given) to `measure`; `what` names the (first) event counted (it picks the counter's shard). */
  add(department: string, quarter: string, measure: Measure, what: string, by?: number): Promise<void>;
  /**
   * Marks each record version as counted, if it is not marked yet; true for each this call marked.
   * A version's counts are added only by the call that marked it, so a redelivered one adds nothing.
   */
  markCounted(versions: { id: string; version: number }[]): Promise<boolean[]>;
  /** The counts of each department for the quarter (zeros where nothing was counted). */
  read(departments: string[], quarter: string): Promise<Map<string, Counts>>;
}

/** File imports (批量导入) in progress: the job, its rows in chunks, and the report of each chunk done. */
export interface ImportJobStore {
  /** Stores the rows (chunk n is `chunks[n]`, JSON text) and then the job. */
  create(job: ImportJob, chunks: string[]): Promise<void>;
  get(id: string): Promise<ImportJob | undefined>;
  /** The rows of chunk n, as stored. */
  chunk(id: string, n: number): Promise<string | undefined>;
  /** Stores the report of chunk `done` and the job as it is after it, if the job is still at that chunk; false if another request did it. */
  advance(job: ImportJob, done: number, report: ImportRowResult[]): Promise<boolean>;
  /** The reports of the chunks done, in row order. */
  report(id: string): Promise<ImportRowResult[]>;
}

/** Clients' request counts, one window of a second at a time, shared by every api instance. */
export interface RateWindowStore {
  /**
   * Reserves up to `want` requests of the client's `limit` in `window` (epoch second) and returns
   * how many it reserved: fewer when fewer are left, 0 when the window is full. What all callers
   * reserve in a window never adds up to more than `limit`.
   */
  reserve(clientId: string, window: number, limit: number, want: number): Promise<number>;
}

/** Problem items (问题数据) raised by fan-out's checks, by record and by department. */
export interface ProblemDataStore {
  /** Writes the item unless its id exists; the item stored under the id, and whether this call wrote it. */
  raise(item: ProblemItem): Promise<{ created: boolean; item: ProblemItem }>;
  get(id: string): Promise<ProblemItem | undefined>;
  /** Every item raised on any version of a record. */
  ofRecord(recordId: string): Promise<ProblemItem[]>;
  /** Closes the item if it is open; the item as stored afterwards (the first closure stands), undefined when there is none. */
  close(id: string, closure: ProblemClosure): Promise<ProblemItem | undefined>;
  /** Marks an item to be closed when the enterprise's registration arrives (idempotent). */
  awaitRegistration(item: ProblemItem): Promise<void>;
  /** The ids of the items waiting for the enterprise's registration. */
  waitingForRegistration(creditCode: string): Promise<string[]>;
  /** Ends the mark once the item is closed: it is no longer found (and expires from the table). */
  doneWaiting(creditCode: string, id: string, at: string): Promise<void>;
  /** A department's items of one status and any of `checks`, newest first (open by when raised, closed by when closed). */
  list(department: string, status: ProblemStatus, checks: readonly ProblemCheck[], cursor: string | undefined, limit: number): Promise<Page<ProblemItem>>;
}

/** The table key of an item whose change fan-out gave up on; opaque outside the store. */
export interface ChangeKey {
  pk: string;
  sk: string;
}

/** A change fan-out gave up on, kept by the key of the item that changed until it is replayed. */
export interface ParkedChange {
  key: ChangeKey;
  parkedAt: string;
  /** Why it was parked (the stream's failure condition, the batch it came from). */
  reason: string;
}

/** Changes fan-out gave up on (a replayable outbox), and the items they are about. */
export interface FanoutReplayStore {
  /** Keeps each key once, however often it is parked; a key parked again gets the later time and reason. */
  park(changes: { key: ChangeKey; reason: string }[], at: string): Promise<void>;
  /** A page of parked changes, in key order. */
  parked(cursor: string | undefined, limit: number): Promise<Page<ParkedChange>>;
  /** The item as it is now (strongly consistent), as fan-out reads it off the stream; undefined when gone. */
  read(key: ChangeKey): Promise<ChangedEntity | undefined>;
  /** Forgets a replayed change, unless it was parked again since it was read. */
  release(change: ParkedChange): Promise<void>;
}

/** One store per entity; a new entity adds its port here and its adapter under functions/store/. */
export interface Stores {
  records: RecordStore;
  listings: RecordListingStore;
  departments: DepartmentStore;
  accessLog: AccessLogStore;
  clients: ClientStore;
  rateWindows: RateWindowStore;
  creditCodeExceptions: CreditCodeExceptionStore;
  subscriptions: SubscriptionStore;
  /** Changes fan-out gave up on (the DynamoDB stores have it; the in-memory test ports need not). */
  fanoutReplay?: FanoutReplayStore;
  notifications: NotificationStore;
  directory: DirectoryStore;
  plans: PlanStore;
  calendar: CalendarStore;
  /** Resolves when the store answers; rejects (StoreUnavailable) when it does not. */
  ping?(): Promise<void>;
  creditLists: CreditListStore;
  proposals: ProposalStore;
  commitments: CommitmentStore;
  risk: RiskStore;
  measureReports: MeasureReportStore;
  directedEvents: DirectedEventStore;
  creditFile: CreditFileStore;
  catalogue: CatalogueStore;
  scopePhrases: ScopePhraseStore;
  cover: CoverStore;
  sessions: SessionStore;
  statistics: StatisticsStore;
  names: NameIndexStore;
  importJobs: ImportJobStore;
  problemData: ProblemDataStore;
}

/** The SQS delivery queue. */
export interface DeliveryQueue {
  send(messages: DeliveryMessage[]): Promise<void>;
  /** Makes a received message visible again only after `seconds` (retry with growing delay). */
  retryLater(receiptHandle: string, seconds: number): Promise<void>;
}

/** An outgoing HTTP POST to a department's webhook. */
export type WebhookPoster = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<{ status: number }>;

/**
 * Seals secrets kept in the table (webhook signing secrets). `context` binds a sealed value to what
 * it belongs to: opening it under another context fails.
 */
export interface SecretBox {
  seal(plain: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** `bytes` random bytes as base64url (4 characters per 3 bytes, no padding). */
  random(bytes: number): string;
}

export interface Ports extends Stores {
  clock: Clock;
  ids: Ids;
  /** Seals the cursors the api hands out, so only its own come back. */
  cursors: Cursors;
  /** Seals webhook signing secrets at rest: the api seals, delivery opens. */
  secrets: SecretBox;
  /** Present where something is sent: fan-out, delivery, redrive. */
  queue?: DeliveryQueue;
}
