/** Lambda entry point of the scheduled overdue job: escalates notifications nobody acknowledged and inspection results nobody posted in time. */
import { overdueJob } from '../core/overdue';
import { lambdaPorts } from '../runtime';

const ports = lambdaPorts();

export async function handler(): Promise<{ escalated: number; tasksEscalated: number }> {
  const result = await overdueJob(ports);
  console.log(JSON.stringify({ level: 'info', message: 'overdue job', ...result }));
  return result;
}
