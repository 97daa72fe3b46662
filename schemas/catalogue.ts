/**
 * The permit catalogue (涉企经营许可事项清单), the standard business-scope terms (经营范围规范表述)
 * that point into it, and the directory of departments that hold its items. The shipped data in
 * schemas/catalogue/*.json follows these shapes; each file names the edition it was written from.
 */
import { z } from 'zod';
import { CatalogueItemCode, IsoDate, Text } from './common';

import { REFORM_MODES } from './reform-modes';

export { REFORM_MODES, REFORM_MODE_NAMES, type ReformMode } from './reform-modes';
export const ReformModeSchema = z.enum(REFORM_MODES).meta({ description: '改革方式: cancelled 直接取消审批 / filing 审批改为备案 / commitment 实行告知承诺 / optimised 优化审批服务' });

/** The exchange's id of a department, the same id its API clients carry. */
export const DepartmentId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and hyphens, at most 40')
  .meta({ description: 'department id, as on its API clients', examples: ['market'] });

/** A department in the directory: a government body with its place in the hierarchy. */
export const Department = z
  .strictObject({
    id: DepartmentId,
    name: Text(100).meta({ description: '部门全称: official name' }),
    level: z.enum(['district', 'city', 'province']).meta({ description: '层级: district 区县 / city 设区的市 / province 省' }),
    region: z
      .string()
      .regex(/^\d{6}$/)
      .meta({ description: 'GB/T 2260 code of the area it serves' }),
    parent: DepartmentId.optional().meta({ description: 'the body above it in the same line of work (上级主管部门)' }),
  })
  .meta({ id: 'Department', title: 'Department 部门' });
export type Department = z.infer<typeof Department>;

export const DepartmentDirectory = z.strictObject({ edition: Text(500), region: z.string().regex(/^\d{6}$/), departments: z.array(Department).min(1) }).superRefine((d, ctx) => {
  const ids = new Set<string>();
  d.departments.forEach((dep, i) => {
    if (ids.has(dep.id)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: `duplicate department ${dep.id}` });
    ids.add(dep.id);
  });
  d.departments.forEach((dep, i) => {
    if (dep.parent !== undefined && !ids.has(dep.parent)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'parent'], message: `unknown department ${dep.parent}` });
  });
});
export type DepartmentDirectory = z.infer<typeof DepartmentDirectory>;

/** A condition of a commitment, with its measurable threshold where the law gives one. */
const CommitmentCondition = z.strictObject({
  condition: Text(500).meta({ description: '承诺的条件' }),
  quantity: z
    .strictObject({ amount: z.number().nonnegative(), unit: Text(20), bound: z.enum(['min', 'max']) })
    .optional()
    .meta({ description: 'the measurable threshold: at least (min) or at most (max) amount in unit' }),
});

/** 告知承诺书范本: what the applicant commits to, by when, and what a false commitment costs. */
export const CommitmentTemplate = z
  .strictObject({
    conditions: z.array(CommitmentCondition).min(1).meta({ description: '许可条件: the conditions the applicant commits to meet' }),
    deadlineDays: z.int().min(1).optional().meta({ description: '尚未满足条件的补正期限: days to meet conditions not yet met at the decision' }),
    consequences: z.array(Text(500)).min(1).meta({ description: '虚假承诺的法律后果: what follows a false commitment' }),
  })
  .meta({ id: 'CommitmentTemplate', title: 'Commitment template 告知承诺书范本' });

