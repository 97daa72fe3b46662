/**
 * Problem data (问题数据处理) as a department answers it: its items listed by status and check, one
 * item read, and an explanation that closes an item. A department sees and answers only its own
 * items; a supervisor (notifications:oversee) may list any department's.
 */
import { ProblemExplanation, type ProblemDataQuery } from '../../schemas/problem-data';
import { requireScope } from './clients';
import { cursorBinding, sealPage } from './cursor';
import { forbidden, invalidInput, notFound } from './errors';
import { WRITE_SCOPES, type ApiClient } from './model';
import type { Page, Ports } from './ports';
import { CHECK_NAMES, type ProblemItem } from './problem-items';
import { parseOrThrow } from './validation';

/** A department's own problem data: it posts records or reads its inbox, where the items arrive. */
function requireOwnReader(client: ApiClient) {
  if (!client.scopes.includes('inbox:read') && !Object.values(WRITE_SCOPES).some((s) => client.scopes.includes(s))) {
    throw forbidden(`client ${client.clientId} neither posts records nor reads the inbox of ${client.department}`);
  }
}

export async function listProblemData(ports: Ports, client: ApiClient, q: ProblemDataQuery): Promise<Page<ProblemItem>> {
  const department = q.department ?? client.department;
  if (department === client.department) requireOwnReader(client);
  else requireScope(client, 'notifications:oversee');
  const binding = cursorBinding('problem-data', client.clientId, department, q.status, q.kind);
  const cursor = q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding);
  return sealPage(ports.cursors, await ports.problemData.list(department, q.status, q.kind ? [q.kind] : CHECK_NAMES, cursor, q.limit), binding);
}

/** One of the department's items; another department's is not found, as if it did not exist. */
async function own(ports: Ports, client: ApiClient, id: string) {
  const item = await ports.problemData.get(id);
  if (!item || item.department !== client.department) throw notFound(`no problem item ${id} for department ${client.department}`);
  return item;
}

export async function readProblemData(ports: Ports, client: ApiClient, id: string) {
  requireOwnReader(client);
  return own(ports, client, id);
}

/**
 * Closes an item with the department's explanation (情况说明). Only the posting department, with
 * the scope to post the record's kind, explains; an item closed already stays as it was closed.
 */
export async function explainProblem(ports: Ports, client: ApiClient, id: string, body: unknown) {
  const { reason } = parseOrThrow(ProblemExplanation, body, (errors) => invalidInput('invalid explanation', errors));
  const item = await own(ports, client, id);
  requireScope(client, WRITE_SCOPES[item.kind]);
  if (item.status === 'closed') return item;
  const closed = await ports.problemData.close(id, {
    at: ports.clock.now().toISOString(),
    by: { department: client.department, clientId: client.clientId },
    reason: 'explained',
    explanation: reason,
  });
  return closed ?? item;
}
