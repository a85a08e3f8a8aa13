// SLA clocks of a ticket (SPEC §3.1, §3.5): due and warning times, pauses, reopen, extension, and
// which warning/breach stages are due. Pure: calendars and `now` are passed in.
import type { SlaTarget } from '../../config/config.js';
import { addWorkingMinutes, workingMinutesBetween, type Calendar } from './calendar.rules.js';

export type SlaTargetName = 'response' | 'resolution';
export type SlaStage = 'warning' | 'breach';

/** Warning at 75 % of a target. */
export const WARN_FRACTION = 0.75;

/** Bits of `sla_posted`: which stages were posted (the sla_alerts unique key is the real guard). */
export const STAGE_BIT: Record<`${SlaTargetName}:${SlaStage}`, number> = {
  'response:warning': 1,
  'response:breach': 2,
  'resolution:warning': 4,
  'resolution:breach': 8,
};

/** The SLA columns of a ticket. */
export interface SlaClocks {
  state: string;
  acknowledgedAt: Date | null;
  responseDueAt: Date;
  responseWarnAt: Date | null;
  resolutionDueAt: Date;
  resolutionWarnAt: Date | null;
  resolutionTargetMinutes: number;
  resolutionStartedAt: Date | null;
  pausedAt: Date | null;
  pausedMinutes: number;
  slaPosted: number;
}

/** The posted bits after posting a stage: a breach also closes its target's warning for good. */
export function markPosted(bits: number, target: SlaTargetName, stage: SlaStage): number {
  const withStage = bits | STAGE_BIT[`${target}:${stage}`];
  return stage === 'breach' ? withStage | STAGE_BIT[`${target}:warning`] : withStage;
}

/** Clocks of a new ticket: both targets start at the report. */
export function openingClocks(cal: Calendar, openedAt: Date, target: SlaTarget) {
  return {
    slaCalendar: cal.name,
    responseTargetMinutes: target.responseMinutes,
    resolutionTargetMinutes: target.resolutionMinutes,
    responseDueAt: addWorkingMinutes(cal, openedAt, target.responseMinutes),
    responseWarnAt: addWorkingMinutes(cal, openedAt, target.responseMinutes * WARN_FRACTION),
    resolutionDueAt: addWorkingMinutes(cal, openedAt, target.resolutionMinutes),
    resolutionWarnAt: addWorkingMinutes(cal, openedAt, target.resolutionMinutes * WARN_FRACTION),
    resolutionStartedAt: openedAt,
    pausedAt: null,
    pausedMinutes: 0,
    slaPosted: 0,
  };
}

const posted = (c: Pick<SlaClocks, 'slaPosted'>, target: SlaTargetName, stage: SlaStage) => (c.slaPosted & STAGE_BIT[`${target}:${stage}`]) !== 0;

/** Whether a target's clock runs: response until acknowledged; resolution while open and not paused. */
export function running(c: SlaClocks, target: SlaTargetName): boolean {
  if (['resolved', 'closed', 'cancelled'].includes(c.state)) return false;
  if (target === 'response') return c.acknowledgedAt === null;
  return c.state !== 'waiting_customer' && c.pausedAt === null;
}

function stageTime(c: SlaClocks, target: SlaTargetName, stage: SlaStage): Date | null {
  if (target === 'response') return stage === 'warning' ? c.responseWarnAt : c.responseDueAt;
  return stage === 'warning' ? c.resolutionWarnAt : c.resolutionDueAt;
}

const ALL: [SlaTargetName, SlaStage][] = [
  ['response', 'warning'],
  ['response', 'breach'],
  ['resolution', 'warning'],
  ['resolution', 'breach'],
];

/**
 * The stages that have come by `now` and were not posted, in order. A warning whose breach has also
 * come is skipped: the breach says more (a ticket reported at 09:00 and swept at 11:00 gets one post).
 */
