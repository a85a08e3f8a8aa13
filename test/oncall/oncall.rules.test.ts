// Pure on-call rules, no database: shifts across days, month and year ends, DST, overrides, the
// paging line, reminders' window and the SLA state of a ticket in the handover snapshot.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { handoverSchedules } from '../../src/modules/oncall/oncall.jobs.js';
import {
  lastHandover,
  nextShiftOf,
  nextShifts,
  pageTargets,
  pagingLine,
  primaryRotation,
  rotationsOf,
  shiftAt,
  shiftIndexAt,
  shiftsBetween,
  shiftsStartingIn,
  shiftStartingAt,
  slaState,
  type Overrides,
  type Rotation,
} from '../../src/modules/oncall/oncall.rules.js';

const A = 'U0ALICE';
const B = 'U0BOB';
const C = 'U0CARL';
const D = 'U0DAVE';

const base: Rotation = {
  name: 'primary',
  members: [A, B, C],
  handover: [9 * 60, 21 * 60],
  start: '2026-11-01',
  zone: 'Asia/Shanghai',
  reminderBeforeMinutes: 60,
  ackReminderAfterMinutes: 15,
  ackEscalateAfterMinutes: 30,
  pageTimeoutMinutes: 5,
};
/** Shanghai local time → instant. */
const sh = (local: string) => new Date(`${local}+08:00`);

describe('who is on call (two handovers a day, Asia/Shanghai)', () => {
  it('has nobody on call before the first handover time of the start day', () => {
    expect(shiftAt(base, sh('2026-10-31T23:00:00'))).toBeUndefined();
    expect(shiftAt(base, sh('2026-11-01T08:59:59'))).toBeUndefined();
  });

  it('starts with members[0] at the first handover time of the start day', () => {
    const s = shiftAt(base, sh('2026-11-01T09:00:00'))!;
    expect(s).toMatchObject({ index: 0, user: A, scheduled: A });
    expect(s.start).toEqual(sh('2026-11-01T09:00:00'));
    expect(s.end).toEqual(sh('2026-11-01T21:00:00'));
  });

  it('hands over at each handover time to the next member, across midnight', () => {
    expect(shiftAt(base, sh('2026-11-01T20:59:59'))!.user).toBe(A);
    const night = shiftAt(base, sh('2026-11-01T21:00:00'))!;
    expect(night).toMatchObject({ index: 1, user: B });
    expect(night.end).toEqual(sh('2026-11-02T09:00:00'));
    expect(shiftAt(base, sh('2026-11-02T00:30:00'))!.user).toBe(B);
    expect(shiftAt(base, sh('2026-11-02T09:00:00'))).toMatchObject({ index: 2, user: C });
    expect(shiftAt(base, sh('2026-11-02T21:00:00'))).toMatchObject({ index: 3, user: A });
  });

  it('keeps counting across the month end: 30 Nov 21:00 → 1 Dec 09:00', () => {
    const last = shiftAt(base, sh('2026-11-30T23:59:00'))!;
    expect(last).toMatchObject({ index: 59, user: C });
    expect(last.start).toEqual(sh('2026-11-30T21:00:00'));
    expect(last.end).toEqual(sh('2026-12-01T09:00:00'));
    expect(shiftAt(base, sh('2026-12-01T08:59:59'))!.index).toBe(59);
    expect(shiftAt(base, sh('2026-12-01T09:00:00'))).toMatchObject({ index: 60, user: A });
  });

  it('keeps counting across the year end', () => {
    const s = shiftAt(base, sh('2027-01-01T03:00:00'))!;
    expect(s.start).toEqual(sh('2026-12-31T21:00:00'));
    expect(s).toMatchObject({ index: 121, user: B });
    expect(s.end).toEqual(sh('2027-01-01T09:00:00'));
  });

  it('lists the next shifts in order, each starting where the last ended', () => {
    const list = nextShifts(base, sh('2026-11-30T10:00:00'), 4);
    expect(list.map((s) => [s.index, s.user])).toEqual([[58, B], [59, C], [60, A], [61, B]]);
    for (let i = 1; i < list.length; i++) expect(list[i]!.start).toEqual(list[i - 1]!.end);
    const between = shiftsBetween(base, sh('2026-11-30T10:00:00'), sh('2026-12-01T10:00:00'));
    expect(between.map((s) => s.index)).toEqual([58, 59, 60]);
  });

  it('finds the shift starting at an instant only when a handover is there', () => {
    expect(shiftStartingAt(base, sh('2026-11-30T21:00:00'))!.index).toBe(59);
    expect(shiftStartingAt(base, sh('2026-11-30T21:01:00'))).toBeUndefined();
    expect(shiftStartingAt(base, sh('2026-10-30T21:00:00'))).toBeUndefined();
  });

  it('gives the last handover: outgoing and incoming', () => {
    const h = lastHandover(base, sh('2026-12-01T09:10:00'))!;
    expect(h.outgoing).toMatchObject({ index: 59, user: C });
    expect(h.incoming).toMatchObject({ index: 60, user: A });
    expect(lastHandover(base, sh('2026-11-01T09:00:00'))!.outgoing).toBeUndefined();
  });

  it('makes one 24-hour shift a day with a single handover time', () => {
    const daily: Rotation = { ...base, handover: [8 * 60] };
    const s = shiftAt(daily, sh('2026-11-03T07:59:00'))!;
    expect(s).toMatchObject({ index: 1, user: B });
    expect(s.end.getTime() - s.start.getTime()).toBe(24 * 3_600_000);
  });

  it('follows the local clock through a DST change in another zone (Europe/London, 25 Oct 2026)', () => {
    const london: Rotation = { ...base, zone: 'Europe/London', handover: [8 * 60, 20 * 60], start: '2026-10-24' };
    const night = shiftAt(london, new Date('2026-10-25T03:00:00Z'))!;
    expect(night.index).toBe(1);
    expect(night.start).toEqual(new Date('2026-10-24T19:00:00Z')); // 20:00 BST
    expect(night.end).toEqual(new Date('2026-10-25T08:00:00Z')); // 08:00 GMT: a 13-hour night
    expect(shiftIndexAt(london, new Date('2026-10-25T08:00:00Z'))).toBe(2);
  });
});

