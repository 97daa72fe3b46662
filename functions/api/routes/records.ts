/** Reading records and enterprises: own posted records, one record, the profile, history, access log, name search, batch comparison, party lookup. */
import { ROUTES } from '../../../schemas/api';
import { compareEnterprises } from '../../core/compare';
import { DEFAULT_INGEST_RULES } from '../../core/ingest-rules';
import { searchByName } from '../../core/names';
import { listPosted } from '../../core/own-data';
import { findParty, readAccessLog, readHistory, readProfile, readRecord } from '../../core/profile';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'records'>['handlers'] = ({ ports, options }) => {
  const partyKeySecret = (options.ingest ?? DEFAULT_INGEST_RULES).partyKeySecret;
  return {
    listPosted: async (c) => c.json(await listPosted(ports, c.get('client'), parseQuery(c, ROUTES.listPosted.query))),
    findParty: async (c) => c.json(await findParty(ports, c.get('client'), await jsonBody(c), partyKeySecret, c.req.header('access-purpose'))),
    getRecord: async (c) => c.json(await readRecord(ports, c.get('client'), c.req.param('id') ?? '', c.req.header('access-purpose'))),
    getProfile: async (c) => c.json(await readProfile(ports, c.get('client'), c.req.param('creditCode') ?? '', c.req.header('access-purpose'))),
    searchEnterprises: async (c) => c.json(await searchByName(ports, c.get('client'), parseQuery(c, ROUTES.searchEnterprises.query), c.req.header('access-purpose'))),
    compareEnterprises: async (c) => c.json(await compareEnterprises(ports, c.get('client'), await jsonBody(c), c.req.header('access-purpose'))),
    getHistory: async (c) => {
      const q = parseQuery(c, ROUTES.getHistory.query);
      return c.json(await readHistory(ports, c.get('client'), c.req.param('creditCode') ?? '', { ...q, purpose: c.req.header('access-purpose') }));
    },
    getAccessLog: async (c) => {
      const q = parseQuery(c, ROUTES.getAccessLog.query);
      return c.json(await readAccessLog(ports, c.get('client'), c.req.param('creditCode') ?? '', { ...q, purpose: c.req.header('access-purpose') }));
    },
  };
};
