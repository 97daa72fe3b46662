/**
 * Finding an enterprise by name (名称查询): a prefix of its registered name, or of a former name
 * after a change of name, a page at a time from the name index fan-out keeps (see "Name index" in
 * functions/store/table.ts), never a scan. Every enterprise shown is logged as read.
 */
import type { NameSearchQuery } from '../../schemas/api';
import { requireScope } from './clients';
import { cursorBinding, sealPage } from './cursor';
import { badRequest } from './errors';
import type { ApiClient } from './model';
import type { Ports } from './ports';
import { logReads } from './compare';
import { requirePurpose } from './profile';
import { personalIfIndividual } from './summary';
import { normaliseName } from './name-key';

/** A query needs this many characters: the index is partitioned by the first two. */
export const MIN_PREFIX = 2;

export async function searchByName(ports: Ports, client: ApiClient, q: NameSearchQuery, purpose: string | undefined) {
  requireScope(client, 'profiles:read');
  const why = requirePurpose(purpose);
  const prefix = normaliseName(q.name);
  if ([...prefix].length < MIN_PREFIX) throw badRequest('the name is too short to search by', [{ path: 'name', message: `give at least ${MIN_PREFIX} characters of the name`, code: 'too-short' }]);
  const binding = cursorBinding('names', client.clientId, prefix);
  const page = sealPage(ports.cursors, await ports.names.search(prefix, q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding), q.limit), binding);
  // An individual business's name is often its operator's: found by name only with personal:read.
  const hits = client.scopes.includes('personal:read') ? page.items : page.items.filter((h) => !personalIfIndividual(h.creditCode));
  const entries = await ports.directory.getMany(hits.map((h) => h.creditCode));
  const at = ports.clock.now().toISOString();
  await logReads(
    ports,
    [...new Set(hits.map((h) => h.creditCode))].map((creditCode) => ({ creditCode, at, clientId: client.clientId, department: client.department, purpose: why, resource: 'name-search' })),
  );
  const items = hits.map((h) => {
    const e = entries.get(h.creditCode);
    const name = e?.name ?? h.name;
    return {
      creditCode: h.creditCode,
      name,
      matchedName: h.name,
      former: normaliseName(name) !== normaliseName(h.name),
      status: !e?.asOf ? 'unregistered' : e.registered ? 'active' : 'deregistered',
      regionCode: e?.regionCode ?? null,
    };
  });
  return { items, ...(page.next ? { next: page.next } : {}) };
}
