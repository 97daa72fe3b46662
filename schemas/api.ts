/**
 * Requests and responses of the HTTP API, and the route table the OpenAPI document is generated
 * from (schemas/openapi.ts). Record shapes are in records.ts.
 */
import { z } from 'zod';
import { BATCH_LIMIT, BatchRequest, PartyLookup, RecordInput, RecordKindSchema, RecordVersion, RecordWithVersions } from './records';
import { IsoDate, pageOf, pageQuery } from './common';
import { Calendar, CalendarYearInput, DocumentQuery, PageQuery, Plan, PlanCreate, PlanListQuery, PlanPage, PublicPlan, TaskPage } from './inspections';
import { feedbackExample, recordExamples, subscriptionExample } from './examples';
import {
  CheckQuery,
  Commitment,
  CreditChange,
  CreditCheck,
  CreditEntry,
  CreditProposal,
  FeedPage,
  FeedQuery,
  ListingInput,
  MeasureReport,
  ProposalRejection,
  RemovalInput,
  ReportInput,
  ReportQuery,
  RevocationAnswer,
  RiskPage,
  RiskQuery,
  SnapshotPage,
  SnapshotQuery,
} from './credit';
import { CatalogueChange, CatalogueItemHistory, CatalogueListing, CatalogueVersionInput, PermitCover, Quota, UncoveredEnterprise, UnmatchedPhrase } from './catalogue';
import { ProblemDataItem, ProblemDataPage, ProblemDataQuery, ProblemExplanation } from './problem-data';
import { FeedbackInput, InboxPage, InboxQuery, Notification, OverdueQuery, RedriveQuery, RotateSecret, Subscription, SubscriptionCreate, SubscriptionUpdate, SubscriptionWithSecret } from './events';

// Defined beside the records, so that posting a record loads no other route's schemas; exported here too as part of the API's requests.
export { BATCH_LIMIT, BatchRequest, PartyLookup };

export const FieldError = z
  .strictObject({
    path: z.string().meta({ description: 'JSON pointer into the body (e.g. /data/validTo), or the name of a header, path or query parameter' }),
    message: z.string(),
    code: z.string().optional().meta({ description: 'machine-readable rule, e.g. required, credit-code-check, unknown-field' }),
  })
  .meta({ id: 'FieldError' });

export const Problem = z
  .strictObject({
    type: z.string().meta({ description: 'URI reference naming the problem type, e.g. /problems/validation-failed; it serves a page describing the type' }),
    title: z.string(),
    status: z.int().min(100).max(599).meta({ description: 'the HTTP status code' }),
    detail: z.string(),
    instance: z.string().optional().meta({ description: 'the request path' }),
    errors: z.array(FieldError).optional().meta({ description: 'every invalid field, when the input was invalid' }),
    recordId: z.string().optional().meta({ description: 'extension member of the 409 conflicts: the record concerned (rec_...)' }),
    currentVersion: z.int().min(1).optional().meta({ description: 'extension member of record-exists and stale-version: the latest version, to name in `corrects`' }),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details (application/problem+json); `type` leads to a page describing the problem',
    examples: [
      {
        type: '/problems/validation-failed',
        title: 'Invalid input',
        status: 422,
        detail: 'invalid record',
        instance: '/v1/records',
        errors: [{ path: '/creditCode', message: 'the check character is wrong', code: 'credit-code-check' }],
      },
    ],
  });

export const BatchItemResult = z
  .strictObject({
    index: z.int().meta({ description: 'position in the request' }),
    status: z.int().meta({ description: 'the HTTP status this record alone would have had' }),
    outcome: z.enum(['created', 'replayed']).optional(),
    record: RecordVersion.optional(),
    problem: Problem.optional(),
  })
  .meta({ id: 'BatchItemResult' });

export const BatchResponse = z
  .strictObject({
    results: z.array(BatchItemResult),
    counts: z.strictObject({ created: z.int(), replayed: z.int(), rejected: z.int() }),
  })
  .meta({ id: 'BatchResponse' });

const SummaryItem = z
  .looseObject({
    id: z.string(),
    version: z.int(),
    kind: RecordKindSchema,
    date: z.string().meta({ description: 'the date the record is filed under: decision, filing, inspection or registration date' }),
    postedBy: z.string().meta({ description: 'department that posted the record' }),
    receivedAt: z.string(),
  })
  .meta({ id: 'RecordSummary', description: 'a live record with the summary fields of its kind (never personal data)' });

export const Profile = z
  .strictObject({
    creditCode: z.string(),
    entityKind: z.enum(['enterprise', 'individual-business', 'farmers-cooperative', 'other']),
    name: z.string().nullable(),
    status: z.enum(['active', 'deregistered', 'unregistered']).meta({ description: 'from the latest registration record' }),
    registration: SummaryItem.nullable().meta({ description: 'latest registration record' }),
    licences: z.array(SummaryItem).meta({ description: 'licences valid today (status valid, within validFrom-validTo)' }),
    filings: z.array(SummaryItem),
    inspections: z.array(SummaryItem).meta({ description: 'the 10 most recent' }),
    penalties: z.array(SummaryItem).meta({ description: 'the 10 most recent' }),
    counts: z.strictObject({
      registration: z.int(),
      licence: z.int(),
      validLicence: z.int(),
      filing: z.int(),
      inspection: z.int(),
      penalty: z.int(),
    }),
    lastChangedAt: z.string(),
    asOf: z.string().meta({ description: 'the date (China time) validity was judged on' }),
    permitCover: PermitCover,
  })
  .meta({ id: 'Profile', title: 'Enterprise profile 企业画像' });

export const HistoryPage = pageOf(SummaryItem, 'HistoryPage');

