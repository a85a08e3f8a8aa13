// SPEC §2 opsdesk.yml: built-in defaults, the documented shape, env overrides, and errors that
// name the key path and the line.
import { describe, expect, it } from 'vitest';
import { configError, ENV, yml } from '../support/config.js';
import { ConfigError, HANDBOOK_SLA, parseConfig, type Config } from '../../src/config/config.js';
import { parseClock, parseDurationMinutes } from '../../src/config/durations.js';

// The example of SPEC §2, with real-looking ids.
const SPEC_EXAMPLE = yml(
  'timezone: Asia/Shanghai          # default for schedules and business hours (TZ_DEFAULT overrides)',
  'locale: en                       # en | zh-CN (LOCALE_DEFAULT overrides)',
  'channels:                        # Slack channel ids',
  '  support: C0123SUPP             # where /ticket posts tickets',
  '  dispatch: C0123DISP            # visit orders',
  '  oncall: C0123ONCL              # handover threads',
  '  escalation: C0123ESCL          # SLA breaches, unaccepted orders, missed notices',
  '  review: C0123REVW              # monthly review, daily reports',
  '  changes: C0123CHNG             # change requests',
  '  patrol: C0123PATR              # default patrol channel',
  'roles:                           # Slack user ids',
  '  admins: [U0123ADMN]',
  '  supervisors: [U0123SUPV]',
  '  dispatchers: [U0123DSPT]',
  '  engineers: [U0123ENG1, W0123ENG2]',
  'calendars:',
  '  business: { days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", holidays: ["2026-10-01"] }',
  'sla:                             # durations like 15m, 4h, 3d; calendar: 24x7 (default) or a calendar name',
  '  default:                       # the handbook: every fault resolved within 24 h of the report',
  '    P1: { response: 15m, resolution: 4h }',
  '    P2: { response: 30m, resolution: 8h }',
  '    P3: { response: 2h, resolution: 24h }',
  '    P4: { response: 4h, resolution: 24h }',
  '  customers:                     # per-customer overrides, by customer name',
  '    "上海示例连锁超市":',
  '      P3: { response: 1h, resolution: 8h, calendar: business }',
  'oncall:',
  '  rotations:',
  '    - name: primary',
  '      channel: C0123ONCL         # defaults to channels.oncall',
  '      members: [U0123ENG1, U0123ENG3, U0123ENG4]      # in order',
  '      handover: ["09:00", "21:00"]   # local times at which the shift changes',
  '      start: "2026-11-01"        # first shift starts at the first handover time of this day, members[0]',
  'patrols:',
  '  - name: morning',
  '    schedule: "30 8 * * *"       # node-cron expression in `timezone`',
  '    deadline: "11:00"',
  '    channel: C0123PATR           # defaults to channels.patrol',
  '    items: ["核心交换机状态", "防火墙告警", "服务器磁盘空间", "备份任务结果"]',
  'review:',
  '  schedule: "0 9 1 * *"          # monthly review',
);

