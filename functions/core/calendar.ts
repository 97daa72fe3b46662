/**
 * The holiday calendar (节假日安排) working days are counted by: the official calendar shipped in
 * schemas/refdata/holidays.json, with each year an administrator has stored taking its place.
 */
import { CalendarYearInput } from '../../schemas/inspections';
import { forbidden, invalidInput } from './errors';
import type { ApiClient } from './model';
import type { Ports } from './ports';
import { fieldErrors, PARSE_OPTIONS } from './validation';
import { checkCalendar, OFFICIAL_CALENDAR, workingCalendar, type CalendarYear, type HolidayCalendar, type WorkingCalendar } from './workdays';

export interface CalendarView {
  years: Record<string, CalendarYear & { source: 'shipped' | 'administrator'; updatedAt?: string; updatedBy?: string }>;
}

export async function calendarView(ports: Ports): Promise<CalendarView> {
  const years: CalendarView['years'] = {};
  for (const [year, y] of Object.entries(OFFICIAL_CALENDAR.years)) years[year] = { ...y, source: 'shipped' };
  for (const s of await ports.calendar.list()) years[s.year] = { ...s.calendar, source: 'administrator', updatedAt: s.updatedAt, updatedBy: s.updatedBy };
  return { years };
}

/** The calendar in force, ready for lookups. */
export async function currentCalendar(ports: Ports): Promise<WorkingCalendar> {
  const view = await calendarView(ports);
  const calendar: HolidayCalendar = {
    years: Object.fromEntries(Object.entries(view.years).map(([year, { notice, number, issued, holidays, workingWeekends }]) => [year, { notice, number, issued, holidays, workingWeekends }])),
  };
  return workingCalendar(calendar);
}

/** Stores one year's arrangement after checking it alone and against the other years. */
export async function putCalendarYear(ports: Ports, client: ApiClient, year: string, body: unknown): Promise<CalendarView> {
  if (!client.scopes.includes('calendar:manage')) throw forbidden(`client ${client.clientId} may not change the holiday calendar (needs scope calendar:manage)`);
  if (!/^\d{4}$/.test(year)) throw invalidInput('the year must have four digits', [{ path: 'year', message: 'must be a four-digit year', code: 'invalid-year' }]);
  const parsed = CalendarYearInput.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) throw invalidInput('invalid calendar year', fieldErrors(parsed.error));
  const y: CalendarYear = parsed.data;
  const errors = checkCalendar({ years: { [year]: y } }).map((p) => ({ path: p.path.replace(`/years/${year}`, ''), message: p.message, code: 'calendar' }));
  y.holidays.forEach((h, i) => {
    if (!h.from.startsWith(year) && !h.to.startsWith(year)) errors.push({ path: `/holidays/${i}`, message: `does not fall in ${year}`, code: 'calendar' });
  });
  y.workingWeekends.forEach((w, i) => {
    if (!w.startsWith(year)) errors.push({ path: `/workingWeekends/${i}`, message: `is not in ${year}`, code: 'calendar' });
  });
  if (errors.length) throw invalidInput(`the calendar of ${year} contradicts itself`, errors);
  await ports.calendar.put(year, y, ports.clock.now().toISOString(), client.department);
  return calendarView(ports);
}
