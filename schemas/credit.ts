/**
 * Credit (信用): the lists and their change feed, proposals, the credit check, reports of applied
 * measures (数据应用反馈), commitments (告知承诺) and the risk class. Requests, responses and the
 * stored shapes the core works with.
 */
import { z } from 'zod';
import { CatalogueItemCode, IsoDate, pageOf, pageQuery, Text } from './common';
import { REFORM_MODES } from './reform-modes';

/**
 * The credit lists: blacklist 严重违法失信名单, abnormal 经营异常名录 (abnormal operation) and the
 * red list 红名单 (守信激励).
 */
export const CREDIT_LISTS = ['blacklist', 'abnormal', 'redlist'] as const;
export type CreditList = (typeof CREDIT_LISTS)[number];
export const CreditListSchema = z.enum(CREDIT_LISTS).meta({ description: 'blacklist 严重违法失信名单 / abnormal 经营异常名录 / redlist 红名单' });

export const REMOVAL_REASONS = {
  'credit-repair': '信用修复',
  expiry: '期满移出',
  'court-decision': '人民法院裁判',
  error: '列入错误',
} as const;
export type RemovalReason = keyof typeof REMOVAL_REASONS;
const RemovalReasonSchema = z.enum(Object.keys(REMOVAL_REASONS) as [RemovalReason, ...RemovalReason[]]).meta({
  description: Object.entries(REMOVAL_REASONS)
    .map(([k, v]) => `${k} ${v}`)
    .join(' / '),
});

const SourceId = z
  .string()
  .regex(/^[\p{L}\p{N}._:/-]{1,100}$/u, 'letters, digits and . _ : / - only, at most 100')
  .meta({ description: "the deciding department's own id for this decision; posting it again returns the same entry" });

/** A department's decision to list an enterprise (列入决定). */
export const ListingInput = z
  .strictObject({
    sourceId: SourceId,
    creditCode: z.string().meta({ description: 'unified social credit code' }),
    enterpriseName: Text(200).meta({ description: '市场主体名称' }),
    reason: Text(1000).meta({ description: '列入事由' }),
    legalBasis: Text(1000).meta({ description: '列入依据' }),
    authority: Text(100).meta({ description: '作出决定机关' }),
    decisionNumber: Text(100).meta({ description: '决定书文号' }),
    decisionDate: IsoDate.meta({ description: '列入日期 (作出决定日期)' }),
    plannedEnd: IsoDate.optional().meta({ description: '计划移出日期; the blacklist is always decisionDate + 3 years; optional for the other lists' }),
    proposalId: z.string().max(100).optional().meta({ description: 'the listing proposal this decision answers' }),
  })
  .meta({ id: 'ListingInput', title: 'Listing decision 列入决定' });
export type ListingInput = z.infer<typeof ListingInput>;

/** A department's decision to remove an entry (移出决定). */
export const RemovalInput = z
  .strictObject({
    reason: RemovalReasonSchema,
    date: IsoDate.meta({ description: '移出日期' }),
    authority: Text(100).meta({ description: '作出移出决定机关' }),
    note: Text(1000).optional().meta({ description: '说明, e.g. the court judgement number' }),
  })
  .meta({ id: 'RemovalInput', title: 'Removal decision 移出决定' });
export type RemovalInput = z.infer<typeof RemovalInput>;

export const Removal = RemovalInput.extend({
  department: z.string().meta({ description: 'department that removed the entry (system for expiries)' }),
  at: z.string(),
}).meta({ id: 'Removal' });
export type Removal = z.infer<typeof Removal>;

/** One listing of an enterprise (名单条目), with its removal once removed. Every field is public. */
export const CreditEntry = z
  .strictObject({
    id: z.string().meta({ description: 'entry id (cle_...); a re-listing is a new entry' }),
    list: CreditListSchema,
    creditCode: z.string(),
    enterpriseName: z.string(),
    reason: z.string(),
    legalBasis: z.string(),
    authority: z.string(),
    decisionNumber: z.string(),
    decisionDate: z.string(),
    plannedEnd: z.string().optional(),
    earliestRemoval: z.string().optional().meta({ description: 'blacklist: removal for credit repair is possible from this date (one year after listing)' }),
    department: z.string().meta({ description: 'deciding department' }),
    addedAt: z.string(),
    removal: Removal.optional(),
  })
  .meta({ id: 'CreditEntry', title: 'Credit list entry 名单条目' });
