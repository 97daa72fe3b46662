/**
 * Domain types the core works with and the store keeps. Wire shapes live in schemas/.
 */
import type { Commitment, CreditChange, CreditEntry, CreditList, RiskClass } from '../../schemas/credit';
import type { CloudEvent, Feedback, Notification, SubscriptionFilters } from '../../schemas/events';
import type { RecordKind, Warning } from '../../schemas/records';
import type { AccessLogEntry as AccessLogEntrySchema } from '../../schemas/api';
import type { z } from 'zod';

/** One accepted version of a record, as stored. */
export interface StoredVersion {
  id: string;
  version: number;
  kind: RecordKind;
  creditCode: string;
  sourceId: string;
  department: string;
  clientId: string;
  receivedAt: string;
  contentHash: string;
  /** Date the record is filed under in the enterprise's history (decision, filing, inspection or registration date). */
  date: string;
  data: Record<string, unknown>;
  summary: Record<string, unknown>;
  warnings: Warning[];
  corrects?: number;
  supersededBy?: number;
  /** 数据来源单位: the posting department's directory entry when the record arrived; absent on records stored before it was stamped (read from the directory then). */
  source?: SourceUnit;
}

/** 数据来源单位: the department a record came from, as the directory described it at ingest. */
export interface SourceUnit {
  department: string;
  name: string;
  /** 统一社会信用代码 of the department, where the directory knows it. */
  creditCode?: string;
  region: string;
  parent?: string;
}

/** A department in the directory (部门目录): the shipped entry, or the one an administrator keeps. */
export interface DepartmentEntry extends SourceUnit {
  level?: 'district' | 'city' | 'province';
  updatedAt?: string;
  updatedBy?: string;
}

/** A live record as the enterprise index holds it: the summary, never the body. */
export type { RecordSummary } from '../store/table';

/** Where a history page stopped: the last record returned. */
export interface HistoryPosition {
  date: string;
  id: string;
}

export const WRITE_SCOPES = {
  registration: 'records:write:registration',
  licence: 'records:write:licence',
  filing: 'records:write:filing',
  inspection: 'records:write:inspection',
  penalty: 'records:write:penalty',
} as const satisfies Record<RecordKind, string>;

/** What an API client may do. */
export const SCOPES = [
  ...Object.values(WRITE_SCOPES),
  'profiles:read', // read profiles, histories and any record
  'personal:read', // see personal fields unmasked
  'audit:read', // list who read an enterprise's data
  'subscriptions:manage', // create, change and delete the department's subscriptions
  'inbox:read', // read the department's notifications
  'inbox:act', // acknowledge and feed back on the department's notifications; redrive its deliveries
  'notifications:oversee', // see every department's overdue notifications
  'inspections:plan', // create, fix and draw the department's random inspection plans (双随机抽查计划)
  'calendar:manage', // keep the holiday calendar (节假日安排) working days are counted by
  'credit:read', // follow the credit lists, check credit in approval, report applied measures, list risk classes
  'credit:write', // list and remove enterprises, decide proposals, read the reports of applied measures
  'catalogue:admin', // change the permit catalogue; read unmatched scope phrases
  'notices:claim', // list the claim pool (认领) and claim or pass its notices
  'cover:read', // list enterprises whose needed permits are uncovered
] as const;
export type Scope = (typeof SCOPES)[number];

/** A department system's API client (接入系统). Its key is stored only as a SHA-256 hash. */
export interface ApiClient {
  clientId: string;
  department: string;
  name: string;
  scopes: Scope[];
  keyHash: string;
  createdAt: string;
  revokedAt?: string;
  /** Requests per second this client may make; the deployment's default when absent. */
  rateLimitPerSecond?: number;
}

/** One read of an enterprise's data (查询日志): who, when, which enterprise, why, and what was read. */
export type AccessLogEntry = z.infer<typeof AccessLogEntrySchema>;
/** What a caller logs; the store chains it (seq, prev, hash: see core/access-log.ts). */
export type AccessRecord = Omit<AccessLogEntry, 'seq' | 'prev' | 'hash'>;

export interface CreditCodeException {
  creditCode: string;
  reason: string;
  addedBy: string;
  addedAt: string;
}

/**
 * A department's subscription (订阅). Its webhook signing secret is kept only sealed (SecretBox),
 * openable by the deliver function alone; the API shows it once, at creation or rotation.
 */