describe('overrides and the paging line', () => {
  const cover: Overrides = new Map([[sh('2026-12-01T09:00:00').getTime(), { user: D, id: 7 }]]);

  it('puts the covering person on the shift and keeps who was scheduled', () => {
    const s = shiftAt(base, sh('2026-12-01T10:00:00'), cover)!;
    expect(s).toMatchObject({ user: D, scheduled: A, overrideId: 7 });
    expect(shiftAt(base, sh('2026-12-01T21:00:00'), cover)!.user).toBe(B);
  });

  it('pages the engineer on call, then the next different person in line', () => {
    expect(pagingLine(base, sh('2026-11-30T22:00:00'))).toEqual([C, A]);
    expect(pagingLine(base, sh('2026-11-30T22:00:00'), cover)).toEqual([C, D]);
    expect(pagingLine({ ...base, members: [A] }, sh('2026-11-30T22:00:00'))).toEqual([A]);
    expect(pagingLine(base, sh('2026-10-01T10:00:00'))).toEqual([]);
  });

  it('rings the supervisors once the line is used up', () => {
    expect(pageTargets({ line: [C, A], step: 1 }, ['U0SAM'])).toEqual([A]);
    expect(pageTargets({ line: [C, A], step: 2 }, ['U0SAM', 'U0SUE'])).toEqual(['U0SAM', 'U0SUE']);
  });

  it("finds a user's next shift across rotations, covers included", () => {
    const network: Rotation = { ...base, name: 'network', members: [D], handover: [8 * 60], start: '2026-11-20' };
    const next = nextShiftOf(D, [base, network], sh('2026-11-30T10:00:00'), 14 * 86_400_000, (r) => (r === 'primary' ? cover : new Map()));
    expect(next).toMatchObject({ rotation: 'network' }); // running now: 30 Nov 08:00 → 1 Dec 08:00
    const nextOfA = nextShiftOf(A, [base], sh('2026-11-30T10:00:00'), 14 * 86_400_000, () => cover);
    expect(nextOfA!.start).toEqual(sh('2026-12-02T21:00:00')); // 1 Dec 09:00 is covered by D; 1 Dec 21:00 is B's
  });
});

