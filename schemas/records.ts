/**
 * The five record kinds a department posts (fields follow the national 双公示 collection standard;
 * the standard's Chinese field name is in each description), the envelope they arrive in, and the
 * record as the exchange returns it.
 */
import { z } from 'zod';
import { Fen, IdDocument, IndustryCode, IsoDate, LongText, RegionCode, Text, CatalogueItemCode, personal } from './common';
import { creditCodeSchema, type CreditCodeExceptions, NO_EXCEPTIONS } from './credit-code';

export const RECORD_KINDS = ['registration', 'licence', 'filing', 'inspection', 'penalty'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const RecordKindSchema = z.enum(RECORD_KINDS).meta({ description: 'record kind' });

const LegalRepresentative = z.strictObject({
  name: Text(50).meta({ privacy: 'individual', description: '法定代表人/负责人/经营者姓名: name (public on the business licence)' }),
  idDocument: IdDocument.optional(),
  phone: personal(
    z
      .string()
      .regex(/^\+?[0-9-]{5,20}$/, 'digits, hyphens and an optional leading +')
      .optional(),
    '联系电话: phone',
  ),
});

/** 行政相对人类别: the categories of the 双公示 standard (XK_XDR_LB / CF_XDR_LB). */
export const PARTY_CATEGORIES = {
  'legal-person': '法人及非法人组织',
  'natural-person': '自然人',
  'individual-business': '个体工商户',
} as const;
export type PartyCategory = keyof typeof PARTY_CATEGORIES;

/**
 * The party (行政相对人) a licence or penalty is about, with the codes the standard lists besides
 * the credit code. A legal person is keyed by the envelope's credit code; an individual business
 * without one by its registration number, a natural person by a keyed hash of the identity
 * document (see partyKey in functions/store/table.ts).
 */
export const Party = z
  .strictObject({
    name: Text(200).meta({ privacy: 'individual', description: '行政相对人名称 (XK_XDR_MC / CF_XDR_MC)' }),
    category: z
      .enum(Object.keys(PARTY_CATEGORIES) as [PartyCategory, ...PartyCategory[]])
      .meta({ privacy: 'public', description: '行政相对人类别: legal-person 法人及非法人组织 / natural-person 自然人 / individual-business 个体工商户' }),
    registrationNumber: z
      .string()
      .regex(/^[0-9]{13}([0-9]{2})?$/, '13 or 15 digits')
      .optional()
      .meta({ privacy: 'public', description: '行政相对人代码_2: 工商注册号 (15 digits; 13 before 2007)' }),
    organisationCode: z
      .string()
      .regex(/^[0-9A-Z]{8}-?[0-9X]$/, '8 characters, an optional hyphen and the check character (GB 11714)')
      .optional()
      .meta({ privacy: 'public', description: '行政相对人代码_3: 组织机构代码' }),
    taxNumber: z
      .string()
      .regex(/^[0-9A-Z]{15,20}$/, '15-20 digits or capital letters')
      .optional()
      .meta({ privacy: 'public', description: '行政相对人代码_4: 税务登记号' }),
    institutionCertificateNumber: Text(50).optional().meta({ privacy: 'public', description: '行政相对人代码_5: 事业单位证书号' }),
    socialOrganisationCertificateNumber: Text(50).optional().meta({ privacy: 'public', description: '行政相对人代码_6: 社会组织登记证号' }),
    idDocument: IdDocument.optional().meta({ description: '证件类型 and 证件号码 of a natural person (XK_XDR_ZJLX/ZJHM); required for natural-person' }),
  })
  .superRefine((p, ctx) => {
    if (p.category === 'natural-person' && !p.idDocument) ctx.addIssue({ code: 'custom', path: ['idDocument'], message: 'required for a natural person', params: { rule: 'required' } });
    if (p.category !== 'natural-person' && p.idDocument)
      ctx.addIssue({ code: 'custom', path: ['idDocument'], message: 'only for a natural person (a legal representative goes in legalRepresentative)' });
  })
  .meta({ id: 'Party', title: '行政相对人 (party)' });
export type Party = z.infer<typeof Party>;

/** 备注 on every record kind: free text. */
const Remarks = LongText(1000).optional().meta({ privacy: 'restricted', description: '备注: remarks' });

/** Registration (登记注册): establishment, change or deregistration of a market entity. */
export const RegistrationData = z
  .strictObject({
    action: z.enum(['establish', 'change', 'deregister']).meta({ privacy: 'public', description: '登记类型: establish 设立 / change 变更 / deregister 注销' }),
    date: IsoDate.meta({ privacy: 'public', description: '核准日期: date the registration authority approved it' }),
    name: Text(200).meta({ privacy: 'individual', description: '市场主体名称: registered name' }),
    entityType: Text(100).meta({ privacy: 'public', description: '市场主体类型: entity type as registered, e.g. 有限责任公司(自然人投资或控股)' }),
    legalRepresentative: LegalRepresentative.meta({ privacy: 'individual', description: '法定代表人 (负责人/经营者)' }),
    address: Text(200).meta({ privacy: 'individual', description: '住所 (经营场所): registered address' }),
    regionCode: RegionCode.meta({ privacy: 'public', description: '住所所在地行政区划代码 (GB/T 2260)' }),
    industryCode: IndustryCode.meta({ privacy: 'public', description: '行业代码 (GB/T 4754-2017)' }),
    registeredCapitalFen: Fen.optional().meta({ privacy: 'individual', description: '注册资本 in fen' }),
    establishedOn: IsoDate.meta({ privacy: 'public', description: '成立日期' }),
    businessScope: z
      .strictObject({
        licensed: z.array(Text(200)).max(200).meta({ privacy: 'public', description: '许可项目: scope terms that need a permit before operating' }),
        general: z.array(Text(200)).max(500).meta({ privacy: 'public', description: '一般项目: scope terms that need no permit' }),
      })
      .meta({ privacy: 'public', description: '经营范围, split as the scope standard wording catalogue does' }),
    authority: Text(100).meta({ privacy: 'public', description: '登记机关: registration authority' }),
    deregistrationReason: Text(200).optional().meta({ privacy: 'restricted', description: '注销原因 (deregister only)' }),
    remarks: Remarks,
  })
  .superRefine((r, ctx) => {
    if (r.establishedOn > r.date) ctx.addIssue({ code: 'custom', path: ['establishedOn'], message: 'cannot be after the registration date' });
    if (r.action !== 'deregister' && r.deregistrationReason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['deregistrationReason'], message: 'only allowed when action is deregister' });
    }
  })
  .meta({ id: 'RegistrationData', title: 'Registration 登记注册' });

