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

const ports = lambdaPorts();
const credit = creditConfig();

export async function handler(): Promise<{ escalated: number; tasksEscalated: number; rechecked: number; credit: Awaited<ReturnType<typeof runCreditDue>> }> {
  const result = { ...(await overdueJob(ports)), ...(await recheckCovers(ports)), credit: await runCreditDue(ports, credit) };
  console.log(JSON.stringify({ level: 'info', message: 'overdue job', ...result }));
  return result;
}
