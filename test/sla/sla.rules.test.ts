// The clocks of one ticket: stages in order, pauses, reopen and extension (no database).
import { describe, expect, it } from 'vitest';
import { ALWAYS, buildCalendars, workingMinutesBetween } from '../../src/modules/sla/calendar.rules.js';
import * as sla from '../../src/modules/sla/sla.rules.js';

const business = buildCalendars({ business: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-18:00', holidays: [] } }, 'Asia/Shanghai').get('business')!;
const at = (local: string) => new Date(`${local}+08:00`);
const P3 = { responseMinutes: 120, resolutionMinutes: 24 * 60, calendar: '24x7' };

function ticket(openedAt: Date, cal = ALWAYS, target = P3): sla.SlaClocks & { resolvedAt: Date | null } {
  return { state: 'new', acknowledgedAt: null, resolvedAt: null, ...sla.openingClocks(cal, openedAt, target) };
}
const stages = (c: sla.SlaClocks, now: Date) => sla.dueStages(c, now).map((s) => `${s.target}:${s.stage}`);
const post = (c: sla.SlaClocks, now: Date) => {
  for (const s of sla.dueStages(c, now)) c.slaPosted = sla.markPosted(c.slaPosted, s.target, s.stage);
};

describe('SLA stages', () => {
  it('warns at 75 % and breaches at 100 % of each target, in order', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    expect(t.responseWarnAt!.toISOString()).toBe(at('2026-11-25T10:30:00').toISOString());
    expect(stages(t, at('2026-11-25T10:29:59'))).toEqual([]);
    expect(sla.nextCheckAt(t)!.toISOString()).toBe(at('2026-11-25T10:30:00').toISOString());
    expect(stages(t, at('2026-11-25T10:30:00'))).toEqual(['response:warning']);
    post(t, at('2026-11-25T10:30:00'));
    expect(sla.nextCheckAt(t)!.toISOString()).toBe(at('2026-11-25T11:00:00').toISOString());
    expect(stages(t, at('2026-11-25T11:00:00'))).toEqual(['response:breach']);
  });

  it('posts only the breach when a sweep first sees a ticket already past its due time', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    expect(stages(t, at('2026-11-25T11:30:00'))).toEqual(['response:breach']);
  });

  it('stops the response clock on acknowledgement and the resolution clock on resolution', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.acknowledgedAt = at('2026-11-25T09:10:00');
    t.state = 'acknowledged';
    expect(stages(t, at('2026-11-26T03:00:00'))).toEqual(['resolution:warning']);
    post(t, at('2026-11-26T03:00:00'));
    t.state = 'resolved';
    expect(stages(t, at('2026-11-27T00:00:00'))).toEqual([]);
    expect(sla.nextCheckAt(t)).toBeNull();
  });

  it('pauses while waiting on the customer and moves the due time by the working time paused', () => {
    const t = ticket(at('2026-11-25T09:00:00'), business, { ...P3, calendar: 'business' });
    t.acknowledgedAt = at('2026-11-25T09:05:00');
    t.state = 'waiting_customer';
    Object.assign(t, sla.pause(at('2026-11-25T11:00:00')));
    expect(sla.nextCheckAt(t)).toBeNull();
    expect(stages(t, at('2026-12-31T00:00:00'))).toEqual([]);
    // Paused from Wed 11:00 to Thu 10:00 = 7 h + 1 h = 8 working hours.
    const before = t.resolutionDueAt;
    t.state = 'in_progress';
    Object.assign(t, sla.resume(business, t, at('2026-11-26T10:00:00')));
    expect(t.pausedMinutes).toBe(480);
    expect(t.pausedAt).toBeNull();
    expect(workingMinutesBetween(business, before, t.resolutionDueAt)).toBe(480);
  });

  it('restarts the resolution clock on reopen with the budget that was left', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.acknowledgedAt = at('2026-11-25T09:05:00');
    t.state = 'resolved';
    t.resolvedAt = at('2026-11-25T15:00:00'); // 6 h used of 24 h: 18 h left
    const moved = sla.reopen(ALWAYS, t, at('2026-11-28T10:00:00'));
    expect(moved.resolutionDueAt.toISOString()).toBe(at('2026-11-29T04:00:00').toISOString());
    // warn when 75 % of 24 h is used: 18 h − 6 h = 12 h after reopening
    expect(moved.resolutionWarnAt!.toISOString()).toBe(at('2026-11-28T22:00:00').toISOString());
  });

  it('gives a reopened ticket that had no budget left no time at all', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.resolvedAt = at('2026-11-27T09:00:00');
    const moved = sla.reopen(ALWAYS, t, at('2026-11-28T10:00:00'));
    expect(moved.resolutionDueAt.toISOString()).toBe(at('2026-11-28T10:00:00').toISOString());
  });

  it('moves the resolution due time to the committed time on extension, keeping a posted breach', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.acknowledgedAt = at('2026-11-25T09:05:00');
    t.state = 'in_progress';
    post(t, at('2026-11-26T09:30:00')); // resolution breached
    expect(t.slaPosted & sla.STAGE_BIT['resolution:breach']).not.toBe(0);
    Object.assign(t, sla.extend(ALWAYS, t, at('2026-11-26T10:00:00'), at('2026-11-27T10:00:00')));
    expect(t.resolutionDueAt.toISOString()).toBe(at('2026-11-27T10:00:00').toISOString());
    expect(stages(t, at('2026-11-28T00:00:00'))).toEqual([]); // no second breach
  });

  it('warns again at 75 % of the new span after an extension made before any warning', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.acknowledgedAt = at('2026-11-25T09:05:00');
    t.state = 'in_progress';
    Object.assign(t, sla.extend(ALWAYS, t, at('2026-11-25T10:00:00'), at('2026-11-27T10:00:00')));
    expect(t.resolutionWarnAt!.toISOString()).toBe(at('2026-11-26T22:00:00').toISOString());
  });

  it('restarts the pause at an extension made while waiting: only the waiting after it moves the committed time', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.acknowledgedAt = at('2026-11-25T09:05:00');
    t.state = 'waiting_customer';
    Object.assign(t, sla.pause(at('2026-11-25T11:00:00')));
    // Still waiting the next morning, the customer agrees to Friday 12:00.
    const extended = sla.extend(ALWAYS, t, at('2026-11-26T08:00:00'), at('2026-11-27T12:00:00'));
    expect(extended.pausedAt!.toISOString()).toBe(at('2026-11-26T08:00:00').toISOString());
    expect(extended.pausedMinutes).toBe(21 * 60); // Wed 11:00 → Thu 08:00 is kept in the total
    Object.assign(t, extended);
    expect(sla.nextCheckAt(t)).toBeNull(); // still paused
    t.state = 'in_progress';
    Object.assign(t, sla.resume(ALWAYS, t, at('2026-11-26T09:00:00')));
    // Only Thu 08:00 → 09:00 moves the committed time (the bug moved it by all 22 h, to Sat 10:00).
    expect(t.resolutionDueAt.toISOString()).toBe(at('2026-11-27T13:00:00').toISOString());
    expect(t.pausedMinutes).toBe(22 * 60);
    // The warning: 75 % of Thu 08:00 → Fri 12:00 (28 h) is 21 h → Fri 05:00, moved by the same hour.
    expect(t.resolutionWarnAt!.toISOString()).toBe(at('2026-11-27T06:00:00').toISOString());
    expect(sla.nextCheckAt(t)!.toISOString()).toBe(at('2026-11-27T06:00:00').toISOString());
  });

  it('leaves the pause alone when extending a ticket that is not waiting', () => {
    const t = ticket(at('2026-11-25T09:00:00'));
    t.state = 'in_progress';
    t.pausedMinutes = 30;
    const extended = sla.extend(ALWAYS, t, at('2026-11-25T10:00:00'), at('2026-11-27T10:00:00'));
    expect(extended).not.toHaveProperty('pausedAt');
    expect(extended).not.toHaveProperty('pausedMinutes');
  });

  it('tells where a paused ticket would be due if resumed now', () => {
    const t = ticket(at('2026-11-25T09:00:00'), business, { ...P3, calendar: 'business' });
    expect(sla.resolutionDueAsOf(business, t, at('2026-11-30T09:00:00')).toISOString()).toBe(t.resolutionDueAt.toISOString());
    Object.assign(t, sla.pause(at('2026-11-25T11:00:00')));
    // Paused Wed 11:00 → Thu 10:00 = 8 working hours: due moves by as much.
    expect(workingMinutesBetween(business, t.resolutionDueAt, sla.resolutionDueAsOf(business, t, at('2026-11-26T10:00:00')))).toBe(480);
  });

  it('tells how late in words', () => {
    expect(sla.formatLateness(0)).toBe('0m');
    expect(sla.formatLateness(65 * 60_000)).toBe('1h 5m');
    expect(sla.formatLateness((2 * 1440 + 180) * 60_000)).toBe('2d 3h');
  });
});
