/** Problem data (问题数据处理): a department's problem items, one item, and its explanation. */
import { ROUTES } from '../../../schemas/api';
import { explainProblem, listProblemData, readProblemData } from '../../core/problem-data-api';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'problem-data'>['handlers'] = ({ ports }) => ({
  listProblemData: async (c) => c.json(await listProblemData(ports, c.get('client'), parseQuery(c, ROUTES.listProblemData.query))),
  getProblemData: async (c) => c.json(await readProblemData(ports, c.get('client'), c.req.param('id') ?? '')),
  explainProblemData: async (c) => c.json(await explainProblem(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c))),
});
