/**
 * Lambda entry point of the scheduled job: escalates notifications nobody acknowledged and
 * inspection results nobody posted in time, and handles what credit has due today (list expiries,
 * three-year proposals, overdue commitment steps, risk class reviews).
 */
import { overdueJob } from '../core/overdue';
import { creditConfig } from '../config';
import { runCreditDue } from '../core/credit-reactions';
import { lambdaPorts } from '../runtime';

const ports = lambdaPorts();
const credit = creditConfig();

export async function handler(): Promise<{ escalated: number; tasksEscalated: number; credit: Awaited<ReturnType<typeof runCreditDue>> }> {
  const result = { ...(await overdueJob(ports)), credit: await runCreditDue(ports, credit) };
  console.log(JSON.stringify({ level: 'info', message: 'overdue job', ...result }));
  return result;
}