/** Administrative licence (行政许可) decision. */
export const LicenceData = z
  .strictObject({
    party: Party.optional().meta({ description: '行政相对人; required when the record has no credit code, and for the standard (a warning names it when missing)' }),
    legalRepresentative: LegalRepresentative.pick({ name: true, idDocument: true }).optional().meta({ privacy: 'individual', description: '法定代表人 (XK_FRDB) and 证件 (XK_FR_ZJLX/ZJHM)' }),
    documentName: Text(100).meta({ privacy: 'public', description: '行政许可决定文书名称' }),
    documentNumber: Text(100).meta({ privacy: 'public', description: '行政许可决定文书号' }),
    category: z
      .enum(['ordinary', 'franchise', 'recognition', 'verification', 'registration', 'other'])
      .meta({ privacy: 'public', description: '许可类别: ordinary 普通 / franchise 特许 / recognition 认可 / verification 核准 / registration 登记 / other 其他' }),
    certificateName: Text(100).optional().meta({ privacy: 'public', description: '许可证书名称' }),
    certificateNumber: Text(100).optional().meta({ privacy: 'public', description: '许可编号' }),
    content: LongText(4000).meta({ privacy: 'restricted', description: '许可内容' }),
    decisionDate: IsoDate.meta({ privacy: 'public', description: '许可决定日期' }),
    validFrom: IsoDate.meta({ privacy: 'public', description: '有效期自' }),
    validTo: IsoDate.meta({ privacy: 'public', description: '有效期至; 2099-12-31 means long-term (长期)' }),
    authority: Text(100).meta({ privacy: 'public', description: '许可机关' }),
    authorityCreditCode: creditCodeSchema().meta({ privacy: 'public', description: '许可机关统一社会信用代码' }),
    catalogueItemCode: CatalogueItemCode,
    grantMode: z.enum(['ordinary', 'commitment']).meta({ privacy: 'public', description: '审批方式: ordinary approval 一般审批 / commitment 告知承诺' }),
    commitment: z
      .strictObject({
        promises: z.array(Text(500)).min(1).max(50).meta({ privacy: 'public', description: '承诺内容: what the applicant promised' }),
        conditionsDue: IsoDate.optional().meta({ privacy: 'public', description: '承诺履行期限: date by which conditions not yet met at the decision must be met' }),
      })
      .optional()
      .meta({ privacy: 'public', description: '告知承诺: only with grantMode commitment; without it the catalogue item’s commitment template applies' }),
    status: z.enum(['valid', 'revoked', 'expired', 'cancelled']).meta({ privacy: 'public', description: '当前状态: valid 有效 / revoked 撤销 / expired 过期 / cancelled 注销' }),
    remarks: Remarks,
  })
  .superRefine((r, ctx) => {
    if (r.validTo < r.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'cannot be before validFrom' });
    if (r.commitment && r.grantMode !== 'commitment') ctx.addIssue({ code: 'custom', path: ['commitment'], message: 'only allowed when grantMode is commitment' });
    if (r.commitment?.conditionsDue !== undefined && r.commitment.conditionsDue < r.decisionDate)
      ctx.addIssue({ code: 'custom', path: ['commitment', 'conditionsDue'], message: 'cannot be before decisionDate' });
    if ((r.certificateName === undefined) !== (r.certificateNumber === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['certificateNumber'], message: 'certificateName and certificateNumber come together' });
    }
  })
  .meta({ id: 'LicenceData', title: 'Licence 行政许可' });