export type CreditEntry = z.infer<typeof CreditEntry>;

export const CHANGE_KINDS = ['added', 'removed', 'expired'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One change of a list, in the feed (变更流). */
export const CreditChange = z
  .strictObject({
    seq: z.int().min(1).meta({ description: 'position in the list’s feed: 1, 2, 3, ... without gaps' }),
    list: CreditListSchema,
    change: z.enum(CHANGE_KINDS).meta({ description: 'added 列入 / removed 移出 / expired 期满移出' }),
    entry: CreditEntry.meta({ description: 'the entry after the change' }),
    at: z.string(),
  })
  .meta({ id: 'CreditChange' });
export type CreditChange = z.infer<typeof CreditChange>;

export const FeedQuery = z.strictObject({
  cursor: z.string().max(200).optional().meta({ description: '`cursor` of the previous page or `followFrom` of a snapshot; from the start if absent' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: 'changes per page, 1-1000, default 100' }),
});
export const FeedPage = z
  .strictObject({
    items: z.array(CreditChange),
    cursor: z.string().meta({ description: 'where to continue: always present, also when nothing new was there' }),
    caughtUp: z.boolean().meta({ description: 'true when the page reached the end of the feed: poll again later with `cursor`' }),
  })
  .meta({ id: 'CreditFeedPage' });

export const SnapshotQuery = z.strictObject({
  ...pageQuery(100),
  limit: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: 'entries per page, 1-1000, default 100' }),
  format: z.enum(['json', 'ndjson']).default('json').meta({ description: 'ndjson: one entry per line, the cursors in the headers X-Next-Cursor and X-Follow-From' }),
});
export const SnapshotPage = pageOf(CreditEntry, 'CreditSnapshotPage')
  .extend({ followFrom: z.string().meta({ description: 'feed cursor to follow the list from once every page is read' }) })
  .meta({ id: 'CreditSnapshotPage' });

/** A listing proposal (列入建议) raised from records; a department decides. */
export const CreditProposal = z
  .strictObject({
    id: z.string(),
    creditCode: z.string(),
    list: CreditListSchema,
    grounds: z.string().meta({ description: 'why it was raised' }),
    source: z.string().meta({ description: 'what raised it: /v1/records/<id> or an entry id' }),
    raisedAt: z.string(),
    status: z.enum(['open', 'listed', 'rejected']),
    decision: z.strictObject({ at: z.string(), department: z.string(), clientId: z.string(), entryId: z.string().optional(), reason: z.string().optional() }).optional(),
  })
  .meta({ id: 'CreditProposal', title: 'Listing proposal 列入建议' });
export type CreditProposal = z.infer<typeof CreditProposal>;

export const ProposalRejection = z.strictObject({ reason: Text(1000).meta({ description: '不予列入的理由' }) }).meta({ id: 'ProposalRejection' });

export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

export const RiskView = z
  .strictObject({
    creditCode: z.string(),
    riskClass: z.enum(RISK_CLASSES).meta({ description: 'A low, B ordinary, C elevated, D high (信用风险分类)' }),
    regionCode: z.string(),
    reasons: z.array(z.string()).meta({ description: 'the rules that decided the class' }),
    computedAt: z.string(),
  })
  .meta({ id: 'RiskClass' });

export const Measure = z
  .strictObject({
    id: z.string(),
    name: z.string().meta({ description: '措施名称' }),
    kind: z.enum(['punishment', 'incentive']).meta({ description: 'punishment 失信惩戒 / incentive 守信激励' }),
    lists: z.array(CreditListSchema).meta({ description: 'memberships that trigger it' }),
    modes: z.array(z.enum(REFORM_MODES)).optional().meta({ description: 'reform modes of the catalogue items it applies to (a commitment item: 告知承诺); every item when absent' }),
    legalBasis: z.array(z.string()).meta({ description: '依据' }),
  })
  .meta({ id: 'CreditMeasure' });

