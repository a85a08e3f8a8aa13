// Pure on-call rules (SPEC §3.3): rotations, shifts, overrides, the line of people to page. No I/O;
// `now` and the overrides are passed in. Times are local to the rotation's zone (luxon).
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import { parseClock } from '../../config/durations.js';

/** A rotation of opsdesk.yml with its defaults resolved. */
export interface Rotation {
  name: string;
  channel?: string;
  members: string[];
  /** Minutes after local midnight, strictly increasing. */
  handover: number[];
  /** YYYY-MM-DD: the first shift starts at the first handover time of this day, members[0]. */
  start: string;
  zone: string;
  reminderBeforeMinutes: number;
  ackReminderAfterMinutes: number;
  ackEscalateAfterMinutes: number;
  pageTimeoutMinutes: number;
}

/** One shift: who is scheduled, and who actually is on call once overrides are applied. */
export interface Shift {
  rotation: string;
  /** 0 for the first shift of the rotation; consecutive. */
  index: number;
  start: Date;
  end: Date;
  /** The member the rotation order puts here. */
  scheduled: string;
  /** Who is on call: the scheduled member, or whoever covers by an override. */
  user: string;
  overrideId?: number;
}

/** Active overrides of one rotation by shift start (epoch ms): who covers that shift. */
export type Overrides = ReadonlyMap<number, { user: string; id: number }>;
const NONE: Overrides = new Map();

/** The rotations of the configuration, zone defaulting to `config.timezone`. */
export function rotationsOf(config: Pick<Config, 'oncall' | 'timezone'>): Rotation[] {
  return config.oncall.rotations.map((r) => ({
    name: r.name,
    channel: r.channel,
    members: r.members,
    handover: r.handover.map((h) => parseClock(h)!),
    start: r.start,
    zone: r.timezone ?? config.timezone,
    reminderBeforeMinutes: r.reminder_before,
    ackReminderAfterMinutes: r.ack_reminder_after,
    ackEscalateAfterMinutes: r.ack_escalate_after,
    pageTimeoutMinutes: r.page_timeout,
  }));
}

/** The primary rotation: the one named `primary`, else the first. */
export function primaryRotation(rotations: readonly Rotation[]): Rotation | undefined {
  return rotations.find((r) => r.name === 'primary') ?? rotations[0];
}

/** The instant shift `index` starts (its handover time, local to the rotation's zone). */
export function shiftStartAt(r: Rotation, index: number): Date {
  const perDay = r.handover.length;
  const day = Math.floor(index / perDay);
  const minutes = r.handover[index - day * perDay]!;
  return DateTime.fromISO(r.start, { zone: r.zone })
    .plus({ days: day })
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 })
    .toJSDate();
}

/** The index of the shift running at `at`, or undefined before the rotation starts. */
export function shiftIndexAt(r: Rotation, at: Date): number | undefined {
  const local = DateTime.fromJSDate(at, { zone: r.zone });
  const first = DateTime.fromISO(r.start, { zone: r.zone }).startOf('day');
  const days = Math.round(local.startOf('day').diff(first, 'days').days);
  const minuteOfDay = local.hour * 60 + local.minute;
  let k = days * r.handover.length + r.handover.filter((h) => h <= minuteOfDay).length - 1;
  // The estimate is exact outside DST gaps; walk to the shift that really contains `at`.
  while (k >= 0 && shiftStartAt(r, k).getTime() > at.getTime()) k--;
  if (k < 0) return undefined;
  while (shiftStartAt(r, k + 1).getTime() <= at.getTime()) k++;
  return k;
}

/** Shift `index` of a rotation, with an override applied when one covers it. */
export function shiftOf(r: Rotation, index: number, overrides: Overrides = NONE): Shift {
  const start = shiftStartAt(r, index);
  const scheduled = r.members[index % r.members.length]!;
  const cover = overrides.get(start.getTime());
  return {
    rotation: r.name,
    index,
    start,
    end: shiftStartAt(r, index + 1),
    scheduled,
    user: cover?.user ?? scheduled,
    ...(cover ? { overrideId: cover.id } : {}),
  };
}

/** Who is on call at `at` (undefined before the rotation's first shift). */
export function shiftAt(r: Rotation, at: Date, overrides: Overrides = NONE): Shift | undefined {
  const k = shiftIndexAt(r, at);
  return k === undefined ? undefined : shiftOf(r, k, overrides);
}

/** The shift running at `at` and the ones after it: `count` shifts in all. */
export function nextShifts(r: Rotation, at: Date, count: number, overrides: Overrides = NONE): Shift[] {
  const first = shiftIndexAt(r, at) ?? 0;
  return Array.from({ length: count }, (_, i) => shiftOf(r, first + i, overrides));
}