export const AccessLogEntry = z
  .strictObject({
    creditCode: z.string(),
    at: z.string(),
    clientId: z.string(),
    department: z.string(),
    purpose: z.string(),
    resource: z.string().meta({
      description:
        'profile, history[:kind], record:<id>, access-log (a read of this log), notification:<id> (a record event pushed or pulled), or erasure:<recordId>:<field> (an administrator erased a personal field; clientId names the administrator, purpose the reason)',
    }),
    channel: z
      .enum(['api', 'push', 'pull'])
      .optional()
      .meta({ description: 'how it was read: a read call, a delivered webhook, an inbox read; absent on reads through the API logged before channels' }),
    found: z
      .literal(false)
      .optional()
      .meta({ description: 'false on an attempted read that found nothing (a profile of an enterprise the exchange holds no records about, answered 404); absent when data was returned' }),
    seq: z.int().positive().optional().meta({ description: "position in the enterprise's hash chain, from 1; absent on entries logged before the chain" }),
    prev: z.string().optional().meta({ description: 'hash of the entry before (64 zeros for the first)' }),
    hash: z.string().optional().meta({ description: 'SHA-256 (hex) of the canonical JSON of every other field of the entry: a rewritten or removed entry breaks the chain' }),
  })
  .meta({ id: 'AccessLogEntry' });
export const AccessLogPage = pageOf(AccessLogEntry, 'AccessLogPage');

export const Me = z.strictObject({ clientId: z.string(), department: z.string(), name: z.string(), scopes: z.array(z.string()) }).meta({ id: 'Me', description: 'the calling client' });

/** The longest date range one public listing or export walks: a month of days, each one query. */
export const MAX_RANGE_DAYS = 31;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

const DisclosureFields = {
  from: IsoDate.meta({ description: 'first publication date, YYYY-MM-DD' }),
  to: IsoDate.meta({ description: `last publication date, at most ${MAX_RANGE_DAYS} days after from` }),
  cursor: z.string().max(1000).optional().meta({ description: '`next` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'rows per page, 1-500, default 100' }),
};
const dateRange = (q: { from: string; to: string }, ctx: z.core.$RefinementCtx) => {
  if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'cannot be before from' });
  else if (daysBetween(q.from, q.to) >= MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
};
export const DisclosureQuery = z.strictObject(DisclosureFields).superRefine(dateRange);
export type DisclosureQuery = z.infer<typeof DisclosureQuery>;

export const ExportQuery = z
  .strictObject({ ...DisclosureFields, format: z.enum(['json', 'csv']).default('json').meta({ description: 'json (columns and rows) or csv (RFC 4180, UTF-8)' }) })
  .superRefine(dateRange);
/** The public lists' path names and the record kinds they publish. */
export const PUBLIC_KINDS = { licences: 'licence', penalties: 'penalty', inspections: 'inspection' } as const;
export const PublicListPage = z
  .strictObject({
    kind: z.enum(['licence', 'penalty', 'inspection']),
    asOf: z.string().meta({ description: 'the date (China time) publication ends were judged on' }),
    items: z.array(z.looseObject({ recordId: z.string() }).meta({ description: 'one record in the 双公示 field codes (XK_* / CF_*), public fields only' })),
    next: z.string().optional(),
  })
  .meta({ id: 'PublicListPage' });
export const StandardExport = z
  .strictObject({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.string())), next: z.string().optional() })
  .meta({ id: 'StandardExport', description: 'rows in the 双公示 field codes; CSV carries the same columns, and the next page in a Link header' });

export const PostedQuery = z
  .strictObject({
    kind: RecordKindSchema,
    from: IsoDate.optional().meta({ description: 'earliest record date (decision, filing, inspection or registration date)' }),
    to: IsoDate.optional().meta({ description: 'latest record date' }),
    ...pageQuery(50),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'cannot be before from' });
  });
export type PostedQuery = z.infer<typeof PostedQuery>;

export const StatisticsQuery = z.strictObject({
  quarter: z
    .string()
    .regex(/^\d{4}Q[1-4]$/, 'a year and quarter, e.g. 2026Q4')
    .optional()
    .meta({ description: 'the quarter (China time), e.g. 2026Q4; the current one if absent', examples: ['2026Q4'] }),
});
const countsFields = {
  department: z.string(),
  quarter: z.string(),
  provided: z.int().meta({ description: 'records posted (信息提供), new records received in the quarter' }),
  corrected: z.int().meta({ description: 'corrections (later versions) received in the quarter' }),
  received: z.int().meta({ description: 'notifications received (信息接收) in the quarter' }),
  acknowledgedInTime: z.int().meta({ description: 'of those, acknowledged or fed back on by their acknowledge-by time' }),
  acknowledgedLate: z.int().meta({ description: 'of those, acknowledged after it' }),
  overdue: z.int().meta({ description: 'of those, escalated as overdue (逾期未签收)' }),
  feedback: z.int().meta({ description: 'feedback given (数据应用反馈) on notifications of the quarter' }),
};
export const DepartmentStatistics = z
  .strictObject(countsFields)
  .meta({ id: 'DepartmentStatistics', title: 'Statistics of a department for a quarter 部门统计', description: 'counted as events happen; notifications count in the quarter they arrived in' });
export const AllStatistics = z.strictObject({ quarter: z.string(), items: z.array(DepartmentStatistics) }).meta({ id: 'AllStatistics' });

export const COMPARE_LIMIT = 1000;
export const CompareRequest = z
  .strictObject({
    creditCodes: z
      .array(z.string().meta({ description: 'unified social credit code (统一社会信用代码)', examples: ['91330402MA2B4T1X8Q'] }))
      .min(1)
      .max(COMPARE_LIMIT)
      .meta({ description: `1-${COMPARE_LIMIT} unified social credit codes; a bad one is named by its index (/creditCodes/<i>)` }),
  })
  .meta({ id: 'CompareRequest', title: 'Batch comparison 批量比对' });
const KindCounts = z.strictObject({ registration: z.int(), licence: z.int(), filing: z.int(), inspection: z.int(), penalty: z.int() });
export const CompareResult = z
  .strictObject({
    items: z.array(
      z.strictObject({
        creditCode: z.string(),
        exists: z.boolean().meta({ description: 'whether the exchange holds a registration of the enterprise' }),
        status: z.enum(['active', 'deregistered', 'unregistered']),
        name: z.string().nullable().meta({ description: 'registered name; an individual business’s is masked without personal:read' }),
        regionCode: z.string().nullable().meta({ description: 'GB/T 2260 division of the latest registration' }),
        counts: KindCounts.meta({ description: 'live records per kind' }),
      }),
    ),
  })
  .meta({ id: 'CompareResult', description: 'one entry per code sent, in request order' });

