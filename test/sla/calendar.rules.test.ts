// Working time on calendars: nights, weekends, holidays, make-up days, month and year ends, two zones.
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, ALWAYS, buildCalendars, isWorkingTime, workingMinutesBetween } from '../../src/modules/sla/calendar.rules.js';
import { parseHours } from '../../src/config/durations.js';

const cals = buildCalendars(
  {
    business: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-18:00', holidays: ['2026-10-01', '2026-10-02', '2027-01-01'], workdays: ['2026-10-10'] },
    lunch: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: ['09:00-12:00', '13:00-18:00'], holidays: [] },
    ny: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00', holidays: ['2026-11-26'], timezone: 'America/New_York' },
    nyNewYear: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00', holidays: ['2026-01-01', '2027-01-01'], timezone: 'America/New_York' },
  },
  'Asia/Shanghai',
);
const business = cals.get('business')!;
const lunch = cals.get('lunch')!;
const ny = cals.get('ny')!;
const nyNewYear = cals.get('nyNewYear')!;
// New York is UTC−5 in winter: 09:00 EST = 14:00Z.
const est = (local: string) => new Date(`${local}-05:00`);
// Shanghai is UTC+8 all year: 09:00 local = 01:00Z.
const sh = (local: string) => new Date(`${local}+08:00`);

