// Patrol rules (SPEC §3.4): the slot, its deadline and escalation, what a submission must contain.
// Pure: `now` and the zone are passed in; nothing here reads the clock or the store.
import { DateTime } from 'luxon';
import cron from 'node-cron';
import { parseClock } from '../../config/durations.js';
import type { MessageKey } from '../../platform/i18n.js';

export type PatrolRunState = 'open' | 'claimed' | 'submitted';
export type PatrolItemStatus = 'pending' | 'ok' | 'abnormal';
export type PatrolResult = 'ok' | 'abnormal';

/** A checklist as opsdesk.yml `patrols` gives it (after defaults). */
export interface Checklist {
  name: string;
  schedule: string;
  deadline: string;
  channel?: string;
  category?: string;
  items: string[];
  customer: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  /** Minutes after the deadline at which the supervisors hear of an unsubmitted run. */
  escalate_after: number;
  /** Runs only on this calendar's working days (make-up days included); absent: whenever `schedule` fires. */
  calendar?: string;
}

export const PATROL_LIMITS = { itemNote: 500, runNote: 1000 } as const;

/** The run's slot: the minute it is for (a second-precise `--at` and the scheduler's fire time agree). */
export function slotMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/**
 * When a run for `slot` is due: the checklist's deadline on the slot's local date, or on the next
 * day when that time has already passed at the slot (a 22:00 patrol with deadline 02:00).
 */
export function runTimes(checklist: Pick<Checklist, 'deadline' | 'escalate_after'>, slot: Date, zone: string): { runDate: string; deadlineAt: Date; escalateAt: Date } {
  const local = DateTime.fromJSDate(slot, { zone });
  const minutes = parseClock(checklist.deadline)!;
  let deadline = local.startOf('day').set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  if (deadline.toMillis() <= slot.getTime()) deadline = deadline.plus({ days: 1 });
  const deadlineAt = deadline.toJSDate();
  return { runDate: local.toISODate()!, deadlineAt, escalateAt: new Date(deadlineAt.getTime() + checklist.escalate_after * 60_000) };
}

/** Whether a cron expression fires at the minute of `at` in `zone` (node-cron's own matcher). */
export function cronFiresAt(expression: string, at: Date, zone: string): boolean {
  const task = cron.createTask(expression, () => {}, { timezone: zone });
  try {
    return task.match(slotMinute(at));
  } finally {
    void task.destroy();
  }
}

/** Which alerts an unsubmitted run owes at `now`: the reminder at the deadline, the escalation later. */
export function alertsDue(
  run: { state: PatrolRunState; deadlineAt: Date; escalateAt: Date; remindedAt: Date | null; escalatedAt: Date | null },
  now: Date,
): { reminder: boolean; escalation: boolean } {
  if (run.state === 'submitted') return { reminder: false, escalation: false };
  return {
    reminder: !run.remindedAt && now.getTime() >= run.deadlineAt.getTime(),
    escalation: !run.escalatedAt && now.getTime() >= run.escalateAt.getTime(),
  };
}

export interface ItemResult {
  position: number;
  status?: string;
  note?: string;
}

export type FieldProblems = Record<string, { key: MessageKey; params?: Record<string, string | number> }>;

/** Block ids of the result form: one status and one note per item. */
export const itemField = (position: number) => `item_${position}`;
export const noteField = (position: number) => `note_${position}`;
export const RUN_NOTE_FIELD = 'run_note';

/**
 * Checks a submission: every item OK or Abnormal, every abnormal item with a note, notes within
 * their limits. Returns the problems by form field (empty when it may be saved).
 */
export function validateResults(positions: number[], results: ItemResult[], runNote?: string): FieldProblems {
  const problems: FieldProblems = {};
  const byPosition = new Map(results.map((r) => [r.position, r]));
  for (const position of positions) {
    const r = byPosition.get(position);
    if (r?.status !== 'ok' && r?.status !== 'abnormal') {
      problems[itemField(position)] = { key: 'patrol.error.choose' };
      continue;
    }
    const note = r.note?.trim() ?? '';
    if (r.status === 'abnormal' && !note) problems[noteField(position)] = { key: 'patrol.error.note_required' };
    else if ([...note].length > PATROL_LIMITS.itemNote) problems[noteField(position)] = { key: 'error.too_long', params: { max: PATROL_LIMITS.itemNote } };
  }
  if (runNote && [...runNote.trim()].length > PATROL_LIMITS.runNote) problems[RUN_NOTE_FIELD] = { key: 'error.too_long', params: { max: PATROL_LIMITS.runNote } };
  return problems;
}

/** A run was submitted on time when it was submitted at or before its deadline. */
export const onTime = (run: { submittedAt: Date | null; deadlineAt: Date }) => !!run.submittedAt && run.submittedAt.getTime() <= run.deadlineAt.getTime();