describe('reminder window', () => {
  it('picks shifts starting within (now, now + reminder_before]', () => {
    const at = (local: string) => shiftsStartingIn(base, sh(local), new Date(sh(local).getTime() + 60 * 60_000)).map((s) => s.index);
    expect(at('2026-11-30T19:59:00')).toEqual([]);
    expect(at('2026-11-30T20:00:00')).toEqual([59]);
    expect(at('2026-11-30T20:59:00')).toEqual([59]);
    expect(at('2026-11-30T21:00:00')).toEqual([]);
  });
});

describe('SLA state in the handover snapshot', () => {
  const opened = new Date('2026-11-25T02:00:00Z');
  const t = { state: 'new', createdAt: opened, acknowledgedAt: null, responseDueAt: new Date(opened.getTime() + 60 * 60_000), resolutionDueAt: new Date(opened.getTime() + 8 * 3_600_000) };
  const after = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);

  it('is on track, at risk from 75 %, breached at 100 %', () => {
    expect(slaState(t, after(44))).toBe('ok');
    expect(slaState(t, after(45))).toBe('at_risk');
    expect(slaState(t, after(60))).toBe('breached');
  });

  it('judges resolution alone once the response was met', () => {
    const acked = { ...t, acknowledgedAt: after(10) };
    expect(slaState(acked, after(90))).toBe('ok');
    expect(slaState(acked, after(6 * 60))).toBe('at_risk');
    expect(slaState(acked, after(8 * 60))).toBe('breached');
  });

  it('is paused while waiting on the customer', () => {
    expect(slaState({ ...t, acknowledgedAt: after(10), state: 'waiting_customer' }, after(7 * 60))).toBe('paused');
  });
});

describe('rotations from opsdesk.yml', () => {
  const ENV = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };
  const config = parseConfig(
    [
      'timezone: Asia/Shanghai',
      'oncall:',
      '  rotations:',
      '    - { name: network, members: [U0BOB], handover: ["08:00"], start: "2026-11-20" }',
      '    - { name: primary, members: [U0ALICE, U0BOB], handover: ["09:00", "21:30"], start: "2026-11-01", reminder_before: 2h, page_timeout: 10m }',
      '    - { name: london, members: [U0CARL], start: "2026-11-01", timezone: Europe/London }',
    ].join('\n'),
    ENV,
  );

  it('resolves defaults: zone, reminder and acknowledgement times, page timeout', () => {
    const [network, primary, london] = rotationsOf(config);
    expect(network).toMatchObject({ zone: 'Asia/Shanghai', reminderBeforeMinutes: 60, ackReminderAfterMinutes: 15, ackEscalateAfterMinutes: 30, pageTimeoutMinutes: 5, handover: [480] });
    expect(primary).toMatchObject({ reminderBeforeMinutes: 120, pageTimeoutMinutes: 10, handover: [540, 1290] });
    expect(london).toMatchObject({ zone: 'Europe/London', handover: [540] });
  });

  it('pages the rotation named primary, else the first', () => {
    expect(primaryRotation(rotationsOf(config))!.name).toBe('primary');
    expect(primaryRotation(rotationsOf(config).filter((r) => r.name !== 'primary'))!.name).toBe('network');
    expect(primaryRotation([])).toBeUndefined();
  });

  it('schedules oncall-handover at every handover time of every rotation, in the rotation zone', () => {
    expect(handoverSchedules(config)).toEqual([
      { cron: '0 8 * * *', args: { name: 'network' }, timezone: 'Asia/Shanghai' },
      { cron: '0 9 * * *', args: { name: 'primary' }, timezone: 'Asia/Shanghai' },
      { cron: '30 21 * * *', args: { name: 'primary' }, timezone: 'Asia/Shanghai' },
      { cron: '0 9 * * *', args: { name: 'london' }, timezone: 'Europe/London' },
    ]);
  });
});