describe('adding working time', () => {
  it('adds plain time on 24×7', () => {
    expect(addWorkingMinutes(ALWAYS, sh('2026-12-31T23:30:00'), 60).toISOString()).toBe(sh('2027-01-01T00:30:00').toISOString());
  });

  it('stops at 18:00 and goes on at 09:00 the next working day', () => {
    expect(addWorkingMinutes(business, sh('2026-11-25T17:00:00'), 120).toISOString()).toBe(sh('2026-11-26T10:00:00').toISOString());
  });

  it('starts counting at 09:00 when the ticket comes in at night', () => {
    expect(addWorkingMinutes(business, sh('2026-11-25T23:10:00'), 30).toISOString()).toBe(sh('2026-11-26T09:30:00').toISOString());
    expect(addWorkingMinutes(business, sh('2026-11-26T02:00:00'), 30).toISOString()).toBe(sh('2026-11-26T09:30:00').toISOString());
  });

  it('skips the weekend', () => {
    // Friday 16:00 + 4h → Monday 11:00
    expect(addWorkingMinutes(business, sh('2026-11-27T16:00:00'), 240).toISOString()).toBe(sh('2026-11-30T11:00:00').toISOString());
  });

  it('skips holidays and works on make-up days (调休)', () => {
    // Wed 30 Sep 17:00 + 2h: Oct 1–2 are holidays, Oct 3–4 the weekend → Mon 5 Oct 10:00
    expect(addWorkingMinutes(business, sh('2026-09-30T17:00:00'), 120).toISOString()).toBe(sh('2026-10-05T10:00:00').toISOString());
    // Fri 9 Oct 17:00 + 2h: Saturday 10 Oct is a make-up working day → Sat 10:00
    expect(addWorkingMinutes(business, sh('2026-10-09T17:00:00'), 120).toISOString()).toBe(sh('2026-10-10T10:00:00').toISOString());
  });

  it('crosses month and year ends', () => {
    // Fri 30 Oct 2026 17:00 + 3h → Mon 2 Nov 11:00
    expect(addWorkingMinutes(business, sh('2026-10-30T17:00:00'), 180).toISOString()).toBe(sh('2026-11-02T11:00:00').toISOString());
    // Thu 31 Dec 2026 17:00 + 2h: 1 Jan holiday, then the weekend → Mon 4 Jan 2027 10:00
    expect(addWorkingMinutes(business, sh('2026-12-31T17:00:00'), 120).toISOString()).toBe(sh('2027-01-04T10:00:00').toISOString());
  });

  it('leaves out the lunch break', () => {
    expect(addWorkingMinutes(lunch, sh('2026-11-25T11:30:00'), 60).toISOString()).toBe(sh('2026-11-25T13:30:00').toISOString());
  });

  it('runs 24 working hours over several days of business hours', () => {
    // 24h on a 9h day from Mon 09:00: 9 + 9 + 6 → Wed 15:00
    expect(addWorkingMinutes(business, sh('2026-11-23T09:00:00'), 24 * 60).toISOString()).toBe(sh('2026-11-25T15:00:00').toISOString());
  });

  it('keeps local hours across a daylight-saving change in another zone', () => {
    // New York falls back on Sun 1 Nov 2026. Fri 30 Oct 16:00 EDT (20:00Z) + 2h → Mon 2 Nov 10:00 EST (15:00Z)
    expect(addWorkingMinutes(ny, new Date('2026-10-30T20:00:00Z'), 120).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    // Thanksgiving (26 Nov) is a holiday there: Wed 25 Nov 16:00 EST + 2h → Fri 27 Nov 10:00 EST
    expect(addWorkingMinutes(ny, new Date('2026-11-25T21:00:00Z'), 120).toISOString()).toBe('2026-11-27T15:00:00.000Z');
  });
});

describe('year end in New York (New Year\'s Day a holiday)', () => {
  it('goes from 31 Dec to 2 Jan over the holiday', () => {
    // Wed 31 Dec 2025 16:00 EST + 2h: 1h that day, Thu 1 Jan is the holiday → Fri 2 Jan 2026 10:00 EST
    expect(addWorkingMinutes(nyNewYear, est('2025-12-31T16:00:00'), 120).toISOString()).toBe(est('2026-01-02T10:00:00').toISOString());
    // 23:30 EST on 31 Dec is already 1 Jan in UTC; counting starts at 09:00 on the next working day there.
    expect(addWorkingMinutes(nyNewYear, est('2025-12-31T23:30:00'), 30).toISOString()).toBe(est('2026-01-02T09:30:00').toISOString());
    // 1h on 31 Dec + 8h on 2 Jan fill 9h exactly; one hour more runs over the weekend to Mon 5 Jan.
    expect(addWorkingMinutes(nyNewYear, est('2025-12-31T16:00:00'), 540).toISOString()).toBe(est('2026-01-02T17:00:00').toISOString());
    expect(addWorkingMinutes(nyNewYear, est('2025-12-31T16:00:00'), 600).toISOString()).toBe(est('2026-01-05T10:00:00').toISOString());
    // Thu 31 Dec 2026 16:00 EST + 2h: Fri 1 Jan holiday, then the weekend → Mon 4 Jan 2027 10:00 EST
    expect(addWorkingMinutes(nyNewYear, est('2026-12-31T16:00:00'), 120).toISOString()).toBe(est('2027-01-04T10:00:00').toISOString());
  });

  it('counts working minutes across the year end in that zone', () => {
    expect(workingMinutesBetween(nyNewYear, est('2025-12-31T12:00:00'), est('2026-01-02T12:00:00'))).toBe(5 * 60 + 3 * 60);
    expect(workingMinutesBetween(nyNewYear, est('2025-12-31T16:00:00'), est('2026-01-05T10:00:00'))).toBe(600);
    expect(workingMinutesBetween(nyNewYear, est('2025-12-31T17:00:00'), est('2026-01-02T09:00:00'))).toBe(0); // night, holiday, night
    expect(isWorkingTime(nyNewYear, est('2026-01-01T10:00:00'))).toBe(false);
    expect(isWorkingTime(nyNewYear, est('2026-01-02T10:00:00'))).toBe(true);
    for (const start of ['2025-12-31T08:00:00', '2025-12-31T16:45:00', '2025-12-30T20:00:00']) {
      for (const minutes of [1, 90, 480, 1500]) {
        const end = addWorkingMinutes(nyNewYear, est(start), minutes);
        expect(workingMinutesBetween(nyNewYear, est(start), end)).toBeCloseTo(minutes, 6);
      }
    }
  });
});

describe('working time between two instants', () => {
  it('counts only working hours', () => {
    expect(workingMinutesBetween(business, sh('2026-11-27T16:00:00'), sh('2026-11-30T11:00:00'))).toBe(240);
    expect(workingMinutesBetween(business, sh('2026-09-30T17:00:00'), sh('2026-10-05T10:00:00'))).toBe(120);
    expect(workingMinutesBetween(lunch, sh('2026-11-25T11:30:00'), sh('2026-11-25T13:30:00'))).toBe(60);
  });

  it('is the inverse of adding', () => {
    for (const start of ['2026-11-27T16:12:00', '2026-12-31T08:00:00', '2026-10-09T20:00:00']) {
      for (const minutes of [1, 45, 600, 3000]) {
        const end = addWorkingMinutes(business, sh(start), minutes);
        expect(workingMinutesBetween(business, sh(start), end)).toBeCloseTo(minutes, 6);
      }
    }
  });

  it('is zero backwards and across a whole weekend', () => {
    expect(workingMinutesBetween(business, sh('2026-11-30T10:00:00'), sh('2026-11-27T10:00:00'))).toBe(0);
    expect(workingMinutesBetween(business, sh('2026-11-28T00:00:00'), sh('2026-11-29T23:59:00'))).toBe(0);
    expect(workingMinutesBetween(ALWAYS, sh('2026-11-28T00:00:00'), sh('2026-11-29T00:00:00'))).toBe(1440);
  });

  it('knows when it is working time', () => {
    expect(isWorkingTime(business, sh('2026-11-25T09:00:00'))).toBe(true);
    expect(isWorkingTime(business, sh('2026-11-25T18:00:00'))).toBe(false);
    expect(isWorkingTime(business, sh('2026-10-01T10:00:00'))).toBe(false);
    expect(isWorkingTime(lunch, sh('2026-11-25T12:30:00'))).toBe(false);
  });
});

describe('working hours', () => {
  it('parses one range or several and refuses overlaps', () => {
    expect(parseHours('09:00-18:00')).toEqual([[540, 1080]]);
    expect(parseHours('13:00-18:00, 09:00-12:00')).toEqual([[540, 720], [780, 1080]]);
    expect(() => parseHours(['09:00-13:00', '12:00-18:00'])).toThrow(/overlap/);
    expect(() => parseHours('18:00-09:00')).toThrow(/start before end/);
    expect(() => parseHours('9-18')).toThrow(/not a range/);
  });
});

describe('calendars in opsdesk.yml', () => {
  it('refuses overlapping hours, naming the key path and line', async () => {
    const { parseConfig, ConfigError } = await import('../../src/config/config.js');
    const text = 'calendars:\n  business:\n    days: [mon, tue]\n    hours: ["09:00-13:00", "12:00-18:00"]\n';
    expect(() => parseConfig(text, { publicUrl: 'http://x', tzDefault: undefined, localeDefault: undefined })).toThrow(ConfigError);
    expect(() => parseConfig(text, { publicUrl: 'http://x', tzDefault: undefined, localeDefault: undefined })).toThrow(/opsdesk\.yml:4: calendars\.business\.hours: .*overlap/);
  });
});
