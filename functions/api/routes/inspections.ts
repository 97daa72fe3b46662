/** 双随机、一公开: inspection plans, their draw and tasks, public plans and the workday calendar. */
import { ROUTES } from '../../../schemas/api';
import { calendarView, putCalendarYear } from '../../core/calendar';
import { createPlan, drawDocument, drawPlan, fixPlan, listPlans, listTasks, presentPlan, readOwnPlan, readPlan } from '../../core/inspections';
import { jsonBody, parseQuery, type RouteModule } from '../http';

export const handlers: RouteModule<'inspections'>['handlers'] = ({ ports }) => ({
  createPlan: async (c) => {
    const client = c.get('client');
    const plan = await createPlan(ports, client, await jsonBody(c));
    c.header('location', `/v1/inspection-plans/${plan.id}`);
    return c.json(presentPlan(plan, client), 201);
  },
  getPlan: async (c) => c.json(await readOwnPlan(ports, c.get('client'), c.req.param('id') ?? '')),
  fixPlan: async (c) => c.json(presentPlan(await fixPlan(ports, c.get('client'), c.req.param('id') ?? ''), c.get('client'))),
  drawPlan: async (c) => c.json(presentPlan(await drawPlan(ports, c.get('client'), c.req.param('id') ?? ''), c.get('client'))),
  listPlanTasks: async (c) => {
    const q = parseQuery(c, ROUTES.listPlanTasks.query);
    const id = c.req.param('id') ?? '';
    await readOwnPlan(ports, c.get('client'), id);
    return c.json(await listTasks(ports, id, q.cursor, q.limit, c.get('client')));
  },
  putCalendarYear: async (c) => c.json(await putCalendarYear(ports, c.get('client'), c.req.param('year') ?? '', await jsonBody(c))),
  listPublicPlans: async (c) => {
    const q = parseQuery(c, ROUTES.listPublicPlans.query);
    return c.json(await listPlans(ports, q.department, q.cursor, q.limit));
  },
  getPublicPlan: async (c) => c.json(await readPlan(ports, c.req.param('id') ?? '')),
  getDrawDocument: async (c) => {
    const { part } = parseQuery(c, ROUTES.getDrawDocument.query);
    const { text, parts } = await drawDocument(ports, c.req.param('id') ?? '', part);
    // The stored text as it is: what is downloaded is byte for byte what was published.
    return c.body(text, 200, { 'content-type': part === undefined ? 'application/json' : 'text/plain; charset=utf-8', 'x-document-parts': String(parts) });
  },
  listPublicTasks: async (c) => {
    const q = parseQuery(c, ROUTES.listPublicTasks.query);
    return c.json(await listTasks(ports, c.req.param('id') ?? '', q.cursor, q.limit));
  },
  getCalendar: async (c) => c.json(await calendarView(ports)),
});
