/** Working days by the official 2026 calendar, and when an inspection result is due. */
import { describe, expect, it } from 'vitest';
import { OFFICIAL_CALENDAR, addWorkingDays, checkCalendar, isCovered, isWorkingDay, resultDue, workingCalendar, type HolidayCalendar } from '../../functions/core/workdays';

const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
};

describe('the 2026 calendar', () => {
  it('is the State Council notice, consistent in itself', () => {
    const y = OFFICIAL_CALENDAR.years['2026'];
    expect(y.number).toBe('国办发明电〔2025〕7号');
    expect(checkCalendar(OFFICIAL_CALENDAR)).toEqual([]);
    // The notice's day counts: 3 + 9 + 3 + 5 + 3 + 3 + 7 days off, 6 working weekend days.
    expect(y.holidays.map((h) => days(h.from, h.to).length)).toEqual([3, 9, 3, 5, 3, 3, 7]);
    expect(y.workingWeekends).toHaveLength(6);
  });

  it('knows the days around the Spring Festival', () => {
    expect(isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday, worked (调休上班)
    for (const d of days('2026-02-15', '2026-02-23')) expect(isWorkingDay(d), d).toBe(false);
    expect(isWorkingDay('2026-02-24')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-03-01')).toBe(false); // an ordinary Sunday
    expect(addWorkingDays('2026-02-13', 1).date).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2).date).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-15', 0).date).toBe('2026-02-15');
  });

  it('knows the days around the National Day and Mid-Autumn holidays', () => {
    expect(isWorkingDay('2026-09-19')).toBe(false); // Saturday
    expect(isWorkingDay('2026-09-20')).toBe(true); // Sunday, worked
    for (const d of [...days('2026-09-25', '2026-09-27'), ...days('2026-10-01', '2026-10-07')]) expect(isWorkingDay(d), d).toBe(false);
    expect(isWorkingDay('2026-09-30')).toBe(true);
    expect(isWorkingDay('2026-10-08')).toBe(true);
    expect(isWorkingDay('2026-10-10')).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-10-11')).toBe(false);
    expect(addWorkingDays('2026-09-30', 1).date).toBe('2026-10-08');
  });

  it('makes an inspection result due on the 20th working day after the inspection, overdue when that day ends in China', () => {
    // 2-11..2-13 (3), Sat 2-14 (4), 2-24..2-27 (8), Sat 2-28 (9), 3-2..3-6 (14), 3-9..3-13 (19), 3-16 (20).
    expect(resultDue('2026-02-10')).toEqual({ dueDate: '2026-03-16', overdueAfter: '2026-03-16T16:00:00.000Z', provisional: false });
    // Sun 9-20 (1), 9-21..9-24 (5), 9-28..9-30 (8), 10-8, 10-9 (10), Sat 10-10 (11), 10-12..10-16 (16), 10-19..10-22 (20).
    expect(resultDue('2026-09-18')).toEqual({ dueDate: '2026-10-22', overdueAfter: '2026-10-22T16:00:00.000Z', provisional: false });
    // An inspection on a day off counts from the next working day.
    expect(resultDue('2026-10-03').dueDate).toBe(addWorkingDays('2026-10-07', 20).date);
  });

  it('says provisional when the count runs into a year without a notice', () => {
    expect(isCovered('2026-12-31')).toBe(true);
    expect(isCovered('2027-01-04')).toBe(false);
    // Monday to Friday only from 2027-01-01, which the 2027 notice may well make a holiday.
    expect(resultDue('2026-12-15')).toEqual({ dueDate: '2027-01-12', overdueAfter: '2027-01-12T16:00:00.000Z', provisional: true });
    expect(resultDue('2026-11-02').provisional).toBe(false);
  });

  it('refuses what is not a date or a count', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow('not a date');
    expect(() => isWorkingDay('2026-2-3')).toThrow('not a date');
    expect(() => addWorkingDays('2026-02-03', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-03', 1.5)).toThrow(RangeError);
  });
});

describe('an administrator-kept calendar', () => {
  it('takes effect when passed in, and is refused when it contradicts itself', () => {
    const edited: HolidayCalendar = structuredClone(OFFICIAL_CALENDAR);
    edited.years['2026'].holidays.push({ name: 'Test closure', nameZh: '测试', from: '2026-12-31', to: '2026-12-31' });
    const cal = workingCalendar(edited);
    expect(isWorkingDay('2026-12-31', cal)).toBe(false);
    expect(isWorkingDay('2026-12-31')).toBe(true);

    const broken: HolidayCalendar = structuredClone(OFFICIAL_CALENDAR);
    broken.years['2026'].workingWeekends.push('2026-02-15', '2026-03-04');
    broken.years['2026'].holidays.push({ name: 'Backwards', nameZh: '倒置', from: '2026-12-02', to: '2026-12-01' });
    expect(checkCalendar(broken)).toEqual([
      { path: '/years/2026/holidays/7', message: 'ends before it starts' },
      { path: '/years/2026/workingWeekends/7', message: '2026-03-04 is not a Saturday or Sunday' },
      { path: '/years/2026/workingWeekends/6', message: '2026-02-15 is also a holiday' },
    ]);
    expect(() => workingCalendar(broken)).toThrow('holiday calendar');
  });
});
