// Review and report rules: months and working days in the team's zone, percentages and
// month-on-month changes. Pure: `now`, the zone and the calendar are passed in.
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month "YYYY-MM" and its bounds [from, to) as instants in `zone`. */
export interface MonthRange {
  month: string;
  from: Date;
  to: Date;
}

export function parseMonth(text: string): string | undefined {
  const m = MONTH_PATTERN.exec(text.trim());
  return m ? `${m[1]}-${m[2]}` : undefined;
}

export function monthRange(month: string, zone: string): MonthRange {
  const start = DateTime.fromISO(`${month}-01`, { zone });
  return { month, from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

export function previousMonth(month: string, zone: string): string {
  return DateTime.fromISO(`${month}-01`, { zone }).minus({ months: 1 }).toFormat('yyyy-MM');
}

/** The month before the one containing `now` (what the 1st-of-the-month review covers). */
export function lastMonthOf(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
}

/** The month containing `now`. */
export function monthOf(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).toFormat('yyyy-MM');
}

/** The local dates (YYYY-MM-DD) of a month. */
export function datesOf(month: string, zone: string): string[] {
  const start = DateTime.fromISO(`${month}-01`, { zone });
  return Array.from({ length: start.daysInMonth! }, (_, i) => start.plus({ days: i }).toISODate()!);
}

/** The working-day calendar reports use: `reports.calendar`, else `business` when defined, else Mon–Fri. */
export interface WorkCalendar {
  name: string;
  days: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

const WEEKDAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

export function workCalendar(config: Pick<Config, 'reports' | 'calendars'>): WorkCalendar {
  const name = config.reports.calendar ?? ('business' in config.calendars ? 'business' : undefined);
  const def = name ? (config.calendars[name] as { days: string[]; holidays: string[]; workdays?: string[] } | undefined) : undefined;
  if (!name || !def) return { name: 'mon-fri', days: new Set([1, 2, 3, 4, 5]), holidays: new Set(), workdays: new Set() };
  return { name, days: new Set(def.days.map((d) => WEEKDAYS[d]!)), holidays: new Set(def.holidays), workdays: new Set(def.workdays ?? []) };
}

/** Whether a local date is a working day: not a holiday, and a working weekday or a make-up day. */
export function isWorkingDay(cal: WorkCalendar, date: string): boolean {
  if (cal.holidays.has(date)) return false;
  return cal.days.has(DateTime.fromISO(date).weekday) || cal.workdays.has(date);
}

/** Working days and the holidays that fall on them, for the review header. */
export function workingDaysOf(cal: WorkCalendar, month: string, zone: string): { workingDays: number; holidays: string[] } {
  const dates = datesOf(month, zone);
  return { workingDays: dates.filter((d) => isWorkingDay(cal, d)).length, holidays: dates.filter((d) => cal.holidays.has(d)) };
}

/** met / (met + breached) as a percentage with one decimal; null when nothing was measured. */
export function percent(met: number, total: number): number | null {
  return total > 0 ? Math.round((1000 * met) / total) / 10 : null;
}

/** The change from last month: a difference (percentage points for percentages); null when either is unknown. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null) return null;
  return Math.round((current - previous) * 10) / 10;
}

/** Minutes as "1h 05m", "2d 3h", "12m"; "—" for null. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return '—';
  const m = Math.round(minutes);
  if (m < 60) return `${m}m`;
  if (m < 1440) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

/** "+3", "−2.5", "±0", or "" when unknown; `unit` follows the number ("pp", "m"). */
export function formatChange(delta: number | null, unit = ''): string {
  if (delta === null) return '';
  if (delta === 0) return `±0${unit}`;
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta)}${unit}`;
}
