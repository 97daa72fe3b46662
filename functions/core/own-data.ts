/**
 * A department's own data, as the national collaboration platform gives it (信息提供): the records
 * it posted, by kind and date, a page at a time, from the index of what each department posted.
 */
import type { PostedQuery } from '../../schemas/api';
import { cursorBinding, sealPage } from './cursor';
import { forbidden } from './errors';
import { WRITE_SCOPES, type ApiClient, type RecordSummary } from './model';
import type { Page, Ports } from './ports';

const view = (r: RecordSummary) => ({ id: r.id, version: r.version, kind: r.kind, creditCode: r.creditCode, date: r.date, postedBy: r.department, receivedAt: r.receivedAt, ...r.summary });

/** The live records the calling department posted, newest date first. Its own data: posting the kind, or reading profiles, is enough. */
export async function listPosted(ports: Ports, client: ApiClient, q: PostedQuery): Promise<Page<ReturnType<typeof view>>> {
  if (!client.scopes.includes(WRITE_SCOPES[q.kind]) && !client.scopes.includes('profiles:read')) {
    throw forbidden(`client ${client.clientId} neither posts ${q.kind} records nor reads profiles`);
  }
  const binding = cursorBinding('posted', client.clientId, q.kind, q.from, q.to);
  const cursor = q.cursor === undefined ? undefined : ports.cursors.open(q.cursor, binding);
  const page = sealPage(ports.cursors, await ports.listings.posted(client.department, q.kind, { from: q.from, to: q.to, cursor, limit: q.limit }), binding);
  return { items: page.items.map(view), ...(page.next ? { next: page.next } : {}) };
}
