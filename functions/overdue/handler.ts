/**
 * Lambda entry point of the scheduled job: escalates notifications nobody acknowledged and
 * inspection results nobody posted in time, handles what credit has due today (list expiries,
 * three-year proposals, overdue commitment steps, risk class reviews), and looks again at licence
 * covers whose licences expired or started (the recheck index).
 */
import { recheckCovers } from '../core/cover';
import { overdueJob } from '../core/overdue';
import { creditConfig } from '../config';
import { runCreditDue } from '../core/credit-reactions';
import { lambdaPorts } from '../runtime';
import { consoleSink, emfLine, invocationFields, METRICS } from '../telemetry';
import type { Context } from 'aws-lambda';

const ports = lambdaPorts();
const credit = creditConfig();

/** Logs what it did as one EMF line: `OverdueEscalations` counts notifications and inspection tasks escalated. */
export async function handler(
  _event?: unknown,
  context?: Pick<Context, 'awsRequestId' | 'functionName'>,
): Promise<{ escalated: number; tasksEscalated: number; rechecked: number; credit: Awaited<ReturnType<typeof runCreditDue>> }> {
  const result = { ...(await overdueJob(ports)), ...(await recheckCovers(ports)), credit: await runCreditDue(ports, credit) };
  consoleSink(
    emfLine([{ name: METRICS.overdueEscalations, unit: 'Count', value: result.escalated + result.tasksEscalated }], {}, [[]], {
      level: 'info',
      message: 'overdue job',
      ...invocationFields(context),
      ...result,
    }),
  );
  return result;
}
