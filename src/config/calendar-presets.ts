// Calendar presets (`calendars.<name>.preset` in opsdesk.yml): public holidays and make-up working
// days that a country publishes every year, taken from a maintained data package instead of lists
// copied by hand. `cn`: mainland China's official holidays and 调休 make-up working days, as the State
// Council announces them (usually in November for the next year), from the npm package chinese-days
// (its dist/chinese-days.json). New years arrive with a newer release: `npm install --save-exact chinese-days@latest`.
import { createRequire } from 'node:module';

export const CALENDAR_PRESETS = ['cn'] as const;
export type CalendarPreset = (typeof CALENDAR_PRESETS)[number];

interface PresetDays {
  /** Days off on any weekday. */
  holidays: ReadonlySet<string>;
  /** Working days on a weekday that is otherwise off (调休). */
  workdays: ReadonlySet<string>;
  /** The years the data covers. */
  years: readonly number[];
}

let cn: PresetDays | undefined;

/** The holidays and make-up working days of a preset (loaded once). */
export function presetDays(preset: CalendarPreset): PresetDays {
  if (preset === 'cn') {
    if (!cn) {
      const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
      const holidays = Object.keys(data.holidays);
      cn = {
        holidays: new Set(holidays),
        workdays: new Set(Object.keys(data.workdays)),
        years: [...new Set(holidays.map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b),
      };
    }
    return cn;
  }
  throw new Error(`unknown calendar preset ${String(preset)}`);
}

/**
 * A calendar's holidays and make-up working days with its preset's underneath: the dates listed in
 * opsdesk.yml win (a listed workday is worked even if the preset says holiday, and the reverse).
 */
export function withPreset<C extends { preset?: CalendarPreset; holidays: string[]; workdays: string[] }>(def: C): C {
  if (!def.preset) return def;
  const preset = presetDays(def.preset);
  const ownHolidays = new Set(def.holidays);
  const ownWorkdays = new Set(def.workdays);
  const holidays = new Set([...[...preset.holidays].filter((d) => !ownWorkdays.has(d)), ...def.holidays]);
  const workdays = new Set([...[...preset.workdays].filter((d) => !ownHolidays.has(d)), ...def.workdays]);
  return { ...def, holidays: [...holidays].sort(), workdays: [...workdays].sort() };
}

/**
 * Warnings for calendars whose preset has no data for a year they will be used in: this year, and
 * next year from December on (the State Council publishes it in November or December).
 */
export function presetWarnings(calendars: Record<string, { preset?: CalendarPreset }>, today: string): string[] {
  const year = Number(today.slice(0, 4));
  const needed = today.slice(5, 7) === '12' ? [year, year + 1] : [year];
  const out: string[] = [];
  for (const [name, def] of Object.entries(calendars)) {
    if (!def.preset) continue;
    const missing = needed.filter((y) => !presetDays(def.preset!).years.includes(y));
    if (missing.length > 0) {
      out.push(
        `calendars.${name}: the ${def.preset} preset has no holidays for ${missing.join(' and ')} yet; ` +
          `install a newer chinese-days (npm install --save-exact chinese-days@latest) once the year's schedule is published, or list its dates under holidays and workdays`,
      );
    }
  }
  return out;
}