export function dueStages(c: SlaClocks, now: Date): { target: SlaTargetName; stage: SlaStage; at: Date }[] {
  const out: { target: SlaTargetName; stage: SlaStage; at: Date }[] = [];
  for (const [target, stage] of ALL) {
    if (!running(c, target) || posted(c, target, stage)) continue;
    const at = stageTime(c, target, stage);
    if (!at || at.getTime() > now.getTime()) continue;
    if (stage === 'warning') {
      const due = stageTime(c, target, 'breach')!;
      if (due.getTime() <= now.getTime() && !posted(c, target, 'breach')) continue;
    }
    out.push({ target, stage, at });
  }
  return out;
}

/** When the sweep should next look at this ticket: the earliest unposted stage of a running clock. */
export function nextCheckAt(c: SlaClocks): Date | null {
  let next: number | null = null;
  for (const [target, stage] of ALL) {
    if (!running(c, target) || posted(c, target, stage)) continue;
    const at = stageTime(c, target, stage);
    if (at && (next === null || at.getTime() < next)) next = at.getTime();
  }
  return next === null ? null : new Date(next);
}

/** Waiting on the customer: the resolution clock stops. */
export function pause(now: Date) {
  return { pausedAt: now };
}

/**
 * Resume: the resolution due and warning times move by the working time spent waiting, and the
 * ticket keeps the total.
 */
export function resume(cal: Calendar, c: SlaClocks, now: Date) {
  if (!c.pausedAt) return {};
  const paused = workingMinutesBetween(cal, c.pausedAt, now);
  return {
    pausedAt: null,
    pausedMinutes: c.pausedMinutes + Math.round(paused),
    resolutionDueAt: addWorkingMinutes(cal, c.resolutionDueAt, paused),
    resolutionWarnAt: c.resolutionWarnAt && addWorkingMinutes(cal, c.resolutionWarnAt, paused),
  };
}

/**
 * Reopen restarts the resolution clock at the reopen time with the budget that was left when it was
 * resolved (none left: due at once). Warnings and breaches already posted are not posted again.
 */
export function reopen(cal: Calendar, c: SlaClocks & { resolvedAt: Date | null }, now: Date) {
  const resolvedAt = c.resolvedAt ?? now;
  const left = workingMinutesBetween(cal, resolvedAt, c.resolutionDueAt);
  const warnLeft = Math.max(0, left - c.resolutionTargetMinutes * (1 - WARN_FRACTION));
  return {
    resolutionStartedAt: now,
    resolutionDueAt: addWorkingMinutes(cal, now, left),
    resolutionWarnAt: addWorkingMinutes(cal, now, warnLeft),
    pausedAt: null,
  };
}

/** The resolution due time as it stands at `now`: while paused, where Resume at `now` would put it. */
export function resolutionDueAsOf(cal: Calendar, c: Pick<SlaClocks, 'resolutionDueAt' | 'pausedAt'>, now: Date): Date {
  return c.pausedAt ? addWorkingMinutes(cal, c.resolutionDueAt, workingMinutesBetween(cal, c.pausedAt, now)) : c.resolutionDueAt;
}

/**
 * A consented extension: the resolution is due at the committed time. The warning comes at 75 % of
 * the new span unless one was posted already; a breach already posted stays on record. Made while
 * waiting on the customer, it restarts the pause at `now`: the waiting so far goes into the paused
 * total and moves nothing (the committed time replaces the old due time), while the waiting after it
 * moves the committed time on Resume like any pause.
 */
export function extend(cal: Calendar, c: SlaClocks, now: Date, committedAt: Date) {
  const span = workingMinutesBetween(cal, now, committedAt);
  const pause = c.pausedAt ? { pausedAt: now, pausedMinutes: c.pausedMinutes + Math.round(workingMinutesBetween(cal, c.pausedAt, now)) } : {};
  return {
    ...pause,
    resolutionDueAt: committedAt,
    resolutionWarnAt: posted(c, 'resolution', 'warning') ? null : addWorkingMinutes(cal, now, span * WARN_FRACTION),
  };
}

/** "1h 5m", "2d 3h": how late, for breach posts. */
export function formatLateness(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}