export const CreditCheck = z
  .strictObject({
    creditCode: z.string(),
    item: z.strictObject({ code: z.string(), name: z.string(), reformMode: z.string() }).nullable().meta({ description: 'the catalogue item asked about, as in force today' }),
    memberships: z.array(CreditEntry).meta({ description: 'lists the enterprise is on now' }),
    measures: z.array(Measure).meta({ description: 'joint punishment (联合惩戒) and incentive measures that apply to this item' }),
    commitmentAllowed: z.boolean().meta({ description: 'false when the enterprise may not be granted on a commitment' }),
    overdueCommitments: z.array(z.lazy(() => Commitment)).meta({ description: 'commitments whose verification, rectification or revocation answer is past due' }),
    risk: RiskView,
    checkedAt: z.string(),
  })
  .meta({ id: 'CreditCheck', title: 'Credit check 信用核查' });

export const CheckQuery = z.strictObject({ item: CatalogueItemCode.optional().meta({ description: 'the catalogue item being approved' }) });

/** 数据应用反馈: which measure a department applied after a check. */
export const ReportInput = z
  .strictObject({
    creditCode: z.string(),
    item: CatalogueItemCode.optional(),
    measure: z.string().max(50).meta({ description: 'id of the measure applied (from the check)' }),
    action: Text(1000).meta({ description: 'what was done, e.g. 不予适用告知承诺，按一般程序审批' }),
    caseNumber: Text(100).optional().meta({ description: 'the approval or supervision case it was applied in' }),
  })
  .meta({ id: 'MeasureReportInput', title: 'Applied measure 数据应用反馈' });
export const MeasureReport = ReportInput.extend({ id: z.string(), department: z.string(), clientId: z.string(), at: z.string() }).meta({ id: 'MeasureReport' });
export type MeasureReport = z.infer<typeof MeasureReport>;
export const ReportQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'YYYY-MM')
    .optional()
    .meta({ description: 'the month reported in (China time); this month if absent' }),
  ...pageQuery(50),
});

export const COMMITMENT_STEPS = ['verification-due', 'kept', 'rectification-ordered', 'revocation-requested', 'revoked', 'revocation-declined'] as const;
export type CommitmentStep = (typeof COMMITMENT_STEPS)[number];

/** A licence granted on a commitment (告知承诺) and what followed it. Public: no personal data. */
export const Commitment = z
  .strictObject({
    licenceRecordId: z.string(),
    creditCode: z.string(),
    catalogueItemCode: z.string(),
    licenceNumber: z.string().optional(),
    grantedOn: z.string(),
    promises: z.array(z.string()).meta({ description: '承诺内容' }),
    conditionsDue: z.string().optional().meta({ description: 'date by which conditions not yet met must be met' }),
    approvingDepartment: z.string(),
    competentDepartment: z.string(),
    step: z.enum(COMMITMENT_STEPS).meta({
      description: 'verification-due 待核查 / kept 已履行 / rectification-ordered 责令整改 / revocation-requested 已提请撤销 / revoked 已撤销 / revocation-declined 不予撤销',
    }),
    due: z.string().optional().meta({ description: 'the date the current step is due' }),
    history: z.array(
      z.strictObject({
        step: z.enum(COMMITMENT_STEPS),
        at: z.string(),
        by: z.string().meta({ description: 'department, or system' }),
        due: z.string().optional(),
        source: z.string().optional().meta({ description: 'the record that moved it: /v1/records/<id>' }),
        note: z.string().optional(),
      }),
    ),
    escalations: z.array(z.strictObject({ step: z.enum(COMMITMENT_STEPS), at: z.string() })),
  })
  .meta({ id: 'Commitment', title: 'Commitment 告知承诺' });
export type Commitment = z.infer<typeof Commitment>;

export const RevocationAnswer = z.strictObject({ reason: Text(1000).meta({ description: '不予撤销的理由' }) }).meta({ id: 'RevocationAnswer' });

export const RiskQuery = z.strictObject({
  region: z.string().regex(/^\d{6}$/, 'a GB/T 2260 code, 6 digits'),
  class: z.enum(RISK_CLASSES),
  ...pageQuery(100),
});
export const RiskPage = pageOf(z.strictObject({ creditCode: z.string(), regionCode: z.string(), riskClass: z.enum(RISK_CLASSES), computedAt: z.string() }), 'RiskPage');