export interface StoredSubscription {
  id: string;
  department: string;
  name: string;
  status: 'active' | 'paused';
  filters: SubscriptionFilters;
  /** Why the department receives these records; logged with every notification it is pushed or pulls. */
  purpose?: string;
  /** The client that created or last changed it: receiving needs the read scope this client holds. */
  clientId?: string;
  webhook?: {
    url: string;
    /** The secret's last four characters, to tell secrets apart. */
    secretHint: string;
    sealedSecret: string;
    /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
    previousSealedSecret?: string;
    previousSecretUntil?: string;
  };
  createdAt: string;
  updatedAt: string;
}

/** A subscription as listings read it (fan-out, overdue, the API's list): no sealed secrets. */
export type SubscriptionView = Omit<StoredSubscription, 'webhook'> & { webhook?: Pick<NonNullable<StoredSubscription['webhook']>, 'url' | 'secretHint'> };

/**
 * A notification as stored. `redriveClaim` marks a redrive that is queueing it (see inbox.ts): it
 * lets one of two simultaneous redrives win, and lapses if that redrive dies before it finishes.
 */
export type StoredNotification = Notification & { feedbackIds?: string[]; redriveClaim?: RedriveClaim };

export interface RedriveClaim {
  token: string;
  at: string;
}
export type { Feedback };

/** What the delivery queue carries: a reference, so a rotated secret or a paused subscription takes effect. */
export interface DeliveryMessage {
  department: string;
  notificationId: string;
  /** When this message was sent, so a dead-lettered message older than the latest redrive is known to be stale. */
  queuedAt?: string;
  /**
   * The webhook subscription and its client as fan-out saw them: delivery reads them beside the
   * notification instead of after it. Only a hint: delivery goes by the notification's subscription
   * and that subscription's client as they are stored, reading again what the hint missed.
   */
  subscriptionId?: string;
  clientId?: string;
}

/** Credit risk class (信用风险分类) of an enterprise; absent means not yet rated. */
export type RatedClass = 'A' | 'B' | 'C' | 'D';

/**
 * An enterprise in the pool directory (对象库目录), kept from its latest registration; the credit
 * rating sets `riskClass`. Deregistered enterprises stay with `registered: false` and leave every pool.
 */
export interface DirectoryEntry {
  creditCode: string;
  regionCode: string;
  industryCode: string;
  registered: boolean;
  /** `<registration date>#<received at>` of the registration it was taken from: an older one never overwrites it. */
  asOf: string;
  riskClass?: RatedClass;
  /** The registered name (企业名称) of the latest registration. */
  name?: string;
  /** Live records per kind, counted as records arrive (kept from when counting began). */
  counts?: Partial<Record<RecordKind, number>>;
}

/** An inspector on a plan's roster (执法人员名录) as the organising department keeps them. */
export interface PlanInspector {
  id: string;
  name: string;
  /** Law-enforcement certificate number (执法证号), public. */
  certificate: string;
  department: string;
  fields: string[];
  /** Declared conflicts of interest (回避): credit codes. */
  conflicts: string[];
  /** Personal contact data: never published, masked without personal:read. */
  phone?: string;
}

/** A random inspection plan (双随机抽查计划). `secret` never leaves the core before the draw. */
export interface StoredPlan {
  id: string;
  /** The organising department. */
  department: string;
  title: string;
  catalogueItemCodes: string[];
  regionPrefixes: string[];
  industryPrefixes?: string[];
  /** Inspections are carried out by this date; results are due 20 working days after it. */
  inspectBy: string;
  rules: { ratios: Partial<Record<RatedClass | 'unrated', number>>; inspectorsPerTask: number; requiredFields: string[]; departments: string[] };
  roster: PlanInspector[];
  commitment: string;
  secret: string;
  createdAt: string;
  createdBy: string;
  status: 'created' | 'fixed' | 'drawn';
  fixed?: {
    at: string;
    poolHash: string;
    poolSize: number;
    counts: Partial<Record<RatedClass | 'unrated', number>>;
    rosterHash: string;
    parts: { pool: number; roster: number };
    previousPlans: string[];
  };
  drawn?: { at: string; seed: string; parts: number; tasks: number; unassigned: number; resultDue: { dueDate: string; overdueAfter: string; provisional: boolean } };
}

