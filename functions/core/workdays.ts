/**
 * Working days (工作日) by the official holiday calendar: which dates are working days, adding
 * working days, and when a random inspection's result is due (结果公示: 20 working days after the
 * inspection). Pure: the calendar is passed in, so an administrator-kept calendar replaces the
 * shipped one without code changes.
 *
 * A year is covered when the calendar has its notice. For a year not covered (the State Council
 * publishes each year's notice late in the year before), dates fall back to Monday–Friday and
 * every answer that used such a date says `provisional`, so it can be recomputed once the notice
 * is added.
 */
import shipped from '../../schemas/refdata/holidays.json' with { type: 'json' };

/** One holiday period of a notice, weekend days included (放假调休). */
export interface HolidayPeriod {
  name: string;
  nameZh: string;
  /** First and last day off, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

/** One year's official arrangement (国务院办公厅关于部分节假日安排的通知). */
export interface CalendarYear {
  notice: string;
  /** Document number, e.g. 国办发明电〔2025〕7号. */
  number: string;
  issued: string;
  holidays: HolidayPeriod[];
  /** Saturdays and Sundays that are working days (调休上班). */
  workingWeekends: string[];
}

export interface HolidayCalendar {
  edition?: string;
  /** Keyed by the year the notice is for. */
  years: Record<string, CalendarYear>;
}

/** The official calendar shipped with the exchange (schemas/refdata/holidays.json). */
export const OFFICIAL_CALENDAR: HolidayCalendar = shipped;

/** A calendar ready for lookups. */
export interface WorkingCalendar {
  readonly covered: ReadonlySet<string>;
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekends: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws on anything else, including 2026-02-30. */
function dayNumber(date: string): number {
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return ms / DAY_MS;
}
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Where a calendar (an administrator's edit, say) contradicts itself; empty when it is sound. */
export function checkCalendar(calendar: HolidayCalendar): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const off = new Set<string>();
  for (const [year, y] of Object.entries(calendar.years)) {
    const at = `/years/${year}`;
    if (!/^\d{4}$/.test(year)) problems.push({ path: at, message: 'must be a four-digit year' });
    y.holidays.forEach((h, i) => {
      try {
        const from = dayNumber(h.from);
        const to = dayNumber(h.to);
        if (to < from) problems.push({ path: `${at}/holidays/${i}`, message: 'ends before it starts' });
        for (let d = from; d <= to; d++) off.add(dateOf(d));
      } catch (e) {
        problems.push({ path: `${at}/holidays/${i}`, message: (e as Error).message });
      }
    });
    y.workingWeekends.forEach((w, i) => {
      try {
        const weekday = new Date(dayNumber(w) * DAY_MS).getUTCDay();
        if (weekday !== 0 && weekday !== 6) problems.push({ path: `${at}/workingWeekends/${i}`, message: `${w} is not a Saturday or Sunday` });
      } catch (e) {
        problems.push({ path: `${at}/workingWeekends/${i}`, message: (e as Error).message });
      }
    });
  }
  for (const [year, y] of Object.entries(calendar.years))
    y.workingWeekends.forEach((w, i) => {
      if (off.has(w)) problems.push({ path: `/years/${year}/workingWeekends/${i}`, message: `${w} is also a holiday` });
    });
  return problems;
}

export function workingCalendar(calendar: HolidayCalendar = OFFICIAL_CALENDAR): WorkingCalendar {
  const problems = checkCalendar(calendar);
  if (problems.length) throw new RangeError(`holiday calendar: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const daysOff = new Set<string>();
  const workingWeekends = new Set<string>();
  for (const y of Object.values(calendar.years)) {
    for (const h of y.holidays) for (let d = dayNumber(h.from); d <= dayNumber(h.to); d++) daysOff.add(dateOf(d));
    for (const w of y.workingWeekends) workingWeekends.add(w);
  }
  return { covered: new Set(Object.keys(calendar.years)), daysOff, workingWeekends };
}

const DEFAULT = workingCalendar();

/** Whether the calendar has the official notice for the date's year. */
export const isCovered = (date: string, cal: WorkingCalendar = DEFAULT) => (dayNumber(date), cal.covered.has(date.slice(0, 4)));

export function isWorkingDay(date: string, cal: WorkingCalendar = DEFAULT): boolean {
  const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  if (cal.daysOff.has(date)) return false;
  if (cal.workingWeekends.has(date)) return true;
  return weekday !== 0 && weekday !== 6;
}

/**
 * The `n`-th working day after `date` (`n` = 0 gives `date` itself). `provisional` when a day
 * counted lies in a year the calendar does not cover.
 */
export function addWorkingDays(date: string, n: number, cal: WorkingCalendar = DEFAULT): { date: string; provisional: boolean } {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`working days to add must be a whole number ≥ 0, not ${n}`);
  let day = dayNumber(date);
  let provisional = false;
  for (let left = n; left > 0;) {
    const d = dateOf(++day);
    if (!cal.covered.has(d.slice(0, 4))) provisional = true;
    if (isWorkingDay(d, cal)) left--;
  }
  return { date: dateOf(day), provisional };
}

/** Working days within which a random inspection's result must be posted and published. */
export const RESULT_WITHIN_WORKING_DAYS = 20;

/**
 * When an inspection's result is due: the 20th working day after the inspection date, and the
 * instant that day ends in China Standard Time (UTC+8), after which the result is overdue.
 */
export function resultDue(inspectionDate: string, cal: WorkingCalendar = DEFAULT): { dueDate: string; overdueAfter: string; provisional: boolean } {
  const { date, provisional } = addWorkingDays(inspectionDate, RESULT_WITHIN_WORKING_DAYS, cal);
  return { dueDate: date, overdueAfter: new Date((dayNumber(date) + 1) * DAY_MS - 8 * 3_600_000).toISOString(), provisional };
}
