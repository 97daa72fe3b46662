/** Lambda entry point of the scheduled overdue job: escalates notifications nobody acknowledged in time. */
import { escalateOverdue } from '../core/overdue';
import { lambdaPorts } from '../runtime';

const ports = lambdaPorts();

export async function handler(): Promise<{ escalated: number }> {
  const result = await escalateOverdue(ports);
  console.log(JSON.stringify({ level: 'info', message: 'overdue job', ...result }));
  return result;
}