export const NameSearchQuery = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .meta({
      description: 'the beginning of the registered name or of a former name; compared after NFKC folding, without whitespace, ignoring case; at least 2 characters',
      examples: ['嘉兴市南湖区禾味'],
    }),
  ...pageQuery(20),
});
export type NameSearchQuery = z.infer<typeof NameSearchQuery>;
export const NameSearchPage = pageOf(
  z.strictObject({
    creditCode: z.string(),
    name: z.string().meta({ description: 'the current registered name' }),
    matchedName: z.string().meta({ description: 'the name the query matched' }),
    former: z.boolean().meta({ description: 'whether the matched name is a former name (曾用名)' }),
    status: z.enum(['active', 'deregistered', 'unregistered']),
    regionCode: z.string().nullable(),
  }),
  'NameSearchPage',
);

export const PartyFound = z
  .strictObject({ partyKey: z.string().meta({ description: 'REG:<注册号> or NP:<keyed hash>: read the party under it like a credit code' }), records: z.array(SummaryItem) })
  .meta({ id: 'PartyFound' });

export const CreditCodeParam = z.string().meta({ description: 'unified social credit code (统一社会信用代码)', examples: ['91330402MA2B4T1X8Q'] });
export const HistoryQuery = z.strictObject({ kind: RecordKindSchema.optional().meta({ description: 'only records of this kind' }), ...pageQuery(20) });
export const AccessLogQuery = z.strictObject(pageQuery(50));
export const CatalogueQuery = z.strictObject({
  asOf: IsoDate.optional().meta({ description: 'the catalogue in force on this date; today (China time) if absent' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: 'csv: the published list’s columns (RFC 4180, UTF-8)' }),
});
/** Paging of the catalogue change list, unmatched phrases and the claim pool. */
export const ListQuery = z.strictObject(pageQuery(50));
export const UncoveredQuery = z.strictObject({
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'must be 2-6 leading digits of a GB/T 2260 code')
    .meta({ description: 'GB/T 2260 code prefix: a province (2), city (4) or district (6)', examples: ['330402'] }),
  days: z.coerce.number().int().min(0).max(3650).default(30).meta({ description: 'uncovered for more than this many days' }),
  ...pageQuery(50),
});

type Param = { name: string; in: 'path' | 'header'; required: true; description: string; schema?: z.ZodType };
const PURPOSE: Param = {
  name: 'Access-Purpose',
  in: 'header',
  required: true,
  description: 'why you read this data, 1-200 characters, kept in the enterprise’s access log; percent-encode non-ASCII text (UTF-8)',
};
const CREDIT_CODE: Param = { name: 'creditCode', in: 'path', required: true, description: 'unified social credit code', schema: CreditCodeParam };
const RECORD_ID: Param = { name: 'id', in: 'path', required: true, description: 'exchange record id (rec_...)' };
const SUBSCRIPTION_ID: Param = { name: 'id', in: 'path', required: true, description: 'sub_...' };
const NOTIFICATION_ID: Param = { name: 'id', in: 'path', required: true, description: 'ntf_...' };
const ITEM_CODE: Param = { name: 'code', in: 'path', required: true, description: 'catalogue item code (许可事项编码)' };
const POOL_ID: Param = { name: 'id', in: 'path', required: true, description: 'ntf_... of a notice in the claim pool' };
const PROBLEM_ID: Param = { name: 'id', in: 'path', required: true, description: 'pd_... of a problem item' };

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  scopes: string[];
  params?: Param[];
  /** The schema the app parses the query string with; the documented parameters come from it. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Served without a key (一公开, public disclosure). */
  public?: boolean;
  /** Named examples of the request body, built when the document is (never at cold start). */
  examples?: () => Record<string, unknown>;
  /** The group the operation is listed under; by default the first path segment after /v1. */
  tag?: string;
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: Record<string, string> }>;
}

const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { description: PROBLEM_TEXT[c], schema: Problem }]));
const PROBLEM_TEXT: Record<number, string> = {
  400: 'malformed request: bad JSON, query, cursor or header',
  401: 'missing, malformed or revoked API key',
  403: 'the client lacks the scope, or posts as another department',
  404: 'nothing there, or nothing this client may see',
  409: 'the record exists with other content, or the correction names a stale version',
  413: 'body too large',
  415: 'body is not application/json',
  422: 'the body is well-formed JSON but some fields are invalid; `errors` names every one',
};

/** What every call with a key may answer besides its own responses: its client is over its rate limit. */
export const RATE_LIMITED = {
  429: {
    description: 'the client made more requests this second than its limit allows; wait Retry-After seconds',
    schema: Problem,
    headers: { 'Retry-After': 'seconds to wait before sending again' },
  },
};

const LIST: Param = { name: 'list', in: 'path', required: true, description: 'blacklist 严重违法失信名单 / abnormal 经营异常名录 / redlist 红名单' };
const LICENCE_ID: Param = { name: 'id', in: 'path', required: true, description: 'exchange record id of the licence (rec_...)' };
const PROPOSAL_ID: Param = { name: 'id', in: 'path', required: true, description: 'prp_...' };
const EntryHistory = z
  .strictObject({ creditCode: z.string(), list: z.string(), current: CreditEntry.nullable(), past: z.array(CreditEntry).meta({ description: 'removed entries, oldest first' }) })
  .meta({ id: 'CreditEntryHistory' });

/** Credit (信用): lists, the change feed, the check in approval, proposals, reports, commitments, risk classes. */
/**
 * Every route of the API, keyed by operation: the app registers each one from here (method, path,
 * body limit) and the OpenAPI document is generated from the same objects, so what is served and
 * what is documented cannot differ.
 */