/** One version of an item: what holds from `effectiveFrom` until the next version. */
export const CatalogueItemVersion = z
  .strictObject({
    effectiveFrom: IsoDate.meta({ description: '生效日期: the day this version takes effect' }),
    withdrawn: z.literal(true).optional().meta({ description: 'present when the item leaves the catalogue on effectiveFrom' }),
    name: Text(200).meta({ description: '事项名称' }),
    setBy: z.enum(['central', 'provincial']).meta({ description: '设定层级: central 中央层面设定 / provincial 地方设定 (Zhejiang)' }),
    legalBasis: z.array(Text(300)).min(1).meta({ description: '设定依据: the laws and regulations that set the permit' }),
    competentDepartment: DepartmentId.meta({ description: '主管部门: supervises the trade' }),
    approvingDepartment: DepartmentId.optional().meta({ description: '审批部门 (or the department receiving filings); absent when approval is cancelled' }),
    reformMode: ReformModeSchema,
    certificate: Text(100).optional().meta({ description: '许可证件名称: the certificate a licence under this item is' }),
    measures: z
      .strictObject({
        changes: z.array(Text(500)).optional().meta({ description: '具体改革举措: documents and steps removed, procedures changed' }),
        timeLimitBefore: z.int().min(0).optional().meta({ description: '改革前审批时限, working days' }),
        timeLimitAfter: z.int().min(0).optional().meta({ description: '改革后审批时限, working days' }),
        validity: Text(50).optional().meta({ description: '许可有效期' }),
      })
      .optional(),
    supervision: z.strictObject({
      measures: z.array(Text(300)).min(1).meta({ description: '加强事中事后监管措施' }),
      inspectionFrequency: Text(300).optional().meta({ description: '检查频次' }),
    }),
    quota: z
      .strictObject({
        total: z.int().min(0).optional().meta({ description: '总量: places in total, where a number is published' }),
        layoutPlan: Text(500).meta({ description: '布局规划: how places are planned' }),
        stockBasis: z.literal('valid-licences').meta({ description: 'the stock (存量) is the number of valid licences under the item' }),
      })
      .optional()
      .meta({ description: '数量限制: for items whose places are limited' }),
    commitment: CommitmentTemplate.optional(),
    sources: z.array(z.string().min(1)).min(1).meta({ description: 'ids of the published documents this version follows' }),
  })
  .superRefine((v, ctx) => {
    if (v.reformMode === 'commitment' && !v.commitment) ctx.addIssue({ code: 'custom', path: ['commitment'], message: 'a commitment item carries its commitment template' });
    if (v.reformMode !== 'commitment' && v.commitment) ctx.addIssue({ code: 'custom', path: ['commitment'], message: 'only commitment items carry a commitment template' });
    if (v.reformMode === 'cancelled' && v.approvingDepartment !== undefined) ctx.addIssue({ code: 'custom', path: ['approvingDepartment'], message: 'a cancelled item has no approving department' });
    if (v.reformMode !== 'cancelled' && v.approvingDepartment === undefined) ctx.addIssue({ code: 'custom', path: ['approvingDepartment'], message: 'required unless the item is cancelled' });
  })
  .meta({ id: 'CatalogueItemVersion', title: 'One version of a catalogue item' });
export type CatalogueItemVersion = z.infer<typeof CatalogueItemVersion>;

/** An item of the permit catalogue with its whole history, oldest version first. */
export const CatalogueItem = z
  .strictObject({
    code: CatalogueItemCode,
    versions: z.array(CatalogueItemVersion).min(1),
  })
  .superRefine((item, ctx) => {
    for (let i = 1; i < item.versions.length; i++) {
      if (item.versions[i].effectiveFrom <= item.versions[i - 1].effectiveFrom) {
        ctx.addIssue({ code: 'custom', path: ['versions', i, 'effectiveFrom'], message: 'versions are in effective-date order, one a day at most' });
      }
    }
  })
  .meta({ id: 'CatalogueItem', title: 'Catalogue item 许可事项' });
export type CatalogueItem = z.infer<typeof CatalogueItem>;

const Source = z.strictObject({ id: z.string().min(1), title: Text(300), number: Text(50).optional(), effective: IsoDate.optional() });

export const CatalogueFile = z
  .strictObject({
    edition: Text(1000),
    region: z.string().regex(/^\d{6}$/),
    codeScheme: Text(2000),
    sources: z.array(Source).min(1),
    items: z.array(CatalogueItem).min(1),
  })
  .superRefine((file, ctx) => {
    const sources = new Set(file.sources.map((s) => s.id));
    const codes = new Set<string>();
    file.items.forEach((item, i) => {
      if (codes.has(item.code)) ctx.addIssue({ code: 'custom', path: ['items', i, 'code'], message: `duplicate item ${item.code}` });
      codes.add(item.code);
      item.versions.forEach((v, j) =>
        v.sources.forEach((s, k) => {
          if (!sources.has(s)) ctx.addIssue({ code: 'custom', path: ['items', i, 'versions', j, 'sources', k], message: `unknown source ${s}` });
        }),
      );
    });
  });
export type CatalogueFile = z.infer<typeof CatalogueFile>;

/**
 * What a scope term needs: each entry is required; an entry that is a list is met by any one of
 * its items (e.g. 危险化学品经营 by either the with-storage or the without-storage permit).
 */
export const PermitRequirement = z.union([CatalogueItemCode, z.array(CatalogueItemCode).min(2)]);
export type PermitRequirement = z.infer<typeof PermitRequirement>;