/** Filing (备案): a permit turned into a filing under the reform. */
export const FilingData = z
  .strictObject({
    catalogueItemCode: CatalogueItemCode,
    filingNumber: Text(100).meta({ privacy: 'public', description: '备案编号' }),
    department: Text(100).meta({ privacy: 'public', description: '备案部门' }),
    date: IsoDate.meta({ privacy: 'public', description: '备案日期' }),
    content: LongText(2000).optional().meta({ privacy: 'restricted', description: '备案内容' }),
    remarks: Remarks,
  })
  .meta({ id: 'FilingData', title: 'Filing 备案' });

export const INSPECTION_RESULTS = {
  'no-problem': '未发现问题',
  'not-publicised': '未按规定公示应当公示的信息',
  'false-publicity': '公示信息隐瞒真实情况、弄虚作假',
  'unreachable-at-address': '通过登记的住所(经营场所)无法联系',
  'corrected-on-order': '发现问题已责令改正',
  'refused-inspection': '不配合检查情节严重',
  'no-relevant-activity': '未发现开展本次抽查涉及的经营活动',
  'pending-follow-up': '发现问题待后续处理',
  other: '其他',
} as const;

/** Inspection (检查), including 双随机 random inspections and commitment verification. */
export const InspectionData = z
  .strictObject({
    type: z
      .enum(['random', 'key', 'complaint', 'commitment-verification'])
      .meta({ privacy: 'public', description: '检查类型: random 双随机抽查 / key 重点检查 / complaint 投诉举报 / commitment-verification 告知承诺核查' }),
    department: Text(100).meta({ privacy: 'public', description: '检查实施机关' }),
    date: IsoDate.meta({ privacy: 'public', description: '检查完成日期' }),
    result: z.enum(Object.keys(INSPECTION_RESULTS) as [keyof typeof INSPECTION_RESULTS, ...(keyof typeof INSPECTION_RESULTS)[]]).meta({
      privacy: 'public',
      description: `检查结果: ${Object.entries(INSPECTION_RESULTS)
        .map(([k, v]) => `${k} ${v}`)
        .join(' / ')}`,
    }),
    resultDetail: LongText(2000).optional().meta({ privacy: 'restricted', description: '检查结果说明' }),
    public: z.boolean().meta({ privacy: 'public', description: '是否公示: whether the result is published' }),
    taskId: z
      .string()
      .regex(/^pln_[0-9a-f]{16}\.[0-9A-HJ-NPQRTUWXY]{18}$/, 'must be a task id: <planId>.<creditCode>')
      .optional()
      .meta({ privacy: 'public', description: '检查任务: the random inspection task this is the result of; posting it closes the task' }),
    remarks: Remarks,
    commitment: z
      .strictObject({
        licenceRecordId: z
          .string()
          .regex(/^rec_[0-9a-f]{26}$/, 'an exchange record id (rec_...)')
          .meta({ privacy: 'public', description: 'the licence granted on a commitment that was verified' }),
        outcome: z
          .enum(['kept', 'rectification-ordered', 'rectified', 'not-rectified'])
          .meta({ privacy: 'public', description: '核查结论: kept 履行承诺 / rectification-ordered 责令限期整改 / rectified 整改到位 / not-rectified 逾期未整改' }),
        rectifyBy: IsoDate.optional().meta({ privacy: 'public', description: '整改期限: required when rectification is ordered' }),
      })
      .optional()
      .meta({ privacy: 'public', description: '告知承诺核查: required for a commitment-verification inspection' }),
  })
  .superRefine((r, ctx) => {
    if (r.taskId !== undefined && r.type !== 'random') ctx.addIssue({ code: 'custom', path: ['type'], message: 'must be random when the record names a task' });
    if ((r.type === 'commitment-verification') !== (r.commitment !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['commitment'], message: r.commitment ? 'only for a commitment-verification inspection' : 'required for a commitment-verification inspection' });
    }
    if (r.commitment && (r.commitment.outcome === 'rectification-ordered') !== (r.commitment.rectifyBy !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['commitment', 'rectifyBy'], message: r.commitment.rectifyBy ? 'only when rectification is ordered' : 'required when rectification is ordered' });
    }
    if (r.commitment?.rectifyBy !== undefined && r.commitment.rectifyBy <= r.date) ctx.addIssue({ code: 'custom', path: ['commitment', 'rectifyBy'], message: 'must be after the inspection date' });
  })
  .meta({ id: 'InspectionData', title: 'Inspection 检查' });