/** A keyless public list (一公开). */
const publicRoute = (kind: keyof typeof PUBLIC_KINDS, more: string): Route => ({
  method: 'get',
  path: `/public/${kind}`,
  summary: `一公开, without a key: ${kind} published in a date range (at most ${MAX_RANGE_DAYS} days) in the 双公示 field codes, public fields only${more}.`,
  scopes: [],
  query: DisclosureQuery,
  responses: { 200: { description: 'a page', schema: PublicListPage }, ...problems(400) },
});
const PLAN_ID: Param = { name: 'id', in: 'path', required: true, description: 'pln_...' };
const YEAR: Param = { name: 'year', in: 'path', required: true, description: 'four-digit year' };

export const ROUTES = {
  postRecord: {
    method: 'post',
    path: '/v1/records',
    summary: 'Post one record (registration, licence, filing, inspection or penalty). Idempotent on (department, sourceId).',
    scopes: ['records:write:<kind>'],
    body: RecordInput,
    examples: recordExamples,
    responses: {
      201: {
        description: 'accepted (or the same content posted again: header Idempotent-Replayed: true)',
        schema: RecordVersion,
        headers: { Location: 'URL of the record', 'Idempotent-Replayed': 'true on a replay' },
      },
      ...problems(400, 401, 403, 409, 413, 415, 422),
    },
  },
  postRecordBatch: {
    method: 'post',
    path: '/v1/records/batch',
    summary: `Post up to ${BATCH_LIMIT} records; each gets its own result and one bad record stops no other.`,
    scopes: ['records:write:<kind>'],
    body: BatchRequest,
    examples: () => ({ 'a registration and a licence': { records: [recordExamples().registration, recordExamples().licence] } }),
    tag: 'records',
    responses: { 200: { description: 'one result per record, in request order', schema: BatchResponse }, ...problems(400, 401, 413, 415, 422) },
  },
  getRecord: {
    method: 'get',
    path: '/v1/records/{id}',
    summary: 'One record with all its versions, newest first. The posting department may always read its own records.',
    scopes: ['profiles:read', 'personal:read unmasks personal fields'],
    params: [RECORD_ID, PURPOSE],
    responses: { 200: { description: 'the record', schema: RecordWithVersions }, ...problems(400, 401, 404) },
  },
  getProfile: {
    method: 'get',
    path: '/v1/enterprises/{creditCode}',
    summary: 'The enterprise profile: registration, valid licences, filings, recent inspections and penalties, counts.',
    tag: 'enterprises',
    scopes: ['profiles:read'],
    params: [CREDIT_CODE, PURPOSE],
    responses: { 200: { description: 'the profile', schema: Profile }, ...problems(400, 401, 403, 404) },
  },
  searchEnterprises: {
    method: 'get',
    path: '/v1/enterprises',
    summary:
      'Enterprises whose registered name, or a former name, begins with `name`, in name order, a page at a time. Every enterprise shown is logged as read; individual businesses only with personal:read.',
    tag: 'enterprises',
    scopes: ['profiles:read'],
    params: [PURPOSE],
    query: NameSearchQuery,
    responses: { 200: { description: 'a page of matches', schema: NameSearchPage }, ...problems(400, 401, 403) },
  },
  compareEnterprises: {
    method: 'post',
    path: '/v1/enterprises/compare',
    summary: `Batch comparison (批量比对): for up to ${COMPARE_LIMIT} credit codes, whether each exists, its status, name, region and live records per kind, read in batches. Every enterprise is logged as read.`,
    tag: 'enterprises',
    scopes: ['profiles:read', 'personal:read unmasks the names of individual businesses'],
    params: [PURPOSE],
    body: CompareRequest,
    examples: () => ({ 'three enterprises': { creditCodes: ['91330402MA2B4T1X8Q', recordExamples().licence.creditCode, recordExamples().registration.creditCode] } }),
    responses: { 200: { description: 'one entry per code, in request order', schema: CompareResult }, ...problems(400, 401, 403, 413, 415, 422) },
  },
  getHistory: {
    method: 'get',
    path: '/v1/enterprises/{creditCode}/records',
    summary: 'The enterprise’s live records, newest first, optionally of one kind, a page at a time.',
    scopes: ['profiles:read'],
    params: [CREDIT_CODE, PURPOSE],
    query: HistoryQuery,
    responses: { 200: { description: 'a page', schema: HistoryPage }, ...problems(400, 401, 403) },
  },
  getAccessLog: {
    method: 'get',
    path: '/v1/enterprises/{creditCode}/access-log',
    summary: 'Who read this enterprise’s data, when and why, newest first; each entry a link of the enterprise’s hash chain. Reading it is logged too.',
    scopes: ['audit:read'],
    params: [CREDIT_CODE, PURPOSE],
    query: AccessLogQuery,
    responses: { 200: { description: 'a page', schema: AccessLogPage }, ...problems(400, 401, 403) },
  },
  createSubscription: {
    method: 'post',
    path: '/v1/subscriptions',
    summary: 'Subscribe the department to records by kind, catalogue item, industry, region or a watch list; by webhook and/or pull.',
    scopes: ['subscriptions:manage'],
    body: SubscriptionCreate,
    examples: () => ({ webhook: subscriptionExample() }),
    responses: {
      201: { description: 'created; webhookSecret is shown only now', schema: SubscriptionWithSecret },
      ...problems(400, 401, 403, 415, 422),
      409: { description: 'the department holds the most subscriptions allowed (`limit`, `held`)', schema: Problem },
    },
  },
  listSubscriptions: {
    method: 'get',
    path: '/v1/subscriptions',
    summary: 'The department’s subscriptions.',
    scopes: ['subscriptions:manage'],
    responses: { 200: { description: 'the list', schema: z.strictObject({ items: z.array(Subscription) }) }, ...problems(401, 403) },
  },
  getSubscription: {
    method: 'get',
    path: '/v1/subscriptions/{id}',
    summary: 'One of the department’s subscriptions.',
    scopes: ['subscriptions:manage'],
    params: [SUBSCRIPTION_ID],
    responses: { 200: { description: 'the subscription', schema: Subscription }, ...problems(401, 403, 404) },
  },
  updateSubscription: {
    method: 'patch',
    path: '/v1/subscriptions/{id}',
    summary: 'Rename, pause or resume, change filters or the webhook URL.',
    scopes: ['subscriptions:manage'],
    params: [SUBSCRIPTION_ID],
    body: SubscriptionUpdate,
    examples: () => ({ pause: { status: 'paused' }, 'change the webhook': { webhook: { url: 'https://hooks.example.gov.cn/exchange-v2' } } }),
    responses: { 200: { description: 'the subscription after the change', schema: SubscriptionWithSecret }, ...problems(400, 401, 403, 404, 415, 422) },
  },
  deleteSubscription: {
    method: 'delete',
    path: '/v1/subscriptions/{id}',
    summary: 'Delete a subscription; notifications already written stay in the inbox.',
    scopes: ['subscriptions:manage'],
    params: [SUBSCRIPTION_ID],
    responses: { 204: { description: 'deleted' }, ...problems(401, 403, 404) },
  },
  rotateSecret: {
    method: 'post',
    path: '/v1/subscriptions/{id}/rotate-secret',
    summary: 'A new webhook signing secret, shown once; deliveries carry signatures with both secrets for 24 hours, or `overlapHours`. The body is optional.',
    scopes: ['subscriptions:manage'],
    params: [SUBSCRIPTION_ID],
    body: RotateSecret,
    responses: { 200: { description: 'the subscription with its new secret', schema: SubscriptionWithSecret }, ...problems(400, 401, 403, 404, 415, 422) },
  },
  retirePreviousSecret: {
    method: 'post',
    path: '/v1/subscriptions/{id}/retire-previous-secret',
    summary: 'Stop signing with the secret before the last rotation now, once the receiver verifies with the new one.',
    scopes: ['subscriptions:manage'],
    params: [SUBSCRIPTION_ID],
    responses: { 200: { description: 'the subscription', schema: Subscription }, ...problems(400, 401, 403, 404) },
  },
  listInbox: {
    method: 'get',
    path: '/v1/inbox',
    summary: 'The department’s notifications, oldest first, a page at a time; open=true lists only those not yet acknowledged.',
    tag: 'notifications',
    scopes: ['inbox:read'],
    query: InboxQuery,
    responses: { 200: { description: 'a page', schema: InboxPage }, ...problems(400, 401, 403) },
  },
  listOverdue: {
    method: 'get',
    path: '/v1/notifications/overdue',
    summary: 'Notifications nobody acknowledged before their acknowledge-by time, of one department or across departments, a page at a time.',
    scopes: ['notifications:oversee'],
    query: OverdueQuery,
    responses: {
      200: { description: 'a page, soonest deadline first within a department; across departments, department by department (a page may be short, even empty, with `next`)', schema: InboxPage },
      ...problems(400, 401, 403),
    },
  },
  getNotification: {
    method: 'get',
    path: '/v1/notifications/{id}',
    summary: 'One notification of the department, with its delivery state and feedback.',
    scopes: ['inbox:read'],
    params: [NOTIFICATION_ID],
    responses: { 200: { description: 'the notification', schema: Notification }, ...problems(401, 403, 404) },
  },
  acknowledge: {
    method: 'post',
    path: '/v1/notifications/{id}/ack',
    summary: 'Acknowledge a notification (idempotent: the first acknowledgement is kept).',
    scopes: ['inbox:read', 'inbox:act'],
    params: [NOTIFICATION_ID],
    responses: { 200: { description: 'the acknowledged notification', schema: Notification }, ...problems(401, 403, 404) },
  },
  giveFeedback: {
    method: 'post',
    path: '/v1/notifications/{id}/feedback',
    summary: 'Feed back on a record notification; the department that posted the record receives it as an event. Also acknowledges.',
    scopes: ['inbox:read', 'inbox:act'],
    params: [NOTIFICATION_ID],
    body: FeedbackInput,
    examples: () => ({ 'taken into supervision': feedbackExample() }),
    responses: { 201: { description: 'the notification with the feedback', schema: Notification }, ...problems(400, 401, 403, 404, 415, 422) },
  },
  redrive: {
    method: 'post',
    path: '/v1/deliveries/redrive',
    summary: 'Queue the failed webhook deliveries of the department again, up to 1,000 open notifications read per call; call again with `next` until it is absent.',
    scopes: ['inbox:act'],
    query: RedriveQuery,
    tag: 'notifications',
    responses: {
      200: {
        description: 'what was queued',
        schema: z.strictObject({
          redriven: z.int(),
          notificationIds: z.array(z.string()),
          next: z.string().optional().meta({ description: 'more notifications remain to look at: redrive again with this cursor' }),
        }),
      },
      ...problems(400, 401, 403),
    },
  },
  listPosted: {
    method: 'get',
    path: '/v1/records',
    summary: 'The live records the calling department posted, of one kind, newest date first, optionally within dates, a page at a time.',
    scopes: ['records:write:<kind> or profiles:read'],
    query: PostedQuery,
    responses: { 200: { description: 'a page', schema: pageOf(SummaryItem, 'PostedPage') }, ...problems(400, 401, 403) },
  },
  getStatistics: {
    method: 'get',
    path: '/v1/statistics',
    summary:
      'The calling department’s statistics for a quarter (the quarterly assessment): records provided and corrected, notifications received, acknowledged in time or late, overdue, feedback given.',
    scopes: [],
    query: StatisticsQuery,
    responses: { 200: { description: 'the counts', schema: DepartmentStatistics }, ...problems(400, 401) },
  },
  listStatistics: {
    method: 'get',
    path: '/v1/statistics/departments',
    summary: 'Every department’s statistics for a quarter, for supervisors.',
    tag: 'statistics',
    scopes: ['notifications:oversee'],
    query: StatisticsQuery,
    responses: { 200: { description: 'one entry per department, by department id', schema: AllStatistics }, ...problems(400, 401, 403) },
  },
  listProblemData: {
    method: 'get',
    path: '/v1/problem-data',
    summary:
      'Problem data (问题数据): the items the checks raised on records the department posted (unknown or deregistered enterprise, licence outside the registered scope, revoked licence not on record), open ones newest first, closed ones most recently closed first.',
    scopes: ['records:write:<kind> or inbox:read', 'notifications:oversee lists another department’s'],
    query: ProblemDataQuery,
    responses: { 200: { description: 'a page', schema: ProblemDataPage }, ...problems(400, 401, 403) },
  },
  getProblemData: {
    method: 'get',
    path: '/v1/problem-data/{id}',
    summary: 'One problem item of the department, with how and by whom it was closed.',
    tag: 'problem-data',
    scopes: ['records:write:<kind> or inbox:read'],
    params: [PROBLEM_ID],
    responses: { 200: { description: 'the item', schema: ProblemDataItem }, ...problems(401, 403, 404) },
  },
  explainProblemData: {
    method: 'post',
    path: '/v1/problem-data/{id}/explanation',
    summary: 'Close a problem item with the department’s explanation (情况说明) of why the record stands. Only the posting department; explaining a closed item changes nothing.',
    tag: 'problem-data',
    scopes: ['records:write:<kind of the record>'],
    params: [PROBLEM_ID],
    body: ProblemExplanation,
    examples: () => ({ explained: { reason: '该企业由外省迁入，登记信息尚未推送至本平台，许可依法作出' } }),
    responses: { 200: { description: 'the closed item', schema: ProblemDataItem }, ...problems(400, 401, 403, 404, 415, 422) },
  },
  findParty: {
    method: 'post',
    path: '/v1/parties/find',
    summary: 'The party key and live records of a party without a credit code: an individual business by 工商注册号, a natural person by identity document.',
    scopes: ['profiles:read'],
    params: [PURPOSE],
    body: PartyLookup,
    examples: () => ({
      'an individual business by 工商注册号': { registrationNumber: '330402600012345' },
      'a natural person by identity document': { idDocument: recordExamples().registration.data.legalRepresentative.idDocument },
    }),
    responses: { 200: { description: 'the party key and its records (none if the exchange holds none)', schema: PartyFound }, ...problems(400, 401, 403, 415, 422) },
  },
  exportStandard: {
    method: 'get',
    path: '/v1/disclosure/{kind}/export',
    summary: `The 双公示 export of licences or penalties published in a date range (at most ${MAX_RANGE_DAYS} days), in the standard's field codes, JSON or CSV, a page at a time; personal data never. Every party in a page is logged as read.`,
    scopes: ['profiles:read'],
    params: [{ name: 'kind', in: 'path', required: true, description: 'licence or penalty' }, PURPOSE],
    query: ExportQuery,
    responses: { 200: { description: 'a page of rows; with format=csv a CSV body and the next page in a Link header', schema: StandardExport }, ...problems(400, 401, 403) },
  },
  publicLicences: publicRoute('licences', ''),
  publicPenalties: publicRoute('penalties', '; a penalty leaves the list the day after its publication end (公示截止期)'),
  publicInspections: publicRoute('inspections', '; only results marked public'),
  getCatalogue: {
    method: 'get',
    path: '/v1/catalogue',
    summary: 'The permit catalogue (涉企经营许可事项清单) in force on a date, as JSON or as CSV in the published list’s columns. Public: no key.',
    scopes: [],
    public: true,
    query: CatalogueQuery,
    responses: { 200: { description: 'the items in force (text/csv with format=csv)', schema: CatalogueListing }, ...problems(400) },
  },
  getCatalogueChanges: {
    method: 'get',
    path: '/v1/catalogue/changes',
    summary: 'The catalogue’s change list, most recently recorded first. Public: no key.',
    scopes: [],
    public: true,
    query: ListQuery,
    responses: { 200: { description: 'a page', schema: pageOf(CatalogueChange, 'CatalogueChangePage') }, ...problems(400) },
  },
  getCatalogueItem: {
    method: 'get',
    path: '/v1/catalogue/{code}',
    summary: 'One catalogue item with every version and where it stands today. Public: no key.',
    scopes: [],
    public: true,
    params: [ITEM_CODE],
    responses: { 200: { description: 'the item', schema: CatalogueItemHistory }, ...problems(404) },
  },
  getQuota: {
    method: 'get',
    path: '/v1/catalogue/{code}/quota',
    summary: 'A quota item’s total, stock (valid licences, counted as licences change), places left and layout plan. Public: no key.',
    scopes: [],
    public: true,
    params: [ITEM_CODE],
    responses: { 200: { description: 'the quota', schema: Quota }, ...problems(404) },
  },
  addCatalogueVersion: {
    method: 'post',
    path: '/v1/catalogue/{code}/versions',
    summary: 'Add a version to an item (or a new item), effective today or later; history is kept and subscribers get cn.edx.catalogue.changed.',
    scopes: ['catalogue:admin'],
    params: [ITEM_CODE],
    body: CatalogueVersionInput,
    responses: { 201: { description: 'the change as listed', schema: CatalogueChange }, ...problems(400, 401, 403, 409, 415, 422) },
  },
  listUnmatchedPhrases: {
    method: 'get',
    path: '/v1/scope-phrases/unmatched',
    summary: 'Registration scope phrases no standard term matched, with counts and first and last seen (规范化字库 candidates).',
    scopes: ['catalogue:admin'],
    query: ListQuery,
    responses: { 200: { description: 'a page, in phrase order', schema: pageOf(UnmatchedPhrase, 'UnmatchedPhrasePage') }, ...problems(400, 401, 403) },
  },
  listClaimPool: {
    method: 'get',
    path: '/v1/claims',
    summary: 'The claim pool (认领): 双告知 notices no department is known to take, oldest first; those this department passed on are left out.',
    scopes: ['notices:claim'],
    query: ListQuery,
    responses: { 200: { description: 'a page', schema: InboxPage }, ...problems(400, 401, 403) },
  },
  claimNotice: {
    method: 'post',
    path: '/v1/claims/{id}/claim',
    summary: 'Claim a pool notice: exactly one department wins; the notice then reaches its inbox and webhook.',
    scopes: ['notices:claim'],
    params: [POOL_ID],
    responses: { 200: { description: 'claimed by this department', schema: Notification }, ...problems(401, 403, 404, 409) },
  },
  passNotice: {
    method: 'post',
    path: '/v1/claims/{id}/pass',
    summary: 'Pass on a pool notice: it stays open for the other departments.',
    scopes: ['notices:claim'],
    params: [POOL_ID],
    responses: { 200: { description: 'the notice', schema: Notification }, ...problems(401, 403, 404, 409) },
  },
  listUncovered: {
    method: 'get',
    path: '/v1/cover/uncovered',
    summary: 'Enterprises of a region with a 许可项目 no valid licence or filing covers, for more than `days` days; longest first within each district.',
    scopes: ['cover:read'],
    query: UncoveredQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.strictObject({ region: z.string(), days: z.int(), uncoveredOnOrBefore: IsoDate, items: z.array(UncoveredEnterprise), next: z.string().optional() }).meta({ id: 'UncoveredPage' }),
      },
      ...problems(400, 401, 403),
    },
  },
  me: {
    method: 'get',
    path: '/v1/me',
    summary: 'The calling client: department and scopes.',
    tag: 'clients',
    scopes: [],
    responses: { 200: { description: 'the client', schema: Me }, ...problems(401) },
  },
  // 双随机、一公开: the organising department's calls, then the public reads, which need no key.
  createPlan: {
    method: 'post',
    path: '/v1/inspection-plans',
    summary: 'Create a random inspection plan (双随机抽查计划); its commitment to a secret is published at once.',
    scopes: ['inspections:plan'],
    body: PlanCreate,
    responses: { 201: { description: 'the plan, committed', schema: Plan, headers: { Location: 'URL of the plan' } }, ...problems(400, 401, 403, 415, 422) },
  },
  getPlan: {
    method: 'get',
    path: '/v1/inspection-plans/{id}',
    summary: 'One of the department’s plans, with each inspector’s conflicts and personal data (masked without personal:read).',
    scopes: ['inspections:plan'],
    params: [PLAN_ID],
    responses: { 200: { description: 'the plan', schema: Plan }, ...problems(401, 403, 404) },
  },
  fixPlan: {
    method: 'post',
    path: '/v1/inspection-plans/{id}/fix',
    summary: 'Fix the plan: freeze the pool from the pool directory and the roster with its exclusions; publish their hashes.',
    scopes: ['inspections:plan'],
    params: [PLAN_ID],
    responses: { 200: { description: 'the fixed plan', schema: Plan }, ...problems(401, 403, 404, 409, 422) },
  },
  drawPlan: {
    method: 'post',
    path: '/v1/inspection-plans/{id}/draw',
    summary: 'Draw: reveal the secret, run the draw, publish its document and send each task to its inspectors’ departments.',
    scopes: ['inspections:plan'],
    params: [PLAN_ID],
    responses: { 200: { description: 'the drawn plan', schema: Plan }, ...problems(401, 403, 404, 409) },
  },
  listPlanTasks: {
    method: 'get',
    path: '/v1/inspection-plans/{id}/tasks',
    summary: 'The plan’s tasks with every result, public or not.',
    scopes: ['inspections:plan'],
    params: [PLAN_ID],
    query: PageQuery,
    responses: { 200: { description: 'a page', schema: TaskPage }, ...problems(400, 401, 403, 404) },
  },
  putCalendarYear: {
    method: 'put',
    path: '/v1/calendar/{year}',
    summary: 'Keep one year of the holiday calendar (节假日安排) working days are counted by, from its official notice.',
    scopes: ['calendar:manage'],
    params: [YEAR],
    body: CalendarYearInput,
    responses: { 200: { description: 'the calendar now in force', schema: Calendar }, ...problems(400, 401, 403, 415, 422) },
  },
  listPublicPlans: {
    method: 'get',
    path: '/v1/public/plans',
    summary: 'A department’s plans, newest first, with their commitments. No key needed.',
    scopes: [],
    public: true,
    query: PlanListQuery,
    responses: { 200: { description: 'a page', schema: PlanPage }, ...problems(400) },
  },
  getPublicPlan: {
    method: 'get',
    path: '/v1/public/plans/{id}',
    summary: 'A plan as published: commitment, coverage, rules, roster (names and certificate numbers), pool and roster hashes once fixed, the revealed secret once drawn. No key needed.',
    scopes: [],
    public: true,
    params: [PLAN_ID],
    responses: { 200: { description: 'the plan', schema: PublicPlan }, ...problems(404) },
  },
  getDrawDocument: {
    method: 'get',
    path: '/v1/public/plans/{id}/draw',
    summary: 'The draw document exactly as `node scripts/redraw.mjs` takes it; `part` gives one part of its text (header X-Document-Parts). No key needed.',
    scopes: [],
    public: true,
    params: [PLAN_ID],
    query: DocumentQuery,
    responses: { 200: { description: 'the document (or one part of its text)', headers: { 'X-Document-Parts': 'how many parts the document text has' } }, ...problems(400, 404) },
  },
  listPublicTasks: {
    method: 'get',
    path: '/v1/public/plans/{id}/tasks',
    summary: 'The drawn enterprises, their inspectors and their published results (抽查结果公示). No key needed.',
    scopes: [],
    public: true,
    params: [PLAN_ID],
    query: PageQuery,
    responses: { 200: { description: 'a page', schema: TaskPage }, ...problems(400, 404) },
  },
  getCalendar: {
    method: 'get',
    path: '/v1/public/calendar',
    summary: 'The holiday calendar in force: the shipped official notices and the years administrators keep. No key needed.',
    scopes: [],
    public: true,
    responses: { 200: { description: 'the calendar', schema: Calendar } },
  },
  // Credit (信用): lists, the change feed, the check in approval, proposals, reports, commitments, risk classes.
  getPublicList: {
    method: 'get',
    path: '/v1/public/credit/lists/{list}',
    summary: 'Public (no key): the current entries of a list, a page at a time (format=ndjson: one entry per line), with the feed cursor to follow from.',
    scopes: [],
    public: true,
    params: [LIST],
    query: SnapshotQuery,
    responses: {
      200: { description: 'a page of entries', schema: SnapshotPage, headers: { 'X-Next-Cursor': 'ndjson: cursor of the next page', 'X-Follow-From': 'ndjson: feed cursor' } },
      ...problems(400, 404),
    },
  },
  getPublicListHistory: {
    method: 'get',
    path: '/v1/public/credit/lists/{list}/enterprises/{creditCode}',
    summary: 'Public (no key): an enterprise’s entry on a list, and its removed entries.',
    scopes: [],
    public: true,
    params: [LIST, CREDIT_CODE],
    responses: { 200: { description: 'current and past entries', schema: EntryHistory }, ...problems(400, 404) },
  },
  getPublicCommitment: {
    method: 'get',
    path: '/v1/public/licences/{id}/commitment',
    summary: 'Public (no key): the commitment of a licence granted on a commitment (告知承诺) and every step that followed.',
    scopes: [],
    public: true,
    params: [LICENCE_ID],
    responses: { 200: { description: 'the commitment', schema: Commitment }, ...problems(404) },
  },
  getList: {
    method: 'get',
    path: '/v1/credit/lists/{list}',
    summary: 'The current entries of a list, as the public snapshot: start a consumer here, then follow the feed from followFrom.',
    scopes: ['credit:read'],
    params: [LIST],
    query: SnapshotQuery,
    responses: { 200: { description: 'a page of entries', schema: SnapshotPage }, ...problems(400, 401, 403, 404) },
  },
  getListChanges: {
    method: 'get',
    path: '/v1/credit/lists/{list}/changes',
    summary: 'The list’s change feed: every addition, removal and expiry in one strict order (seq 1, 2, 3, ...), resumable from a cursor.',
    scopes: ['credit:read'],
    params: [LIST],
    query: FeedQuery,
    responses: { 200: { description: `changes (${CreditChange.meta()?.id}) and the cursor to continue from`, schema: FeedPage }, ...problems(400, 401, 403, 404) },
  },
  addListEntry: {
    method: 'post',
    path: '/v1/credit/lists/{list}/entries',
    summary: 'List an enterprise (列入决定). Idempotent on (department, sourceId); proposalId answers a proposal.',
    scopes: ['credit:write'],
    params: [LIST],
    body: ListingInput,
    responses: { 201: { description: 'the entry', schema: CreditEntry, headers: { 'Idempotent-Replayed': 'true on a replay' } }, ...problems(400, 401, 403, 404, 409, 415, 422) },
  },
  removeListEntry: {
    method: 'post',
    path: '/v1/credit/lists/{list}/enterprises/{creditCode}/removal',
    summary: 'Remove an enterprise’s entry (移出决定): credit repair (blacklist: from a year after listing), court decision or error. Expiries happen by themselves.',
    scopes: ['credit:write'],
    params: [LIST, CREDIT_CODE],
    body: RemovalInput,
    responses: { 200: { description: 'the removed entry', schema: CreditEntry }, ...problems(400, 401, 403, 404, 409, 415, 422) },
  },
  creditCheck: {
    method: 'get',
    path: '/v1/credit/check/{creditCode}',
    summary: 'Credit check in approval (信用核查): memberships, the measures for the item with their legal basis, overdue commitments and the risk class. Logged.',
    scopes: ['credit:read'],
    params: [CREDIT_CODE, PURPOSE],
    query: CheckQuery,
    responses: { 200: { description: 'the check', schema: CreditCheck }, ...problems(400, 401, 403, 422) },
  },
  getProposal: {
    method: 'get',
    path: '/v1/credit/proposals/{id}',
    summary: 'A listing proposal (列入建议) and its decision.',
    scopes: ['credit:read'],
    params: [PROPOSAL_ID],
    responses: { 200: { description: 'the proposal', schema: CreditProposal }, ...problems(401, 403, 404) },
  },
  rejectProposal: {
    method: 'post',
    path: '/v1/credit/proposals/{id}/rejection',
    summary: 'Decline a listing proposal, with the reason. To accept it, list the enterprise with proposalId.',
    scopes: ['credit:write'],
    params: [PROPOSAL_ID],
    body: ProposalRejection,
    responses: { 200: { description: 'the decided proposal', schema: CreditProposal }, ...problems(401, 403, 404, 409, 415, 422) },
  },
  reportMeasure: {
    method: 'post',
    path: '/v1/credit/reports',
    summary: 'Report a measure applied after a check (数据应用反馈).',
    scopes: ['credit:read'],
    body: ReportInput,
    responses: { 201: { description: 'the report', schema: MeasureReport }, ...problems(400, 401, 403, 415, 422) },
  },
  listReports: {
    method: 'get',
    path: '/v1/credit/reports',
    summary: 'Reports of applied measures of a month, newest first.',
    scopes: ['credit:write'],
    query: ReportQuery,
    responses: { 200: { description: 'a page', schema: pageOf(MeasureReport, 'MeasureReportPage') }, ...problems(400, 401, 403) },
  },
  listRisk: {
    method: 'get',
    path: '/v1/credit/risk',
    summary: 'Enterprises of a region (GB/T 2260 code) in one risk class, by credit code (for sampling).',
    scopes: ['credit:read'],
    query: RiskQuery,
    responses: { 200: { description: 'a page', schema: RiskPage }, ...problems(400, 401, 403) },
  },
  getCommitment: {
    method: 'get',
    path: '/v1/licences/{id}/commitment',
    summary: 'The commitment of a licence and its chain (the same as the public read).',
    scopes: [],
    params: [LICENCE_ID],
    responses: { 200: { description: 'the commitment', schema: Commitment }, ...problems(401, 404) },
  },
  answerRevocation: {
    method: 'post',
    path: '/v1/licences/{id}/commitment/revocation-answer',
    summary: 'The approving department declines a revocation request, with its reason. To revoke, post the licence corrected to status revoked.',
    scopes: ['the approving department'],
    params: [LICENCE_ID],
    body: RevocationAnswer,
    examples: () => ({ declined: { reason: '企业已于期限内整改完毕，经现场核查符合许可条件' } }),
    responses: { 200: { description: 'the commitment after the answer', schema: Commitment }, ...problems(401, 403, 404, 409, 415, 422) },
  },
} satisfies Record<string, Route>;
export type RouteId = keyof typeof ROUTES;