/** A standard business-scope term (经营范围规范表述): 许可项目 (licensed) or 一般项目 (general). */
export const ScopeTerm = z
  .strictObject({
    term: Text(200).meta({ description: '规范表述' }),
    kind: z.enum(['licensed', 'general']).meta({ description: 'licensed 许可项目 / general 一般项目' }),
    permits: z.array(PermitRequirement).min(1).optional().meta({ description: 'catalogue items the term needs (filings for a general term)' }),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'licensed' && !t.permits) ctx.addIssue({ code: 'custom', path: ['permits'], message: 'a licensed term names the catalogue items it needs' });
  })
  .meta({ id: 'ScopeTerm', title: 'Scope term 经营范围规范表述' });
export type ScopeTerm = z.infer<typeof ScopeTerm>;

export const ScopeTermFile = z.strictObject({
  edition: Text(1000),
  source: Text(300),
  permitsRule: Text(500),
  terms: z.array(ScopeTerm).min(1),
});
export type ScopeTermFile = z.infer<typeof ScopeTermFile>;

// ---------------------------------------------------------------------------------------------
// The catalogue as the API serves it

/** An item as it stands on a date: its code with the version in force. */
export const ResolvedItem = z
  .looseObject({ code: CatalogueItemCode })
  .meta({ id: 'ResolvedItem', description: 'a catalogue item: its code and the fields of the version in force (see CatalogueItemVersion)' });

export const CatalogueListing = z.strictObject({ asOf: IsoDate, items: z.array(ResolvedItem) }).meta({ id: 'CatalogueListing', title: 'The permit catalogue on a date' });

export const CatalogueItemHistory = z
  .strictObject({
    code: CatalogueItemCode,
    asOf: IsoDate,
    standing: z.enum(['in-force', 'not-yet-in-force', 'withdrawn', 'unknown']).meta({ description: 'where the item stands today' }),
    versions: z.array(CatalogueItemVersion).meta({ description: 'every version, oldest first' }),
  })
  .meta({ id: 'CatalogueItemHistory' });

export const CatalogueChange = z
  .strictObject({
    code: CatalogueItemCode,
    effectiveFrom: IsoDate,
    at: z.string().meta({ description: 'when the change was recorded' }),
    change: z.enum(['added', 'amended', 'withdrawn']),
    name: z.string(),
    reformMode: z.string(),
    by: z.union([z.strictObject({ department: z.string(), clientId: z.string() }), z.strictObject({ seed: z.string().meta({ description: 'the shipped edition loaded' }) })]),
    note: z.string().optional(),
  })
  .meta({ id: 'CatalogueChange', title: 'A change to the catalogue' });

export const Quota = z
  .strictObject({
    code: CatalogueItemCode,
    name: z.string(),
    asOf: IsoDate,
    total: z.int().optional().meta({ description: '总量, where one is published' }),
    placesLeft: z.int().optional().meta({ description: 'total minus stock, with a total' }),
    stock: z.int().meta({ description: '存量: valid licences under the item today' }),
    layoutPlan: z.string().meta({ description: '布局规划' }),
  })
  .meta({ id: 'Quota', title: 'Quota of an item 数量限制' });

export const UnmatchedPhrase = z
  .strictObject({ phrase: z.string(), count: z.int(), firstSeen: IsoDate, lastSeen: IsoDate })
  .meta({ id: 'UnmatchedPhrase', description: 'a registration scope phrase no standard term matched' });

const CoverItem = z.strictObject({ code: z.string(), name: z.string(), reformMode: ReformModeSchema });
const CoverEntry = z.strictObject({
  items: z.array(CoverItem).meta({ description: 'the alternatives, any one of which meets the need' }),
  terms: z.array(z.string()).meta({ description: 'the scope terms that need it' }),
  coveredBy: z.strictObject({ kind: z.enum(['licence', 'filing']), itemCode: z.string() }).optional(),
});
export const PermitCover = z
  .strictObject({ covered: z.array(CoverEntry), uncovered: z.array(CoverEntry), notRequired: z.array(CoverEntry).meta({ description: 'needs whose items are all cancelled' }) })
  .meta({ id: 'PermitCover', title: 'Licence cover 证照匹配', description: 'each 许可项目 need of the latest registration, judged today' });

export const UncoveredEnterprise = z
  .strictObject({
    creditCode: z.string(),
    region: z.string(),
    uncoveredSince: IsoDate,
    uncovered: z.array(z.string()).meta({ description: 'the uncovered needs, each as its alternative item codes joined by |' }),
  })
  .meta({ id: 'UncoveredEnterprise' });

export const CatalogueVersionInput = z
  .strictObject({
    version: CatalogueItemVersion,
    note: Text(500).optional().meta({ description: 'why the item changes, shown in the change list' }),
  })
  .meta({ id: 'CatalogueVersionInput', title: 'A new version of a catalogue item' });
