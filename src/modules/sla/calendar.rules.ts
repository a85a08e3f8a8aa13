// Working time on a calendar, in a zone (luxon). Pure: every function takes the instants it needs.
// A calendar is 24×7, or business hours on some weekdays with holidays (and 调休 make-up workdays).
import { DateTime } from 'luxon';
import { parseHours } from '../../config/durations.js';

export interface BusinessCalendar {
  kind: 'business';
  name: string;
  zone: string;
  /** ISO weekdays 1 (Mon) … 7 (Sun). */
  days: ReadonlySet<number>;
  /** Working intervals of a day, minutes after midnight, sorted and disjoint. */
  intervals: readonly (readonly [number, number])[];
  holidays: ReadonlySet<string>;
  /** Dates that are working days although their weekday is not (调休). */
  workdays: ReadonlySet<string>;
}
export type Calendar = { kind: '24x7'; name: '24x7' } | BusinessCalendar;

export const ALWAYS: Calendar = { kind: '24x7', name: '24x7' };

const MINUTE = 60_000;
/** No working interval for this long means the calendar is unusable (e.g. every day a holiday). */
const MAX_DAYS = 3 * 366;

function isWorkingDay(cal: BusinessCalendar, day: DateTime): boolean {
  const date = day.toISODate()!;
  if (cal.holidays.has(date)) return false;
  return cal.days.has(day.weekday) || cal.workdays.has(date);
}

/** The working intervals of the day containing `day`, as absolute instants (ms). */
function intervalsOf(cal: BusinessCalendar, day: DateTime): [number, number][] {
  if (!isWorkingDay(cal, day)) return [];
  const midnight = day.startOf('day');
  return cal.intervals.map(([s, e]) => [
    midnight.set({ hour: Math.floor(s / 60), minute: s % 60 }).toMillis(),
    e === 1440 ? midnight.plus({ days: 1 }).toMillis() : midnight.set({ hour: Math.floor(e / 60), minute: e % 60 }).toMillis(),
  ]);
}

/** The instant `minutes` of working time after `from` (fractions allowed). */
export function addWorkingMinutes(cal: Calendar, from: Date, minutes: number): Date {
  if (minutes <= 0) return from;
  if (cal.kind === '24x7') return new Date(from.getTime() + minutes * MINUTE);
  let remaining = minutes * MINUTE;
  let day = DateTime.fromJSDate(from, { zone: cal.zone }).startOf('day');
  const t0 = from.getTime();
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [s, e] of intervalsOf(cal, day)) {
      const start = Math.max(s, t0);
      if (start >= e) continue;
      if (remaining <= e - start) return new Date(start + remaining);
      remaining -= e - start;
    }
  }
  throw new Error(`calendar ${cal.name} has no working time within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(cal: Calendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (cal.kind === '24x7') return (b - a) / MINUTE;
  let total = 0;
  let day = DateTime.fromJSDate(from, { zone: cal.zone }).startOf('day');
  for (let i = 0; i < MAX_DAYS * 10 && day.toMillis() < b; i++, day = day.plus({ days: 1 })) {
    for (const [s, e] of intervalsOf(cal, day)) total += Math.max(0, Math.min(e, b) - Math.max(s, a));
  }
  return total / MINUTE;
}

/** True when the local day of `at` (in the calendar's zone) is a working day; every day is on 24×7. */
export function isWorkingDayAt(cal: Calendar, at: Date): boolean {
  if (cal.kind === '24x7') return true;
  return isWorkingDay(cal, DateTime.fromJSDate(at, { zone: cal.zone }));
}

/** True when `at` falls in working time. */
export function isWorkingTime(cal: Calendar, at: Date): boolean {
  if (cal.kind === '24x7') return true;
  const t = at.getTime();
  return intervalsOf(cal, DateTime.fromJSDate(at, { zone: cal.zone })).some(([s, e]) => t >= s && t < e);
}

const WEEKDAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

/** Builds the calendars of opsdesk.yml (already validated) for a default zone. */
export function buildCalendars(
  defs: Record<string, { days: (keyof typeof WEEKDAYS)[]; hours: string | string[]; holidays: string[]; workdays?: string[]; timezone?: string }>,
  zone: string,
): Map<string, Calendar> {
  const out = new Map<string, Calendar>([['24x7', ALWAYS]]);
  for (const [name, def] of Object.entries(defs)) {
    out.set(name, {
      kind: 'business',
      name,
      zone: def.timezone ?? zone,
      days: new Set(def.days.map((d) => WEEKDAYS[d])),
      intervals: parseHours(def.hours),
      holidays: new Set(def.holidays),
      workdays: new Set(def.workdays ?? []),
    });
  }
  return out;
}