/** 处罚类别: the kinds of 行政处罚法 art. 9 as revised in 2021 (the last five added then), and 其他. */
export const PENALTY_CATEGORIES = {
  warning: '警告',
  'public-criticism': '通报批评',
  fine: '罚款',
  confiscation: '没收违法所得、没收非法财物',
  'licence-revocation': '暂扣许可证件、吊销许可证件',
  'qualification-downgrade': '降低资质等级',
  'business-restriction': '限制开展生产经营活动',
  suspension: '责令停产停业',
  'closure-order': '责令关闭',
  'employment-restriction': '限制从业',
  detention: '行政拘留',
  other: '其他',
} as const;
export type PenaltyCategory = keyof typeof PENALTY_CATEGORIES;

/** Administrative penalty (行政处罚) decision. */
export const PenaltyData = z
  .strictObject({
    party: Party.optional().meta({ description: '行政相对人; required when the record has no credit code, and for the standard (a warning names it when missing)' }),
    decisionNumber: Text(100).meta({ privacy: 'public', description: '行政处罚决定书文号' }),
    violationType: Text(200).meta({ privacy: 'public', description: '违法行为类型' }),
    facts: LongText(4000).meta({ privacy: 'restricted', description: '违法事实' }),
    legalBasis: LongText(2000).meta({ privacy: 'restricted', description: '处罚依据' }),
    categories: z
      .array(z.enum(Object.keys(PENALTY_CATEGORIES) as [PenaltyCategory, ...PenaltyCategory[]]))
      .min(1)
      .meta({
        privacy: 'public',
        description: `处罚类别 (行政处罚法 as revised in 2021, art. 9): ${Object.entries(PENALTY_CATEGORIES)
          .map(([k, v]) => `${k} ${v}`)
          .join(' / ')}`,
      }),
    content: LongText(4000).meta({ privacy: 'restricted', description: '处罚内容' }),
    fineFen: Fen.meta({ privacy: 'public', description: '罚款金额 in fen (the standard shows 万元)' }),
    confiscationFen: Fen.meta({ privacy: 'public', description: '没收违法所得、没收非法财物的金额 in fen' }),
    revokedLicence: z
      .strictObject({ name: Text(100).meta({ privacy: 'public', description: '暂扣或吊销证照名称' }), number: Text(100).meta({ privacy: 'public', description: '暂扣或吊销证照编号' }) })
      .optional(),
    decisionDate: IsoDate.meta({ privacy: 'public', description: '处罚决定日期' }),
    validUntil: IsoDate.optional().meta({ privacy: 'public', description: '处罚有效期 (CF_YXQ); a record without it reads as publicUntil' }),
    publicUntil: IsoDate.meta({ privacy: 'public', description: '公示截止期: the penalty leaves the public list the day after' }),
    authority: Text(100).meta({ privacy: 'public', description: '处罚机关' }),
    authorityCreditCode: creditCodeSchema().meta({ privacy: 'public', description: '处罚机关统一社会信用代码' }),
    legalRepresentative: z.strictObject({ name: Text(50).meta({ privacy: 'individual', description: '法定代表人姓名' }), idDocument: IdDocument.optional() }).optional(),
    remarks: Remarks,
  })
  .superRefine((r, ctx) => {
    if (r.categories.includes('fine') && r.fineFen === 0) ctx.addIssue({ code: 'custom', path: ['fineFen'], message: 'must be above 0 when categories include fine' });
    if (!r.categories.includes('fine') && r.fineFen > 0) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'must include fine when fineFen is above 0' });
    if (r.categories.includes('licence-revocation') && !r.revokedLicence) {
      ctx.addIssue({ code: 'custom', path: ['revokedLicence'], message: 'required when categories include licence-revocation' });
    }
    if (r.publicUntil < r.decisionDate) ctx.addIssue({ code: 'custom', path: ['publicUntil'], message: 'cannot be before decisionDate' });
    if (r.validUntil !== undefined && r.validUntil < r.decisionDate) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'cannot be before decisionDate' });
  })
  .meta({ id: 'PenaltyData', title: 'Penalty 行政处罚' });

