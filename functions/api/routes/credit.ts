/** Credit (信用): lists and their change feed, the check in approval, proposals, reports of measures, risk classes, commitments. */
import type { Context } from 'hono';
import { ROUTES } from '../../../schemas/api';
import { SnapshotQuery } from '../../../schemas/credit';
import { declineRevocation, readCommitment } from '../../core/commitments';
import { addEntry, creditCheck, listHistory, listReports, listRisk, parseList, readFeed, readProposal, readSnapshot, rejectProposal, removeEntry, reportMeasure } from '../../core/credit';
import { DEFAULT_CREDIT } from '../../core/credit-rules';
import type { ApiClient } from '../../core/model';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'credit'>['handlers'] = ({ ports, options }) => {
  const credit = options.credit ?? DEFAULT_CREDIT;
  const list = (c: Context) => parseList(c.req.param('list') ?? '');
  const snapshot = async (c: Context, client: ApiClient | undefined) => {
    const named = list(c);
    const q = parseQuery(c, SnapshotQuery);
    const page = await readSnapshot(ports, client, named, q);
    if (q.format === 'json') return c.json(page);
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', 'x-follow-from': page.followFrom, ...(page.next ? { 'x-next-cursor': page.next } : {}) };
    return c.body(page.items.map((e) => JSON.stringify(e) + '\n').join(''), 200, headers);
  };
  return {
    getPublicList: (c) => snapshot(c, undefined),
    getPublicListHistory: async (c) => c.json(await listHistory(ports, list(c), c.req.param('creditCode') ?? '')),
    getPublicCommitment: async (c) => c.json(await readCommitment(ports, c.req.param('id') ?? '')),
    getList: (c) => snapshot(c, c.get('client')),
    getListChanges: async (c) => c.json(await readFeed(ports, c.get('client'), list(c), parseQuery(c, ROUTES.getListChanges.query))),
    addListEntry: async (c) => {
      const { entry, replayed } = await addEntry(ports, c.get('client'), list(c), await jsonBody(c));
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json(entry, 201);
    },
    removeListEntry: async (c) => c.json(await removeEntry(ports, c.get('client'), list(c), c.req.param('creditCode') ?? '', await jsonBody(c))),
    creditCheck: async (c) =>
      c.json(await creditCheck(ports, c.get('client'), c.req.param('creditCode') ?? '', { item: parseQuery(c, ROUTES.creditCheck.query).item, purpose: c.req.header('access-purpose') }, credit)),
    getProposal: async (c) => c.json(await readProposal(ports, c.get('client'), c.req.param('id') ?? '')),
    rejectProposal: async (c) => c.json(await rejectProposal(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c))),
    reportMeasure: async (c) => c.json(await reportMeasure(ports, c.get('client'), await jsonBody(c)), 201),
    listReports: async (c) => c.json(await listReports(ports, c.get('client'), parseQuery(c, ROUTES.listReports.query))),
    listRisk: async (c) => c.json(await listRisk(ports, c.get('client'), parseQuery(c, ROUTES.listRisk.query))),
    getCommitment: async (c) => c.json(await readCommitment(ports, c.req.param('id') ?? '')),
    answerRevocation: async (c) => c.json(await declineRevocation(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c), credit)),
  };
};