/** Shifts that overlap [from, to), in order. */
export function shiftsBetween(r: Rotation, from: Date, to: Date, overrides: Overrides = NONE): Shift[] {
  const out: Shift[] = [];
  for (let k = shiftIndexAt(r, from) ?? 0; ; k++) {
    const s = shiftOf(r, k, overrides);
    if (s.start.getTime() >= to.getTime()) return out;
    out.push(s);
  }
}

/** The shift that starts exactly at `start`, or undefined when no shift of this rotation does. */
export function shiftStartingAt(r: Rotation, start: Date, overrides: Overrides = NONE): Shift | undefined {
  const k = shiftIndexAt(r, start);
  if (k === undefined || shiftStartAt(r, k).getTime() !== start.getTime()) return undefined;
  return shiftOf(r, k, overrides);
}

/** The most recent handover at or before `at` (the start of the shift running then). */
export function lastHandover(r: Rotation, at: Date, overrides: Overrides = NONE): { outgoing?: Shift; incoming: Shift } | undefined {
  const k = shiftIndexAt(r, at);
  if (k === undefined) return undefined;
  return { incoming: shiftOf(r, k, overrides), ...(k > 0 ? { outgoing: shiftOf(r, k - 1, overrides) } : {}) };
}

/** Shifts starting in (from, to]: whose reminder is due when `to` is now + reminder_before. */
export function shiftsStartingIn(r: Rotation, from: Date, to: Date, overrides: Overrides = NONE): Shift[] {
  return shiftsBetween(r, from, new Date(to.getTime() + 1), overrides).filter((s) => s.start.getTime() > from.getTime());
}

/**
 * Who to page, in order (SPEC §3.1 urgent path): the engineer on call at `at`, then the next
 * different people in line (the coming shifts), `depth` people at most. Supervisors come after.
 */
export function pagingLine(r: Rotation, at: Date, overrides: Overrides = NONE, depth = 2): string[] {
  const line: string[] = [];
  const start = shiftIndexAt(r, at);
  if (start === undefined) return line;
  for (let k = start; k < start + r.handover.length * 7 && line.length < depth; k++) {
    const user = shiftOf(r, k, overrides).user;
    if (!line.includes(user)) line.push(user);
  }
  return line;
}

/** Who a page rings at `step`: one person in line, or every supervisor once the line is used up. */
export function pageTargets(page: { line: readonly string[]; step: number }, supervisors: readonly string[]): string[] {
  return page.step < page.line.length ? [page.line[page.step]!] : [...supervisors];
}

/** The user's next shift (the running one included) within `horizon`, across rotations. */
export function nextShiftOf(
  user: string,
  rotations: readonly Rotation[],
  at: Date,
  horizonMs: number,
  overridesOf: (rotation: string) => Overrides,
): Shift | undefined {
  let best: Shift | undefined;
  const to = new Date(at.getTime() + horizonMs);
  for (const r of rotations) {
    const mine = shiftsBetween(r, at, to, overridesOf(r.name)).find((s) => s.user === user);
    if (mine && (!best || mine.start.getTime() < best.start.getTime())) best = mine;
  }
  return best;
}

// ── ticket snapshot for the handover ───────────────────────────────────────────────────────────

/** How a ticket stands against its targets at a moment. */
export type SlaState = 'ok' | 'at_risk' | 'breached' | 'paused';

/** The warning threshold: at risk from 75 % of a target's time. */
export const AT_RISK_FRACTION = 0.75;

export interface TicketClocks {
  state: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  responseDueAt: Date;
  resolutionDueAt: Date;
}

/**
 * The worse of the response and resolution states at `now`: breached once a due time passed
 * unmet, at risk from 75 % of its span, paused while waiting on the customer (resolution only).
 */
export function slaState(t: TicketClocks, now: Date): SlaState {
  const stateOf = (due: Date): SlaState => {
    const span = due.getTime() - t.createdAt.getTime();
    const used = now.getTime() - t.createdAt.getTime();
    if (used >= span) return 'breached';
    return span > 0 && used >= span * AT_RISK_FRACTION ? 'at_risk' : 'ok';
  };
  const response = t.acknowledgedAt ? 'ok' : stateOf(t.responseDueAt);
  if (response === 'breached') return 'breached';
  const resolution = t.state === 'waiting_customer' ? 'paused' : stateOf(t.resolutionDueAt);
  if (resolution === 'breached') return 'breached';
  if (response === 'at_risk' || resolution === 'at_risk') return 'at_risk';
  return resolution === 'paused' ? 'paused' : 'ok';
}

/** Text limits of the on-call forms. */
export const ONCALL_LIMITS = { note: 2000 } as const;

/** How far ahead `/oncall schedule`, the swap form and the Home tab look. */
export const SCHEDULE_DAYS = 14;
export const DAY_MS = 86_400_000;