export const RECORD_DATA = {
  registration: RegistrationData,
  licence: LicenceData,
  filing: FilingData,
  inspection: InspectionData,
  penalty: PenaltyData,
} as const;

export type RegistrationData = z.infer<typeof RegistrationData>;
export type LicenceData = z.infer<typeof LicenceData>;
export type FilingData = z.infer<typeof FilingData>;
export type InspectionData = z.infer<typeof InspectionData>;
export type PenaltyData = z.infer<typeof PenaltyData>;
export type RecordData = { [K in RecordKind]: z.infer<(typeof RECORD_DATA)[K]> };

/** The date a record is filed under in an enterprise's history. */
export function recordDate(kind: RecordKind, data: RecordData[RecordKind]): string {
  const d = data as Record<string, unknown>;
  return String(kind === 'licence' || kind === 'penalty' ? d.decisionDate : d.date);
}

/**
 * Fields shown for a record in a profile, a history page and its event, those public for the
 * enterprise (see summarise in functions/core/summary.ts): never personal or free text; the whole
 * record is at /v1/records/{id}.
 */
export const SUMMARY_FIELDS = {
  registration: ['action', 'date', 'name', 'entityType', 'address', 'regionCode', 'industryCode', 'registeredCapitalFen', 'establishedOn', 'businessScope', 'authority'],
  licence: ['documentNumber', 'category', 'certificateName', 'certificateNumber', 'decisionDate', 'validFrom', 'validTo', 'authority', 'catalogueItemCode', 'grantMode', 'status'],
  filing: ['catalogueItemCode', 'filingNumber', 'department', 'date'],
  inspection: ['type', 'department', 'date', 'result', 'public', 'taskId', 'commitment'],
  penalty: ['decisionNumber', 'violationType', 'categories', 'fineFen', 'confiscationFen', 'decisionDate', 'publicUntil', 'authority'],
} as const satisfies { [K in RecordKind]: readonly (keyof RecordData[K])[] };