/** A drawn enterprise with its inspectors (检查任务). */
export interface StoredTask {
  /** `<planId>.<creditCode>`. */
  id: string;
  planId: string;
  creditCode: string;
  riskClass: RatedClass | 'unrated';
  /** The organising department, which receives the escalation. */
  organiser: string;
  catalogueItemCodes: string[];
  inspectors: { id: string; name: string; certificate: string; department: string }[];
  /** The inspectors' departments, which receive the task. */
  departments: string[];
  status: 'open' | 'closed' | 'unassigned';
  createdAt: string;
  resultDue: { dueDate: string; overdueAfter: string; provisional: boolean };
  result?: { recordId: string; department: string; date: string; result: string; public: boolean; postedAt: string; late: boolean };
  closedAt?: string;
  escalatedAt?: string;
}

/** The claim pool (认领) is an inbox no department owns; `~` keeps it apart from every department id. */
export const CLAIM_POOL = '~pool';

/** One entry of the catalogue's change list: a version added to an item, by whom, when. */
export interface CatalogueChange {
  code: string;
  effectiveFrom: string;
  /** When the change was recorded (not when it takes effect). */
  at: string;
  change: 'added' | 'amended' | 'withdrawn';
  name: string;
  reformMode: string;
  by: { department: string; clientId: string } | { seed: string };
  note?: string;
}

/** A scope phrase no standard term matched (规范化字库 candidates), counted as registrations use it. */
export interface UnmatchedPhrase {
  phrase: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** A licence or filing as the licence cover keeps it: enough to judge validity on any date. */
export interface CoverHolding {
  version: number;
  kind: 'licence' | 'filing';
  catalogueItemCode: string;
  date: string;
  status?: string;
  validFrom?: string;
  validTo?: string;
  /** Whether this licence is counted in its item's quota stock now. */
  counted: boolean;
}

/** 证照匹配 state of one enterprise, kept current by fan-out and the daily recheck. */
export interface StoredCover {
  creditCode: string;
  /** Optimistic lock: each save names the revision it read. */
  rev: number;
  region?: string;
  registration?: { recordId: string; version: number; date: string; action: string; requirements: { items: string[]; terms: string[] }[] };
  holdings: Record<string, CoverHolding>;
  /** Needs without a valid licence or filing, each as its alternatives joined by |. */
  uncovered: string[];
  uncoveredSince?: string;
  /** The next date the cover can change without a new record (a licence expires or starts). */
  recheckOn?: string;
  asOf: string;
}

/** A deadline an item waits for in the due index: on `actOn` (YYYY-MM-DD, China time) the job does `what`. */
export interface Due {
  actOn: string;
  what: string;
}

/** An enterprise on one credit list: the current entry, the past ones, and what it waits for. */
export interface Membership {
  creditCode: string;
  list: CreditList;
  current?: CreditEntry;
  past: CreditEntry[];
  due?: Due;
}

/** An enterprise's risk class as kept current (信用风险分类). */
export interface StoredRisk {
  creditCode: string;
  regionCode: string;
  riskClass: RiskClass;
  reasons: string[];
  computedAt: string;
  /** When a factor ages out of its window and the class must be computed again. */
  reviewOn?: string;
}

/** An event for named departments (a listing proposal, a verification task, an escalation), fanned out by the stream. */
export interface DirectedEvent {
  event: CloudEvent;
  departments: string[];
  /** Why they receive it, shown in the notification's reasons. */
  reason: string;
}

/** What changed on the table, as the stream adapter read it. */
export type ChangedEntity =
  | { type: 'record-version'; value: StoredVersion }
  | { type: 'notification'; value: StoredNotification }
  | { type: 'inspection-task'; value: StoredTask }
  | { type: 'credit-change'; value: CreditChange }
  | { type: 'directed-event'; value: DirectedEvent }
  | { type: 'catalogue-change'; value: CatalogueChange }
  | { type: 'other' };
export type { Commitment };

/**
 * What the statistics count per department and quarter (部门统计, the quarterly assessment): records
 * provided and corrected; notifications received, acknowledged in time or late, overdue (escalated),
 * and feedback given.
 */
export const MEASURES = ['provided', 'corrected', 'received', 'acknowledgedInTime', 'acknowledgedLate', 'overdue', 'feedback'] as const;
export type Measure = (typeof MEASURES)[number];
export type Counts = Record<Measure, number>;
