/**
 * Statistics per department and quarter (部门统计), the plan's quarterly assessment: records
 * provided and corrected, notifications received, acknowledged in time or late, overdue, feedback
 * given, as counters.ts keeps them where each event is handled; read without scanning anything.
 */
import { requireScope } from './clients';
import { quarterOf } from './counters';
import type { ApiClient, Counts } from './model';
import type { Ports } from './ports';

const view = (department: string, quarter: string, counts: Counts) => ({ department, quarter, ...counts });

/** The calling department's own counts for a quarter (the current one by default). */
export async function readStatistics(ports: Ports, client: ApiClient, quarter = quarterOf(ports.clock.now())) {
  const counts = await ports.statistics.read([client.department], quarter);
  return view(client.department, quarter, counts.get(client.department) as Counts);
}

/** Every department's counts for a quarter, for a supervisor: departments with a client or a directory entry. */
export async function readAllStatistics(ports: Ports, client: ApiClient, quarter = quarterOf(ports.clock.now())) {
  requireScope(client, 'notifications:oversee');
  const [clients, entries] = await Promise.all([ports.clients.list(), ports.departments.list()]);
  const departments = [...new Set([...clients.map((c) => c.department), ...entries.map((e) => e.department)])].sort();
  const counts = await ports.statistics.read(departments, quarter);
  return { quarter, items: departments.map((d) => view(d, quarter, counts.get(d) as Counts)) };
}
