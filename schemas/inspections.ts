/**
 * 双随机、一公开 random inspections: plans as a supervising department creates them, the holiday
 * calendar administrators keep, and the public (一公开) views of plans, draws and results.
 */
import { z } from 'zod';
import { CatalogueItemCode, IsoDate, pageOf, pageQuery, personal, Text } from './common';

const CreditCode = z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'must be a unified social credit code');
const Department = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be a department id (lowercase letters, digits, hyphen)');
const BasisPoints = z.int().min(0).max(10_000).meta({ description: 'basis points (1/10000): 500 draws 5%' });
const Field = Text(50).meta({ description: '专业领域: a field of law enforcement, e.g. 食品安全' });

export const RosterInspectorInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,50}$/, 'letters, digits, dot, underscore or hyphen, at most 50')
      .meta({ description: "the department's own id of the inspector; public" }),
    name: Text(50).meta({ description: '姓名: public by law' }),
    certificate: Text(50).meta({ description: '执法证号: law-enforcement certificate number, public by law' }),
    department: Department.meta({ description: "the inspector's department; one of the plan's departments" }),
    fields: z.array(Field).min(1).max(10),
    conflicts: z.array(CreditCode).max(1000).default([]).meta({ description: '回避: enterprises the inspector declared a conflict of interest with' }),
    phone: personal(Text(30), '联系电话: contact phone').optional(),
  })
  .meta({ id: 'RosterInspectorInput', title: 'Inspector 执法检查人员' });

const Ratios = z
  .strictObject({ A: BasisPoints, B: BasisPoints, C: BasisPoints, D: BasisPoints, unrated: BasisPoints })
  .meta({ description: 'sampling ratio per credit risk class (企业信用风险分类); unrated: enterprises without a class' });

export const PlanCreate = z
  .strictObject({
    title: Text(200).meta({ description: '抽查计划名称' }),
    catalogueItemCodes: z.array(CatalogueItemCode).min(1).max(50).meta({ description: 'the permit catalogue items inspected (抽查事项); the previous plan of an item excludes its inspectors' }),
    regionPrefixes: z
      .array(z.string().regex(/^\d{2,6}$/, 'must be 2-6 leading digits of a GB/T 2260 code'))
      .min(1)
      .max(20)
      .meta({ description: 'GB/T 2260 prefixes of the registered address of the enterprises in the pool' }),
    industryPrefixes: z
      .array(z.string().regex(/^([A-T]|\d{2,4})$/, 'must be a GB/T 4754 section letter or 2-4 leading digits'))
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'GB/T 4754 prefixes of the registered industry; any if absent' }),
    inspectBy: IsoDate.meta({ description: '检查截止日期: inspections are done by this date; results are due 20 working days after it' }),
    ratios: Ratios,
    inspectorsPerTask: z.int().min(1).max(4).default(2).meta({ description: 'inspectors per drawn enterprise' }),
    requiredFields: z.array(Field).max(10).default([]).meta({ description: 'fields the team must cover together' }),
    departments: z
      .array(Department)
      .min(1)
      .max(10)
      .optional()
      .meta({ description: "participating departments; several make a joint plan (部门联合双随机) with mixed teams; default the caller's own" }),
    roster: z.array(RosterInspectorInput).min(1).max(2000).meta({ description: '执法人员名录' }),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.roster.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['roster', i, 'id'], message: `inspector ${r.id} is listed twice` });
      seen.add(r.id);
      if (p.departments && !p.departments.includes(r.department)) ctx.addIssue({ code: 'custom', path: ['roster', i, 'department'], message: 'is not one of the plan’s departments' });
    });
    if (p.roster.length < p.inspectorsPerTask) ctx.addIssue({ code: 'custom', path: ['roster'], message: `needs at least ${p.inspectorsPerTask} inspectors` });
  })
  .meta({ id: 'PlanCreate', title: 'Random inspection plan 双随机抽查计划' });
export type PlanCreate = z.infer<typeof PlanCreate>;

const Commitment = z.string().meta({ description: 'SHA-256 (hex) of the plan’s secret, published when the plan was created' });
const ResultDue = z.strictObject({ dueDate: IsoDate, overdueAfter: z.string(), provisional: z.boolean() });

export const PublicInspector = z.strictObject({ id: z.string(), name: z.string(), certificate: z.string(), department: z.string(), fields: z.array(z.string()) });