const SourceId = z
  .string()
  .normalize('NFKC')
  .regex(/^[\p{L}\p{N}._:/-]{1,100}$/u, 'letters, digits and . _ : / - only, at most 100')
  .meta({ description: "the posting department's own id for this record; with the department it identifies the record (compared after NFKC normalisation)" });

/**
 * The fields that say when something happened. None may lie further in the future than the
 * exchange allows (a mistyped 2206 would otherwise shadow the real record for good); validity
 * ends and publication ends may.
 */
export const EVENT_DATE_FIELDS = {
  registration: ['date', 'establishedOn'],
  licence: ['decisionDate'],
  filing: ['date'],
  inspection: ['date'],
  penalty: ['decisionDate'],
} as const satisfies { [K in RecordKind]: readonly (keyof RecordData[K])[] };

/**
 * Who a record is about: a credit code, except that a licence or penalty may instead name a
 * natural person (with an identity document) or an individual business by its registration
 * number. A natural person has no credit code.
 */
function partyRules(r: { kind: RecordKind; creditCode?: string; data: unknown }, ctx: z.core.$RefinementCtx) {
  const party = r.kind === 'licence' || r.kind === 'penalty' ? (r.data as { party?: Party }).party : undefined;
  if (party?.category === 'natural-person' && r.creditCode !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['creditCode'], message: 'a natural person has no credit code: leave it out and give data.party.idDocument' });
  }
  if (r.creditCode !== undefined) return;
  if (party?.category === 'natural-person') return;
  if (party?.category === 'individual-business' && party.registrationNumber) return;
  const message = r.kind === 'licence' || r.kind === 'penalty' ? 'required, unless data.party is a natural person or an individual business with its registrationNumber' : 'required';
  ctx.addIssue({ code: 'custom', path: ['creditCode'], message, params: { rule: 'required' } });
}

/**
 * Builds the envelope schema from what varies: the credit code exception list, and the latest
 * date (YYYY-MM-DD) an event date may carry.
 */
export function recordInputSchema(exceptions: CreditCodeExceptions = NO_EXCEPTIONS, latestDate?: string) {
  const common = {
    sourceId: SourceId,
    creditCode: creditCodeSchema(exceptions).optional().meta({
      description:
        'unified social credit code of the enterprise the record is about; a licence or penalty about a natural person, or an individual business known only by its registration number, has none and names its party instead',
    }),
    department: z.string().optional().meta({ description: 'posting department; if given it must be the caller’s own (a client cannot post as another department)' }),
    corrects: z.int().min(1).optional().meta({ description: 'the version this post corrects; required to change a record already accepted' }),
  };
  return z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('registration'), ...common, data: RegistrationData }),
      z.strictObject({ kind: z.literal('licence'), ...common, data: LicenceData }),
      z.strictObject({ kind: z.literal('filing'), ...common, data: FilingData }),
      z.strictObject({ kind: z.literal('inspection'), ...common, data: InspectionData }),
      z.strictObject({ kind: z.literal('penalty'), ...common, data: PenaltyData }),
    ])
    .superRefine((r, ctx) => {
      partyRules(r, ctx);
      if (latestDate === undefined) return;
      const data = r.data as Record<string, unknown>;
      for (const field of EVENT_DATE_FIELDS[r.kind]) {
        const value = data[field];
        if (typeof value === 'string' && value > latestDate) {
          ctx.addIssue({ code: 'custom', path: ['data', field], message: `lies in the future: ${value} is after ${latestDate}, the latest date accepted`, params: { rule: 'future-date' } });
        }
      }
    });
}