describe('parseConfig: defaults and the documented shape', () => {
  it('gives the built-in defaults for an empty file', () => {
    const c = parseConfig('', ENV);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.locale).toBe('en');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.sla.default).toEqual(HANDBOOK_SLA);
    expect(c.sla.default.P3.resolutionMinutes).toBe(1440);
    expect(c.sla.default.P1).toEqual({ responseMinutes: 15, resolutionMinutes: 240, calendar: '24x7' });
    expect(c.sla.customers).toEqual({});
    expect(c.channels).toEqual({});
    expect(c.roles).toEqual({ admins: [], supervisors: [], dispatchers: [], engineers: [] });
    expect(c.oncall.rotations).toEqual([]);
    expect(c.patrols).toEqual([]);
    expect(c.review.schedule).toBe('0 9 1 * *');
  });

  it('gives the built-in defaults for a file holding only comments', () => {
    const c = parseConfig('# nothing configured yet\n', ENV);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.sla.default).toEqual(HANDBOOK_SLA);
  });

  it('parses the example of SPEC §2', () => {
    const c: Config = parseConfig(SPEC_EXAMPLE, ENV);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.locale).toBe('en');
    expect(c.channels.support).toBe('C0123SUPP');
    expect(c.channels.patrol).toBe('C0123PATR');
    expect(c.roles.engineers).toEqual(['U0123ENG1', 'W0123ENG2']);
    expect(c.calendars.business).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-18:00', holidays: ['2026-10-01'], workdays: [] });
    expect(c.sla.default.P2).toEqual({ responseMinutes: 30, resolutionMinutes: 480, calendar: '24x7' });
    expect(c.sla.default.P4).toEqual({ responseMinutes: 240, resolutionMinutes: 1440, calendar: '24x7' });
    const shop = c.sla.customers['上海示例连锁超市'];
    expect(shop?.P3).toEqual({ responseMinutes: 60, resolutionMinutes: 480, calendar: 'business' });
    // priorities the customer policy does not name fall back to the default policy
    expect(shop?.P1).toEqual(c.sla.default.P1);
    expect(c.oncall.rotations[0]).toMatchObject({ name: 'primary', members: ['U0123ENG1', 'U0123ENG3', 'U0123ENG4'], handover: ['09:00', '21:00'], start: '2026-11-01' });
    expect(c.patrols[0]).toMatchObject({ name: 'morning', schedule: '30 8 * * *', deadline: '11:00', channel: 'C0123PATR' });
    expect(c.patrols[0]?.items).toHaveLength(4);
    expect(c.review.schedule).toBe('0 9 1 * *');
  });

  it('lets TZ_DEFAULT and LOCALE_DEFAULT win over the file', () => {
    const c = parseConfig(SPEC_EXAMPLE, { ...ENV, tzDefault: 'Europe/Berlin', localeDefault: 'zh-CN' });
    expect(c.timezone).toBe('Europe/Berlin');
    expect(c.locale).toBe('zh-CN');
  });

  it('takes timezone and locale from the file when the environment leaves them unset', () => {
    const c = parseConfig(yml('timezone: America/New_York', 'locale: zh-CN'), ENV);
    expect(c.timezone).toBe('America/New_York');
    expect(c.locale).toBe('zh-CN');
  });

  it('merges a partial default policy over the handbook SLA', () => {
    const c = parseConfig(yml('sla:', '  default:', '    P1: { response: 10m, resolution: 2h }'), ENV);
    expect(c.sla.default.P1).toEqual({ responseMinutes: 10, resolutionMinutes: 120, calendar: '24x7' });
    expect(c.sla.default.P3).toEqual(HANDBOOK_SLA.P3);
  });
});

