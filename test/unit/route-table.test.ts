/**
 * The api routes a request by functions/api/route-table.ts before it loads any route's module; the
 * table must say exactly what the documented route table (ROUTES) says, and each group's module
 * must answer every route of its group, so that what is served and what is documented stay one.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../schemas/api';
import { ROUTE_TABLE, type RouteGroup } from '../../functions/api/route-table';
import { DEFAULT_INGEST_RULES } from '../../functions/core/ingest-rules';
import { memoryPorts } from '../fakes/ports';

describe('the route table the api routes by', () => {
  it('names every documented operation with its method, path and publicity, and no other', () => {
    const documented = Object.fromEntries(Object.entries(ROUTES).map(([id, r]) => [id, { method: r.method, path: r.path, public: 'public' in r && r.public === true }]));
    const routed = Object.fromEntries(Object.entries(ROUTE_TABLE).map(([id, r]) => [id, { method: r.method, path: r.path, public: 'public' in r && r.public === true }]));
    expect(routed).toEqual(documented);
  });

  it('has a module for each group that answers exactly the routes of its group', async () => {
    const groups = [...new Set(Object.values(ROUTE_TABLE).map((r) => r.group))] as RouteGroup[];
    for (const group of groups) {
      const mod = (await import(`../../functions/api/routes/${group}.ts`)) as { handlers: (ctx: unknown) => Record<string, unknown> };
      const handlers = mod.handlers({ ports: memoryPorts(), log: () => {}, options: { ingest: DEFAULT_INGEST_RULES } });
      const expected = Object.entries(ROUTE_TABLE)
        .filter(([, r]) => r.group === group)
        .map(([id]) => id)
        .sort();
      expect({ group, routes: Object.keys(handlers).sort() }).toEqual({ group, routes: expected });
      for (const id of expected) expect(typeof handlers[id]).toBe('function');
    }
  });
});
