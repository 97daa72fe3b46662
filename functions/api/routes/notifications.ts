/** A department's inbox (收件箱): pull, acknowledge, feed back, overdue, and redrive of dead deliveries. */
import { ROUTES } from '../../../schemas/api';
import { acknowledge, giveFeedback, listInbox, listOverdue, readNotification, redrive } from '../../core/inbox';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'notifications'>['handlers'] = ({ ports }) => ({
  listInbox: async (c) => {
    const q = parseQuery(c, ROUTES.listInbox.query);
    return c.json(await listInbox(ports, c.get('client'), { open: q.open === 'true', cursor: q.cursor, limit: q.limit }));
  },
  listOverdue: async (c) => c.json(await listOverdue(ports, c.get('client'), parseQuery(c, ROUTES.listOverdue.query))),
  getNotification: async (c) => c.json(await readNotification(ports, c.get('client'), c.req.param('id') ?? '')),
  acknowledge: async (c) => c.json(await acknowledge(ports, c.get('client'), c.req.param('id') ?? '')),
  giveFeedback: async (c) => c.json(await giveFeedback(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c)), 201),
  redrive: async (c) => c.json(await redrive(ports, c.get('client'), parseQuery(c, ROUTES.redrive.query).cursor)),
});
