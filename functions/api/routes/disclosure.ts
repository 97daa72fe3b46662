/** 一公开 lists without a key, and the 双公示 export. */
import { DisclosureQuery, PUBLIC_KINDS, ROUTES } from '../../../schemas/api';
import { badRequest } from '../../core/errors';
import { exportStandard, publicList, toCsv } from '../../core/disclosure';
import { requirePurpose } from '../../core/profile';
import { parseQuery, type Handler, type RouteModule } from '../http';

export const handlers: RouteModule<'disclosure'>['handlers'] = ({ ports }) => {
  const publicKind =
    (kind: (typeof PUBLIC_KINDS)[keyof typeof PUBLIC_KINDS]): Handler =>
    async (c) =>
      c.json(await publicList(ports, kind, parseQuery(c, DisclosureQuery)));
  return {
    publicLicences: publicKind(PUBLIC_KINDS.licences),
    publicPenalties: publicKind(PUBLIC_KINDS.penalties),
    publicInspections: publicKind(PUBLIC_KINDS.inspections),
    exportStandard: async (c) => {
      const kind = c.req.param('kind');
      if (kind !== 'licence' && kind !== 'penalty') throw badRequest('the 双公示 export covers licences and penalties', [{ path: 'kind', message: 'must be licence or penalty' }]);
      const { format, ...q } = parseQuery(c, ROUTES.exportStandard.query);
      const out = await exportStandard(ports, c.get('client'), kind, q, requirePurpose(c.req.header('access-purpose')));
      if (out.next) c.header('link', `<${c.req.path}?${new URLSearchParams({ from: q.from, to: q.to, limit: String(q.limit), format, cursor: out.next })}>; rel="next"`);
      if (format === 'csv') return c.body(toCsv(out.columns, out.rows), 200, { 'content-type': 'text/csv; charset=utf-8' });
      return c.json(out);
    },
  };
};