export const PublicPlan = z
  .strictObject({
    id: z.string(),
    department: z.string().meta({ description: 'organising department' }),
    title: z.string(),
    status: z.enum(['created', 'fixed', 'drawn']).meta({ description: 'created: committed; fixed: pool and roster frozen; drawn: secret revealed, tasks out' }),
    commitment: Commitment,
    committedAt: z.string().meta({ description: 'when the commitment was published: before any pool existed' }),
    coverage: z.strictObject({
      catalogueItems: z.array(z.strictObject({ code: z.string(), name: z.string(), inspectionFrequency: z.string().optional() })),
      regionPrefixes: z.array(z.string()),
      industryPrefixes: z.array(z.string()).optional(),
    }),
    inspectBy: IsoDate,
    rules: z.strictObject({ ratios: z.record(z.string(), z.int()), inspectorsPerTask: z.int(), requiredFields: z.array(z.string()), departments: z.array(z.string()) }),
    roster: z.array(PublicInspector).meta({ description: 'names and certificate numbers are public; nothing personal' }),
    pool: z
      .strictObject({ hash: z.string(), size: z.int(), counts: z.record(z.string(), z.int()), rosterHash: z.string(), fixedAt: z.string(), previousPlans: z.array(z.string()) })
      .optional()
      .meta({ description: 'the frozen pool snapshot and roster, once fixed' }),
    draw: z
      .strictObject({
        drawnAt: z.string(),
        secret: z.string().meta({ description: 'the revealed secret: SHA-256 of it is the commitment' }),
        seed: z.string(),
        tasks: z.int(),
        unassigned: z.int(),
        resultDue: ResultDue,
        documentParts: z.int(),
        document: z.string().meta({ description: 'path of the draw document' }),
      })
      .optional(),
  })
  .meta({ id: 'PublicPlan', title: 'Plan 抽查计划 (public)' });

/** The organising department's view adds what stays inside the department: each inspector's conflicts and personal data (masked without personal:read). */
export const Plan = PublicPlan.extend({
  roster: z.array(PublicInspector.extend({ conflicts: z.array(z.string()), phone: z.string().optional() })),
}).meta({ id: 'Plan', title: 'Plan 抽查计划' });

export const PlanListingSchema = z.strictObject({ id: z.string(), department: z.string(), title: z.string(), commitment: Commitment, createdAt: z.string() }).meta({ id: 'PlanListing' });
export const PlanPage = pageOf(PlanListingSchema, 'PlanPage');
export const PlanListQuery = z.strictObject({ department: Department.meta({ description: 'organising department' }), ...pageQuery(50) });
export const PageQuery = z.strictObject({ ...pageQuery(100) });
export const DocumentQuery = z.strictObject({
  part: z.coerce.number().int().min(0).optional().meta({ description: 'only this part (0-based) of the document text; concatenating all parts gives the document' }),
});

export const Task = z
  .strictObject({
    id: z.string().meta({ description: '<planId>.<creditCode>: name it as taskId in the inspection record' }),
    planId: z.string(),
    creditCode: z.string(),
    riskClass: z.enum(['A', 'B', 'C', 'D', 'unrated']),
    inspectors: z.array(z.strictObject({ id: z.string(), name: z.string(), certificate: z.string(), department: z.string() })),
    departments: z.array(z.string()),
    status: z.enum(['open', 'closed', 'unassigned']).meta({ description: 'unassigned: no team could be drawn without breaking an exclusion' }),
    resultDue: ResultDue,
    result: z
      .strictObject({ recordId: z.string(), department: z.string(), date: IsoDate, result: z.string(), postedAt: z.string(), late: z.boolean() })
      .optional()
      .meta({ description: 'the posted inspection record (public results only in the public listing)' }),
    escalatedAt: z.string().optional(),
  })
  .meta({ id: 'InspectionTask', title: 'Task 检查任务' });
export const TaskPage = pageOf(Task, 'TaskPage');

const Holiday = z.strictObject({ name: Text(50), nameZh: Text(20), from: IsoDate, to: IsoDate });
export const CalendarYearInput = z
  .strictObject({
    notice: Text(200).meta({ description: 'title of the State Council General Office notice (国务院办公厅关于部分节假日安排的通知)' }),
    number: Text(50).meta({ description: 'document number, e.g. 国办发明电〔2025〕7号' }),
    issued: IsoDate,
    holidays: z.array(Holiday).max(20),
    workingWeekends: z.array(IsoDate).max(20).meta({ description: '调休上班: Saturdays and Sundays that are working days' }),
  })
  .meta({ id: 'CalendarYear', title: 'Holiday calendar of one year 节假日安排' });
export const Calendar = z
  .strictObject({
    years: z.record(z.string(), CalendarYearInput.extend({ source: z.enum(['shipped', 'administrator']), updatedAt: z.string().optional(), updatedBy: z.string().optional() })),
  })
  .meta({ id: 'HolidayCalendar' });
