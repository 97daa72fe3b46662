/** Department statistics (部门统计), from counters kept as records arrive. */
import { ROUTES } from '../../../schemas/api';
import { readAllStatistics, readStatistics } from '../../core/statistics';
import { parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'statistics'>['handlers'] = ({ ports }) => ({
  getStatistics: async (c) => c.json(await readStatistics(ports, c.get('client'), parseQuery(c, ROUTES.getStatistics.query).quarter)),
  listStatistics: async (c) => c.json(await readAllStatistics(ports, c.get('client'), parseQuery(c, ROUTES.listStatistics.query).quarter)),
});
