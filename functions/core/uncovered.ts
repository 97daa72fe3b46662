/** The supervisor's list of enterprises whose needed permits are uncovered (证照匹配), read from the uncovered index. */
import { countyDivisions } from '../../schemas/refdata/index';
import { chinaToday } from './catalogue-cache';
import { requireScope } from './clients';
import { daysBefore } from './cover';
import { cursorBinding, decodeCursor, encodeCursor } from './cursor';
import { badRequest } from './errors';
import type { ApiClient } from './model';
import type { Page, Ports } from './ports';

/**
 * Enterprises in a region (2-6 leading GB/T 2260 digits) with a 许可项目 uncovered for more than
 * `days` days, longest first within each district, district after district. One page reads the
 * uncovered index only; its cursor says which district and where in it the page stopped.
 */
export async function listUncovered(ports: Ports, client: ApiClient, q: { region: string; days: number; cursor?: string; limit: number }) {
  requireScope(client, 'cover:read');
  const districts = q.region.length === 6 ? [q.region] : countyDivisions(q.region);
  if (districts.length === 0)
    throw badRequest('no district has that region prefix', [{ path: 'region', message: `${q.region} is the prefix of no current GB/T 2260 county-level division`, code: 'unknown-region' }]);
  const onOrBefore = daysBefore(chinaToday(ports.clock), q.days);
  const binding = cursorBinding('uncovered', client.clientId, q.region, String(q.days));
  let at = 0;
  let inner: string | undefined;
  if (q.cursor) {
    const pos = decodeCursor(ports.cursors.open(q.cursor, binding), (p) => {
      const c = p as { r?: unknown; c?: unknown };
      return typeof c?.r === 'string' && districts.includes(c.r) && (c.c === undefined || typeof c.c === 'string') ? { r: c.r, c: c.c as string | undefined } : undefined;
    });
    at = districts.indexOf(pos.r);
    inner = pos.c;
  }
  const items: Page<unknown>['items'] = [];
  let next: string | undefined;
  while (at < districts.length) {
    const page = await ports.cover.uncovered(districts[at], onOrBefore, inner, q.limit - items.length);
    items.push(...page.items);
    if (page.next) {
      if (items.length >= q.limit) {
        next = ports.cursors.seal(encodeCursor({ r: districts[at], c: page.next }), binding);
        break;
      }
      inner = page.next;
      continue;
    }
    at++;
    inner = undefined;
    if (items.length >= q.limit) {
      if (at < districts.length) next = ports.cursors.seal(encodeCursor({ r: districts[at] }), binding);
      break;
    }
  }
  return { region: q.region, days: q.days, uncoveredOnOrBefore: onOrBefore, items, ...(next ? { next } : {}) };
}