export const RecordInput = recordInputSchema().meta({ id: 'RecordInput', title: 'A record as a department posts it' });
export type RecordInput = z.infer<typeof RecordInput>;

export const Warning = z
  .strictObject({ path: z.string(), code: z.string(), message: z.string() })
  .meta({ id: 'Warning', description: 'accepted, but worth a look (e.g. a wrong inner check character, a retired region code)' });
export type Warning = z.infer<typeof Warning>;

export const Provenance = z
  .strictObject({
    department: z.string().meta({ description: 'department that posted the version' }),
    clientId: z.string().meta({ description: 'API client that posted it' }),
    receivedAt: z.iso.datetime().meta({ description: 'when the exchange accepted it' }),
    contentHash: z.string().optional().meta({
      description:
        'fingerprint of the canonical JSON of kind, creditCode and data: `hmac-sha256:` and an HMAC under a key only the exchange holds (versions stored before it: a bare SHA-256); shown only to callers with personal:read',
    }),
  })
  .meta({ id: 'Provenance' });

export const SourceUnit = z
  .strictObject({
    department: z.string().meta({ description: 'department id' }),
    name: z.string().meta({ description: '数据来源单位 (XK_LYDW / CF_SJLY)' }),
    creditCode: z.string().optional().meta({ description: '数据来源单位统一社会信用代码 (XK_LYDWDM / CF_SJLYDM), where the directory knows it' }),
    region: z.string().meta({ description: 'GB/T 2260 code of the area it serves' }),
    parent: z.string().optional().meta({ description: 'the department above it' }),
  })
  .meta({ id: 'SourceUnit', description: '数据来源单位: the posting department as the department directory described it when the record arrived' });

export const RecordVersion = z
  .strictObject({
    id: z.string().meta({ description: 'exchange record id, stable across versions' }),
    version: z.int().min(1),
    kind: RecordKindSchema,
    creditCode: z.string(),
    sourceId: z.string(),
    corrects: z.int().optional().meta({ description: 'the version this one corrected' }),
    supersededBy: z.int().optional().meta({ description: 'present when a later version corrected this one' }),
    data: z.record(z.string(), z.unknown()).meta({ description: 'the record body of its kind; personal fields masked unless allowed' }),
    warnings: z.array(Warning),
    provenance: Provenance,
    sourceUnit: SourceUnit.optional(),
  })
  .meta({ id: 'RecordVersion', title: 'One version of a record' });
export type RecordVersion = z.infer<typeof RecordVersion>;

export const RecordWithVersions = RecordVersion.extend({
  versions: z.array(RecordVersion).meta({ description: 'every version, newest first (the first is the current one)' }),
}).meta({ id: 'RecordWithVersions' });

export const BATCH_LIMIT = 100;
export const BatchRequest = z
  .strictObject({
    records: z
      .array(z.unknown().meta({ $ref: '#/components/schemas/RecordInput' }))
      .min(1)
      .max(BATCH_LIMIT)
      .meta({ description: `1-${BATCH_LIMIT} records, each a RecordInput` }),
  })
  .meta({ id: 'BatchRequest' });

/** Finding a party without a credit code (POST, so an identity document number never sits in a URL or a log line). */
export const PartyLookup = z
  .strictObject({
    registrationNumber: z
      .string()
      .regex(/^[0-9]{13}([0-9]{2})?$/, '13 or 15 digits')
      .optional()
      .meta({ description: '工商注册号 of an individual business without a credit code' }),
    idDocument: IdDocument.optional().meta({ description: 'identity document of a natural person' }),
  })
  .refine((b) => (b.registrationNumber === undefined) !== (b.idDocument === undefined), { message: 'give exactly one of registrationNumber and idDocument', path: ['registrationNumber'] })
  .meta({ id: 'PartyLookup' });
