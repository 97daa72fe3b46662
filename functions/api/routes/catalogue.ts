/** The permit catalogue (public reads, versions), unmatched scope phrases, the claim pool and uncovered enterprises. */
import { ROUTES } from '../../../schemas/api';
import { claimNotice, listPool, passNotice } from '../../core/claims';
import { addCatalogueVersion, listUnmatchedPhrases, readCatalogue, readCatalogueChanges, readCatalogueCsv, readCatalogueItem, readQuota } from '../../core/permits';
import { listUncovered } from '../../core/uncovered';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'catalogue'>['handlers'] = ({ ports }) => ({
  getCatalogue: async (c) => {
    const q = parseQuery(c, ROUTES.getCatalogue.query);
    if (q.format === 'csv') return c.body(await readCatalogueCsv(ports, q.asOf), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(await readCatalogue(ports, q.asOf));
  },
  getCatalogueChanges: async (c) => {
    const q = parseQuery(c, ROUTES.getCatalogueChanges.query);
    return c.json(await readCatalogueChanges(ports, q.cursor, q.limit));
  },
  getCatalogueItem: async (c) => c.json(await readCatalogueItem(ports, c.req.param('code') ?? '')),
  getQuota: async (c) => c.json(await readQuota(ports, c.req.param('code') ?? '')),
  addCatalogueVersion: async (c) => c.json(await addCatalogueVersion(ports, c.get('client'), c.req.param('code') ?? '', await jsonBody(c)), 201),
  listUnmatchedPhrases: async (c) => {
    const q = parseQuery(c, ROUTES.listUnmatchedPhrases.query);
    return c.json(await listUnmatchedPhrases(ports, c.get('client'), q.cursor, q.limit));
  },
  listClaimPool: async (c) => c.json(await listPool(ports, c.get('client'), parseQuery(c, ROUTES.listClaimPool.query))),
  claimNotice: async (c) => c.json(await claimNotice(ports, c.get('client'), c.req.param('id') ?? '')),
  passNotice: async (c) => c.json(await passNotice(ports, c.get('client'), c.req.param('id') ?? '')),
  listUncovered: async (c) => c.json(await listUncovered(ports, c.get('client'), parseQuery(c, ROUTES.listUncovered.query))),
});
