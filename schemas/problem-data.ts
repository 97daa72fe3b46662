/** Problem data (问题数据处理): the items fan-out's checks raise, how a department lists them and explains one. */
import { z } from 'zod';
import { PROBLEM_CHECKS } from './problem-checks';
import { LongText, pageOf, pageQuery } from './common';
import { RecordKindSchema } from './records';

const CHECKS = Object.keys(PROBLEM_CHECKS) as [keyof typeof PROBLEM_CHECKS, ...(keyof typeof PROBLEM_CHECKS)[]];
const checkList = Object.entries(PROBLEM_CHECKS)
  .map(([k, v]) => `${k} ${v}`)
  .join(' / ');
export const ProblemCheckSchema = z.enum(CHECKS).meta({ description: `the check that found it: ${checkList}` });

export const ProblemDataItem = z
  .strictObject({
    id: z.string().meta({ description: 'pd_<record>_<version>_<check>: the same finding always has the same id' }),
    department: z.string().meta({ description: 'the department that posted the record and is to correct or explain it' }),
    recordId: z.string(),
    version: z.int().min(1).meta({ description: 'the version of the record the finding is about' }),
    kind: RecordKindSchema,
    creditCode: z.string().meta({ description: 'the party the record is about' }),
    check: ProblemCheckSchema,
    finding: z.string().meta({ description: 'what was found, in words' }),
    facts: z.record(z.string(), z.string()).meta({ description: 'the public facts the finding rests on (catalogue item, deregistration date, revoked licence number)' }),
    status: z.enum(['open', 'closed']),
    raisedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().optional(),
    closure: z
      .strictObject({
        at: z.iso.datetime(),
        by: z.strictObject({ department: z.string(), clientId: z.string() }).meta({ description: 'who closed it: the client that posted the later version, or that explained' }),
        reason: z.enum(['corrected', 'superseded', 'explained', 'registered']).meta({
          description:
            'corrected: a later version passes the check / superseded: a later version fails it too and has an item of its own / explained: the department explained / registered: the enterprise’s registration arrived (unknown-enterprise)',
        }),
        version: z.int().optional().meta({ description: 'the version that closed it' }),
        registrationRecordId: z.string().optional().meta({ description: 'the registration whose arrival closed it (registered)' }),
        explanation: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'ProblemDataItem', title: 'Problem item 问题数据' });

export const ProblemDataQuery = z.strictObject({
  status: z.enum(['open', 'closed']).default('open').meta({ description: 'open (newest raised first) or closed (most recently closed first); open if absent' }),
  kind: ProblemCheckSchema.optional().meta({ description: `only items of this check: ${checkList}` }),
  department: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,31}$/, 'a department id: lower-case letters, digits and hyphens, 2-32')
    .optional()
    .meta({ description: 'another department’s items (needs notifications:oversee); the caller’s own if absent' }),
  ...pageQuery(50),
});
export type ProblemDataQuery = z.infer<typeof ProblemDataQuery>;

export const ProblemExplanation = z
  .strictObject({ reason: LongText(1000).meta({ description: 'why the record stands as posted (说明理由), 1-1000 characters' }) })
  .meta({ id: 'ProblemExplanation', title: 'Explanation 情况说明' });

export const ProblemDataPage = pageOf(ProblemDataItem, 'ProblemDataPage');
