// The `cn` calendar preset: China's official holidays and 调休 make-up working days from chinese-days,
// under the dates listed in opsdesk.yml (which win), across the 2026 National Day holiday: 1–7 October
// off, Sunday 20 September and Saturday 10 October worked (State Council schedule for 2026).
import { describe, expect, it } from 'vitest';
import { presetDays, presetWarnings, withPreset } from '../../src/config/calendar-presets.js';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { addWorkingMinutes, buildCalendars, isWorkingDayAt, workingMinutesBetween } from '../../src/modules/sla/calendar.rules.js';
import { isWorkingDay, workCalendar } from '../../src/modules/reviews/reviews.rules.js';

const env = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };
const sh = (local: string) => new Date(`${local}+08:00`);
const NATIONAL_DAY = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'];

const yaml = (extra = '') => `
timezone: Asia/Shanghai
calendars:
  business:
    preset: cn
    days: [mon, tue, wed, thu, fri]
    hours: "09:00-18:00"
${extra}`;

describe('the cn preset', () => {
  it('has the 2026 schedule: National Day 1–7 October off, 20 September and 10 October worked', () => {
    const cn = presetDays('cn');
    expect(cn.years).toContain(2026);
    for (const d of NATIONAL_DAY) expect(cn.holidays.has(d), d).toBe(true);
    expect(cn.holidays.has('2026-10-08')).toBe(false);
    expect(cn.workdays.has('2026-09-20')).toBe(true); // a Sunday
    expect(cn.workdays.has('2026-10-10')).toBe(true); // a Saturday
    expect(cn.holidays.has('2026-09-25')).toBe(true); // Mid-Autumn, Friday
  });

  it('puts the official days under the calendar of opsdesk.yml', () => {
    const config = parseConfig(yaml(), env);
    const business = config.calendars.business!;
    expect(business.holidays).toEqual(expect.arrayContaining(NATIONAL_DAY));
    expect(business.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
    const cal = workCalendar(config);
    expect(isWorkingDay(cal, '2026-10-01')).toBe(false);
    expect(isWorkingDay(cal, '2026-10-10')).toBe(true);
    expect(isWorkingDay(cal, '2026-10-11')).toBe(false); // a plain Sunday
  });

  it('lets the dates listed in opsdesk.yml win over the preset', () => {
    const config = parseConfig(yaml(`    holidays: ["2026-10-10", "2026-11-02"]\n    workdays: ["2026-10-07"]`), env);
    const cal = buildCalendars(config.calendars, config.timezone).get('business')!;
    expect(isWorkingDayAt(cal, sh('2026-10-07T12:00:00'))).toBe(true); // listed workday beats the official holiday
    expect(isWorkingDayAt(cal, sh('2026-10-10T12:00:00'))).toBe(false); // listed holiday beats the official make-up day
    expect(isWorkingDayAt(cal, sh('2026-11-02T12:00:00'))).toBe(false); // the team's own day off (a Monday)
    expect(isWorkingDayAt(cal, sh('2026-10-06T12:00:00'))).toBe(false); // the rest of the preset still applies
    expect(withPreset({ holidays: ['2026-01-05'], workdays: [] })).toEqual({ holidays: ['2026-01-05'], workdays: [] }); // no preset: as listed
  });

  it('without the preset the holiday is an ordinary working week', () => {
    const config = parseConfig(yaml().replace('    preset: cn\n', ''), env);
    const cal = buildCalendars(config.calendars, config.timezone).get('business')!;
    expect(isWorkingDayAt(cal, sh('2026-10-01T12:00:00'))).toBe(true);
    expect(isWorkingDayAt(cal, sh('2026-10-10T12:00:00'))).toBe(false);
  });

  it('runs business-hours SLA clocks across National Day and on the make-up days', () => {
    const config = parseConfig(yaml(), env);
    const cal = buildCalendars(config.calendars, config.timezone).get('business')!;
    // Wednesday 30 September 16:00 + 8 working hours: 2 h that day, then nothing until Thursday 8 October.
    expect(addWorkingMinutes(cal, sh('2026-09-30T16:00:00'), 8 * 60).toISOString()).toBe(sh('2026-10-08T15:00:00').toISOString());
    expect(workingMinutesBetween(cal, sh('2026-09-30T16:00:00'), sh('2026-10-08T15:00:00'))).toBe(8 * 60);
    // Friday 9 October 17:00 + 4 h: 1 h that day, 3 h on the make-up Saturday.
    expect(addWorkingMinutes(cal, sh('2026-10-09T17:00:00'), 4 * 60).toISOString()).toBe(sh('2026-10-10T12:00:00').toISOString());
    // Saturday 19 September 10:00 + 2 h: the make-up Sunday the 20th counts.
    expect(addWorkingMinutes(cal, sh('2026-09-19T10:00:00'), 2 * 60).toISOString()).toBe(sh('2026-09-20T11:00:00').toISOString());
    // Thursday 24 September 17:00 + 2 h: Mid-Autumn Friday to Sunday off, on Monday the 28th.
    expect(addWorkingMinutes(cal, sh('2026-09-24T17:00:00'), 2 * 60).toISOString()).toBe(sh('2026-09-28T10:00:00').toISOString());
  });

  it('refuses an unknown preset and a patrol on an unknown calendar, naming the key and line', () => {
    expect(() => parseConfig(yaml().replace('preset: cn', 'preset: us'), env)).toThrow(ConfigError);
    expect(() => parseConfig(yaml().replace('preset: cn', 'preset: us'), env)).toThrow(/^opsdesk\.yml:5: calendars\.business\.preset: a calendar preset: cn$/);
    const patrol = `patrols:\n  - name: morning\n    schedule: "30 8 * * *"\n    deadline: "11:00"\n    calendar: bussiness\n    items: [UPS]\n`;
    expect(() => parseConfig(yaml(patrol), env)).toThrow(/patrols\.0\.calendar: unknown calendar "bussiness"/);
    expect(parseConfig(yaml(patrol.replace('bussiness', 'business')), env).patrols[0]!.calendar).toBe('business');
  });

  it('warns when the data has no schedule for a year the calendar will be used in', () => {
    const calendars = { business: { preset: 'cn' as const }, plain: {} };
    expect(presetWarnings(calendars, '2026-06-01')).toEqual([]);
    const [warning, ...more] = presetWarnings(calendars, '2040-12-01');
    expect(more).toEqual([]);
    expect(warning).toContain('calendars.business: the cn preset has no holidays for 2040 and 2041 yet');
    expect(warning).toContain('npm install --save-exact chinese-days@latest');
  });
});