describe('parseConfig: errors name the key path and the line', () => {
  it('refuses an unknown key under channels', () => {
    const text = yml(
      'timezone: Asia/Shanghai', // 1
      'channels:', //               2
      '  support: C0123SUPP', //    3
      '  suport: C0123SUPP', //     4
    );
    const message = configError(text, 'channels.suport', 4);
    expect(message).toMatch(/unknown key/);
  });

  it('refuses an unknown top-level key', () => {
    configError(yml('timezone: Asia/Shanghai', 'chanels:', '  support: C0123SUPP'), 'chanels', 2);
  });

  it('refuses a calendar name that is not lower case, on the line of the name, saying so', () => {
    const text = yml(
      'calendars:', //                 1
      '  Business:', //                2
      '    days: [mon, tue]', //       3
      '    hours: "09:00-18:00"', //   4
    );
    const message = configError(text, 'calendars.Business', 2);
    expect(message).toMatch(/lower case/);
  });

  it('refuses a channel that is not a channel id', () => {
    const text = yml(
      'channels:', //              1
      '  support: C0123SUPP', //   2
      '  dispatch: "#dispatch"', // 3
    );
    const message = configError(text, 'channels.dispatch', 3);
    expect(message).toMatch(/channel id/);
  });

  it('refuses a supervisor id that does not start with U or W, naming its index', () => {
    const text = yml(
      'roles:', //                    1
      '  admins: [U0123ADMN]', //     2
      '  supervisors:', //            3
      '    - U0123SUPV', //           4
      '    - C0123SUPP', //           5
    );
    const message = configError(text, 'roles.supervisors.1', 5);
    expect(message).toMatch(/U or W/);
  });

  it('refuses a duration written in words', () => {
    const text = yml(
      'sla:', //                                         1
      '  default:', //                                   2
      '    P1: { response: 15m, resolution: 4h }', //    3
      '    P2:', //                                      4
      '      response: 30 minutes', //                   5
      '      resolution: 8h', //                         6
    );
    const message = configError(text, 'sla.default.P2.response', 5);
    expect(message).toMatch(/duration/);
  });

  it('refuses an sla policy on a calendar that is not defined', () => {
    const text = yml(
      'calendars:', //                                                       1
      '  business: { days: [mon, tue, wed, thu, fri], hours: "09:00-18:00" }', // 2
      'sla:', //                                                             3
      '  customers:', //                                                     4
      '    "上海示例连锁超市":', //                                            5
      '      P3:', //                                                        6
      '        response: 1h', //                                             7
      '        resolution: 8h', //                                           8
      '        calendar: weekdays', //                                       9
    );
    const message = configError(text, 'sla.customers.上海示例连锁超市.P3.calendar', 9);
    expect(message).toContain('weekdays');
  });

  it('refuses a response target longer than the resolution target', () => {
    const text = yml(
      'sla:', //                                      1
      '  default:', //                                2
      '    P4:', //                                   3
      '      response: 2d', //                        4
      '      resolution: 24h', //                     5
    );
    const message = configError(text, 'sla.default.P4.response', 4);
    expect(message).toMatch(/longer than the resolution/);
  });

  it('refuses a patrol schedule that is not a cron expression', () => {
    const text = yml(
      'patrols:', //                      1
      '  - name: morning', //             2
      '    schedule: "61 8 * * *"', //    3
      '    deadline: "11:00"', //         4
      '    items: ["防火墙告警"]', //       5
    );
    const message = configError(text, 'patrols.0.schedule', 3);
    expect(message).toMatch(/cron/);
  });

  it('refuses a patrol deadline that is not HH:MM', () => {
    const text = yml(
      'patrols:', //                      1
      '  - name: morning', //             2
      '    schedule: "30 8 * * *"', //    3
      '    deadline: "11am"', //          4
      '    items: ["防火墙告警"]', //       5
    );
    const message = configError(text, 'patrols.0.deadline', 4);
    expect(message).toMatch(/HH:MM/);
  });

  it('refuses a deadline of 24:00', () => {
    configError(yml('patrols:', '  - name: night', '    schedule: "0 22 * * *"', '    deadline: "24:00"', '    items: [a]'), 'patrols.0.deadline', 4);
  });

  it('refuses a rotation with no members', () => {
    const text = yml(
      'oncall:', //                   1
      '  rotations:', //              2
      '    - name: primary', //       3
      '      members: []', //         4
      '      start: "2026-11-01"', // 5
    );
    const message = configError(text, 'oncall.rotations.0.members', 4);
    expect(message).toMatch(/at least one member/);
  });

  it('refuses calendar hours whose start is after their end', () => {
    const text = yml(
      'calendars:', //                                  1
      '  business:', //                                 2
      '    days: [mon, tue, wed, thu, fri]', //         3
      '    hours: "18:00-09:00"', //                    4
    );
    const message = configError(text, 'calendars.business.hours', 4);
    expect(message).toMatch(/start before end/);
  });

  it('refuses text that is not valid YAML, with the line', () => {
    const text = yml(
      'timezone: Asia/Shanghai', //  1
      'channels:', //                2
      '  support: [C0123SUPP', //    3  (unclosed flow sequence)
      'roles: {}', //                4
    );
    let caught: unknown;
    try {
      parseConfig(text, ENV);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toMatch(/not valid YAML/);
    expect(message).toMatch(/^opsdesk\.yml:\d+: /);
    expect(message).not.toContain('\n');
  });

  it('refuses a duplicated key as invalid YAML on the line of the duplicate', () => {
    const text = yml('timezone: Asia/Shanghai', 'locale: en', 'timezone: Europe/Berlin');
    let caught: unknown;
    try {
      parseConfig(text, ENV);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(/^opsdesk\.yml:3: not valid YAML/);
  });

  it('names the file it was given as the source', () => {
    expect(() => parseConfig('locale: fr\n', ENV, '/etc/opsdesk/opsdesk.yml')).toThrow(/^\/etc\/opsdesk\/opsdesk\.yml:1: locale:/);
  });
});

describe('durations', () => {
  it('reads minutes, hours, days and combinations', () => {
    expect(parseDurationMinutes('15m')).toBe(15);
    expect(parseDurationMinutes('4h')).toBe(240);
    expect(parseDurationMinutes('3d')).toBe(3 * 1440);
    expect(parseDurationMinutes('1h30m')).toBe(90);
    expect(parseDurationMinutes('1d2h')).toBe(1440 + 120);
  });

  it.each(['', '   ', '0m', '0h0m', '15', '4 h', '1.5h', '30 minutes', 'h', '-5m', '30m1h'])('rejects %j', (text) => {
    expect(parseDurationMinutes(text)).toBeUndefined();
  });

  it('reads HH:MM clock times and rejects others', () => {
    expect(parseClock('09:00')).toBe(540);
    expect(parseClock('23:59')).toBe(1439);
    expect(parseClock('00:00')).toBe(0);
    for (const bad of ['9:00', '24:00', '12:60', '11am', '', '09:00:00']) expect(parseClock(bad)).toBeUndefined();
  });
});
